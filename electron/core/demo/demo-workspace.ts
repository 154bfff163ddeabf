// The demo workspace: realistic signals from a fixed seed, pushed through the register's real
// ingest path, then worked by demo analysts through the real, audited update path so every status,
// assignee and sign-off has a history.
import type { FindingStatus } from '../../../shared/domain';
import type { AttackCatalog } from '../attack/catalog';
import { Register } from '../register/register';
import { DEFAULT_SCRYPT, type ScryptParams, type Unlock } from '../register/vault-key';
import { parseTemplate } from '../containment/mapping';
import { sealKey } from '../containment/sealed-key';
import { normalizeSignal } from '../signals/normalize';
import { canonicalJson } from '../../../shared/canonical-json';
import { buildDraftInput, draftInputHash } from '../drafter/draft-input';
import { patchFromBrief } from '../drafter/draft-runner';
import { OfflineDrafter } from '../drafter/offline-drafter';
import { createPrng } from './prng';
import type { AssignmentConfig } from '../../../shared/assignment';
import { createRoster, exportRoster, generateAnalystKey, signRoster, type AnalystKey, type Roster } from '../custody';
import { DEMO_ANALYSTS, iterateDemoSignals } from './signal-factory';

export interface DemoOptions {
  signals: number;
  seed?: number;
  scrypt?: ScryptParams;
  catalog: AttackCatalog;
  onProgress?: (done: number, total: number) => void;
  /**
   * The demo team's custody (default on): a roster signed by a demo lead, this workstation's key for
   * DEMO_WORKSTATION_ANALYST, and findings signed off with each demo analyst's own key. Off, the
   * workspace starts as a new team's would: no key, no roster, nothing signed (the first-use walk).
   */
  team?: boolean;
}

/** Cloud control-plane findings go to the cloud specialist; anything high or worse to whoever is on call. */
export const DEMO_ASSIGNMENT: AssignmentConfig = {
  enabled: true,
  rules: [
    { name: 'Cloud control plane to the cloud specialist', sources: ['cloudtrail', 'gcp.audit', 'azure.activitylogs'], tactics: [], assign: { to: 'analyst', handle: 'li.wei' } },
    { name: 'High and critical to on call', sources: [], tactics: [], min_severity: 'high', assign: { to: 'on_call' } },
  ],
  rotation: { handles: ['amara.okafor', 'jonas.berg', 'priya.nair', 'diego.ramos'], shift_hours: 12, starts_at: '2026-10-01T08:00:00.000Z' },
  fallback_on_call: false,
};

/**
 * A second analyst on this workstation: the demo lead's key, sealed by a passphrase the README gives,
 * so a critical containment can be approved here in the demo (in a real team only the lead knows it).
 */
export const DEMO_APPROVER = { handle: 'sofia.rossi', passphrase: 'northwind lead demo' } as const;

/** Containment actions a Datadog admin would configure (the demo has no Datadog: runs wait in the outbox). */
const DEMO_ACTIONS = [
  {
    name: 'Revoke user sessions',
    kind: 'workflow' as const,
    workflow_id: '6a2e4f1c-1d2b-4c8e-9f3a-7b5d0c9e2a41',
    inputs: { user: '$entity.user', finding: '$finding.id', reason: '$reason' },
    danger: 'high' as const,
    description: 'Okta: clear the user’s sessions and refresh tokens.',
  },
  {
    name: 'Isolate host',
    kind: 'workflow' as const,
    workflow_id: '0f8c3b7e-52a4-4d19-8b6e-3e1a9d4c7f20',
    inputs: { host: '$entity.host', ticket: 'Vigil ${finding.id}: ${finding.title}' },
    danger: 'critical' as const,
    description: 'EDR network isolation of the host until released.',
  },
  {
    name: 'Escalate to incident',
    kind: 'incident' as const,
    workflow_id: null,
    inputs: { title: '${finding.id}: ${finding.title}', severity: '$finding.severity' },
    danger: 'medium' as const,
    description: 'Open a Datadog incident linked to the finding.',
  },
];

