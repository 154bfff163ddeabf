// Signals in: validate, hash, keep every changed version as a revision, open a finding for a new
// signal. One transaction per batch: the signal rows, the finding, its full-text entry and the
// audit entries commit together or not at all.
import { blastRadiusText, searchableText, type SignalForRegister } from '../signals/normalize';
import { isQuarantined, prepareSignals, type PreparedSignal } from '../signals/prepare';
import { SEVERITIES, type Priority, type Severity } from '../../../shared/domain';
import type { AuditCursor, AuditWriter } from './audit';
import type { DB } from './database';
import type { FacetDims } from './facet-index';
import { SignalDeltaRecorder } from './signal-deltas';

export interface IngestOptions {
  actor: string;
  /** epoch ms used as fetched_at; defaults to now */
  now?: number;
  /** when the finding.opened entry is dated; defaults to `now` (the demo dates it by the signal) */
  openedAt?: (signalTs: number) => number;
  /** maps a technique id to its primary tactic when the signal carries no tactic tag */
  tacticFor?: (techniqueId: string) => string | null;
}

export interface IngestResult {
  inserted: number;
  revised: number;
  unchanged: number;
  quarantined: { ddSignalId: string | null; reason: string }[];
  /** ids of the findings opened by this batch */
  openedFindings: number[];
  /** their facet rows, for the in-memory counts (applied once the transaction commits) */
  openedFacets: FacetDims[];
  /** revisions of signed findings' signals, appended as deltas (signal-deltas.ts) */
  deltas: number;
  /** of those, material ones: each opened a new finding that supersedes the signed one */
  superseded: number;
}

export const PRIORITY_FOR_SEVERITY: Record<Severity, Priority> = {
  critical: 'P1',
  high: 'P2',
  medium: 'P3',
  low: 'P4',
  info: 'P5',
};

export class SignalIngester {
  private readonly findSignal;
  private readonly insertSignal;
  private readonly updateSignal;
  private readonly insertRevision;
  private readonly insertFinding;
  private readonly insertFts;
  private readonly countFacet;
  private readonly insertEntity;
  private readonly insertDims;
  private readonly insertQuarantine;
  private readonly setSupersedes;
  private readonly deltas: SignalDeltaRecorder;

