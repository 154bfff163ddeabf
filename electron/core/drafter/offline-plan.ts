// The decision half of an offline brief: recommended action, risk factors and the mitigation plan.
// Rules, not judgment: severity × tactic × exposure pick the action; the technique family picks
// concrete, templated containment steps that name the signal's own entities.
import type { ActionKind, MitigationPlan } from '../../../shared/brief';
import type { Severity } from '../../../shared/domain';
import { RISK_FORMULA, riskScore, type RiskFactors } from '../../../shared/risk';
import type { TypedEntity } from './offline-entities';

export type AttributionPath = 'tag' | 'keyword' | 'retrieval' | 'none';

export interface PlanContext {
  techniqueId: string;
  techniqueName: string;
  tacticId: string | null;
  severity: Severity;
  confidence: number;
  path: AttributionPath;
  entities: readonly TypedEntity[];
  prod: boolean;
  /** what marks the asset or identity as privileged, e.g. "AdministratorAccess", "root user" */
  admin: string | null;
  ruleType: string | null;
  ruleName: string | null;
  eventsMatched: number | null;
  firstSeen: string | null;
  relatedCount: number;
  splunkRows: number;
}

// ---- entity helpers -----------------------------------------------------------------------------

const IDENTITY_TYPES = new Set(['user', 'cloud_user', 'cloud_role', 'cloud_root', 'cloud_identity']);
const SERVICE_IDENTITY = /(^|[^a-z])(svc|service|bot|ci|cd|deploy(er)?|terraform|automation|pipeline|runner|integration)([^a-z]|$)|serviceaccount|gserviceaccount|^system:serviceaccount/i;

const vals = (c: PlanContext, pred: (e: TypedEntity) => boolean, max = 3): string[] =>
  c.entities.filter(pred).slice(0, max).map((e) => (e.value.length > 120 ? `${e.value.slice(0, 117)}…` : e.value));
const identities = (c: PlanContext) => vals(c, (e) => IDENTITY_TYPES.has(e.type));
const publicIps = (c: PlanContext) => vals(c, (e) => e.type === 'ip' && e.public === true);
const hosts = (c: PlanContext) => vals(c, (e) => e.type === 'host');
const workloads = (c: PlanContext) => vals(c, (e) => e.type === 'pod' || e.type === 'container' || e.type === 'k8s_object');
const namespaces = (c: PlanContext) => vals(c, (e) => e.type === 'k8s_namespace');
const cloudScopes = (c: PlanContext) => vals(c, (e) => e.type === 'cloud_account' || e.type === 'cloud_project' || e.type === 'cloud_subscription');
const repos = (c: PlanContext) => vals(c, (e) => e.type === 'repo');
const services = (c: PlanContext) => vals(c, (e) => e.type === 'service');

function list(xs: string[], fallback: string): string {
  if (xs.length === 0) return fallback;
  if (xs.length === 1) return `\`${xs[0]}\``;
  return `${xs.slice(0, -1).map((x) => `\`${x}\``).join(', ')} and \`${xs[xs.length - 1]}\``;
}

/** The most concrete name for what is affected, for action texts. */
export function targetsOf(c: PlanContext): string {
  const parts = [...identities(c).slice(0, 2), ...hosts(c).slice(0, 1), ...workloads(c).slice(0, 1), ...repos(c).slice(0, 1), ...publicIps(c).slice(0, 1)];
  if (parts.length === 0) parts.push(...vals(c, () => true, 2));
  return list(parts.slice(0, 3), 'the affected assets');
}

// ---- technique families -------------------------------------------------------------------------

type Family =
  | 'brute'
  | 'account-use'
  | 'oauth'
  | 'identity-persistence'
  | 'auth-tamper'
  | 'cloud-logging'
  | 'cloud-firewall'
  | 'cloud-evasion'
  | 'host'
  | 'container'
  | 'cloud-creds'
  | 'discovery'
  | 'cloud-data'
  | 'email'
  | 'saas-data'
  | 'exfil'
  | 'c2'
  | 'destroy'
  | 'ransomware'
  | 'hijack'
  | 'account-removal'
  | 'dos'
  | 'recon'
  | 'exploit'
  | 'phishing'
  | 'lateral'
  | 'generic';

