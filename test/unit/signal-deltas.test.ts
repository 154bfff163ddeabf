// A signal that changes after its finding was signed: the delta is appended and the sign-off stays;
// a material change (severity up, new entities, a new technique tag) opens a new finding that
// supersedes the signed one. Unsigned findings keep the plain revision path. Real register, real
// keys and roster, real ingest.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRoster, exportRoster, generateAnalystKey, signRoster, type AnalystKey } from '../../electron/core/custody';
import type { Register } from '../../electron/core/register/register';
import { materialReasons, signalDelta } from '../../electron/core/register/signal-deltas';
import { normalizeSignal } from '../../electron/core/signals/normalize';
import { RECORDED_SIGNALS, variant } from '../support/signals';
import { newRegister, tempDir } from '../support/workspace';

const DAY = 86_400_000;
let t: ReturnType<typeof tempDir>;
let r: Register;
let lead: AnalystKey;

type Sig = ReturnType<typeof variant> & { attributes: { attributes: { entities: string[] }; tags: string[]; status: string } };

/** variant(1) — high, entities host + @usr.id:root, technique T1556 — with changes applied. */
function signal(change: (s: Sig) => void = () => {}): Sig {
  const s = variant(1) as Sig;
  change(s);
  return s;
}

async function signFinding(id: number): Promise<void> {
  r.updateFinding(id, { status: 'drafted', recommended_action: 'investigate' }, 'local:amara');
  r.signOffFinding(id, { handle: 'diego.ramos', key: lead, roster: r.roster()!.roster });
}

beforeEach(async () => {
  t = tempDir();
  r = await newRegister(t.dir);
  r.storeAnalystKey({ handle: 'diego.ramos', name: 'Diego Ramos' }, generateAnalystKey(), 'local:diego');
  lead = r.signingKey()!.key;
  const notBefore = new Date(Date.now() - 30 * DAY).toISOString();
  const roster = createRoster({
    team: 'blue',
    version: 1,
    issued_at: new Date(Date.now() - DAY).toISOString(),
    analysts: [{ handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: notBefore }] }],
  });
  r.importRoster(exportRoster(signRoster(roster, 'diego.ramos', lead)), lead.keyId, 'local:diego');
  r.ingestSignals([signal()], { actor: 'sync' });
});
afterEach(() => {
  r.close();
  t.cleanup();
});

const decision = (id: number) => {
  const f = r.finding(id)!;
  return { severity: f.row.severity, technique: f.row.mitre_technique, status: f.row.status, signoff: f.row.analyst_signoff, revision: f.decision_revision, supersedes: f.supersedes };
};

