// Deterministic generator of realistic Datadog Cloud SIEM security signals for the demo workspace
// and the benchmarks. Signals have the search-API shape (../shared/reference/datadog README §2):
// `{id, type: 'signal', attributes: {timestamp, status, message, tags, host?, service, attributes}}`.
//
// A fictional company, northwind.io (40 people, 60 hosts, 4 AWS accounts, 2 EKS clusters, GCP and
// Azure, GitHub, Okta, Google Workspace, 1Password), is attacked by a handful of recurring IPs.
// Timestamps are produced in ascending order without holding the signals: ordered uniform
// variates mapped through an hourly intensity profile (office hours, weekends, attack bursts), so
// a million signals stream in constant memory. During a burst most signals come from one
// "campaign" (e.g. credential stuffing → MFA fatigue → console login) sharing the same attacker IP,
// victim and hosts, so related findings share entities.
import { Buffer } from 'node:buffer';
import type { Severity } from '../../../shared/domain';
import { createPrng, hashSeed, makeWeightedTable, type Prng, type WeightedTable } from './prng';
import { RULE_TEMPLATES, ruleTemplate } from './rule-templates';
import {
  MESSAGE_PLACEHOLDERS,
  entityValue,
  placeholderValue,
  type CloudAccount,
  type ExternalIp,
  type HostInfo,
  type MessagePlaceholder,
  type Person,
  type RuleTemplate,
  type SignalContext,
} from './rule-templates-base';

// ---- public types -------------------------------------------------------------------------------

export type DemoTriageState = 'open' | 'under_review' | 'archived';

export type DemoSample = {
  eventId: string;
  content: {
    status: string;
    service: string;
    tags: string[];
    timestamp: string;
    custom: Record<string, unknown>;
  };
};

export type DemoSignalCustom = {
  title: string;
  status: string;
  entities: string[];
  workflow: {
    rule: {
      id: string;
      name: string;
      type: 'Log Detection' | 'Workload Security' | 'Signal Correlation';
      version: number;
      detectionMethod: string;
      isDefaultRule: boolean;
      defaultRuleId: string;
      defaultRuleVersion: number;
    };
    triage: {
      state: DemoTriageState;
      assignee: { id: number; name: string };
      incidentIds: number[];
      updater: { handle: string; name: string };
      creator: { handle: string; name: string };
    };
    first_seen: string;
    last_seen: string;
    events_matched: number;
    high_cardinality: { attributes: string[]; tags: string[] };
  };
  triggeringRuleCase: { status: Severity; name: string; condition: string };
  samples: DemoSample[];
  groupByPaths: string[];
  relatedLogsQueryUrl: string;
  internal_id: string;
  service: string;
  /** Source-specific fields copied from the triggering events (usr, network, evt, process, …). */
  [field: string]: unknown;
};

export type DemoSignal = {
  id: string;
  type: 'signal';
  attributes: {
    status: Severity;
    service: string[];
    tags: string[];
    timestamp: string;
    host?: string;
    attributes: DemoSignalCustom;
    message: string;
  };
};

export interface DemoSignalOptions {
  count: number;
  /** default 1337 */
  seed?: number;
  /** end of the generated window (exclusive); default 2026-11-20T12:00:00Z, so output is deterministic */
  now?: Date;
  /** length of the window ending at `now`; default 30 */
  spanDays?: number;
}

export interface DemoAnalyst {
  handle: string;
  name: string;
  role: 'analyst' | 'lead' | 'admin';
}

/** The demo SOC: 5 analysts, 2 leads, 1 admin. Triage assignees in the signals come from here. */
export const DEMO_ANALYSTS: readonly DemoAnalyst[] = Object.freeze([
  { handle: 'amara.okafor', name: 'Amara Okafor', role: 'analyst' },
  { handle: 'li.wei', name: 'Li Wei', role: 'analyst' },
  { handle: 'jonas.berg', name: 'Jonas Berg', role: 'analyst' },
  { handle: 'priya.nair', name: 'Priya Nair', role: 'analyst' },
  { handle: 'diego.ramos', name: 'Diego Ramos', role: 'analyst' },
  { handle: 'sofia.rossi', name: 'Sofia Rossi', role: 'lead' },
  { handle: 'kenji.sato', name: 'Kenji Sato', role: 'lead' },
  { handle: 'marta.kowalski', name: 'Marta Kowalski', role: 'admin' },
] satisfies DemoAnalyst[]);

export const DEMO_DEFAULT_SEED = 1337;
export const DEMO_DEFAULT_NOW = new Date('2026-11-20T12:00:00.000Z');
export const DEMO_DEFAULT_SPAN_DAYS = 30;

// ---- the fictional company ----------------------------------------------------------------------

