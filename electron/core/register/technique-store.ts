// ATT&CK tagging in the register: the kept record of each technique decision (confirm / override /
// set, with the drafter's suggestion and the analyst's reason), and per-technique counts over any
// queue filter for Navigator layers. Rows are immutable (triggers in migration 0008).
import type { QueueFilter } from '../../../shared/domain';
import type { AuditCursor } from './audit';
import type { DB } from './database';
import { buildWhere, ftsQuery } from './queue';

export type TechniqueDecisionKind = 'confirm' | 'override' | 'set';

export interface TechniqueDecisionInput {
  kind: TechniqueDecisionKind;
  technique: string;
  tactic: string | null;
  secondary: string[];
  previous_technique: string | null;
  previous_secondary: string[];
  suggested_technique: string | null;
  suggested_confidence: number | null;
  draft_id: number | null;
  reason: string | null;
}

export interface TechniqueDecisionRow {
  id: number;
  finding_id: number;
  kind: TechniqueDecisionKind;
  technique: string;
  tactic: string | null;
  secondary: string[];
  previous_technique: string | null;
  suggested_technique: string | null;
  suggested_confidence: number | null;
  draft_id: number | null;
  reason: string | null;
  decision_revision: number;
  actor: string;
  at: number;
}

/**
 * Keeps one decision and its audit entry (old → new, with the reason). Must run inside the write
 * transaction that changed the finding, so the tags, the decision and the audit commit together.
 */
export function recordTechniqueDecision(
  db: DB,
  cursor: AuditCursor,
  findingId: number,
  d: TechniqueDecisionInput & { decision_revision: number },
  actor: string,
  at: number,
): number {
  const r = db
    .prepare(
      `INSERT INTO technique_decisions (finding_id, kind, technique, tactic, secondary, previous_technique, suggested_technique, suggested_confidence, draft_id, reason, decision_revision, actor, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      findingId,
      d.kind,
      d.technique,
      d.tactic,
      JSON.stringify(d.secondary),
      d.previous_technique,
      d.suggested_technique,
      d.suggested_confidence,
      d.draft_id,
      d.reason,
      d.decision_revision,
      actor,
      at,
    );
  cursor.append({
    actor,
    action: `finding.technique_${d.kind === 'confirm' ? 'confirmed' : d.kind === 'override' ? 'overridden' : 'set'}`,
    entity: 'finding',
    entityId: `FND-${findingId}`,
    field: 'technique',
    old: { technique: d.previous_technique, secondary: d.previous_secondary },
    new: { technique: d.technique, secondary: d.secondary, suggested: d.suggested_technique },
    reason: d.reason,
    at,
  });
  return Number(r.lastInsertRowid);
}

export function listTechniqueDecisions(db: DB, findingId: number): TechniqueDecisionRow[] {
  const rows = db.prepare('SELECT * FROM technique_decisions WHERE finding_id = ? ORDER BY id').all(findingId) as (Omit<TechniqueDecisionRow, 'secondary'> & {
    secondary: string;
  })[];
  return rows.map((r) => ({ ...r, secondary: JSON.parse(r.secondary) as string[] }));
}

export interface TechniqueCounts {
  /** findings matching the filter */
  findings: number;
  /** findings per primary technique and the tactic it was tagged under */
  primary: { technique: string; tactic: string | null; count: number }[];
  /** findings naming the technique as a secondary one */
  secondary: { technique: string; count: number }[];
}

/**
 * How many findings of a queue filter carry each technique. The same WHERE as the queue (a parent
 * id matches its sub-techniques); a text search is applied uncapped, since a layer covers the
 * whole set rather than a page of it.
 */
export function techniqueCounts(db: DB, filter: QueueFilter): TechniqueCounts {
  // Qualified columns: json_each has an `id` (and `value`, `type`) of its own.
  const w = buildWhere(filter, 'f.');
  const sql = [...w.sql];
  const params = [...w.params];
  const fts = filter.search ? ftsQuery(filter.search) : null;
  if (fts) {
    sql.push('f.id IN (SELECT rowid FROM finding_fts WHERE finding_fts MATCH ?)');
    params.push(fts);
  }
  const and = sql.map((c) => ` AND ${c}`).join('');
  const findings = (db.prepare(`SELECT count(*) AS n FROM findings f WHERE 1${and}`).get(...params) as { n: number }).n;
  const primary = db
    .prepare(
      `SELECT f.mitre_technique AS technique, f.mitre_tactic AS tactic, count(*) AS count FROM findings f
       WHERE f.mitre_technique IS NOT NULL${and} GROUP BY f.mitre_technique, f.mitre_tactic ORDER BY f.mitre_technique, f.mitre_tactic`,
    )
    .all(...params) as TechniqueCounts['primary'];
  const secondary = db
    .prepare(
      `SELECT j.value AS technique, count(DISTINCT f.id) AS count FROM findings f, json_each(f.secondary_techniques) j
       WHERE f.secondary_techniques IS NOT NULL AND j.type = 'text'${and} GROUP BY j.value ORDER BY j.value`,
    )
    .all(...params) as TechniqueCounts['secondary'];
  return { findings, primary, secondary };
}