async function provisionContainment(reg: Register, team: DemoTeam, scrypt: ScryptParams): Promise<void> {
  const lead = team.keys.get(DEMO_APPROVER.handle)!;
  const sealed = await sealKey(lead, DEMO_APPROVER.passphrase, { workspaceId: reg.workspaceId, handle: DEMO_APPROVER.handle }, scrypt);
  const admin = DEMO_ANALYSTS.find((a) => a.role === 'admin')!;
  const at = Date.parse(DEMO_KEYS_FROM);
  const store = reg.containment();
  reg.transaction(() => {
    for (const a of DEMO_ACTIONS) {
      const row = { name: a.name, kind: a.kind, workflow_id: a.workflow_id, inputs: canonicalJson(parseTemplate(a.inputs)), danger: a.danger, description: a.description };
      store.insertAction({ ...row, created_by: admin.handle, created_at: at, updated_at: at });
      store.hooks.audit().append({ actor: admin.handle, action: 'containment.action_added', entity: 'containment_action', entityId: a.name, new: row, at });
    }
    const name = DEMO_ANALYSTS.find((a) => a.handle === DEMO_APPROVER.handle)!.name;
    store.insertApproverKey({ key_id: lead.keyId, handle: DEMO_APPROVER.handle, name, public_key: lead.publicKey, sealed_private_key: sealed, created_by: 'system:demo', created_at: at });
    store.hooks.audit().append({ actor: 'system:demo', action: 'custody.approver_enrolled', entity: 'analyst', entityId: DEMO_APPROVER.handle, new: { key_id: lead.keyId, public_key: lead.publicKey, name }, at });
  });
}

/** Whose key this workstation holds in the demo: an analyst, so signing works at once. */
export const DEMO_WORKSTATION_ANALYST = 'amara.okafor';
export const DEMO_TEAM = 'Northwind SOC';
const DEMO_KEYS_FROM = '2026-10-01T00:00:00.000Z';

const TARGETS: readonly [FindingStatus, number][] = [
  ['new', 28],
  ['drafted', 20],
  ['in_review', 15],
  ['blocked', 6],
  ['signed', 10],
  ['containing', 5],
  ['contained', 8],
  ['closed', 8],
];
const ORDER: FindingStatus[] = ['new', 'drafted', 'in_review', 'signed', 'containing', 'contained'];
const BLOCKED_ON = [
  'awaiting confirmation from the account owner that the login was theirs',
  'awaiting the cloud team to confirm whether the role change was a planned deployment',
  'awaiting endpoint forensics image from IT',
  'awaiting the vendor to confirm the source IP range',
];
const CLOSE_REASONS = [
  'false positive: approved penetration test window',
  'benign: expected automation account behaviour',
  'remediated: credentials rotated and sessions revoked',
  'duplicate of an earlier finding for the same entity',
];

const BATCH = 500;
const MINUTE = 60_000;

export async function createDemoWorkspace(path: string, unlock: Unlock, opts: DemoOptions): Promise<Register> {
  const reg = await Register.create(path, unlock, { name: 'Demo workspace (Northwind)', demo: true, ...(opts.scrypt ? { scrypt: opts.scrypt } : {}) });
  try {
    const team = populateDemo(reg, opts);
    if (team) await provisionContainment(reg, team, opts.scrypt ?? DEFAULT_SCRYPT);
    return reg;
  } catch (e) {
    reg.close();
    throw e;
  }
}

/** The demo team's keys (present unless `team: false`), for what is provisioned after the findings. */
export interface DemoTeam {
  roster: Roster;
  keys: Map<string, AnalystKey>;
}