const BY_ID: readonly [RegExp, Family][] = [
  [/^T1110|^T1621/, 'brute'],
  [/^T1528|^T1550\.001/, 'oauth'],
  [/^T1078|^T1550|^T1539|^T1133/, 'account-use'],
  [/^T1556|^T1484|^T1606/, 'auth-tamper'],
  [/^T1098\.00[46]|^T1136\.001/, 'host'],
  [/^T1098|^T1136/, 'identity-persistence'],
  [/^T1562\.008/, 'cloud-logging'],
  [/^T1562\.007/, 'cloud-firewall'],
  [/^T1535|^T1578/, 'cloud-evasion'],
  [/^T1609|^T1610|^T1611|^T1613|^T1552\.007|^T1053\.007|^T1525/, 'container'],
  [/^T1552\.005|^T1555\.006/, 'cloud-creds'],
  [/^T1530|^T1537|^T1619/, 'cloud-data'],
  [/^T1114|^T1564\.008|^T1098\.002/, 'email'],
  [/^T1213|^T1555\.005/, 'saas-data'],
  [/^T1048|^T1567|^T1041|^T1020|^T1052|^T1029|^T1030/, 'exfil'],
  [/^T1071|^T1090|^T1572|^T1568|^T1219|^T1095|^T1571|^T1102|^T1573|^T1105/, 'c2'],
  [/^T1486/, 'ransomware'],
  [/^T1485|^T1490|^T1561|^T1489|^T1529/, 'destroy'],
  [/^T1496/, 'hijack'],
  [/^T1531/, 'account-removal'],
  [/^T1498|^T1499/, 'dos'],
  [/^T1190|^T1210|^T1203/, 'exploit'],
  [/^T1566|^T1534|^T1204/, 'phishing'],
  [/^T1021|^T1570|^T1563/, 'lateral'],
];

const HOST_TACTIC_FAMILY: Readonly<Record<string, Family>> = {
  TA0043: 'recon',
  TA0007: 'discovery',
  TA0008: 'lateral',
  TA0011: 'c2',
  TA0010: 'exfil',
};

function familyOf(c: PlanContext): Family {
  for (const [re, f] of BY_ID) if (re.test(c.techniqueId)) return f;
  if (/^T1562/.test(c.techniqueId)) {
    // Security tooling: a cloud control (GuardDuty, Security Hub) or an agent on a host.
    return hosts(c).length > 0 && cloudScopes(c).length === 0 ? 'host' : 'cloud-evasion';
  }
  if (c.tacticId && HOST_TACTIC_FAMILY[c.tacticId]) return HOST_TACTIC_FAMILY[c.tacticId] as Family;
  if (hosts(c).length > 0 || workloads(c).length > 0) return 'host';
  return 'generic';
}

interface FamilyPlan {
  steps: string[];
  dependencies: string[];
  residual: string;
  /** what "contain" means here, one clause */
  contain: string;
  /** what to look at first, one clause */
  investigate: string;
}