const DOMAIN = 'northwind.io';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const PEOPLE: readonly (readonly [string, string, string])[] = [
  ['olivia', 'bennett', 'platform'], ['noah', 'fischer', 'platform'], ['emma', 'kowalczyk', 'payments'], ['liam', 'oconnor', 'payments'],
  ['ava', 'nguyen', 'data'], ['lucas', 'moreau', 'data'], ['mia', 'schneider', 'web'], ['ethan', 'brooks', 'web'],
  ['zoe', 'castillo', 'mobile'], ['samuel', 'adeyemi', 'mobile'], ['chloe', 'dubois', 'security'], ['mateo', 'silva', 'security'],
  ['hannah', 'lindqvist', 'it'], ['daniel', 'cohen', 'it'], ['grace', 'tanaka', 'finance'], ['henry', 'walsh', 'finance'],
  ['isla', 'murphy', 'sales'], ['jack', 'patel', 'sales'], ['lily', 'novak', 'support'], ['oscar', 'jensen', 'support'],
  ['nora', 'haddad', 'platform'], ['leo', 'ferreira', 'platform'], ['ruby', 'okonkwo', 'payments'], ['finn', 'larsen', 'data'],
  ['ella', 'romero', 'web'], ['max', 'keller', 'web'], ['aria', 'kim', 'mobile'], ['theo', 'bianchi', 'security'],
  ['maya', 'goldberg', 'it'], ['adam', 'petrov', 'finance'], ['sara', 'holm', 'sales'], ['omar', 'farouk', 'support'],
  ['julia', 'weber', 'platform'], ['ivan', 'horvat', 'data'], ['elena', 'popescu', 'payments'], ['david', 'mensah', 'web'],
  ['anna', 'virtanen', 'it'], ['tom', 'harrison', 'finance'], ['lea', 'martin', 'support'], ['ben', 'yilmaz', 'platform'],
];

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

interface HostPlus extends HostInfo {
  team: string;
}

interface World {
  people: Person[];
  peopleTable: WeightedTable<Person>;
  hosts: Record<HostInfo['kind'], HostPlus[]>;
  hostTables: Record<HostInfo['kind'], WeightedTable<HostPlus>>;
  attackers: ExternalIp[];
  attackerTable: WeightedTable<ExternalIp>;
  benign: ExternalIp[];
  accounts: CloudAccount[];
  accountTable: WeightedTable<CloudAccount>;
  regionTable: WeightedTable<string>;
  roles: string[];
  gcpProjects: string[];
  azureSubscriptions: string[];
  azureResourceGroups: string[];
  clusters: string[];
  namespaces: string[];
  pods: Record<string, string[]>;
  repos: string[];
  userAgents: string[];
}

function zipfTable<T>(values: readonly T[], s = 0.8): WeightedTable<T> {
  return makeWeightedTable(values.map((v, i) => [v, 1 / Math.pow(i + 1, s)] as const));
}

function ip(ip: string, country: string, countryIso: string, city: string, asn: string, isp: string, attacker: boolean): ExternalIp {
  return { ip, country, countryIso, city, asn, isp, attacker };
}

