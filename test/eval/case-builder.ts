// Turns the compact, hand-written eval cases (cases-main.ts, cases-holdout.ts) into Datadog
// security signals in the search-API shape (../shared/reference/datadog README §2). Deterministic:
// every value comes from the case itself or from small fixed pools indexed by the case's position,
// so `node --import tsx test/eval/build-set.ts` always writes the same files.
//
// The labels (`expect`) are set by hand, case by case, from the ATT&CK Enterprise definitions — not
// from the demo generator and not from the offline drafter's keyword map.
import { createHash } from 'node:crypto';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type Src =
  | 'cloudtrail'
  | 'gcp'
  | 'azure'
  | 'entra'
  | 'okta'
  | 'gsuite'
  | 'm365'
  | 'github'
  | 'k8s'
  | 'cws'
  | 'windows'
  | 'sshd'
  | 'network'
  | 'dns'
  | 'proxy'
  | 'web'
  | 'asm'
  | 'saas'
  | 'email';
export type Who = 'user' | 'role' | 'root' | 'sa';

export interface EvalCase {
  /** stable, unique id */
  id: string;
  /** the ATT&CK technique the activity is, as an analyst would label it */
  expect: string;
  src: Src;
  /** workflow.rule.name */
  rule: string;
  sev: Severity;
  /** "## Goal" paragraph of the rule message */
  goal: string;
  /** "## Strategy" paragraph; omitted → a short one-section message */
  strategy?: string;
  /** replaces the source's generic "## Triage and response" */
  triage?: string;
  /** evt.name of the triggering event (CloudTrail eventName, Okta eventType, verb, EventID …) */
  evt?: string;
  /** source-specific fields, merged into the signal attributes and the sample */
  fields?: Record<string, unknown>;
  /** tags the rule put on the signal, e.g. MITRE tags (recorded lower-case and duplicated) */
  tags?: string[];
  /** the signal's attributes.title, when it differs from the rule name */
  title?: string;
  who?: Who;
  events?: number;
  method?: 'threshold' | 'new_value' | 'anomaly_detection' | 'impossible_travel' | 'hardcoded';
  /** for SaaS sources: the `source:` tag value */
  source?: string;
  /** host override for host-based sources */
  host?: string;
  /** k8s / container context for cws cases */
  container?: boolean;
  note?: string;
}

// ---- fixed pools -------------------------------------------------------------------------------

const USERS = [
  'alice.moreau',
  'bashir.khan',
  'chen.li',
  'dana.whitfield',
  'emeka.obi',
  'fatima.zahra',
  'greg.novak',
  'hana.sato',
  'ivan.petrov',
  'julia.costa',
  'kofi.mensah',
  'lena.fischer',
  'mateo.silva',
];
const DOMAIN = 'example.com';
const PUBLIC_IPS: { ip: string; country: string; iso: string; city: string; asn: string }[] = [
  { ip: '203.0.113.45', country: 'Netherlands', iso: 'NL', city: 'Amsterdam', asn: 'AS14061 DigitalOcean' },
  { ip: '198.51.100.23', country: 'Russia', iso: 'RU', city: 'Moscow', asn: 'AS9123 TimeWeb' },
  { ip: '192.0.2.77', country: 'United States', iso: 'US', city: 'Ashburn', asn: 'AS16509 Amazon' },
  { ip: '203.0.113.199', country: 'Vietnam', iso: 'VN', city: 'Hanoi', asn: 'AS7552 Viettel' },
  { ip: '198.51.100.180', country: 'Brazil', iso: 'BR', city: 'Sao Paulo', asn: 'AS28573 Claro' },
  { ip: '192.0.2.14', country: 'Germany', iso: 'DE', city: 'Frankfurt', asn: 'AS24940 Hetzner' },
  { ip: '203.0.113.8', country: 'France', iso: 'FR', city: 'Paris', asn: 'AS3215 Orange' },
  { ip: '198.51.100.91', country: 'Nigeria', iso: 'NG', city: 'Lagos', asn: 'AS29465 MTN' },
];
const INTERNAL_IPS = ['10.20.4.17', '10.20.9.201', '10.40.1.33', '172.16.8.12', '10.20.13.5', '192.168.10.44'];
const AWS_ACCOUNTS = [
  { id: '123456789012', name: 'prod' },
  { id: '210987654321', name: 'staging' },
  { id: '555501234567', name: 'security-tooling' },
];
const AWS_ROLES = ['ci-deployer', 'AWSReservedSSO_PowerUser_4f2a9c', 'data-pipeline', 'eks-node-role', 'OrganizationAccountAccessRole'];
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'];
const LINUX_HOSTS = ['web-prod-03', 'ip-10-20-4-17.ec2.internal', 'api-prod-11', 'build-runner-2', 'db-prod-02', 'bastion-1'];
const K8S_HOSTS = ['ip-10-40-1-33.ec2.internal', 'ip-10-40-7-90.ec2.internal'];
const WIN_HOSTS = ['WKS-0412', 'FS01', 'DC01', 'WKS-0077', 'APP-WIN-02'];
const NAMESPACES = ['payments', 'kube-system', 'default', 'data', 'checkout'];
const PODS = ['payments-api-7c9f8d6b5-x2kqp', 'coredns-5d78c9869d-9hk2w', 'debug-shell', 'etl-worker-6f7d9c-m4z2r', 'checkout-web-5b8f-jt7pl'];
const GCP_PROJECTS = ['acme-prod-4411', 'acme-data-2207', 'acme-sandbox-9001'];
const AZ_SUBS = ['8f3c2a71-5d0e-4b8a-9c1f-2e7d6a0b4c93', 'b21e9f04-7a3c-4e6d-8f25-91c0d3a7e6b8'];
const REPOS = ['example-org/payments-api', 'example-org/infra-terraform', 'example-org/mobile-app', 'example-org/ml-models'];
const UAS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.ubuntu.22',
  'Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#6.5.0 lang/python#3.12.2',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'python-requests/2.31.0',
];