function familyPlan(f: Family, c: PlanContext): FamilyPlan {
  const ids = list(identities(c), 'the identities involved');
  const ips = list(publicIps(c), 'the source addresses');
  const hs = list(hosts(c), 'the affected host');
  const wl = workloads(c).length > 0 ? list(workloads(c), '') : namespaces(c).length > 0 ? `the workloads in namespace ${list(namespaces(c), '')}` : 'the affected workload';
  const scope = list(cloudScopes(c), 'the affected cloud account');
  const since = c.firstSeen ? ` since ${c.firstSeen}` : '';
  switch (f) {
    case 'brute':
      return {
        steps: [
          `Block ${ips} at the identity provider and WAF (network zone / IP blocklist) for at least 7 days.`,
          `Check whether any attempt succeeded: search for successful sign-ins of ${ids} from ${ips}${since}.`,
          `If one did, reset the password of ${ids}, revoke their sessions and require MFA re-enrolment; if none did, confirm MFA is enforced for them.`,
          'If the attack is still running, tighten lockout and rate limits on the targeted login endpoint.',
        ],
        dependencies: ['Identity team (IdP admins) for blocklists, session revocation and password resets'],
        residual: 'Targeted credentials may be valid elsewhere (password reuse); watch for sign-ins from new networks for 14 days.',
        contain: `block ${ips} and revoke the sessions of ${ids} if any sign-in succeeded`,
        investigate: `check for a successful sign-in of ${ids} from ${ips}`,
      };
    case 'account-use':
      return {
        steps: [
          `Confirm with the owner of ${ids} whether the sign-in / API use from ${ips} was theirs.`,
          `If not: revoke all sessions and tokens of ${ids}, reset the password and rotate any access keys.`,
          `Review everything ${ids} did${since} (console, API, admin changes) for follow-on persistence.`,
          'Require phishing-resistant MFA for the account and add conditional access for unfamiliar locations.',
        ],
        dependencies: ['Identity team for session revocation and password reset', 'Account owner to confirm or deny the activity'],
        residual: 'Until the activity is confirmed as the owner’s, any change made by the account is suspect.',
        contain: `revoke the sessions and rotate the credentials of ${ids}`,
        investigate: `confirm with the owner of ${ids} whether the activity from ${ips} was theirs`,
      };
    case 'oauth':
      return {
        steps: [
          `Revoke the OAuth grant / application consent and the refresh tokens issued to it for ${ids}.`,
          'Block the application tenant-wide (admin consent required) until it is reviewed.',
          `Review the application's API activity on behalf of ${ids}${since} (mail, files read or sent).`,
          'Restrict user consent to verified publishers and low-risk scopes.',
        ],
        dependencies: ['Identity / collaboration suite admins to revoke grants and block the app'],
        residual: 'Data the application already read cannot be recalled; treat accessed mail and files as exposed.',
        contain: `revoke the application grant and refresh tokens of ${ids}`,
        investigate: `review what the application accessed on behalf of ${ids}`,
      };
    case 'identity-persistence':
      return {
        steps: [
          `Identify what ${ids} created or changed (keys, users, role or policy bindings) and whether a change request covers it.`,
          'If not approved: delete the new credential / user and remove the role or policy binding; keep a copy of its definition as evidence.',
          `Rotate the credentials of ${ids} and revoke their sessions: the actor already had rights to grant access.`,
          `Search ${scope} for use of the new credential or privilege${since}.`,
        ],
        dependencies: ['Cloud platform / identity team for key rotation and policy changes', 'Owner of the changed identity'],
        residual: 'Other backdoor credentials created in the same session may remain; review all IAM changes by the actor in the window.',
        contain: `remove the new credential or privilege and rotate the credentials of ${ids}`,
        investigate: `check whether a change request covers the change made by ${ids}`,
      };
    case 'auth-tamper':
      return {
        steps: [
          'Restore the authentication setting (MFA enrolment, sign-on / conditional access policy, federation trust) to its approved state.',
          `Revoke sessions of ${ids} and of any account that authenticated while the control was weakened.`,
          `Review who changed it and what else ${ids} changed${since}.`,
          'Alert on further changes to authentication policies and identity providers.',
        ],
        dependencies: ['Identity team (IdP admins) to restore policies and federation settings'],
        residual: 'Tokens minted while the control was weakened (or through a rogue federation trust) stay valid until they expire or are revoked.',
        contain: `restore the authentication control and revoke sessions of ${ids}`,
        investigate: `check whether the authentication change by ${ids} was approved`,
      };
    case 'cloud-logging':
      return {
        steps: [
          `Re-enable the log source (trail, sink, diagnostic setting, audit stream) in ${scope} and confirm events arrive in the SIEM.`,
          `Treat the gap as a blind spot: pull provider-side history for ${scope} covering the time logging was off.`,
          `Revoke the sessions of ${ids} and review its other actions${since}.`,
          'Prevent recurrence with an organisation policy (SCP / org policy) denying logging changes outside the security account.',
        ],
        dependencies: ['Cloud platform team for the logging configuration and organisation policies'],
        residual: 'Activity during the logging gap may never be recoverable from this source.',
        contain: `re-enable logging in ${scope} and revoke the sessions of ${ids}`,
        investigate: `check whether ${ids} was authorised to change logging in ${scope}`,
      };
    case 'cloud-firewall':
      return {
        steps: [
          `Revert the rule that opened ${scope} to the internet (remove 0.0.0.0/0 / Any sources on administrative ports).`,
          'Check connection logs of the exposed resources for inbound sessions from the internet while the rule was open.',
          `Confirm with ${ids} whether the change was approved.`,
        ],
        dependencies: ['Network / cloud platform team to revert the rule'],
        residual: 'Services exposed while the rule was open may have been scanned or accessed.',
        contain: 'revert the firewall rule',
        investigate: `confirm with ${ids} whether the rule change was approved`,
      };
    case 'cloud-evasion':
      return {
        steps: [
          `Restore the security control or configuration changed in ${scope} (detector, security service, region guardrail).`,
          `Inventory resources created in unusual regions or by ${ids}${since} and stop those not approved.`,
          `Revoke sessions and rotate the credentials of ${ids}.`,
          'Deny the disabling call with an organisation policy outside the security account.',
        ],
        dependencies: ['Cloud platform / security engineering for the control and organisation policies'],
        residual: 'Findings that the control would have raised while disabled are lost.',
        contain: `restore the control in ${scope} and rotate the credentials of ${ids}`,
        investigate: `check whether ${ids} was authorised to change the control`,
      };
    case 'host':
      return {
        steps: [
          `Isolate ${hs} from the network (EDR / security group quarantine) while keeping it running for forensics.`,
          `Capture volatile evidence (process tree, network connections, the files written) on ${hs} before killing processes.`,
          'Remove what was planted (process, file, cron/systemd/registry entry, key, account) and verify it does not come back after a reboot.',
          `Rotate credentials that were present on ${hs} (SSH keys, cloud credentials, service tokens).`,
        ],
        dependencies: [`Owner / SRE of ${hs} for isolation and rebuild`, 'EDR or Workload Security team for quarantine'],
        residual: 'Hosts where an attacker had code execution should be rebuilt from a known-good image, not cleaned.',
        contain: `isolate ${hs} and capture the process tree before cleanup`,
        investigate: `review the process tree and file changes on ${hs}`,
      };
    case 'container':
      return {
        steps: [
          `Quarantine ${wl} with a deny-all NetworkPolicy and cordon ${hosts(c).length > 0 ? `its node ${hs}` : 'its node'}; keep the pod for forensics.`,
          `Revoke or rotate the credentials involved (${ids}, the pod's service account token, node role credentials).`,
          'Delete the workload or binding that was created if it is not approved, and check admission logs for similar objects.',
          'Enforce Pod Security (restricted) / admission policy against privileged pods, hostPath and exec where possible.',
        ],
        dependencies: ['Platform / Kubernetes team to cordon, quarantine and change admission policy'],
        residual: 'A workload that reached the node may have taken node credentials; treat the node as compromised until rebuilt.',
        contain: `quarantine ${wl} and revoke the credentials of ${ids}`,
        investigate: `check who created or exec'd into ${wl} and why`,
      };
    case 'cloud-creds':
      return {
        steps: [
          'Rotate every secret / credential that was read or exposed (list them from the API calls in the signal).',
          `Revoke the sessions of ${ids}; if instance credentials were used off-host, revoke the role's active sessions.`,
          `Review what the exposed credentials were used for${since}.`,
          'Require IMDSv2 (hop limit 1) and narrow secret read permissions.',
        ],
        dependencies: ['Application owners to rotate the secrets without outage', 'Cloud platform team for role session revocation'],
        residual: 'Secrets read before rotation remain usable against systems that have not rotated them.',
        contain: `rotate the exposed secrets and revoke the sessions of ${ids}`,
        investigate: `list which secrets ${ids} read and whether it needs them`,
      };
    case 'discovery':
      return {
        steps: [
          `Confirm whether ${ids} or ${hs} is expected to enumerate (inventory tooling, security scanners).`,
          'If not, treat it as a foothold: look for the initial access and for follow-on actions by the same identity or host.',
          `Reduce the permissions of ${ids} to what it needs.`,
        ],
        dependencies: ['Owner of the identity or host'],
        residual: 'Discovery itself does no damage, but it usually precedes privilege escalation or data access.',
        contain: `restrict ${ids} and look for the foothold`,
        investigate: `confirm whether ${ids} is expected to enumerate`,
      };
    case 'cloud-data':
      return {
        steps: [
          'Remove the public / external access (block public access, remove the share or policy statement).',
          `Determine what was exposed and whether it was read: data-access logs for the resource${since}.`,
          `Confirm with ${ids} whether the change was approved and revoke their sessions if not.`,
          'Notify the data owner and privacy team if personal data was exposed.',
        ],
        dependencies: ['Data owner for impact assessment', 'Privacy / legal if personal data is involved'],
        residual: 'Data copied while exposed cannot be recalled.',
        contain: 'remove the public or external access to the data',
        investigate: `determine what data was exposed or read by ${ids}`,
      };
    case 'email':
      return {
        steps: [
          `Remove the inbox rule / forwarding / delegate permission on the mailbox of ${ids}.`,
          `Revoke sessions of ${ids}, reset the password and review sign-ins that preceded the change.`,
          'Search sent and forwarded mail for what left the organisation; warn counterparties in affected threads (payment fraud).',
          'Disable external auto-forwarding by policy.',
        ],
        dependencies: ['Messaging / collaboration team to remove rules and search mail'],
        residual: 'Mail already forwarded or read is exposed; business email compromise often follows.',
        contain: `remove the mailbox rule or permission and revoke the sessions of ${ids}`,
        investigate: `review who created the mailbox change for ${ids}`,
      };
    case 'saas-data':
      return {
        steps: [
          `Suspend the session / token of ${ids} used for the export until it is explained.`,
          'Determine what was exported (space, repositories, reports, vault) and whether the export was approved.',
          `Rotate any secrets contained in the exported data${repos(c).length ? ` (e.g. in ${list(repos(c), '')})` : ''}.`,
        ],
        dependencies: ['Application owner / SaaS admins', 'Data owner for impact assessment'],
        residual: 'Exported data cannot be recalled; secrets inside it must be considered exposed.',
        contain: `suspend the session or token of ${ids} used for the export`,
        investigate: `check whether the export by ${ids} was approved`,
      };
    case 'exfil':
      return {
        steps: [
          'Block the destination (domain / IP / service) at the egress proxy and firewall.',
          `Isolate the source (${hs !== 'the affected host' ? hs : ids}) and identify the process or user that sent the data.`,
          'Quantify what left: bytes, files, time window; preserve proxy and flow logs.',
          'Notify the data owner and legal if sensitive data left.',
        ],
        dependencies: ['Network / proxy team for the block', 'Legal / privacy for notification decisions'],
        residual: 'Data already transferred cannot be recalled.',
        contain: `block the destination and isolate ${hs !== 'the affected host' ? hs : ids}`,
        investigate: `identify which process or user on ${hs} sent the data`,
      };
    case 'c2':
      return {
        steps: [
          'Block the remote endpoint (domain, IP, tunnel service or remote-access tool) at DNS and egress.',
          `Isolate ${hs} and find the process behind the traffic.`,
          'Remove the implant / tool and its persistence; hunt for the same indicator on other hosts.',
        ],
        dependencies: ['Network team for DNS and egress blocks', `Owner of ${hs}`],
        residual: 'Operators with a channel may have other channels; hunt for the same behaviour fleet-wide.',
        contain: `block the remote endpoint and isolate ${hs}`,
        investigate: `find the process on ${hs} behind the traffic`,
      };
    case 'destroy':
      return {
        steps: [
          `Stop further deletion: revoke sessions and credentials of ${ids} immediately.`,
          'Cancel what can be cancelled (pending key deletion, retention lock) and restore from backups or versions.',
          `Inventory what was deleted in ${scope}${since}.`,
          'Protect remaining backups (immutable / cross-account copies).',
        ],
        dependencies: ['Backup / platform team for restore', 'Service owners for recovery priorities'],
        residual: 'Anything without an independent backup may be permanently lost.',
        contain: `revoke the credentials of ${ids} and protect the remaining backups`,
        investigate: `inventory what ${ids} deleted`,
      };
    case 'ransomware':
      return {
        steps: [
          `Isolate ${hs} now and disconnect shared storage it can write to.`,
          'Stop the encrypting process; capture it and any ransom note for identification.',
          'Identify the entry point and the account used; reset it everywhere.',
          'Restore affected data from offline / immutable backups after the host is rebuilt.',
        ],
        dependencies: ['Incident response lead', 'Backup team', 'Legal / communications'],
        residual: 'Ransomware operators usually exfiltrate before encrypting; assume data theft.',
        contain: `isolate ${hs} and its shared storage immediately`,
        investigate: `identify the encrypting process and the entry point on ${hs}`,
      };
    case 'hijack':
      return {
        steps: [
          `Stop or terminate the mining workload / instances (${hs !== 'the affected host' ? hs : 'the new instances'}) after snapshotting one for forensics.`,
          `Rotate the credentials used to start it (${ids}) and find how they were obtained.`,
          'Set budget / quota alerts on the affected account and regions.',
        ],
        dependencies: ['Cloud platform team', 'Finance for cost anomaly follow-up'],
        residual: 'The credential or vulnerability used to start the workload stays open until found.',
        contain: `stop the mining workload and rotate the credentials of ${ids}`,
        investigate: `find how ${ids} came to start the workload`,
      };
    case 'account-removal':
      return {
        steps: [
          `Suspend ${ids} (the actor) and re-enable the accounts that were removed or deactivated.`,
          'Verify break-glass access still works.',
          'Review what else the actor changed in the same session.',
        ],
        dependencies: ['Identity / SaaS admins to restore access'],
        residual: 'Users locked out cannot respond until access is restored.',
        contain: `suspend ${ids} and restore the removed accounts`,
        investigate: `check whether the removals by ${ids} were planned`,
      };
    case 'dos':
      return {
        steps: [
          `Enable rate limiting / challenge mode at the CDN or WAF for ${list(services(c), 'the targeted service')}.`,
          `Block or challenge ${ips}.`,
          'Scale the service if legitimate traffic is affected and confirm with the service owner.',
        ],
        dependencies: ['Edge / CDN team', 'Service owner'],
        residual: 'Floods often move to other endpoints or addresses.',
        contain: `rate-limit the targeted service and block ${ips}`,
        investigate: 'confirm the traffic is not a legitimate spike',
      };
    case 'recon':
      return {
        steps: [
          `Confirm ${ips} is not an approved scanner; block it at the WAF if the volume is a problem.`,
          'Check whether any scanned path returned data or an error revealing internals.',
          'Patch anything the scan could have found before the exploitation attempt follows.',
        ],
        dependencies: ['Application / WAF owners'],
        residual: 'Internet-facing services are scanned continuously; this matters mainly if it is followed by exploitation.',
        contain: `block ${ips} at the WAF`,
        investigate: 'check whether any scanned request succeeded',
      };
    case 'exploit':
      return {
        steps: [
          `Block ${ips} and the payload pattern at the WAF / in-app protection for ${list(services(c), 'the service')}.`,
          'Check whether the request succeeded: response codes, errors, and any new process, file or outbound connection from the service.',
          'Patch or mitigate the vulnerable component; rotate credentials the application holds if execution is suspected.',
        ],
        dependencies: ['Application owner for the patch', 'WAF / edge team for the block'],
        residual: 'If the exploit succeeded, assume code execution on the service until ruled out.',
        contain: `block ${ips} at the WAF and check the service for signs of execution`,
        investigate: 'check whether the exploitation attempt succeeded',
      };
    case 'phishing':
      return {
        steps: [
          'Purge the message from all mailboxes and block the sender and URL / attachment hash.',
          `Ask ${ids} whether they entered credentials or opened the file; if yes, reset and revoke sessions.`,
          'Check proxy logs for other users who reached the URL.',
        ],
        dependencies: ['Messaging team for purge and blocks', 'Identity team for resets'],
        residual: 'Credentials entered on a phishing page stay usable until reset.',
        contain: `purge the message and reset the credentials of ${ids} if they were entered`,
        investigate: `ask ${ids} whether they entered credentials or opened the attachment`,
      };
    case 'lateral':
      return {
        steps: [
          `Confirm whether the session into ${hs} by ${ids} was expected (change ticket, on-call).`,
          `If not, isolate ${hs} and the source host, and revoke the credentials / keys used.`,
          'Trace the session back to the first host the actor reached.',
        ],
        dependencies: [`Owners of ${hs} and the source host`],
        residual: 'Credentials used for lateral movement may work on other hosts too.',
        contain: `isolate ${hs} and revoke the credentials used by ${ids}`,
        investigate: `confirm whether the session by ${ids} into ${hs} was expected`,
      };
    case 'generic':
      return {
        steps: [
          `Confirm with the owners of ${targetsOf(c)} whether the activity is expected.`,
          'If not, contain the identity or host involved and review its activity in the last 30 days.',
        ],
        dependencies: ['Owner of the affected asset'],
        residual: 'Unknown until the activity is explained.',
        contain: `contain ${targetsOf(c)}`,
        investigate: `confirm with the owners of ${targetsOf(c)} whether the activity is expected`,
      };
  }
}