function buildWorld(): World {
  // A fixed seed: the company is the same whatever the signal seed.
  const r = createPrng(hashSeed(DOMAIN));
  const people: Person[] = PEOPLE.map(([first, last, team]) => {
    const login = `${first}.${last}`;
    const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
    return { login, name: `${cap(first)} ${cap(last)}`, email: `${login}@${DOMAIN}`, team, oktaId: `00u${r.chars(17, ALNUM)}`, github: `${first}${last[0]}-nw` };
  });
  const teamOf = (i: number) => ['platform', 'payments', 'data', 'web', 'security'][i % 5]!;
  const hosts: Record<HostInfo['kind'], HostPlus[]> = { linux: [], web: [], k8s: [], windows: [] };
  const azs = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-west-2a', 'us-west-2b'];
  const internal = () => `10.${r.int(0, 3) * 16 + r.int(0, 3)}.${r.int(0, 255)}.${r.int(4, 250)}`;
  for (let i = 0; i < 28; i++) {
    const az = r.pick(azs);
    const addr = internal();
    const name = i < 16 ? `i-0${r.hex(16)}` : `ip-${addr.replaceAll('.', '-')}.ec2.internal`;
    hosts.linux.push({ name, kind: 'linux', ip: addr, instanceType: r.pick(['m6i.large', 'm6i.xlarge', 'c6i.2xlarge', 't3.medium', 'r6i.large']), az, region: az.slice(0, -1), cluster: null, os: 'ubuntu-22.04', env: r.chance(0.2) ? 'staging' : 'prod', team: teamOf(i) });
  }
  for (let i = 0; i < 6; i++) {
    const az = azs[i % 3]!;
    hosts.web.push({ name: `web-edge-${az.slice(-2)}-0${(i >> 1) + 1}`, kind: 'web', ip: internal(), instanceType: 'c6i.xlarge', az, region: 'us-east-1', cluster: null, os: 'ubuntu-22.04', env: 'prod', team: 'web' });
  }
  for (let i = 0; i < 18; i++) {
    const prod = i < 12;
    const az = prod ? azs[i % 3]! : azs[3 + (i % 2)]!;
    const addr = `10.${prod ? 40 : 56}.${r.int(0, 63)}.${r.int(4, 250)}`;
    hosts.k8s.push({ name: `ip-${addr.replaceAll('.', '-')}.${az.slice(0, -1)}.compute.internal`, kind: 'k8s', ip: addr, instanceType: r.pick(['m6i.2xlarge', 'c6i.4xlarge', 'm6a.2xlarge']), az, region: az.slice(0, -1), cluster: prod ? 'nw-prod-use1' : 'nw-staging-usw2', os: 'bottlerocket', env: prod ? 'prod' : 'staging', team: 'platform' });
  }
  const winNames = ['NW-DC01', 'NW-DC02', 'NW-FS01', 'NW-SQL01', 'NW-WS-0142', 'NW-WS-0177', 'NW-WS-0203', 'NW-JUMP01'];
  for (const name of winNames) hosts.windows.push({ name, kind: 'windows', ip: `10.8.${r.int(0, 15)}.${r.int(4, 250)}`, instanceType: 'm5.large', az: 'us-east-1a', region: 'us-east-1', cluster: null, os: 'windows-2022', env: 'prod', team: 'it' });

  // Documentation address ranges (RFC 5737) and ASNs (RFC 5398): realistic shape, nobody's real address.
  const attackers = [
    ip('203.0.113.45', 'Netherlands', 'NL', 'Amsterdam', 'AS64501', 'Bulletproof VPS hosting', true),
    ip('198.51.100.77', 'Russia', 'RU', 'Saint Petersburg', 'AS64502', 'Cloud VPS provider', true),
    ip('203.0.113.199', 'Germany', 'DE', 'Frankfurt am Main', 'AS64503', 'Tor exit relay', true),
    ip('192.0.2.66', 'Brazil', 'BR', 'Sao Paulo', 'AS64504', 'Residential proxy network', true),
    ip('198.51.100.23', 'Vietnam', 'VN', 'Hanoi', 'AS64505', 'Hosting provider', true),
    ip('203.0.113.8', 'United States', 'US', 'Ashburn', 'AS64506', 'Cloud hosting (compromised VM)', true),
  ];
  const benign = [
    ip('192.0.2.10', 'United States', 'US', 'San Francisco', 'AS64496', 'Northwind HQ egress', false),
    ip('192.0.2.11', 'United States', 'US', 'San Francisco', 'AS64496', 'Northwind HQ egress', false),
    ip('198.51.100.130', 'Germany', 'DE', 'Berlin', 'AS64497', 'Northwind Berlin office', false),
    ip('192.0.2.200', 'United States', 'US', 'Ashburn', 'AS64498', 'Northwind VPN concentrator', false),
    ip('192.0.2.201', 'Ireland', 'IE', 'Dublin', 'AS64498', 'Northwind VPN concentrator', false),
    ip('198.51.100.5', 'United States', 'US', 'Oakland', 'AS65536', 'Residential broadband', false),
    ip('198.51.100.42', 'United States', 'US', 'Seattle', 'AS65537', 'Residential broadband', false),
    ip('198.51.100.88', 'United States', 'US', 'Austin', 'AS65537', 'Residential broadband', false),
    ip('198.51.100.151', 'Canada', 'CA', 'Toronto', 'AS65538', 'Residential broadband', false),
    ip('198.51.100.172', 'United Kingdom', 'GB', 'London', 'AS65539', 'Residential fibre', false),
    ip('198.51.100.203', 'Germany', 'DE', 'Munich', 'AS65540', 'Mobile carrier', false),
    ip('203.0.113.101', 'Spain', 'ES', 'Barcelona', 'AS65541', 'Hotel Wi-Fi', false),
    ip('203.0.113.120', 'Japan', 'JP', 'Tokyo', 'AS65542', 'Mobile carrier', false),
    ip('203.0.113.150', 'United States', 'US', 'New York', 'AS65543', 'Residential broadband', false),
    ip('203.0.113.160', 'Portugal', 'PT', 'Lisbon', 'AS65544', 'Coworking space', false),
    ip('203.0.113.171', 'United States', 'US', 'Denver', 'AS65545', 'Residential broadband', false),
    ip('192.0.2.140', 'United States', 'US', 'Ashburn', 'AS65546', 'CI runners (GitHub Actions)', false),
    ip('192.0.2.141', 'United States', 'US', 'Ashburn', 'AS65546', 'CI runners (GitHub Actions)', false),
    ip('192.0.2.180', 'India', 'IN', 'Bengaluru', 'AS65547', 'Contractor office', false),
  ];
  const accounts = [
    { id: '418293750642', name: 'northwind-prod' },
    { id: '730518264913', name: 'northwind-staging' },
    { id: '564203918477', name: 'northwind-data' },
    { id: '291847365520', name: 'northwind-security' },
  ];
  const pods: Record<string, string[]> = {};
  const deployments: Record<string, string[]> = {
    payments: ['payments-api', 'ledger-worker', 'fraud-scorer'],
    checkout: ['checkout-web', 'cart-service'],
    catalog: ['catalog-api', 'search-indexer'],
    auth: ['auth-service', 'session-broker'],
    'data-pipeline': ['spark-driver', 'airflow-worker'],
    monitoring: ['datadog-agent', 'kube-state-metrics'],
    'ingress-nginx': ['ingress-nginx-controller'],
    default: ['debug-shell'],
  };
  for (const [ns, deps] of Object.entries(deployments)) {
    pods[ns] = deps.flatMap((d) => {
      const rs = r.chars(10, 'bcdfghjklmnpqrstvwxz2456789');
      return [0, 1].map(() => `${d}-${rs}-${r.chars(5, 'bcdfghjklmnpqrstvwxz2456789')}`);
    });
  }
  return {
    people,
    peopleTable: zipfTable(r.shuffle([...people])),
    hosts,
    hostTables: { linux: zipfTable(hosts.linux), web: zipfTable(hosts.web, 0.4), k8s: zipfTable(hosts.k8s), windows: zipfTable(hosts.windows, 0.5) },
    attackers,
    attackerTable: zipfTable(attackers, 1),
    benign,
    accounts,
    accountTable: makeWeightedTable(accounts.map((a, i) => [a, [6, 3, 2, 1][i]!] as const)),
    regionTable: makeWeightedTable([['us-east-1', 10], ['us-west-2', 4], ['eu-west-1', 3], ['eu-central-1', 1], ['ap-southeast-1', 0.5], ['sa-east-1', 0.3]]),
    roles: ['AWSReservedSSO_AdministratorAccess_7c1e2f9a0b3d4e5f', 'AWSReservedSSO_PowerUserAccess_a9d3b1c7e2f40816', 'terraform-apply', 'github-actions-deploy', 'eks-node-group-role', 'ci-readonly', 'data-pipeline-runner'],
    gcpProjects: ['northwind-prod-7f3a2c', 'northwind-analytics-19be04', 'northwind-ml-sandbox-5d21'],
    azureSubscriptions: ['5f2c8a1e-93b4-4d7a-8e61-0c2f9b7d4a13', 'b81e4d26-0a7f-4c3e-9d15-6e8a2f0b7c94'],
    azureResourceGroups: ['rg-prod-westeurope', 'rg-corp-it', 'rg-staging-northeurope'],
    clusters: ['nw-prod-use1', 'nw-staging-usw2'],
    namespaces: Object.keys(deployments),
    pods,
    repos: ['northwind/payments-api', 'northwind/web-storefront', 'northwind/infra-terraform', 'northwind/mobile-app', 'northwind/data-pipelines', 'northwind/platform-helm-charts', 'northwind/auth-service', 'northwind/docs'],
    userAgents: [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      'aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.7',
      'Boto3/1.35.63 md/Botocore#1.35.63 ua/2.0 os/linux#5.10.228 lang/python#3.11.10',
      'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0',
      'python-requests/2.32.3',
    ],
  };
}