const pick = <T>(xs: readonly T[], i: number): T => xs[((i % xs.length) + xs.length) % xs.length] as T;

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function signalId(c: EvalCase, set: string): string {
  // Datadog ids are opaque URL-safe base64 starting with AQAAAY…
  return `AQAAAY${Buffer.from(sha(`${set}:${c.id}`).slice(0, 36), 'hex').toString('base64url')}`;
}

const RULE_TYPE: Partial<Record<Src, string>> = { cws: 'Workload Security', asm: 'Application Security' };

const SOURCE_TAG: Record<Src, string> = {
  cloudtrail: 'cloudtrail',
  gcp: 'gcp.audit',
  azure: 'azure.activitylogs',
  entra: 'azure.activedirectory',
  okta: 'okta',
  gsuite: 'gsuite',
  m365: 'microsoft-365',
  github: 'github',
  k8s: 'kubernetes.audit',
  cws: 'runtime-security-agent',
  windows: 'windows.events',
  sshd: 'sshd',
  network: 'vpc',
  dns: 'route53',
  proxy: 'zscaler',
  web: 'nginx',
  asm: 'appsec',
  saas: 'saas',
  email: 'proofpoint',
};

interface Persona {
  user: string;
  email: string;
  target: string;
  ip: (typeof PUBLIC_IPS)[number];
  internalIp: string;
  account: (typeof AWS_ACCOUNTS)[number];
  role: string;
  region: string;
  host: string;
  k8sHost: string;
  winHost: string;
  namespace: string;
  pod: string;
  project: string;
  sub: string;
  repo: string;
  ua: string;
  env: 'prod' | 'staging';
}

function persona(i: number): Persona {
  const user = pick(USERS, i * 7 + 3);
  const account = pick(AWS_ACCOUNTS, i);
  return {
    user,
    email: `${user}@${DOMAIN}`,
    target: `${pick(USERS, i * 5 + 1)}@${DOMAIN}`,
    ip: pick(PUBLIC_IPS, i * 3 + 1),
    internalIp: pick(INTERNAL_IPS, i),
    account,
    role: pick(AWS_ROLES, i * 2),
    region: pick(REGIONS, i),
    host: pick(LINUX_HOSTS, i),
    k8sHost: pick(K8S_HOSTS, i),
    winHost: pick(WIN_HOSTS, i),
    namespace: pick(NAMESPACES, i),
    pod: pick(PODS, i),
    project: pick(GCP_PROJECTS, i),
    sub: pick(AZ_SUBS, i),
    repo: pick(REPOS, i),
    ua: pick(UAS, i),
    env: account.name === 'staging' ? 'staging' : 'prod',
  };
}

function geo(p: Persona): Record<string, unknown> {
  return { ip: p.ip.ip, geoip: { country: { iso_code: p.ip.iso, name: p.ip.country }, city: { name: p.ip.city }, as: { name: p.ip.asn } } };
}