// ---- action -------------------------------------------------------------------------------------

/** Tactics where a confirmed detection is already damage in progress. */
const URGENT = new Set(['TA0002', 'TA0003', 'TA0004', 'TA0005', 'TA0006', 'TA0008', 'TA0010', 'TA0011', 'TA0040']);

export function recommendAction(c: PlanContext, exposure: number): { kind: ActionKind; text: string } {
  const plan = familyPlan(familyOf(c), c);
  const urgent = c.tacticId !== null && URGENT.has(c.tacticId);
  const who = targetsOf(c);
  const unsure = c.confidence < 0.35;
  let kind: ActionKind;
  if (c.severity === 'critical') kind = unsure ? 'escalate' : 'contain';
  else if (c.severity === 'high') kind = urgent && !unsure ? 'contain' : 'escalate';
  else if (c.severity === 'medium') kind = urgent && exposure >= 0.7 && !unsure ? 'escalate' : 'investigate';
  else if (c.severity === 'low') kind = c.tacticId === 'TA0043' && !unsure ? 'suppress' : exposure >= 0.7 || unsure ? 'investigate' : 'suppress';
  else kind = unsure ? 'investigate' : 'close';

  let text: string;
  switch (kind) {
    case 'contain':
      text = `Contain now: ${plan.contain}. Then ${plan.investigate}.`;
      break;
    case 'escalate':
      text = `Escalate to the on-call lead: ${c.severity} ${c.techniqueName} (${c.techniqueId}) involving ${who}. Proposed containment: ${plan.contain}.`;
      break;
    case 'investigate':
      text = `Investigate: ${plan.investigate}. If it is not explained, ${plan.contain}.`;
      break;
    case 'suppress':
      text =
        c.tacticId === 'TA0043'
          ? `Suppress for known scanners: ${c.ruleName ?? 'this detection'} from ${who} is background reconnaissance unless followed by exploitation. If it is not a known scanner, ${plan.contain}.`
          : `Suppress for ${who} once its owner confirms the activity is expected (low severity, limited exposure); otherwise ${plan.investigate}.`;
      break;
    case 'close':
      text = `Close: informational ${c.ruleName ?? 'signal'} involving ${who}; no action beyond recording it.`;
      break;
  }
  return { kind, text: text.length > 1000 ? `${text.slice(0, 997)}…` : text };
}