let worldCache: World | null = null;
function world(): World {
  return (worldCache ??= buildWorld());
}

// ---- attack campaigns ---------------------------------------------------------------------------

interface CampaignKind {
  name: string;
  keys: readonly string[];
  /** where the pinned client IP comes from */
  ip: 'attacker' | 'benign';
}

const CAMPAIGN_KINDS: readonly CampaignKind[] = [
  { name: 'okta-account-takeover', ip: 'attacker', keys: ['okta-credential-stuffing', 'okta-mfa-fatigue', 'okta-impossible-travel', 'okta-mfa-factor-reset', 'okta-aws-takeover', 'aws-console-no-mfa', 'aws-access-denied-discovery', 'gsuite-forwarding'] },
  { name: 'cryptojacking', ip: 'attacker', keys: ['web-log4shell', 'cws-shell-in-container', 'cws-imds-access', 'aws-imds-creds-outside', 'aws-large-instances', 'cws-cryptominer', 'vpc-mining-pool', 'k8s-privileged-pod'] },
  { name: 'kubernetes-compromise', ip: 'attacker', keys: ['k8s-anonymous', 'k8s-permission-discovery', 'k8s-secrets-listed', 'k8s-exec', 'k8s-cluster-admin-binding', 'cws-container-escape', 'k8s-privileged-pod'] },
  { name: 'windows-intrusion', ip: 'attacker', keys: ['win-password-spray', 'win-lsass-access', 'win-privileged-group', 'win-scheduled-task', 'win-log-cleared'] },
  { name: 'insider-exfiltration', ip: 'benign', keys: ['1password-vault-export', 'github-repo-public', 'vpc-large-egress', 'aws-s3-public', 'gcp-bucket-public', 'github-pat-admin'] },
  { name: 'ssh-intrusion', ip: 'attacker', keys: ['ssh-brute-force', 'ssh-external-sudo', 'cws-authorized-keys', 'cws-pam-modification', 'cws-auditd-stopped', 'cws-kernel-module', 'cws-ransomware-renames'] },
  { name: 'web-scan', ip: 'attacker', keys: ['web-scanner', 'web-sqli', 'web-log4shell'] },
  { name: 'cloud-persistence', ip: 'attacker', keys: ['aws-admin-user', 'aws-cloudtrail-stopped', 'aws-guardduty-deleted', 'gcp-sa-key', 'azure-owner-granted', 'azure-keyvault-secrets', 'okta-admin-role'] },
];