function merge(a: Record<string, unknown>, b: Record<string, unknown> | undefined): Record<string, unknown> {
  return b ? { ...a, ...b } : { ...a };
}

interface Built {
  attrs: Record<string, unknown>;
  sample: Record<string, unknown>;
  entities: string[];
  tags: string[];
  host?: string;
  service: string;
  triage: string;
}

function build(c: EvalCase, p: Persona): Built {
  const f = c.fields ?? {};
  const evt = { name: c.evt ?? 'unknown', outcome: (f['outcome'] as string | undefined) ?? 'success' };
  const net = { client: geo(p) };
  switch (c.src) {
    case 'cloudtrail': {
      const who = c.who ?? 'user';
      const arn =
        who === 'root'
          ? `arn:aws:iam::${p.account.id}:root`
          : who === 'role'
            ? `arn:aws:sts::${p.account.id}:assumed-role/${p.role}/${p.email}`
            : `arn:aws:iam::${p.account.id}:user/${p.user}`;
      const userIdentity =
        who === 'root'
          ? { type: 'Root', arn, accountId: p.account.id }
          : who === 'role'
            ? { type: 'AssumedRole', arn, accountId: p.account.id, sessionContext: { sessionIssuer: { type: 'Role', userName: p.role } } }
            : { type: 'IAMUser', arn, accountId: p.account.id, userName: p.user };
      const eventSource = (f['eventSource'] as string | undefined) ?? 'iam.amazonaws.com';
      const attrs = merge({ evt, eventSource, awsRegion: p.region, userIdentity, network: net, usr: { id: who === 'root' ? 'root' : p.user } }, f);
      return {
        attrs,
        sample: merge({ evt, eventName: c.evt, eventSource, awsRegion: p.region, sourceIPAddress: p.ip.ip, userAgent: p.ua, userIdentity: { type: userIdentity.type, arn } }, f),
        entities: [`@userIdentity.arn:${arn}`, `@network.client.ip:${p.ip.ip}`, `@userIdentity.accountId:${p.account.id}`],
        tags: [`aws_account:${p.account.id}`, `region:${p.region}`, 'sourcecategory:aws', 'service:cloudtrail'],
        service: 'cloudtrail',
        triage:
          `1. Determine whether \`${arn}\` is expected to call \`${c.evt ?? 'this API'}\` in account ${p.account.id} (${p.account.name}).\n` +
          `2. Review the CloudTrail activity of this identity and of \`${p.ip.ip}\` in the 24 hours around the signal.\n` +
          '3. If the activity is not authorized, follow the incident response runbook for compromised AWS identities.',
      };
    }
    case 'gcp': {
      const principal = c.who === 'sa' ? `terraform@${p.project}.iam.gserviceaccount.com` : p.email;
      const proto = merge({ serviceName: f['serviceName'] ?? 'iam.googleapis.com', methodName: c.evt, authenticationInfo: { principalEmail: principal }, requestMetadata: { callerIp: p.ip.ip } }, f['protoPayload'] as Record<string, unknown>);
      const rest = { ...f };
      delete rest['protoPayload'];
      delete rest['serviceName'];
      return {
        attrs: merge({ evt, usr: { id: principal }, network: net, data: { protoPayload: proto }, project_id: p.project }, rest),
        sample: merge({ evt, data: { protoPayload: proto }, resource: { labels: { project_id: p.project } } }, rest),
        entities: [`@usr.id:${principal}`, `project_id:${p.project}`, `@network.client.ip:${p.ip.ip}`],
        tags: [`project_id:${p.project}`, 'sourcecategory:gcp'],
        service: 'gcp',
        triage: `1. Confirm with the owner of \`${principal}\` whether this change in project ${p.project} was planned.\n2. Review Cloud Audit Logs for other administrative actions by this principal.\n3. Revert the change if it is not approved.`,
      };
    }
    case 'azure': {
      return {
        attrs: merge({ evt, usr: { id: p.email }, network: net, resourceId: `/SUBSCRIPTIONS/${p.sub.toUpperCase()}/RESOURCEGROUPS/RG-PROD`, operationName: c.evt }, f),
        sample: merge({ evt, operationName: c.evt, caller: p.email, callerIpAddress: p.ip.ip, category: 'Administrative', resultType: 'Success' }, f),
        entities: [`@usr.id:${p.email}`, `subscription_id:${p.sub}`, `@network.client.ip:${p.ip.ip}`],
        tags: [`subscription_id:${p.sub}`, 'sourcecategory:azure'],
        service: 'azure',
        triage: `1. Verify with \`${p.email}\` that the operation was requested.\n2. Look for other Azure Activity Log operations by this caller and from \`${p.ip.ip}\`.\n3. Roll the change back if it is unexpected.`,
      };
    }
    case 'entra': {
      return {
        attrs: merge({ evt, usr: { id: p.email }, network: net, properties: { initiatedBy: { user: { userPrincipalName: p.email } } } }, f),
        sample: merge({ evt, category: 'AuditLogs', operationName: c.evt, identity: p.email, callerIpAddress: p.ip.ip }, f),
        entities: [`@usr.id:${p.email}`, `@network.client.ip:${p.ip.ip}`],
        tags: ['sourcecategory:azure', 'service:azure.activedirectory'],
        service: 'azure.activedirectory',
        triage: `1. Contact \`${p.email}\` to confirm the action.\n2. Review Entra ID sign-in and audit logs for the account and for \`${p.ip.ip}\`.\n3. If unexpected, revoke the refresh tokens of the account and revert the change.`,
      };
    }
    case 'okta':
    case 'gsuite':
    case 'm365':
    case 'saas':
    case 'email': {
      const usrKey = c.src === 'm365' ? { id: p.email } : { email: p.email, name: p.user.replace('.', ' ') };
      const source = c.source ?? SOURCE_TAG[c.src];
      return {
        attrs: merge({ evt, usr: usrKey, network: net, http: { useragent: p.ua } }, f),
        sample: merge({ evt, usr: usrKey, network: { client: { ip: p.ip.ip } } }, f),
        entities: [c.src === 'm365' ? `@usr.id:${p.email}` : `@usr.email:${p.email}`, `@network.client.ip:${p.ip.ip}`],
        tags: [`sourcecategory:${source}`],
        service: source,
        triage: `1. Reach out to \`${p.email}\` to confirm whether the activity is expected.\n2. Review the account's recent activity in ${source} and any sign-ins from \`${p.ip.ip}\` (${p.ip.country}).\n3. If it is not legitimate, follow the account compromise runbook.`,
      };
    }
    case 'github': {
      return {
        attrs: merge({ evt, usr: { id: p.user.replace('.', '-') }, network: net, github: { org: 'example-org', repo: p.repo } }, f),
        sample: merge({ evt, action: c.evt, actor: p.user.replace('.', '-'), repo: p.repo, org: 'example-org', actor_ip: p.ip.ip }, f),
        entities: [`@usr.id:${p.user.replace('.', '-')}`, `@repo:${p.repo}`, `@network.client.ip:${p.ip.ip}`],
        tags: ['sourcecategory:github', 'org:example-org'],
        service: 'github',
        triage: `1. Confirm with \`${p.user.replace('.', '-')}\` whether the action on ${p.repo} was intended.\n2. Review the organization audit log for related actions by this user.\n3. Revert the change and rotate any exposed tokens if needed.`,
      };
    }
    case 'k8s': {
      const user = c.who === 'sa' ? `system:serviceaccount:${p.namespace}:default` : p.email;
      const objectRef = merge({ namespace: p.namespace, name: p.pod }, f['objectRef'] as Record<string, unknown>);
      const rest = { ...f };
      delete rest['objectRef'];
      return {
        attrs: merge({ evt, usr: { id: user, name: user }, objectRef, network: { client: { ip: p.internalIp } }, verb: c.evt, responseStatus: { code: 201 } }, rest),
        sample: merge({ evt, verb: c.evt, objectRef, user: { username: user }, sourceIPs: [p.internalIp] }, rest),
        entities: [`@usr.name:${user}`, `@objectRef.namespace:${objectRef['namespace'] as string}`, `kube_cluster_name:prod-eks-1`],
        tags: ['kube_cluster_name:prod-eks-1', `kube_namespace:${objectRef['namespace'] as string}`, 'sourcecategory:kubernetes'],
        service: 'kube-apiserver',
        triage: `1. Identify who or what is behind \`${user}\` and whether this action in namespace ${objectRef['namespace'] as string} is part of a deployment.\n2. Review the audit log for the same user in the last 24 hours.\n3. If it is not expected, remove the object and revoke the credentials used.`,
      };
    }
    case 'cws': {
      const host = c.host ?? (c.container ? p.k8sHost : p.host);
      const proc = (f['process'] as Record<string, unknown> | undefined) ?? {};
      const rest = { ...f };
      delete rest['process'];
      const container = c.container ? { id: sha(c.id).slice(0, 64), name: p.pod } : undefined;
      const attrs = merge({ evt, hostname: host, process: proc, usr: { id: (proc['user'] as string | undefined) ?? 'root' } }, rest);
      if (container) attrs['container'] = container;
      const sample = merge({ evt, process: proc, title: c.title ?? c.rule }, rest);
      if (container) sample['container'] = { id: container.id.slice(0, 12), name: container.name };
      const tags = [`host:${host}`, 'sourcecategory:cws'];
      if (container) tags.push('kube_cluster_name:prod-eks-1', `kube_namespace:${p.namespace}`, `pod_name:${p.pod}`, `image_name:registry.example.com/${p.namespace}/app`);
      const entities = [`host:${host}`, `@usr.id:${(proc['user'] as string | undefined) ?? 'root'}`];
      if (container) entities.push(`@container.id:${container.id.slice(0, 12)}`);
      return {
        attrs,
        sample,
        entities,
        tags,
        host,
        service: '',
        triage: `1. Review the process tree on \`${host}\` around the time of the signal.\n2. Determine whether the activity is part of a deployment or maintenance task.\n3. If it is not, isolate the ${container ? 'workload' : 'host'} and start an investigation.`,
      };
    }
    case 'windows': {
      const host = c.host ?? p.winHost;
      const user = `CORP\\${p.user}`;
      const ev = (f['Event'] as Record<string, unknown> | undefined) ?? {};
      const rest = { ...f };
      delete rest['Event'];
      const Event = { System: { EventID: c.evt ? Number(c.evt) || c.evt : undefined, Computer: `${host}.corp.example.com`, Channel: 'Security' }, ...ev };
      return {
        attrs: merge({ evt: { name: c.evt, outcome: 'success' }, usr: { id: user }, Event, hostname: host }, rest),
        sample: merge({ Event }, rest),
        entities: [`host:${host}`, `@usr.id:${user}`],
        tags: [`host:${host}`, 'os:windows', 'domain:corp.example.com'],
        host,
        service: 'windows',
        triage: `1. Check with the owner of \`${host}\` and \`${user}\` whether this was expected.\n2. Review process creation and logon events on the host around the signal.\n3. Isolate the host with EDR if the activity is malicious.`,
      };
    }
    case 'sshd': {
      const host = c.host ?? p.host;
      const src = (f['internal'] as boolean | undefined) ? { ip: p.internalIp } : geo(p);
      const rest = { ...f };
      delete rest['internal'];
      const user = (f['user'] as string | undefined) ?? 'root';
      return {
        attrs: merge({ evt: { name: 'authentication', outcome: evt.outcome }, usr: { id: user }, network: { client: src }, hostname: host, syslog: { appname: 'sshd' } }, rest),
        sample: merge({ evt: { name: 'authentication', outcome: evt.outcome }, syslog: { appname: 'sshd', hostname: host } }, rest),
        entities: [`host:${host}`, `@network.client.ip:${src['ip'] as string}`, `@usr.id:${user}`],
        tags: [`host:${host}`, 'sourcecategory:linux'],
        host,
        service: 'sshd',
        triage: `1. Check whether \`${src['ip'] as string}\` is a known administration address.\n2. Review the authentication log on \`${host}\`.\n3. Block the address and rotate credentials if needed.`,
      };
    }
    case 'network':
    case 'dns':
    case 'proxy': {
      const host = c.host ?? p.host;
      const rest = { ...f };
      return {
        attrs: merge({ evt, network: { client: { ip: p.internalIp }, ...(f['network'] as Record<string, unknown>) }, hostname: host }, rest),
        sample: merge({ evt, network: { client: { ip: p.internalIp } } }, rest),
        entities: c.src === 'proxy' ? [`@usr.email:${p.email}`, `@network.client.ip:${p.internalIp}`] : [`host:${host}`, `@network.client.ip:${p.internalIp}`],
        tags: [`host:${host}`, `sourcecategory:${SOURCE_TAG[c.src]}`],
        host,
        service: SOURCE_TAG[c.src],
        triage: `1. Identify the process on \`${host}\` (${p.internalIp}) responsible for the traffic.\n2. Check threat intelligence for the destination.\n3. Block the destination and isolate the host if the traffic is malicious.`,
      };
    }
    case 'web':
    case 'asm': {
      const service = (f['service'] as string | undefined) ?? 'checkout-web';
      return {
        attrs: merge({ evt, network: net, http: { useragent: p.ua, method: 'GET', status_code: 200 }, service }, f),
        sample: merge({ evt, network: { client: { ip: p.ip.ip } }, http: { useragent: p.ua } }, f),
        entities: [`@network.client.ip:${p.ip.ip}`, `service:${service}`],
        tags: [`service:${service}`, `env:${p.env}`],
        service,
        triage: `1. Review the requests from \`${p.ip.ip}\` (${p.ip.country}, ${p.ip.asn}) to ${service}.\n2. Check whether any request succeeded and what it returned.\n3. Block the address at the WAF if the traffic is malicious.`,
      };
    }
  }
}