// ---- risk ---------------------------------------------------------------------------------------

const IMPACT: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const BASE_LIKELIHOOD: Record<AttributionPath, number> = { tag: 0.55, keyword: 0.5, retrieval: 0.35, none: 0.3 };

const round2 = (x: number) => Math.round(x * 100) / 100;

export function exposureOf(c: PlanContext): number {
  const publicIp = c.entities.some((e) => e.type === 'ip' && e.public === true);
  return round2(Math.min(1, 0.3 + (publicIp ? 0.4 : 0) + (c.prod ? 0.2 : 0) + (c.admin ? 0.2 : 0)));
}

export function riskOf(c: PlanContext): { factors: RiskFactors; score: number; formula: string; exposure: number } {
  const publicIp = c.entities.some((e) => e.type === 'ip' && e.public === true);
  const impact = Math.min(5, IMPACT[c.severity] + (c.admin || c.prod ? 1 : 0));
  const events = c.eventsMatched ?? 1;
  const likelihood = round2(
    Math.min(
      0.95,
      BASE_LIKELIHOOD[c.path] + 0.2 * c.confidence + (publicIp ? 0.1 : 0) + (events >= 100 ? 0.1 : events >= 10 ? 0.05 : 0) + Math.min(0.15, 0.05 * c.relatedCount),
    ),
  );
  // Workload Security agents can kill processes and Application Security can block requests;
  // log detections only observe. Defense evasion means controls are being taken away.
  let control = c.ruleType === 'Workload Security' ? 0.35 : c.ruleType === 'Application Security' ? 0.3 : c.ruleType === 'Signal Correlation' ? 0.1 : 0.15;
  if (c.tacticId === 'TA0005') control = Math.max(0, control - 0.05);
  const exposure = exposureOf(c);
  const factors: RiskFactors = { impact, likelihood, control_effectiveness: round2(control), exposure };
  return { factors, score: riskScore(factors), formula: RISK_FORMULA, exposure };
}

