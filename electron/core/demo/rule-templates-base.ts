// Shared shapes for the demo detection-rule templates (rule-templates-*.ts): what a rule looks like,
// the per-signal context the generator hands to it, and the helpers the templates use to build
// their source-specific attributes. Pure data and small functions; no Node imports.
import type { Severity } from '../../../shared/domain';
import type { Prng, WeightedPair } from './prng';

export type RuleType = 'Log Detection' | 'Workload Security' | 'Signal Correlation';
export type DetectionMethod = 'threshold' | 'new_value' | 'anomaly_detection' | 'impossible_travel' | 'hardcoded';

/** Which pool the generator draws the signal's host from (`none`: the signal has no host). */
export type HostKind = 'none' | 'linux' | 'k8s' | 'windows' | 'web';
/** Which pool the generator draws the client IP from. */
export type IpKind = 'attacker' | 'mixed' | 'benign';

/** How an entity of the signal is written in `attributes.attributes.entities`. */
export type EntityKind =
  | 'host'
  | 'usr.id'
  | 'usr.root'
  | 'usr.email'
  | 'ip'
  | 'aws.user'
  | 'aws.role'
  | 'aws.account'
  | 'gcp.project'
  | 'azure.subscription'
  | 'k8s.namespace'
  | 'k8s.pod'
  | 'github.repo';

export interface MitreMapping {
  /** ATT&CK Enterprise technique id, e.g. `T1110` or `T1078.004`. */
  technique: string;
  /** Tag slug of the technique name, e.g. `brute-force`, `cloud-accounts`. */
  techniqueSlug: string;
  /** ATT&CK tactic id, e.g. `TA0006`. */
  tactic: string;
  /** Tactic shortname, e.g. `credential-access`. */
  tacticSlug: string;
}

export function mitre(technique: string, techniqueSlug: string, tactic: string, tacticSlug: string): MitreMapping {
  return { technique, techniqueSlug, tactic, tacticSlug };
}

export interface Person {
  /** `first.last` */
  login: string;
  name: string;
  email: string;
  team: string;
  /** Okta user id (`00u…`) */
  oktaId: string;
  github: string;
}

export interface ExternalIp {
  ip: string;
  country: string;
  countryIso: string;
  city: string;
  asn: string;
  isp: string;
  attacker: boolean;
}

export interface HostInfo {
  name: string;
  kind: Exclude<HostKind, 'none'>;
  ip: string;
  instanceType: string;
  az: string;
  region: string;
  cluster: string | null;
  os: string;
  env: 'prod' | 'staging';
}

export interface CloudAccount {
  id: string;
  name: string;
}

/** Everything a template may refer to for one signal. Filled by the generator. */
export interface SignalContext {
  rng: Prng;
  /** Signal time, epoch ms, and its ISO form. */
  ts: number;
  iso: string;
  env: 'prod' | 'staging';
  /** The acting user (or the targeted account, for attacks against a login). */
  user: Person;
  /** A second person, e.g. the one granted a role or added to a group. */
  target: Person;
  ip: ExternalIp;
  internalIp: string;
  host: HostInfo;
  aws: CloudAccount;
  region: string;
  /** An IAM role name in `aws`. */
  role: string;
  gcpProject: string;
  azureSubscription: string;
  azureResourceGroup: string;
  cluster: string;
  namespace: string;
  pod: string;
  serviceAccount: string;
  repo: string;
  userAgent: string;
  /** Events matched by the rule for this signal. */
  count: number;
}

export interface BuiltSource {
  /** Source-specific fields merged into `attributes.attributes` (usr, network, evt, process, …). */
  attrs: Record<string, unknown>;
  /** The triggering log's custom content for `samples[].content.custom` (keep it small). */
  sample: Record<string, unknown>;
  /** Event tags contributed by this source (merged with rule tags, duplicates and all). */
  tags?: string[];
  /** Status of the triggering log (`info` unless said otherwise). */
  sampleStatus?: string;
}

export interface RuleTemplate {
  /** Short stable key, used to group templates into attack campaigns. */
  key: string;
  /** Datadog rule id, e.g. `xgh-dfy-ywf`. */
  id: string;
  defaultRuleId: string;
  version: number;
  name: string;
  /** `source:` tag value of the logs the rule reads. */
  source: string;
  /** `service` of the signal (`''` when the logs have none). */
  service: string;
  type: RuleType;
  detectionMethod: DetectionMethod;
  /** Relative frequency among all templates. */
  weight: number;
  severity: readonly WeightedPair<Severity>[];
  mitre: MitreMapping;
  /** Rule case: name (may be empty) and condition, as in `triggeringRuleCase`. */
  caseName: string;
  condition: string;
  /** The rule's log query, used for `relatedLogsQueryUrl`. */
  query: string;
  groupBy: readonly string[];
  /** Range of `workflow.events_matched`. */
  events: readonly [number, number];
  hostKind: HostKind;
  ipKind: IpKind;
  entities: readonly EntityKind[];
  /** Markdown sections; `{placeholder}`s are filled from the signal's context. */
  goal: string;
  strategy: string;
  triage: string;
  build(c: SignalContext): BuiltSource;
}

/** Placeholders a message may use. */
export const MESSAGE_PLACEHOLDERS = [
  'user',
  'email',
  'target',
  'ip',
  'country',
  'city',
  'host',
  'account',
  'accountName',
  'region',
  'role',
  'project',
  'subscription',
  'cluster',
  'namespace',
  'pod',
  'repo',
  'count',
  'env',
] as const;
export type MessagePlaceholder = (typeof MESSAGE_PLACEHOLDERS)[number];

