// After sign-off, the signal keeps moving but the signed decision does not. When a new revision of a
// signal arrives and its finding is signed (a sign-off at the finding's current decision revision,
// status signed / containing / contained / closed), the change is appended as a delta row and an
// audit entry on that finding; its decision fields are never touched. A material change (severity
// up, entities not there before, a technique tag not there before), judged against the signal
// revision in force when the finding was signed, also opens a new finding that supersedes it.
// Only the ingester's revision path calls this: a new signal never pays for it.
import { SEVERITIES, type Severity } from '../../../shared/domain';
import { normalizeSignal, type SignalForRegister } from '../signals/normalize';
import type { AuditCursor } from './audit';
import type { DB } from './database';

/** Statuses in which a finding carries a sign-off that a later signal change must leave alone. */
export const SIGNED_STATUSES: ReadonlySet<string> = new Set(['signed', 'containing', 'contained', 'closed']);

export interface SetChange {
  added: string[];
  removed: string[];
}

/** What changed from one revision of a signal to the next, on the normalized signal. */
export interface SignalDelta {
  from_revision: number;
  to_revision: number;
  from_hash: string;
  to_hash: string;
  /** scalar fields that changed, by name */
  fields: Record<string, { old: unknown; new: unknown }>;
  tags: SetChange;
  entities: SetChange;
  techniques: SetChange;
  tactics: SetChange;
}

export type MaterialReason =
  | { kind: 'severity_up'; old: Severity; new: Severity }
  | { kind: 'new_entities'; entities: string[] }
  | { kind: 'new_technique'; old: string[]; new: string[] };

export interface SignalDeltaRow {
  id: number;
  finding_id: number;
  signal_id: number;
  from_revision: number;
  to_revision: number;
  baseline_revision: number;
  decision_revision: number;
  delta: SignalDelta;
  material: MaterialReason[] | null;
  superseded_by: number | null;
  created_at: number;
}

const FIELDS: readonly [string, (n: SignalForRegister) => unknown][] = [
  ['timestamp', (n) => n.ts],
  ['severity', (n) => n.severity],
  ['title', (n) => n.title],
  ['rule_id', (n) => n.ruleId],
  ['rule_name', (n) => n.ruleName],
  ['rule_type', (n) => n.ruleType],
  ['source', (n) => n.source],
  ['host', (n) => n.host],
  ['message', (n) => n.message],
  ['triage_state', (n) => n.triageState],
  ['samples', (n) => n.sampleCount],
];

function setChange(before: readonly string[], after: readonly string[]): SetChange {
  const b = new Set(before);
  const a = new Set(after);
  return { added: after.filter((x) => !b.has(x)), removed: before.filter((x) => !a.has(x)) };
}

/** The delta between two normalized revisions of one signal. */
export function signalDelta(prev: SignalForRegister, next: SignalForRegister, fromRevision: number, toRevision: number): SignalDelta {
  const fields: SignalDelta['fields'] = {};
  for (const [name, get] of FIELDS) {
    const o = get(prev);
    const v = get(next);
    if (o !== v) fields[name] = { old: o, new: v };
  }
  return {
    from_revision: fromRevision,
    to_revision: toRevision,
    from_hash: prev.contentHash,
    to_hash: next.contentHash,
    fields,
    tags: setChange(prev.tags, next.tags),
    entities: setChange(prev.entities, next.entities),
    techniques: setChange(prev.techniques, next.techniques),
    tactics: setChange(prev.tactics, next.tactics),
  };
}

/**
 * Why a change is material, against what was signed: severity raised, entities the signed signal
 * did not name, a technique tag it did not carry. A lower severity, entities or tags that went away,
 * or a new message are recorded but do not reopen anything.
 */
export function materialReasons(baseline: SignalForRegister, next: SignalForRegister): MaterialReason[] {
  const reasons: MaterialReason[] = [];
  if (SEVERITIES.indexOf(next.severity) > SEVERITIES.indexOf(baseline.severity)) {
    reasons.push({ kind: 'severity_up', old: baseline.severity, new: next.severity });
  }
  const entities = setChange(baseline.entities, next.entities).added;
  if (entities.length > 0) reasons.push({ kind: 'new_entities', entities });
  if (setChange(baseline.techniques, next.techniques).added.length > 0) {
    reasons.push({ kind: 'new_technique', old: baseline.techniques, new: next.techniques });
  }
  return reasons;
}

export interface RevisionEvent {
  signalId: number;
  ddId: string;
  prevRevision: number;
  revision: number;
  next: SignalForRegister;
  now: number;
  actor: string;
  cursor: AuditCursor;
  /** opens the superseding finding (status new) for this signal and returns its id */
  openSuperseding: (oldFindingId: number) => number;
}