interface Campaign {
  templates: WeightedTable<CompiledTemplate>;
  user: Person;
  target: Person;
  ip: ExternalIp;
  hosts: Record<HostInfo['kind'], HostPlus>;
  aws: CloudAccount;
  region: string;
  namespace: string;
  pod: string;
  repo: string;
}

// ---- compiled templates -------------------------------------------------------------------------

interface CompiledTemplate {
  t: RuleTemplate;
  severity: WeightedTable<Severity>;
  /** message split on placeholders: even indexes literal text, odd indexes placeholder keys */
  message: readonly string[];
  lowerTechnique: string;
  lowerTactic: string;
  upperTechnique: string;
  upperTactic: string;
  sourceTag: string;
  ruleIdTag: string;
  title: string;
  encodedQuery: string;
  service: string;
}

const PLACEHOLDER_SET = new Set<string>(MESSAGE_PLACEHOLDERS);

function compileMessage(t: RuleTemplate): string[] {
  const text = `%%%\n## Goal\n${t.goal}\n\n## Strategy\n${t.strategy}\n\n## Triage and response\n${t.triage}\n%%%`;
  const parts = text.split(/\{(\w+)\}/);
  for (let i = 1; i < parts.length; i += 2) {
    if (!PLACEHOLDER_SET.has(parts[i]!)) throw new Error(`demo rule ${t.key}: unknown message placeholder {${parts[i]}}`);
  }
  return parts;
}

function compile(t: RuleTemplate): CompiledTemplate {
  const m = t.mitre;
  return {
    t,
    severity: makeWeightedTable(t.severity),
    message: compileMessage(t),
    lowerTechnique: `technique:${m.technique.toLowerCase()}-${m.techniqueSlug}`,
    lowerTactic: `tactic:${m.tactic.toLowerCase()}-${m.tacticSlug}`,
    upperTechnique: `technique:${m.technique}-${m.techniqueSlug}`,
    upperTactic: `tactic:${m.tactic}-${m.tacticSlug}`,
    sourceTag: `source:${t.source}`,
    ruleIdTag: `rule_id:${t.id}`,
    title: t.caseName ? `${t.name} - ${t.caseName}` : t.name,
    encodedQuery: encodeURIComponent(`(${t.query})`),
    service: t.service,
  };
}

let compiledCache: { all: CompiledTemplate[]; table: WeightedTable<CompiledTemplate>; kinds: WeightedTable<CompiledTemplate>[] } | null = null;
function compiled() {
  if (compiledCache) return compiledCache;
  const all = RULE_TEMPLATES.map(compile);
  const byKey = new Map(all.map((c) => [c.t.key, c]));
  const kinds = CAMPAIGN_KINDS.map((k) =>
    makeWeightedTable(
      k.keys.map((key) => {
        ruleTemplate(key); // throws on a typo
        const c = byKey.get(key)!;
        return [c, 1 + Math.sqrt(c.t.weight)] as const;
      }),
    ),
  );
  compiledCache = { all, table: makeWeightedTable(all.map((c) => [c, c.t.weight] as const)), kinds };
  return compiledCache;
}

// ---- time ---------------------------------------------------------------------------------------

interface Timeline {
  start: number;
  bucketMs: number;
  weights: Float64Array;
  cumulative: Float64Array;
  total: number;
  /** campaign index per bucket, -1 when none */
  campaignOf: Int32Array;
  /** share of a campaign bucket's signals that belong to the campaign */
  campaignShare: Float64Array;
  campaigns: Campaign[];
}