export function populateDemo(reg: Register, opts: DemoOptions): DemoTeam | null {
  const seed = opts.seed ?? 1337;
  const rng = createPrng(seed ^ 0x5eed);
  const tacticFor = (t: string) => opts.catalog.technique(t)?.tactics[0] ?? null;
  const analysts = DEMO_ANALYSTS.filter((a) => a.role !== 'admin');
  const leads = DEMO_ANALYSTS.filter((a) => a.role === 'lead');
  const t0 = Date.parse('2026-10-21T12:00:00Z');
  for (const [i, a] of DEMO_ANALYSTS.entries()) reg.addAnalyst(a, 'system:demo', t0 + i * MINUTE);
  const team = opts.team === false ? null : provisionTeam(reg, t0);
  const drafter = new OfflineDrafter(opts.catalog);
  // The team's assignment rules and on-call rotation, applied as each finding opens.
  reg.setAssignment(DEMO_ASSIGNMENT, 'system:demo');

  let batch: unknown[] = [];
  let done = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const signals = batch;
    batch = [];
    reg.transaction(() => {
      // Dated as it would have happened: opened a minute after the signal, worked after that.
      const res = reg.ingestSignals(signals, { actor: 'system:demo-sync', now: Date.now(), tacticFor, openedAt: (ts) => ts + MINUTE });
      // Work each opened finding to its target status, as analysts would have.
      res.openedFindings.forEach((fid, k) => {
        const n = normalizeSignal(signals[k]);
        const target = rng.weighted(TARGETS);
        let at = n.ts + rng.int(2, 30) * MINUTE;
        const analyst = rng.pick(analysts);
        const lead = rng.pick(leads);
        const step = (patch: Parameters<Register['updateFinding']>[1], actor: string, reason?: string) => {
          reg.updateFinding(fid, patch, actor, reason ? { reason, at } : { at });
          at += rng.int(3, 240) * MINUTE;
        };
        if (target === 'new') return;
        // Drafted by the offline drafter, recorded like any draft (the case view shows its brief,
        // claims and evidence; the Drafts view lists it).
        const input = buildDraftInput(reg, fid);
        const t = performance.now();
        const brief = drafter.brief(input);
        reg.recordDraft(
          {
            finding_id: fid,
            drafter: drafter.identity,
            model: drafter.model,
            prompt_version: drafter.promptVersion,
            input_hash: draftInputHash(input, drafter),
            output: canonicalJson(brief),
            tokens_in: 0,
            tokens_out: 0,
            cost_usd: 0,
            latency_ms: Math.round(performance.now() - t),
            retries: 0,
            error: null,
            created_at: at,
          },
          {
            patch: { ...patchFromBrief(brief, drafter, 'new'), splunk_search: n.source ? `Vigil - prior activity (${n.source})` : 'Vigil - prior activity' },
            actor: drafter.identity,
          },
        );
        at += rng.int(3, 240) * MINUTE;
        if (target === 'drafted') return;
        step({ assignee: analyst.handle, status: 'in_review' }, lead.handle, 'assigned by lead');
        if (target === 'in_review') return;
        if (target === 'blocked') {
          const awaiting = rng.pick(BLOCKED_ON);
          step({ status: 'blocked', awaiting }, analyst.handle, `blocked: ${awaiting}`);
          return;
        }
        if (target === 'closed' && rng.chance(0.5)) {
          step({ status: 'closed' }, analyst.handle, rng.pick(CLOSE_REASONS));
          return;
        }
        if (team) {
          // A real sign-off with the analyst's own key, checked against the demo roster.
          reg.signOffFinding(fid, { handle: analyst.handle, key: team.keys.get(analyst.handle)!, roster: team.roster, now: at });
          at += rng.int(3, 240) * MINUTE;
        } else {
          step({ status: 'signed', analyst_signoff: analyst.handle, signed_at: at }, analyst.handle, 'signed off');
        }
        const last = target === 'closed' ? 'contained' : target;
        for (const s of ORDER.slice(ORDER.indexOf('signed') + 1, ORDER.indexOf(last) + 1)) step({ status: s }, analyst.handle);
        if (target === 'closed') step({ status: 'closed' }, analyst.handle, 'contained and verified');
      });
    });
    done += signals.length;
    opts.onProgress?.(done, opts.signals);
  };
  for (const s of iterateDemoSignals({ count: opts.signals, seed })) {
    batch.push(s);
    if (batch.length >= BATCH) flush();
  }
  flush();
  reg.optimize();
  return team;
}

/**
 * Every demo analyst gets an Ed25519 key; a lead signs the roster naming them all, and it is
 * imported pinned to that lead's key (in a real team the first import is pinned by comparing the
 * fingerprint out of band). This workstation keeps DEMO_WORKSTATION_ANALYST's private key; the
 * others' private keys sign their demo findings and are then dropped, as they would live on the
 * analysts' own desktops.
 */
function provisionTeam(reg: Register, t0: number): DemoTeam {
  const keys = new Map(DEMO_ANALYSTS.map((a) => [a.handle, generateAnalystKey()] as const));
  const lead = DEMO_ANALYSTS.find((a) => a.role === 'lead')!;
  const unsigned = createRoster({
    team: DEMO_TEAM,
    version: 1,
    issued_at: DEMO_KEYS_FROM,
    analysts: DEMO_ANALYSTS.map((a) => {
      const k = keys.get(a.handle)!;
      return { handle: a.handle, name: a.name, role: a.role, keys: [{ key_id: k.keyId, public_key: k.publicKey, not_before: DEMO_KEYS_FROM }] };
    }),
  });
  const roster = signRoster(unsigned, lead.handle, keys.get(lead.handle)!);
  const me = DEMO_ANALYSTS.find((a) => a.handle === DEMO_WORKSTATION_ANALYST)!;
  reg.storeAnalystKey({ handle: me.handle, name: me.name }, keys.get(me.handle)!, 'system:demo', t0);
  reg.importRoster(exportRoster(roster), keys.get(lead.handle)!.keyId, 'system:demo', t0);
  return { roster, keys };
}