  constructor(
    private readonly db: DB,
    private readonly audit: AuditWriter,
  ) {
    this.findSignal = db.prepare<[string], { id: number; revision: number; content_hash: string }>(
      'SELECT id, revision, content_hash FROM signals WHERE dd_signal_id = ?',
    );
    this.insertSignal = db.prepare(
      `INSERT INTO signals (dd_signal_id, ts, severity, rule_id, rule_name, rule_type, source, title, triage_state, revision, content_hash, fetched_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    );
    this.updateSignal = db.prepare(
      `UPDATE signals SET ts = ?, severity = ?, rule_id = ?, rule_name = ?, rule_type = ?, source = ?, title = ?, triage_state = ?,
         revision = ?, content_hash = ?, fetched_at = ? WHERE id = ?`,
    );
    this.insertRevision = db.prepare(
      // The payload is stored as text whether it comes as a string or as its UTF-8 bytes.
      'INSERT INTO signal_revisions (signal_id, revision, content_hash, payload, fetched_at) VALUES (?, ?, ?, CAST(? AS TEXT), ?)',
    );
    this.insertFinding = db.prepare(
      `INSERT INTO findings (signal_id, dd_signal_id, title, source, mitre_technique, mitre_tactic, severity, status, priority,
         blast_radius, blast_radius_count, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?)`,
    );
    this.insertFts = db.prepare('INSERT INTO finding_fts (rowid, title, body) VALUES (?, ?, ?)');
    this.insertDims = db.prepare(
      "INSERT INTO finding_dims (id, status_rank, severity_rank, priority, assignee, mitre_tactic, mitre_technique, technique_parent) VALUES (?, 0, ?, ?, NULL, ?, ?, substr(?, 1, 5))",
    );
    this.insertEntity = db.prepare('INSERT OR IGNORE INTO finding_entities (finding_id, type, value) VALUES (?, ?, ?)');
    // The only place findings are inserted, so the one place new findings are counted (see 0001).
    this.countFacet = db.prepare(
      "INSERT INTO finding_facets VALUES ('new', ?, ?, '', ?, ?, 1) ON CONFLICT DO UPDATE SET n = n + 1",
    );
    this.insertQuarantine = db.prepare(
      'INSERT INTO quarantine (dd_signal_id, reason, payload, received_at) VALUES (?, ?, ?, ?)',
    );
    this.setSupersedes = db.prepare('UPDATE findings SET supersedes = ? WHERE id = ? AND supersedes IS NULL');
    this.deltas = new SignalDeltaRecorder(db);
  }

  ingest(raws: readonly unknown[], opts: IngestOptions): IngestResult {
    // Validation and hashing happen before the write lock is taken.
    return this.ingestPrepared(prepareSignals(raws), opts);
  }

  /** Signals already validated and hashed by prepareSignals (here or in the sync's worker). */
  ingestPrepared(prepared: readonly PreparedSignal[], opts: IngestOptions): IngestResult {
    const now = opts.now ?? Date.now();
    const result: IngestResult = { inserted: 0, revised: 0, unchanged: 0, quarantined: [], openedFindings: [], openedFacets: [], deltas: 0, superseded: 0 };
    this.db
      .transaction(() => {
        const cursor = this.audit.begin();
        for (const p of prepared) {
          if (isQuarantined(p)) {
            const q = p.quarantine;
            this.insertQuarantine.run(q.ddSignalId, q.reason, q.payload, now);
            result.quarantined.push({ ddSignalId: q.ddSignalId, reason: q.reason });
            continue;
          }
          this.one(p, now, opts, cursor, result);
        }
      })
      .immediate();
    return result;
  }

  private one(n: SignalForRegister, now: number, opts: IngestOptions, cursor: AuditCursor, result: IngestResult): void {
    const existing = this.findSignal.get(n.ddId);
    if (existing) {
      if (existing.content_hash === n.contentHash) {
        result.unchanged++;
        return;
      }
      const revision = existing.revision + 1;
      this.updateSignal.run(n.ts, n.severity, n.ruleId, n.ruleName, n.ruleType, n.source, n.title, n.triageState, revision, n.contentHash, now, existing.id);
      this.insertRevision.run(existing.id, revision, n.contentHash, n.canonical, now);
      cursor.append({
        actor: opts.actor,
        action: 'signal.revised',
        entity: 'signal',
        entityId: n.ddId,
        field: 'content_hash',
        old: existing.content_hash,
        new: n.contentHash,
        at: now,
      });
      result.revised++;
      // A signed finding keeps its decision: the change becomes a delta, and a material one opens a
      // finding that supersedes it. Only revisions pay for this lookup, never a new signal.
      const outcome = this.deltas.onRevision({
        signalId: existing.id,
        ddId: n.ddId,
        prevRevision: existing.revision,
        revision,
        next: n,
        now,
        actor: opts.actor,
        cursor,
        openSuperseding: (oldId) => this.openFinding(existing.id, n, now, opts, cursor, result, oldId),
      });
      if (outcome !== 'none') result.deltas++;
      if (outcome === 'superseded') result.superseded++;
      return;
    }
    const info = this.insertSignal.run(n.ddId, n.ts, n.severity, n.ruleId, n.ruleName, n.ruleType, n.source, n.title, n.triageState, n.contentHash, now);
    const signalId = Number(info.lastInsertRowid);
    this.insertRevision.run(signalId, 1, n.contentHash, n.canonical, now);
    this.openFinding(signalId, n, now, opts, cursor, result, null);
    result.inserted++;
  }

  /** A finding in status new for the signal; `supersedes` when it replaces a signed one after a material change. */
  private openFinding(
    signalId: number,
    n: SignalForRegister,
    now: number,
    opts: IngestOptions,
    cursor: AuditCursor,
    result: IngestResult,
    supersedes: number | null,
  ): number {
    const technique = n.techniques[0] ?? null;
    const tactic = n.tactics[0] ?? (technique && opts.tacticFor ? opts.tacticFor(technique) : null);
    const f = this.insertFinding.run(
      signalId,
      n.ddId,
      n.title,
      n.source,
      technique,
      tactic,
      n.severity,
      PRIORITY_FOR_SEVERITY[n.severity],
      blastRadiusText(n.entities),
      n.entities.length,
      n.ts,
      now,
    );
    const findingId = Number(f.lastInsertRowid);
    if (supersedes !== null) this.setSupersedes.run(supersedes, findingId);
    this.countFacet.run(n.severity, PRIORITY_FOR_SEVERITY[n.severity], tactic ?? '', technique ?? '');
    this.insertDims.run(findingId, SEVERITIES.indexOf(n.severity), PRIORITY_FOR_SEVERITY[n.severity], tactic, technique, technique);
    result.openedFacets.push(['new', n.severity, PRIORITY_FOR_SEVERITY[n.severity], '', tactic ?? '', technique ?? '']);
    for (const e of n.entities) {
      const { type, value } = splitEntity(e);
      this.insertEntity.run(findingId, type, value);
    }
    this.insertFts.run(findingId, n.title, searchableText(n) + (technique ? `\n${technique}` : ''));
    cursor.append({
      actor: opts.actor,
      action: 'finding.opened',
      entity: 'finding',
      entityId: `FND-${findingId}`,
      new:
        supersedes === null
          ? { dd_signal_id: n.ddId, severity: n.severity, status: 'new', mitre_technique: technique }
          : { dd_signal_id: n.ddId, severity: n.severity, status: 'new', mitre_technique: technique, supersedes: `FND-${supersedes}` },
      at: supersedes === null && opts.openedAt ? opts.openedAt(n.ts) : now,
    });
    result.openedFindings.push(findingId);
    return findingId;
  }

  /** Deltas appended to a signed finding after its sign-off, oldest first. */
  signalDeltas(findingId: number) {
    return this.deltas.deltas(findingId);
  }

  /** The finding that superseded this one after a material signal change, or null. */
  supersededBy(findingId: number): number | null {
    return this.deltas.supersededByOf(findingId);
  }
}

/** "host:web-1" → { type: "host", value: "web-1" }; "@usr.id:alice" → { type: "@usr.id", value: "alice" }. */
export function splitEntity(e: string): { type: string; value: string } {
  const i = e.indexOf(':');
  return i > 0 ? { type: e.slice(0, i), value: e.slice(i + 1) } : { type: 'entity', value: e };
}