function buildTimeline(r: Prng, w: World, end: number, spanDays: number): Timeline {
  const spanMs = spanDays * DAY;
  const start = end - spanMs;
  const buckets = Math.max(1, Math.round(spanMs / HOUR));
  const bucketMs = spanMs / buckets;
  const weights = new Float64Array(buckets);
  for (let b = 0; b < buckets; b++) {
    const d = new Date(start + (b + 0.5) * bucketMs);
    const hour = d.getUTCHours();
    const dow = d.getUTCDay();
    // Northwind works US hours (14:00–01:00 UTC); machines and attackers never sleep.
    let v = hour >= 14 || hour < 1 ? 1.6 : 0.75;
    if (dow === 0 || dow === 6) v *= 0.55;
    weights[b] = v * (0.85 + 0.3 * r.next());
  }
  const campaignOf = new Int32Array(buckets).fill(-1);
  const campaignShare = new Float64Array(buckets);
  const campaigns: Campaign[] = [];
  const { kinds } = compiled();
  const nCampaigns = Math.max(2, Math.round(spanDays * 0.4));
  for (let i = 0; i < nCampaigns; i++) {
    const kindIndex = r.int(0, CAMPAIGN_KINDS.length - 1);
    const kind = CAMPAIGN_KINDS[kindIndex]!;
    const namespace = r.pick(w.namespaces);
    campaigns.push({
      templates: kinds[kindIndex]!,
      user: r.pickTable(w.peopleTable),
      target: r.pick(w.people),
      ip: kind.ip === 'attacker' ? r.pickTable(w.attackerTable) : r.pick(w.benign),
      hosts: { linux: r.pickTable(w.hostTables.linux), web: r.pickTable(w.hostTables.web), k8s: r.pick(w.hosts.k8s.slice(0, 12)), windows: r.pickTable(w.hostTables.windows) },
      aws: r.pickTable(w.accountTable),
      region: r.chance(0.5) ? 'us-east-1' : r.pickTable(w.regionTable),
      namespace,
      pod: r.pick(w.pods[namespace]!),
      repo: r.pick(w.repos),
    });
    const first = r.int(0, buckets - 1);
    const length = r.int(1, 8);
    const boost = r.float(3, 6);
    for (let b = first; b < Math.min(buckets, first + length); b++) {
      weights[b] = weights[b]! * boost;
      campaignOf[b] = i;
      campaignShare[b] = 1 - 1 / boost;
    }
  }
  const cumulative = new Float64Array(buckets);
  let total = 0;
  for (let b = 0; b < buckets; b++) cumulative[b] = total += weights[b]!;
  return { start, bucketMs, weights, cumulative, total, campaignOf, campaignShare, campaigns };
}

// ---- ids ----------------------------------------------------------------------------------------

const idBuf = Buffer.alloc(41);
const innerBuf = Buffer.alloc(18);

/**
 * An opaque id in the layout of recorded ids: 0x01, the time (8 bytes), 4 random bytes, 4 zero
 * bytes, then 24 ASCII characters of an inner base64url key (time, sequence number, seed salt).
 * `seq` makes ids unique within a run; the salt makes runs with different seeds differ.
 */
function makeId(ts: number, seq: number, salt: number, random: number, kind: number): string {
  innerBuf.writeUIntBE(ts, 0, 6);
  innerBuf.writeUInt16BE(kind, 6);
  innerBuf.writeUInt32BE(seq >>> 0, 8);
  innerBuf.writeUInt32BE(salt, 12);
  innerBuf.writeUInt16BE(Math.floor(seq / 4294967296) & 0xffff, 16);
  idBuf[0] = 1;
  idBuf.writeUInt32BE(Math.floor(ts / 4294967296), 1);
  idBuf.writeUInt32BE(ts >>> 0, 5);
  idBuf.writeUInt32BE(random, 9);
  idBuf.writeUInt32BE(0, 13);
  idBuf.write(innerBuf.toString('base64url'), 17, 'latin1');
  return idBuf.toString('base64url');
}

// ---- triage -------------------------------------------------------------------------------------

const UNASSIGNED = { id: -1, name: 'Unassigned' } as const;
const NOBODY = { handle: '', name: '' } as const;
const TRIAGERS = DEMO_ANALYSTS.filter((a) => a.role !== 'admin').map((a, i) => ({
  assignee: { id: 2115689 + i * 7919, name: a.name },
  user: { handle: `${a.handle}@${DOMAIN}`, name: a.name },
}));

function triage(r: Prng, ageDays: number, severity: Severity): DemoSignalCustom['workflow']['triage'] {
  const pArchived = Math.min(0.45, 0.02 + ageDays * 0.015);
  const pReview = severity === 'high' || severity === 'critical' ? 0.16 : 0.07;
  const x = r.next();
  const state: DemoTriageState = x < pArchived ? 'archived' : x < pArchived + pReview ? 'under_review' : 'open';
  const assigned = state !== 'open' || r.next() < 0.12;
  if (!assigned) return { state, assignee: { ...UNASSIGNED }, incidentIds: [], updater: { ...NOBODY }, creator: { ...NOBODY } };
  const who = TRIAGERS[r.int(0, TRIAGERS.length - 1)]!;
  const incidentIds = severity === 'critical' && state !== 'open' && r.next() < 0.4 ? [2000 + r.int(0, 400)] : [];
  return { state, assignee: { ...who.assignee }, incidentIds, updater: { ...who.user }, creator: { ...NOBODY } };
}

// ---- one signal ---------------------------------------------------------------------------------

function serviceAccountOf(pod: string): string {
  const a = pod.lastIndexOf('-');
  const b = pod.lastIndexOf('-', a - 1);
  return b > 0 ? pod.slice(0, b) : 'default';
}

/** Integer in [min, max], skewed towards min (most detections match a handful of events). */
function skewedInt(r: Prng, min: number, max: number): number {
  const u = r.next();
  return min + Math.floor((max - min + 1) * u * u * u);
}

