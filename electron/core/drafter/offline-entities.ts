// Blast radius from a signal's entities: Datadog writes them as `<attribute path>:<value>`
// (`host:i-0439…`, `@usr.id:root`, `@network.client.ip:203.0.113.7`, `@userIdentity.arn:arn:aws:…`).
// Each becomes a typed entity (host, user, ip, cloud_role …) so the brief can say what is at stake.

export type EntityType =
  | 'host'
  | 'user'
  | 'ip'
  | 'cloud_user'
  | 'cloud_role'
  | 'cloud_root'
  | 'cloud_identity'
  | 'cloud_account'
  | 'cloud_project'
  | 'cloud_subscription'
  | 'k8s_cluster'
  | 'k8s_namespace'
  | 'k8s_object'
  | 'pod'
  | 'container'
  | 'repo'
  | 'service'
  | 'domain'
  | 'entity';

export interface TypedEntity {
  type: EntityType;
  value: string;
  /** the entity string as the signal has it */
  raw: string;
  /** its index in the signal's entities (-1 when it came from elsewhere, e.g. the signal's host) */
  index: number;
  /** for IPs: routable on the internet */
  public?: boolean;
}

const PREFIX_TYPES: readonly [RegExp, EntityType][] = [
  [/^(host|hostname|host\.name|computer)$/, 'host'],
  [/^(usr\.(id|name|email|login|handle)|user(\.(id|name|email))?|username|userprincipalname|actor|principal(email)?|identity\.claims\..*)$/, 'user'],
  [/^(network\.(client|destination)\.ip|network\.ip|ip|client\.ip|sourceipaddress|ipaddress|src_ip|dest_ip|http\.client_ip|callerip(address)?)$/, 'ip'],
  [/^(useridentity\.accountid|aws_account|account_id|cloud\.account\.id|awsaccountid)$/, 'cloud_account'],
  [/^(project_id|gcp\.project(_id)?|project)$/, 'cloud_project'],
  [/^(subscription_id|azure\.subscription(_id)?|subscriptionid)$/, 'cloud_subscription'],
  [/^(kube_cluster_name|cluster_name|kube\.cluster|orch_cluster_id)$/, 'k8s_cluster'],
  [/^(objectref\.namespace|kube_namespace|namespace|k8s\.namespace)$/, 'k8s_namespace'],
  [/^(pod_name|pod|kube_pod_name)$/, 'pod'],
  [/^(objectref\.name)$/, 'k8s_object'],
  [/^(container\.id|container_id|container_name|container\.name)$/, 'container'],
  [/^(repo|github\.repo|repository|repo\.name)$/, 'repo'],
  [/^(service|service\.name)$/, 'service'],
  [/^(dns\.question\.name|domain|http\.host)$/, 'domain'],
];

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-f:]+:[0-9a-f:]*$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;

/** Not RFC 1918, loopback, link-local, CGNAT, multicast or unspecified. */
export function isPublicIp(ip: string): boolean {
  const m = IPV4.exec(ip);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    if ([a, b, Number(m[3]), Number(m[4])].some((x) => x > 255)) return false;
    if (a === 10 || a === 127 || a === 0 || a >= 224) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if (a === 169 && b === 254) return false;
    if (a === 100 && b >= 64 && b <= 127) return false;
    return true;
  }
  if (IPV6.test(ip)) {
    const l = ip.toLowerCase();
    return !(l === '::1' || l === '::' || l.startsWith('fe80:') || l.startsWith('fc') || l.startsWith('fd'));
  }
  return false;
}

