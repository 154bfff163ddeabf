// The demo workspace: realistic signals from a fixed seed, pushed through the register's real
// ingest path, then worked by demo analysts through the real, audited update path so every status,
// assignee and sign-off has a history.
import type { FindingStatus } from '../../../shared/domain';
import type { AttackCatalog } from '../attack/catalog';
import { Register } from '../register/register';
import type { ScryptParams, Unlock } from '../register/vault-key';
import { normalizeSignal } from '../signals/normalize';
import { signalBrief, SIGNAL_BRIEF_DRAFTER } from '../drafter/signal-brief';
import { createPrng } from './prng';
import { DEMO_ANALYSTS, iterateDemoSignals } from './signal-factory';

export interface DemoOptions {
  signals: number;
  seed?: number;
  scrypt?: ScryptParams;
  catalog: AttackCatalog;
  onProgress?: (done: number, total: number) => void;
}

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
    populateDemo(reg, opts);
    return reg;
  } catch (e) {
    reg.close();
    throw e;
  }
}

export function populateDemo(reg: Register, opts: DemoOptions): void {
  const seed = opts.seed ?? 1337;
  const rng = createPrng(seed ^ 0x5eed);
  const tacticFor = (t: string) => opts.catalog.technique(t)?.tactics[0] ?? null;
  const analysts = DEMO_ANALYSTS.filter((a) => a.role !== 'admin');
  const leads = DEMO_ANALYSTS.filter((a) => a.role === 'lead');
  const t0 = Date.parse('2026-10-21T12:00:00Z');
  for (const [i, a] of DEMO_ANALYSTS.entries()) reg.addAnalyst(a, 'system:demo', t0 + i * MINUTE);

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
        if (target === 'new') {
          if (rng.chance(0.3)) step({ assignee: analyst.handle }, 'system:on-call-rotation', 'on-call rotation');
          return;
        }
        const brief = signalBrief(n, tacticFor);
        step(
          {
            status: 'drafted',
            drafted_by: SIGNAL_BRIEF_DRAFTER,
            mitre_technique: brief.mitre_technique,
            mitre_tactic: brief.mitre_tactic,
            blast_radius: brief.blast_radius,
            blast_radius_count: brief.blast_radius_count,
            recommended_action: brief.recommended_action,
            risk_factors: brief.risk_factors,
            risk_score: brief.risk_score,
            splunk_search: n.source ? `Vigil - prior activity (${n.source})` : 'Vigil - prior activity',
          },
          SIGNAL_BRIEF_DRAFTER,
        );
        if (target === 'drafted') return;
        step({ assignee: analyst.handle, status: 'in_review' }, lead.handle, 'assigned by lead');
        if (target === 'in_review') return;
        if (target === 'blocked') {
          step({ status: 'blocked' }, analyst.handle, rng.pick(BLOCKED_ON));
          return;
        }
        if (target === 'closed' && rng.chance(0.5)) {
          step({ status: 'closed' }, analyst.handle, rng.pick(CLOSE_REASONS));
          return;
        }
        step({ status: 'signed', analyst_signoff: analyst.handle, signed_at: at }, analyst.handle, 'signed off');
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
}