const LOGS_URL_TAIL = '&live=false&integration_id=security_monitoring&integration_short_name=security_investigation';

function buildSignal(r: Prng, w: World, tl: Timeline, bucket: number, ts: number, seq: number, salt: number, end: number): DemoSignal {
  const { table } = compiled();
  const ci = tl.campaignOf[bucket]!;
  const camp = ci >= 0 && r.next() < tl.campaignShare[bucket]! ? tl.campaigns[ci]! : null;
  const ct = camp ? r.pickTable(camp.templates) : r.pickTable(table);
  const t = ct.t;

  // Entities: pinned to the campaign most of the time, otherwise drawn from the company.
  const hostKind = t.hostKind === 'none' ? 'linux' : t.hostKind;
  const host = camp && r.next() < 0.85 ? camp.hosts[hostKind] : r.pickTable(w.hostTables[hostKind]);
  const user = camp && r.next() < 0.9 ? camp.user : r.pickTable(w.peopleTable);
  let target = camp ? camp.target : r.pick(w.people);
  if (target === user) target = w.people[(w.people.indexOf(user) + 7) % w.people.length]!;
  let ip: ExternalIp;
  if (camp && r.next() < 0.85) ip = camp.ip;
  else {
    const pAttacker = t.ipKind === 'attacker' ? 0.7 : t.ipKind === 'mixed' ? 0.2 : 0.03;
    ip = r.next() < pAttacker ? r.pickTable(w.attackerTable) : r.pick(w.benign);
  }
  const env = t.hostKind !== 'none' ? host.env : r.next() < 0.8 ? 'prod' : 'staging';
  const cluster = host.cluster && t.hostKind === 'k8s' ? host.cluster : env === 'prod' ? w.clusters[0]! : w.clusters[1]!;
  const pinned = camp !== null && r.next() < 0.85;
  const namespace = pinned ? camp!.namespace : w.namespaces[r.int(0, w.namespaces.length - 1)]!;
  const pod = pinned ? camp!.pod : r.pick(w.pods[namespace]!);
  const iso = new Date(ts).toISOString();
  const count = skewedInt(r, t.events[0], t.events[1]);
  const ctx: SignalContext = {
    rng: r,
    ts,
    iso,
    env,
    user,
    target,
    ip,
    internalIp: host.ip,
    host,
    aws: camp ? camp.aws : r.pickTable(w.accountTable),
    region: camp ? camp.region : r.pickTable(w.regionTable),
    role: w.roles[r.int(0, w.roles.length - 1)]!,
    gcpProject: w.gcpProjects[r.int(0, w.gcpProjects.length - 1)]!,
    azureSubscription: w.azureSubscriptions[r.int(0, w.azureSubscriptions.length - 1)]!,
    azureResourceGroup: w.azureResourceGroups[r.int(0, w.azureResourceGroups.length - 1)]!,
    cluster,
    namespace,
    pod,
    serviceAccount: serviceAccountOf(pod),
    repo: camp ? camp.repo : w.repos[r.int(0, w.repos.length - 1)]!,
    userAgent: w.userAgents[r.int(0, w.userAgents.length - 1)]!,
    count,
  };
  const severity = r.pickTable(ct.severity);
  const built = t.build(ctx);

  const entities: string[] = [];
  for (const kind of t.entities) entities.push(entityValue(kind, ctx));

  let message = '';
  const parts = ct.message;
  for (let i = 0; i < parts.length; i++) message += i & 1 ? placeholderValue(parts[i] as MessagePlaceholder, ctx) : parts[i]!;

  // Rule tags merged with event tags, duplicates and all (as recorded).
  const envTag = `env:${env}`;
  const tags: string[] = ['security:attack'];
  const style = r.next();
  if (style < 0.6) tags.push(ct.lowerTechnique, ct.sourceTag, envTag, ct.lowerTactic, ct.lowerTechnique, ct.sourceTag, 'security:attack', ct.lowerTactic);
  else if (style < 0.7) tags.push(ct.upperTechnique, ct.sourceTag, envTag, ct.upperTactic, ct.sourceTag, 'security:attack');
  else tags.push(ct.sourceTag, envTag, ct.sourceTag, 'security:attack');
  tags.push(envTag, `team:${t.hostKind !== 'none' ? host.team : user.team}`);
  if (t.type !== 'Workload Security') tags.push(ct.ruleIdTag);
  if (built.tags) for (const x of built.tags) tags.push(x);

  // Workflow times: last event shortly before the signal, first one up to an hour earlier.
  const lastSeen = Math.floor((ts - r.int(0, 4000)) / 1000) * 1000;
  const firstSeen = count > 1 ? lastSeen - r.int(1, Math.min(3600, count * 20)) * 1000 : lastSeen;
  const firstIso = new Date(firstSeen).toISOString();
  const lastIso = new Date(lastSeen).toISOString();

  const sampleStatus = built.sampleStatus ?? 'info';
  const sampleTags = built.tags && built.tags.length > 0 ? [ct.sourceTag, envTag, built.tags[0]!] : [ct.sourceTag, envTag];
  const sample = built.sample;
  const samples: DemoSample[] = [
    { eventId: makeId(lastSeen, seq, salt, r.uint32(), 1), content: { status: sampleStatus, service: ct.service, tags: sampleTags, timestamp: lastIso, custom: sample } },
  ];
  if (count > 1 && r.next() < 0.12) {
    samples.push({ eventId: makeId(firstSeen, seq, salt, r.uint32(), 2), content: { status: sampleStatus, service: ct.service, tags: sampleTags.slice(), timestamp: firstIso, custom: sample } });
  }

  const id = makeId(ts, seq, salt, r.uint32(), 0);
  const e0 = entities[0] ?? `host:${host.name}`;
  const colon = e0.indexOf(':');
  const filter = encodeURIComponent(` ${e0.slice(0, colon)}:"${e0.slice(colon + 1)}"`);

  const custom = built.attrs as DemoSignalCustom;
  custom.title = ct.title;
  custom.status = sampleStatus;
  custom.entities = entities;
  custom.workflow = {
    rule: {
      id: t.id,
      name: t.name,
      type: t.type,
      version: t.version,
      detectionMethod: t.detectionMethod,
      isDefaultRule: true,
      defaultRuleId: t.defaultRuleId,
      defaultRuleVersion: t.version,
    },
    triage: triage(r, (end - ts) / DAY, severity),
    first_seen: firstIso,
    last_seen: lastIso,
    events_matched: count,
    high_cardinality: { attributes: [], tags: [] },
  };
  custom.triggeringRuleCase = { status: severity, name: t.caseName, condition: t.condition };
  custom.groupByPaths = t.groupBy.slice();
  custom.relatedLogsQueryUrl = `/logs?query=${ct.encodedQuery}${filter}&from_ts=${firstSeen - 900_000}&to_ts=${lastSeen + 900_000}${LOGS_URL_TAIL}`;
  custom.internal_id = `${t.id}-${t.version}-${id.slice(23, 47)}-${seq}`;
  custom.service = ct.service;
  custom.samples = samples;

  const attributes: DemoSignal['attributes'] =
    t.hostKind === 'none'
      ? { status: severity, service: [ct.service], tags, timestamp: iso, attributes: custom, message }
      : { status: severity, service: [ct.service], tags, timestamp: iso, host: host.name, attributes: custom, message };
  return { id, type: 'signal', attributes };
}