// ---- mitigation plan ----------------------------------------------------------------------------

const TIMELINE: Record<Severity, string> = {
  critical: 'Contain within 1 hour; scope within 4 hours; eradication and review within 24 hours.',
  high: 'Contain within 4 hours; scope and eradicate within 2 business days.',
  medium: 'Triage within 1 business day; remediate within 5 business days.',
  low: 'Review within 3 business days; tune or suppress at the next detection review.',
  info: 'No deadline: record it and review at the weekly detection tuning.',
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function mitigationPlan(c: PlanContext): MitigationPlan {
  const plan = familyPlan(familyOf(c), c);
  const blockers: string[] = [];
  if (c.confidence < 0.35) blockers.push('Technique attribution is a low-confidence offline guess from the signal text: confirm it before acting on this plan.');
  const prodHosts = hosts(c);
  if (c.prod && prodHosts.length > 0) blockers.push(`Isolating production host ${list(prodHosts, '')} needs change approval and may interrupt service.`);
  const shared = identities(c).filter((v) => SERVICE_IDENTITY.test(v));
  if (shared.length > 0) blockers.push(`${list(shared, '')} looks like a shared automation identity: rotating or disabling it may break pipelines; coordinate with its owner.`);
  if (c.entities.some((e) => e.type === 'cloud_root')) blockers.push('Root account credentials can only be rotated by the holder of its MFA device / the account owner.');
  if (c.splunkRows === 0) blockers.push('No Splunk context attached yet: scope beyond the signal itself is unverified.');
  const deps = [...plan.dependencies];
  if (c.admin) deps.push(`Approval from the owner of the privileged access involved (${c.admin}) before revoking it`);
  return {
    containment_steps: plan.steps.map((s) => clip(s, 500)).slice(0, 20),
    timeline: TIMELINE[c.severity],
    dependencies: deps.map((s) => clip(s, 300)).slice(0, 20),
    blockers: blockers.map((s) => clip(s, 300)).slice(0, 20),
    residual_risk: clip(plan.residual, 800),
  };
}