function message(c: EvalCase, triage: string): string {
  if (!c.strategy) return `%%%\n${c.goal}\n%%%`;
  return `%%%\n## Goal\n${c.goal}\n\n## Strategy\n${c.strategy}\n\n## Triage and response\n${c.triage ?? triage}\n%%%`;
}

export interface EvalLine {
  id: string;
  signal: Record<string, unknown>;
  expected: { technique: string };
  note?: string;
}

const BASE_TS = Date.parse('2026-10-02T08:00:00Z');

/** One eval line per case; `set` salts the ids so the two files never share a signal id. */
export function buildLines(cases: readonly EvalCase[], set: string): EvalLine[] {
  const seen = new Set<string>();
  return cases.map((c, i) => {
    if (seen.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    seen.add(c.id);
    const p = persona(i + (set === 'holdout' ? 5 : 0));
    const b = build(c, p);
    const ts = BASE_TS + i * 11_873_000 + (set === 'holdout' ? 3_600_000 : 0);
    const iso = new Date(ts).toISOString();
    const first = new Date(ts - 420_000).toISOString();
    const source = c.source ?? SOURCE_TAG[c.src];
    const ruleId = sha(`rule:${c.rule}`);
    const rid = `${ruleId.slice(0, 3)}-${ruleId.slice(3, 6)}-${ruleId.slice(6, 9)}`.replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)] ?? d);
    const envTag = `env:${p.env}`;
    // Rule tags merged with event tags, duplicates and all (as recorded).
    const mitre = c.tags ?? [];
    const tags = ['security:attack', ...mitre, `source:${source}`, envTag, ...mitre, `source:${source}`, ...b.tags, `rule_id:${rid}`, 'security:attack'];
    const attrs: Record<string, unknown> = {
      ...b.attrs,
      title: c.title ?? c.rule,
      status: 'info',
      entities: b.entities,
      workflow: {
        rule: {
          id: rid,
          name: c.rule,
          type: RULE_TYPE[c.src] ?? 'Log Detection',
          version: 3 + (i % 9),
          detectionMethod: c.method ?? 'threshold',
          isDefaultRule: true,
          defaultRuleId: rid,
          defaultRuleVersion: 3 + (i % 9),
        },
        triage: { state: 'open', assignee: { id: -1, name: 'Unassigned' }, incidentIds: [], updater: { handle: '', name: '' }, creator: { handle: '', name: '' } },
        first_seen: first,
        last_seen: iso,
        events_matched: c.events ?? 1,
        high_cardinality: { attributes: [], tags: [] },
      },
      triggeringRuleCase: { status: c.sev, name: '', condition: 'a > 0' },
      groupByPaths: [b.entities[0]?.slice(0, b.entities[0].indexOf(':')) ?? 'host'],
      internal_id: `${rid}-${i}-${sha(c.id).slice(0, 24)}`,
      service: b.service,
      samples: [
        {
          eventId: `AQAAAY${Buffer.from(sha(`sample:${set}:${c.id}`).slice(0, 36), 'hex').toString('base64url')}`,
          content: { status: 'info', service: b.service, tags: [`source:${source}`, envTag], timestamp: iso, custom: b.sample },
        },
      ],
    };
    const attributes: Record<string, unknown> = { timestamp: iso, status: c.sev, message: message(c, b.triage), tags, service: [b.service], attributes: attrs };
    if (b.host) attributes['host'] = b.host;
    const line: EvalLine = { id: c.id, signal: { id: signalId(c, set), type: 'signal', attributes }, expected: { technique: c.expect } };
    if (c.note) line.note = c.note;
    return line;
  });
}

