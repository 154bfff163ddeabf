// One finding with its signal, revisions and history; and field-level, audited updates.
import type { FindingStatus, Priority, Severity } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import type { AuditCursor, AuditRow } from './audit';
import type { DB } from './database';
import type { FacetDims } from './facet-index';
import { toQueueRow } from './queue';

export interface FindingPatch {
  title?: string;
  status?: FindingStatus;
  priority?: Priority;
  severity?: Severity;
  assignee?: string | null;
  splunk_search?: string | null;
  mitre_technique?: string | null;
  mitre_tactic?: string | null;
  blast_radius?: string | null;
  blast_radius_count?: number | null;
  recommended_action?: string | null;
  drafted_by?: string | null;
  analyst_signoff?: string | null;
  signed_at?: number | null;
  risk_score?: number | null;
  risk_factors?: Record<string, number> | null;
  mitigation_plan?: string | null;
  secondary_techniques?: string[] | null;
  /** what a blocked finding waits for; cleared when it leaves blocked */
  awaiting?: string | null;
}

/**
 * The fields a sign-off covers (with status). Changing any of them makes a new decision revision;
 * on a finding signed at its current revision, only an explicit new revision may change them.
 */
export const DECISION_FIELDS: ReadonlySet<keyof FindingPatch> = new Set<keyof FindingPatch>([
  'mitre_technique',
  'mitre_tactic',
  'severity',
  'blast_radius',
  'recommended_action',
  'risk_score',
  'risk_factors',
  'mitigation_plan',
  'secondary_techniques',
]);

/** Stored as JSON text. */
const JSON_FIELDS: ReadonlySet<keyof FindingPatch> = new Set<keyof FindingPatch>(['risk_factors', 'secondary_techniques']);

const PATCHABLE = new Set<keyof FindingPatch>([
  'title',
  'status',
  'priority',
  'severity',
  'assignee',
  'splunk_search',
  'mitre_technique',
  'mitre_tactic',
  'blast_radius',
  'blast_radius_count',
  'recommended_action',
  'drafted_by',
  'analyst_signoff',
  'signed_at',
  'risk_score',
  'risk_factors',
  'mitigation_plan',
  'secondary_techniques',
  'awaiting',
]);

export interface FindingUpdateOptions {
  reason?: string;
  at?: number;
  onFacet?: (from: FacetDims, to: FacetDims) => void;
  /**
   * Allow decision-field changes on a finding signed at its current revision: they make a new
   * revision (status back to in_review, the sign-off columns cleared) that needs a new sign-off.
   * The old sign-off row stays as it was.
   */
  newRevision?: boolean;
}

export interface FindingRecord {
  row: ReturnType<typeof toQueueRow>;
  risk_factors: Record<string, number> | null;
  mitigation_plan: string | null;
  supersedes: number | null;
  /** bumped by every decision-field change; a sign-off covers exactly one revision */
  decision_revision: number;
  secondary_techniques: string[];
  awaiting: string | null;
  signal: {
    id: number;
    dd_signal_id: string;
    ts: number;
    rule_name: string | null;
    rule_type: string | null;
    source: string | null;
    triage_state: string | null;
    revision: number;
    payload: unknown;
    revisions: { revision: number; content_hash: string; fetched_at: number }[];
  };
  history: AuditRow[];
}

export class FindingStore {
  private readonly byId;
  private readonly signalById;
  private readonly revisions;
  private readonly payload;
  private readonly history;
  private readonly signedAtRevision;

  constructor(private readonly db: DB) {
    this.signedAtRevision = db.prepare('SELECT 1 FROM signoffs WHERE finding_id = ? AND revision = ? LIMIT 1');
    this.byId = db.prepare('SELECT * FROM findings WHERE id = ?');
    this.signalById = db.prepare('SELECT * FROM signals WHERE id = ?');
    this.revisions = db.prepare('SELECT revision, content_hash, fetched_at FROM signal_revisions WHERE signal_id = ? ORDER BY revision');
    this.payload = db.prepare('SELECT payload FROM signal_revisions WHERE signal_id = ? AND revision = ?');
    this.history = db.prepare("SELECT * FROM audit WHERE entity = 'finding' AND entity_id = ? ORDER BY seq");
  }

  get(id: number): FindingRecord | null {
    const f = this.byId.get(id) as (Record<string, unknown> & { signal_id: number; risk_factors: string | null }) | undefined;
    if (!f) return null;
    const s = this.signalById.get(f.signal_id) as {
      id: number;
      dd_signal_id: string;
      ts: number;
      rule_name: string | null;
      rule_type: string | null;
      source: string | null;
      triage_state: string | null;
      revision: number;
    };
    const p = this.payload.get(s.id, s.revision) as { payload: string };
    return {
      row: toQueueRow(f as unknown as Parameters<typeof toQueueRow>[0]),
      risk_factors: f.risk_factors ? (JSON.parse(f.risk_factors) as Record<string, number>) : null,
      mitigation_plan: (f['mitigation_plan'] as string | null) ?? null,
      supersedes: (f['supersedes'] as number | null) ?? null,
      decision_revision: (f['decision_revision'] as number | null) ?? 0,
      secondary_techniques: typeof f['secondary_techniques'] === 'string' ? (JSON.parse(f['secondary_techniques']) as string[]) : [],
      awaiting: (f['awaiting'] as string | null) ?? null,
      signal: {
        ...s,
        payload: JSON.parse(p.payload),
        revisions: this.revisions.all(s.id) as FindingRecord['signal']['revisions'],
      },
      history: this.history.all(`FND-${id}`) as AuditRow[],
    };
  }