export function placeholderValue(key: MessagePlaceholder, c: SignalContext): string {
  switch (key) {
    case 'user':
      return c.user.login;
    case 'email':
      return c.user.email;
    case 'target':
      return c.target.email;
    case 'ip':
      return c.ip.ip;
    case 'country':
      return c.ip.country;
    case 'city':
      return c.ip.city;
    case 'host':
      return c.host.name;
    case 'account':
      return c.aws.id;
    case 'accountName':
      return c.aws.name;
    case 'region':
      return c.region;
    case 'role':
      return c.role;
    case 'project':
      return c.gcpProject;
    case 'subscription':
      return c.azureSubscription;
    case 'cluster':
      return c.cluster;
    case 'namespace':
      return c.namespace;
    case 'pod':
      return c.pod;
    case 'repo':
      return c.repo;
    case 'count':
      return String(c.count);
    case 'env':
      return c.env;
  }
}

export function entityValue(kind: EntityKind, c: SignalContext): string {
  switch (kind) {
    case 'host':
      return `host:${c.host.name}`;
    case 'usr.id':
      return `@usr.id:${c.user.login}`;
    case 'usr.root':
      return '@usr.id:root';
    case 'usr.email':
      return `@usr.email:${c.user.email}`;
    case 'ip':
      return `@network.client.ip:${c.ip.ip}`;
    case 'aws.user':
      return `@userIdentity.arn:${awsUserArn(c)}`;
    case 'aws.role':
      return `@userIdentity.arn:${awsRoleArn(c)}`;
    case 'aws.account':
      return `@userIdentity.accountId:${c.aws.id}`;
    case 'gcp.project':
      return `project_id:${c.gcpProject}`;
    case 'azure.subscription':
      return `subscription_id:${c.azureSubscription}`;
    case 'k8s.namespace':
      return `@objectRef.namespace:${c.namespace}`;
    case 'k8s.pod':
      return `@objectRef.name:${c.pod}`;
    case 'github.repo':
      return `@repo:${c.repo}`;
  }
}

// ---- helpers for the template builders -------------------------------------------------------

export function awsUserArn(c: SignalContext): string {
  return `arn:aws:iam::${c.aws.id}:user/${c.user.login}`;
}

export function awsRoleArn(c: SignalContext): string {
  return `arn:aws:sts::${c.aws.id}:assumed-role/${c.role}/${c.user.email}`;
}

/** CloudTrail `userIdentity` for an IAM user (`kind: 'user'`) or an assumed role. */
export function awsIdentity(c: SignalContext, kind: 'user' | 'role'): Record<string, unknown> {
  return kind === 'user'
    ? { type: 'IAMUser', arn: awsUserArn(c), accountId: c.aws.id, userName: c.user.login }
    : { type: 'AssumedRole', arn: awsRoleArn(c), accountId: c.aws.id, sessionContext: { sessionIssuer: { type: 'Role', userName: c.role } } };
}

/** The `network.client` block most log integrations carry. */
export function netClient(c: SignalContext): Record<string, unknown> {
  return {
    client: {
      ip: c.ip.ip,
      geoip: { country: { iso_code: c.ip.countryIso, name: c.ip.country }, city: { name: c.ip.city } },
    },
  };
}

export function usr(c: SignalContext): Record<string, unknown> {
  return { id: c.user.login, email: c.user.email, name: c.user.name };
}

/** Timestamp `secondsBefore` the signal, ISO. */
export function isoBefore(c: SignalContext, secondsBefore: number): string {
  return new Date(c.ts - secondsBefore * 1000).toISOString();
}

export function cloudtrailTags(c: SignalContext): string[] {
  return [`aws_account:${c.aws.id}`, `region:${c.region}`, 'sourcecategory:aws', 'service:cloudtrail'];
}

export function hostTags(c: SignalContext): string[] {
  const h = c.host;
  if (h.kind === 'windows') return [`host:${h.name}`, 'os:windows', 'domain:corp.northwind.io'];
  const tags = [`host:${h.name}`, `availability-zone:${h.az}`, `region:${h.region}`, `instance-type:${h.instanceType}`];
  if (h.cluster) tags.push(`kube_cluster_name:${h.cluster}`, 'kube_node_role:compute');
  return tags;
}

/** A Workload Security (CWS) process block. */
export function cwsProcess(path: string, args: string, pid: number, parentPath: string, user = 'root'): Record<string, unknown> {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const parentName = parentPath.slice(parentPath.lastIndexOf('/') + 1);
  return {
    executable: { path, name },
    args,
    pid,
    user,
    parent: { executable: { path: parentPath, name: parentName }, comm: parentName.slice(0, 15) },
  };
}

/** Agent block of CWS signals, as recorded. */
export function cwsAgent(ruleIds: string[]): Record<string, unknown> {
  return { version: '7.59.1', rule_id: ruleIds, policy_version: '1.27.0' };
}

export const SEV = {
  /** mostly low, some medium */
  low: [
    ['info', 1],
    ['low', 7],
    ['medium', 2],
  ],
  /** mostly medium */
  medium: [
    ['low', 2],
    ['medium', 7],
    ['high', 1],
  ],
  /** mostly high, some critical */
  high: [
    ['medium', 2.5],
    ['high', 7],
    ['critical', 0.5],
  ],
  critical: [
    ['high', 4],
    ['critical', 6],
  ],
  info: [
    ['info', 7],
    ['low', 3],
  ],
} as const satisfies Record<string, readonly WeightedPair<Severity>[]>;