describe('signal deltas after sign-off', () => {
  it('a non-material change is appended as a delta; the signed decision and sign-off stay', async () => {
    await signFinding(1);
    const before = decision(1);
    const res = r.ingestSignals([signal((s) => {
      s.attributes.message = '%%%\nSame attack, reworded by the rule.\n%%%';
      s.attributes.tags = [...s.attributes.tags, 'team:blue'];
    })], { actor: 'sync' });
    expect(res).toMatchObject({ inserted: 0, revised: 1, deltas: 1, superseded: 0, openedFindings: [] });
    expect(decision(1)).toEqual(before);
    expect(r.signedAtCurrentRevision(1)).toBe(true);
    expect(r.verifyFindingSignoffs(1, r.roster()!.roster).map((c) => c.valid)).toEqual([true]);
    const [d, ...more] = r.signalDeltas(1);
    expect(more).toEqual([]);
    expect(d).toMatchObject({ finding_id: 1, from_revision: 1, to_revision: 2, baseline_revision: 1, material: null, superseded_by: null });
    expect(Object.keys(d!.delta.fields)).toEqual(['message']);
    expect(d!.delta.tags).toEqual({ added: ['team:blue'], removed: [] });
    expect(d!.delta.entities).toEqual({ added: [], removed: [] });
    expect(r.supersededBy(1)).toBeNull();
    expect(r.facets().total).toBe(1);
    const audit = r.auditFor('finding', 'FND-1').map((a) => a.action);
    expect(audit.at(-1)).toBe('finding.signal_delta');
    expect(r.verifyAudit().ok).toBe(true);
  });

  it('severity up opens a new finding that supersedes the signed one, audited on both', async () => {
    await signFinding(1);
    const before = decision(1);
    const res = r.ingestSignals([signal((s) => (s.attributes.status = 'critical'))], { actor: 'sync' });
    expect(res).toMatchObject({ inserted: 0, revised: 1, deltas: 1, superseded: 1, openedFindings: [2] });
    expect(decision(1)).toEqual(before);
    expect(r.signedAtCurrentRevision(1)).toBe(true);
    const fresh = r.finding(2)!;
    expect(fresh.row).toMatchObject({ status: 'new', severity: 'critical', priority: 'P1' });
    expect(fresh.supersedes).toBe(1);
    expect(fresh.signal.dd_signal_id).toBe(r.finding(1)!.signal.dd_signal_id);
    expect(r.supersededBy(1)).toBe(2);
    expect(r.signalDeltas(1)[0]).toMatchObject({ superseded_by: 2, material: [{ kind: 'severity_up', old: 'high', new: 'critical' }] });
    expect(r.auditFor('finding', 'FND-1').map((a) => a.action).slice(-2)).toEqual(['finding.signal_delta', 'finding.superseded']);
    const opened = r.auditFor('finding', 'FND-2');
    expect(opened.map((a) => a.action)).toEqual(['finding.opened']);
    expect(JSON.parse(opened[0]!.new_value!)).toMatchObject({ supersedes: 'FND-1', status: 'new' });
    expect(r.facets().total).toBe(2);
    expect(r.verifyAudit().ok).toBe(true);
  });

  it('new entities are material', async () => {
    await signFinding(1);
    const res = r.ingestSignals([signal((s) => s.attributes.attributes.entities.push('host:i-0bad'))], { actor: 'sync' });
    expect(res).toMatchObject({ superseded: 1, openedFindings: [2] });
    expect(r.signalDeltas(1)[0]!.material).toEqual([{ kind: 'new_entities', entities: ['host:i-0bad'] }]);
    expect(r.signalDeltas(1)[0]!.delta.entities).toEqual({ added: ['host:i-0bad'], removed: [] });
  });

  it('a different technique tag is material', async () => {
    await signFinding(1);
    const res = r.ingestSignals(
      [signal((s) => (s.attributes.tags = s.attributes.tags.map((x) => x.replace(/t1556-modify-authentication-process/i, 't1098-account-manipulation'))))],
      { actor: 'sync' },
    );
    expect(res).toMatchObject({ superseded: 1, openedFindings: [2] });
    expect(r.signalDeltas(1)[0]!.material).toEqual([{ kind: 'new_technique', old: ['T1556'], new: ['T1098'] }]);
    expect(r.finding(2)!.row.mitre_technique).toBe('T1098');
    expect(r.finding(1)!.row.mitre_technique).toBe('T1556');
  });

  it('materiality is judged against what was signed, across several deltas', async () => {
    await signFinding(1);
    // Down (recorded, not material), then back up to the signed severity: still not material.
    expect(r.ingestSignals([signal((s) => (s.attributes.status = 'medium'))], { actor: 'sync' })).toMatchObject({ deltas: 1, superseded: 0 });
    expect(r.ingestSignals([signal()], { actor: 'sync' })).toMatchObject({ deltas: 1, superseded: 0 });
    expect(r.signalDeltas(1).map((d) => [d.from_revision, d.to_revision, d.baseline_revision, d.material])).toEqual([
      [1, 2, 1, null],
      [2, 3, 1, null],
    ]);
    // Above what was signed: material.
    expect(r.ingestSignals([signal((s) => (s.attributes.status = 'critical'))], { actor: 'sync' })).toMatchObject({ superseded: 1 });
  });

  it('an unsigned finding keeps the plain revision path: no delta, no new finding', () => {
    r.updateFinding(1, { status: 'drafted' }, 'local:amara');
    const auditBefore = r.auditFor('finding', 'FND-1').length;
    const res = r.ingestSignals([signal((s) => (s.attributes.status = 'critical'))], { actor: 'sync' });
    expect(res).toMatchObject({ inserted: 0, revised: 1, deltas: 0, superseded: 0, openedFindings: [] });
    expect(r.signalDeltas(1)).toEqual([]);
    expect(r.finding(1)!.signal.revision).toBe(2);
    expect(r.auditFor('finding', 'FND-1').length).toBe(auditBefore);
    expect(r.facets().total).toBe(1);
  });

  it('the same revision twice does nothing the second time', async () => {
    await signFinding(1);
    const changed = signal((s) => (s.attributes.status = 'critical'));
    r.ingestSignals([changed], { actor: 'sync' });
    const auditSeq = r.verifyAudit();
    const res = r.ingestSignals([structuredClone(changed)], { actor: 'sync' });
    expect(res).toMatchObject({ inserted: 0, revised: 0, unchanged: 1, deltas: 0, superseded: 0, openedFindings: [] });
    expect(r.signalDeltas(1)).toHaveLength(1);
    expect(r.facets().total).toBe(2);
    expect(r.verifyAudit()).toEqual(auditSeq);
  });

  it('after a supersede, the next change concerns the new (unsigned) finding only', async () => {
    await signFinding(1);
    r.ingestSignals([signal((s) => (s.attributes.status = 'critical'))], { actor: 'sync' });
    const res = r.ingestSignals([signal((s) => {
      s.attributes.status = 'critical';
      s.attributes.attributes.entities.push('host:i-0later');
    })], { actor: 'sync' });
    expect(res).toMatchObject({ revised: 1, deltas: 0, superseded: 0, openedFindings: [] });
    expect(r.signalDeltas(1)).toHaveLength(1);
    expect(r.facets().total).toBe(2);
  });
});

describe('signalDelta / materialReasons', () => {
  const base = normalizeSignal(RECORDED_SIGNALS[1]);
  it('lists changed fields and set changes; a lower severity or a removed entity is not material', () => {
    const raw = structuredClone(RECORDED_SIGNALS[1]) as Sig;
    raw.attributes.status = 'low';
    raw.attributes.attributes.entities = raw.attributes.attributes.entities.slice(1);
    const next = normalizeSignal(raw);
    const d = signalDelta(base, next, 1, 2);
    expect(d.fields).toEqual({ severity: { old: 'high', new: 'low' } });
    expect(d.entities.removed).toHaveLength(1);
    expect(materialReasons(base, next)).toEqual([]);
  });
});