  /** Must run inside a write transaction (Register.updateFinding provides it). */
  update(
    id: number,
    patch: FindingPatch,
    cursor: AuditCursor,
    actor: string,
    opts: FindingUpdateOptions,
  ): FindingRecord {
    const current = this.byId.get(id) as Record<string, unknown> | undefined;
    if (!current) throw new VigilError('NOT_FOUND', `Finding FND-${id} does not exist.`);
    const stores = (k: keyof FindingPatch, v: unknown): unknown => (JSON_FIELDS.has(k) && v !== null ? JSON.stringify(v) : v);
    // Decide about the revision before anything is written or audited.
    const decisionChanges = (Object.entries(patch) as [keyof FindingPatch, unknown][])
      .filter(([k, v]) => v !== undefined && DECISION_FIELDS.has(k) && (current[k] ?? null) !== stores(k, v))
      .map(([k]) => k);
    const revision = (current['decision_revision'] as number | null) ?? 0;
    let revised = false;
    let effective = patch;
    if (decisionChanges.length > 0 && this.signedAt(id, revision)) {
      if (!opts.newRevision) {
        throw new VigilError(
          'FINDING_SIGNED',
          `FND-${id} is signed at revision ${revision}, so its decision is read-only (tried to change ${decisionChanges.join(', ')}). ` +
            'A change makes a new revision that needs a new sign-off; make a new revision to continue.',
        );
      }
      revised = true;
      effective = { ...patch, status: 'in_review', analyst_signoff: null, signed_at: null };
    }
    // What a blocked finding waited for goes with the block (the history keeps it).
    if (effective.status !== undefined && effective.status !== 'blocked' && current['awaiting'] != null && effective.awaiting === undefined) {
      effective = { ...effective, awaiting: null };
    }
    const dims = (r: Record<string, unknown>): FacetDims => [
      String(r['status']),
      String(r['severity']),
      String(r['priority']),
      (r['assignee'] as string | null) ?? '',
      (r['mitre_tactic'] as string | null) ?? '',
      (r['mitre_technique'] as string | null) ?? '',
    ];
    const at = opts.at ?? Date.now();
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [k, v] of Object.entries(effective) as [keyof FindingPatch, unknown][]) {
      if (v === undefined) continue;
      if (!PATCHABLE.has(k)) throw new VigilError('VALIDATION_FAILED', `Field ${k} cannot be changed this way.`);
      const stored = stores(k, v);
      const old = current[k] ?? null;
      if (old === stored) continue;
      sets.push(`${k} = ?`);
      params.push(stored);
      cursor.append({
        actor,
        action: 'finding.updated',
        entity: 'finding',
        entityId: `FND-${id}`,
        field: k,
        old: JSON_FIELDS.has(k) && typeof old === 'string' ? JSON.parse(old) : old,
        new: v,
        reason: opts.reason ?? null,
        at,
      });
    }
    if (decisionChanges.length > 0) {
      sets.push('decision_revision = ?');
      params.push(revision + 1);
      if (revised) {
        cursor.append({
          actor,
          action: 'finding.revised',
          entity: 'finding',
          entityId: `FND-${id}`,
          field: 'decision_revision',
          old: revision,
          new: revision + 1,
          reason: opts.reason ?? null,
          at,
        });
      }
    }
    if (sets.length > 0) {
      sets.push('updated_at = ?');
      params.push(at);
      this.db.prepare(`UPDATE findings SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
      if (opts.onFacet) {
        const from = dims(current);
        const to = dims({ ...current, ...Object.fromEntries(Object.entries(effective).filter(([, v]) => v !== undefined)) });
        if (from.join('\u0000') !== to.join('\u0000')) opts.onFacet(from, to);
      }
      if (effective.title !== undefined || effective.mitre_technique !== undefined) this.refreshSearch(id);
    }
    return this.get(id)!;
  }

  /** One stored revision of the finding's signal, parsed; null when there is no such revision. */
  revisionPayload(id: number, revision: number): { payload: unknown; fetched_at: number; content_hash: string } | null {
    const f = this.byId.get(id) as { signal_id: number } | undefined;
    if (!f) throw new VigilError('NOT_FOUND', `Finding FND-${id} does not exist.`);
    const r = this.db.prepare('SELECT payload, fetched_at, content_hash FROM signal_revisions WHERE signal_id = ? AND revision = ?').get(f.signal_id, revision) as
      | { payload: string; fetched_at: number; content_hash: string }
      | undefined;
    return r ? { payload: JSON.parse(r.payload), fetched_at: r.fetched_at, content_hash: r.content_hash } : null;
  }

  /** True when a sign-off exists for this finding at this decision revision. */
  signedAt(id: number, revision: number): boolean {
    return this.signedAtRevision.get(id, revision) !== undefined;
  }

  /** Re-index a finding's text after an edit that the full-text index covers. */
  private refreshSearch(id: number): void {
    const f = this.byId.get(id) as { title: string; mitre_technique: string | null; signal_id: number };
    const s = this.signalById.get(f.signal_id) as { revision: number; id: number };
    const p = this.payload.get(s.id, s.revision) as { payload: string };
    const raw = JSON.parse(p.payload) as { attributes?: { message?: string; tags?: string[] } };
    this.db.prepare('DELETE FROM finding_fts WHERE rowid = ?').run(id);
    const body = [raw.attributes?.message ?? '', (raw.attributes?.tags ?? []).join(' '), f.mitre_technique ?? ''].join('\n');
    this.db.prepare('INSERT INTO finding_fts (rowid, title, body) VALUES (?, ?, ?)').run(id, f.title, body);
  }
}