// ---- the stream ---------------------------------------------------------------------------------

/**
 * Yields `count` signals in ascending timestamp order, in constant memory. Same options → same
 * signals, byte for byte (the default `now` is fixed for that reason).
 */
export function* iterateDemoSignals(opts: DemoSignalOptions): Generator<DemoSignal> {
  const count = Math.floor(opts.count);
  if (!(count >= 0)) throw new RangeError(`demo signals: count must be a non-negative number, got ${opts.count}`);
  const spanDays = opts.spanDays ?? DEMO_DEFAULT_SPAN_DAYS;
  if (!(spanDays > 0) || !Number.isFinite(spanDays)) throw new RangeError(`demo signals: spanDays must be positive, got ${spanDays}`);
  const end = (opts.now ?? DEMO_DEFAULT_NOW).getTime();
  if (!Number.isFinite(end)) throw new RangeError('demo signals: now is not a valid date');
  const seed = opts.seed ?? DEMO_DEFAULT_SEED;

  const w = world();
  const root = createPrng(seed);
  const tl = buildTimeline(root.fork(1), w, end, spanDays);
  const r = root.fork(2);
  const salt = hashSeed(`vigil-demo:${seed}`);
  const cum = tl.cumulative;
  const last = cum.length - 1;

  // Ordered uniforms, generated ascending: x_k = 1 - (1 - x_{k-1}) * U^(1/(n-k)). Mapped through
  // the cumulative intensity, they stay ascending; the bucket pointer only moves forward.
  let x = 0;
  let bucket = 0;
  let prevTs = -Infinity;
  for (let k = 0; k < count; k++) {
    x = 1 - (1 - x) * Math.exp(Math.log(1 - r.next()) / (count - k));
    const target = x * tl.total;
    while (bucket < last && cum[bucket]! <= target) bucket++;
    const before = bucket > 0 ? cum[bucket - 1]! : 0;
    const frac = Math.min(1, Math.max(0, (target - before) / tl.weights[bucket]!));
    let ts = Math.floor(tl.start + (bucket + frac) * tl.bucketMs);
    if (ts >= end) ts = end - 1;
    if (ts < prevTs) ts = prevTs;
    prevTs = ts;
    yield buildSignal(r, w, tl, bucket, ts, k, salt, end);
  }
}

/** Array form of {@link iterateDemoSignals}. */
export function generateDemoSignals(opts: DemoSignalOptions): DemoSignal[] {
  return Array.from(iterateDemoSignals(opts));
}