export type RevisionOutcome = 'none' | 'delta' | 'superseded';

export class SignalDeltaRecorder {
  private readonly activeFinding;
  private readonly payloadAt;
  private readonly baselineOf;
  private readonly insertDelta;
  private readonly byFinding;
  private readonly supersededBy;

  constructor(db: DB) {
    // The newest finding of a signal is the one a change concerns (an older one is superseded).
    this.activeFinding = db.prepare<[string], { id: number; status: string; decision_revision: number; signed: number }>(
      `SELECT f.id, f.status, f.decision_revision,
              EXISTS (SELECT 1 FROM signoffs s WHERE s.finding_id = f.id AND s.revision = f.decision_revision) AS signed
       FROM findings f WHERE f.dd_signal_id = ? ORDER BY f.id DESC LIMIT 1`,
    );
    this.payloadAt = db.prepare<[number, number], { payload: string }>('SELECT payload FROM signal_revisions WHERE signal_id = ? AND revision = ?');
    this.baselineOf = db.prepare<[number, number], { baseline_revision: number }>(
      'SELECT baseline_revision FROM signal_deltas WHERE finding_id = ? AND decision_revision = ? ORDER BY to_revision LIMIT 1',
    );
    this.insertDelta = db.prepare(
      `INSERT INTO signal_deltas (finding_id, signal_id, from_revision, to_revision, baseline_revision, decision_revision, delta, material, superseded_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.byFinding = db.prepare<[number], Record<string, unknown>>('SELECT * FROM signal_deltas WHERE finding_id = ? ORDER BY to_revision');
    this.supersededBy = db.prepare<[number], { superseded_by: number }>(
      'SELECT superseded_by FROM signal_deltas WHERE finding_id = ? AND superseded_by IS NOT NULL ORDER BY id LIMIT 1',
    );
  }

  /** Called inside the ingest transaction, after the signal row and its new revision are written. */
  onRevision(e: RevisionEvent): RevisionOutcome {
    const f = this.activeFinding.get(e.ddId);
    if (!f || f.signed !== 1 || !SIGNED_STATUSES.has(f.status)) return 'none';
    const prev = this.revision(e.signalId, e.prevRevision);
    // The revision in force at sign-off: where this sign-off's first delta started, or the one just replaced.
    const baselineRevision = this.baselineOf.get(f.id, f.decision_revision)?.baseline_revision ?? e.prevRevision;
    const baseline = baselineRevision === e.prevRevision ? prev : this.revision(e.signalId, baselineRevision);
    const delta = signalDelta(prev, e.next, e.prevRevision, e.revision);
    const reasons = materialReasons(baseline, e.next);
    const fid = `FND-${f.id}`;
    const newId = reasons.length > 0 ? e.openSuperseding(f.id) : null;
    this.insertDelta.run(
      f.id,
      e.signalId,
      e.prevRevision,
      e.revision,
      baselineRevision,
      f.decision_revision,
      JSON.stringify(delta),
      reasons.length > 0 ? JSON.stringify(reasons) : null,
      newId,
      e.now,
    );
    e.cursor.append({
      actor: e.actor,
      action: 'finding.signal_delta',
      entity: 'finding',
      entityId: fid,
      field: 'signal_revision',
      old: e.prevRevision,
      new: { revision: e.revision, content_hash: e.next.contentHash, material: reasons.map((r) => r.kind) },
      at: e.now,
    });
    if (newId === null) return 'delta';
    e.cursor.append({
      actor: e.actor,
      action: 'finding.superseded',
      entity: 'finding',
      entityId: fid,
      field: 'superseded_by',
      old: null,
      new: { finding_id: `FND-${newId}`, signal_revision: e.revision, reasons },
      at: e.now,
    });
    return 'superseded';
  }

  deltas(findingId: number): SignalDeltaRow[] {
    return this.byFinding.all(findingId).map((r) => ({
      ...(r as unknown as Omit<SignalDeltaRow, 'delta' | 'material'>),
      delta: JSON.parse(r['delta'] as string) as SignalDelta,
      material: r['material'] === null ? null : (JSON.parse(r['material'] as string) as MaterialReason[]),
    }));
  }

  /** The finding that superseded this one, or null. */
  supersededByOf(findingId: number): number | null {
    return this.supersededBy.get(findingId)?.superseded_by ?? null;
  }

  private revision(signalId: number, revision: number): SignalForRegister {
    const r = this.payloadAt.get(signalId, revision);
    // Stored revisions passed validation when they arrived; the payload is their canonical JSON.
    return normalizeSignal(JSON.parse(r!.payload));
  }
}