function arnType(arn: string): EntityType {
  if (/:root$/.test(arn)) return 'cloud_root';
  if (/:(assumed-role|role)\//.test(arn)) return 'cloud_role';
  if (/:user\//.test(arn)) return 'cloud_user';
  return 'cloud_identity';
}

/** `@usr.id:alice` → {type:'user', value:'alice'}; unknown prefixes keep their own name. */
export function typeEntity(raw: string, index: number): TypedEntity {
  const trimmed = raw.trim();
  // The value may itself contain colons (ARNs, IPv6): split on the first one only.
  const colon = trimmed.indexOf(':');
  let prefix = colon > 0 ? trimmed.slice(0, colon) : '';
  let value = colon > 0 ? trimmed.slice(colon + 1) : trimmed;
  if (prefix.startsWith('arn') || /^\d+$/.test(prefix)) {
    // not a prefix: the whole string is a value (an ARN, an IPv6 address)
    prefix = '';
    value = trimmed;
  }
  const key = prefix.replace(/^@/, '').toLowerCase();
  let type: EntityType = 'entity';
  if (value.startsWith('arn:')) type = key === 'useridentity.accountid' ? 'cloud_account' : arnType(value);
  else {
    for (const [re, t] of PREFIX_TYPES) {
      if (re.test(key)) {
        type = t;
        break;
      }
    }
    if (type === 'entity') {
      if (IPV4.test(value) || (IPV6.test(value) && value.includes(':'))) type = 'ip';
      else if (EMAIL.test(value)) type = 'user';
    }
  }
  const e: TypedEntity = { type, value, raw: trimmed, index };
  if (type === 'ip') e.public = isPublicIp(value);
  return e;
}

export function typeEntities(entities: readonly string[], host: string | null): TypedEntity[] {
  const out: TypedEntity[] = [];
  const seen = new Set<string>();
  entities.forEach((raw, i) => {
    const e = typeEntity(raw, i);
    const key = `${e.type}:${e.value}`;
    if (seen.has(key) || e.value === '') return;
    seen.add(key);
    out.push(e);
  });
  if (host && !out.some((e) => e.type === 'host' && e.value === host)) out.push({ type: 'host', value: host, raw: `host:${host}`, index: -1 });
  return out;
}

const LABEL: Record<EntityType, [string, string]> = {
  host: ['host', 'hosts'],
  user: ['user', 'users'],
  ip: ['IP', 'IPs'],
  cloud_user: ['cloud user', 'cloud users'],
  cloud_role: ['cloud role session', 'cloud role sessions'],
  cloud_root: ['cloud root account', 'cloud root accounts'],
  cloud_identity: ['cloud identity', 'cloud identities'],
  cloud_account: ['cloud account', 'cloud accounts'],
  cloud_project: ['cloud project', 'cloud projects'],
  cloud_subscription: ['cloud subscription', 'cloud subscriptions'],
  k8s_cluster: ['Kubernetes cluster', 'Kubernetes clusters'],
  k8s_namespace: ['namespace', 'namespaces'],
  k8s_object: ['Kubernetes object', 'Kubernetes objects'],
  pod: ['pod', 'pods'],
  container: ['container', 'containers'],
  repo: ['repository', 'repositories'],
  service: ['service', 'services'],
  domain: ['domain', 'domains'],
  entity: ['other entity', 'other entities'],
};

export function entityLabel(e: TypedEntity): string {
  const base = LABEL[e.type][0];
  return e.type === 'ip' ? `${e.public ? 'public' : 'internal'} IP ${e.value}` : `${base} ${e.value}`;
}

/** "3 entities: 1 cloud role session (arn:…), 1 public IP (203.0.113.7), 1 cloud account (1234…)". */
export function blastSummary(entities: readonly TypedEntity[]): string {
  if (entities.length === 0) return 'No entities named by the signal; reach unknown.';
  const groups = new Map<string, TypedEntity[]>();
  for (const e of entities) {
    const k = e.type === 'ip' ? (e.public ? 'public_ip' : 'internal_ip') : e.type;
    const list = groups.get(k) ?? [];
    list.push(e);
    groups.set(k, list);
  }
  const parts: string[] = [];
  for (const [k, list] of groups) {
    const [one, many] = k === 'public_ip' ? ['public IP', 'public IPs'] : k === 'internal_ip' ? ['internal IP', 'internal IPs'] : LABEL[k as EntityType];
    const shown = list
      .slice(0, 2)
      .map((e) => (e.value.length > 90 ? `${e.value.slice(0, 87)}…` : e.value))
      .join(', ');
    parts.push(`${list.length} ${list.length === 1 ? one : many} (${shown}${list.length > 2 ? ', …' : ''})`);
  }
  const text = `${entities.length} ${entities.length === 1 ? 'entity' : 'entities'}: ${parts.join('; ')}`;
  return text.length > 500 ? `${text.slice(0, 497)}…` : text;
}
