// Reads for evidence bundles: which findings a selection names, and everything the bundle carries
// about each (decision fields, every signal revision verbatim, drafts, evidence verbatim, sign-offs,
// approvals when the register keeps them, its audit entries) plus the chain head. Read-only; the
// export's own audit entry goes through Register.appendAudit.
import type { AuditRow } from './audit';
import type { DB } from './database';
import type { DraftRow } from './register';
import type { SignoffRow } from './custody-store';
import type { EvidenceRow } from './source-stores';

export interface ExportFindingData {
  id: number;
  row: Record<string, unknown>;
  signal: { dd_signal_id: string; revisions: { revision: number; content_hash: string; payload: string; fetched_at: number }[] };
  drafts: DraftRow[];
  evidence: EvidenceRow[];
  signoffs: SignoffRow[];
  /** containment requests with the requester's signed request and the second analyst's signed approval */
  approvals: { action_id: string; action_name: string; state: string; request: unknown; approval: unknown }[];
  audit: AuditRow[];
}

export class EvidenceReader {
  private readonly hasApprovals: boolean;

  constructor(private readonly db: DB) {
    // Second-key approvals ride on containment requests (migration 0007); older registers have none.
    this.hasApprovals = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'containment_requests'").get() !== undefined;
  }

  /** Existing finding ids among these, in ascending order; unknown ids are returned apart. */
  existing(ids: readonly number[]): { found: number[]; missing: number[] } {
    const has = this.db.prepare('SELECT 1 FROM findings WHERE id = ?').pluck();
    const found: number[] = [];
    const missing: number[] = [];
    for (const id of [...new Set(ids)].sort((a, b) => a - b)) (has.get(id) ? found : missing).push(id);
    return { found, missing };
  }

  /** Findings created in [since, until), by the created_at index, oldest first. */
  createdBetween(since: number | null, until: number | null, limit: number): number[] {
    return this.db
      .prepare('SELECT id FROM findings WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id LIMIT ?')
      .pluck()
      .all(since ?? Number.MIN_SAFE_INTEGER, until ?? Number.MAX_SAFE_INTEGER, limit) as number[];
  }

  finding(id: number): ExportFindingData | null {
    return this.findings([id])[0] ?? null;
  }

  /**
   * Several findings at once, in the order given (unknown ids are skipped): one query per table per
   * batch instead of seven per finding, which is most of an export's reading time at 10,000.
   */
  findings(ids: readonly number[]): ExportFindingData[] {
    if (ids.length === 0) return [];
    const marks = ids.map(() => '?').join(',');
    const all = <T>(sql: string, params: readonly unknown[]): T[] => this.db.prepare(sql).all(...params) as T[];
    const group = <T>(rows: T[], key: (r: T) => number | string): Map<number | string, T[]> => {
      const m = new Map<number | string, T[]>();
      for (const r of rows) {
        const k = key(r);
        const list = m.get(k);
        if (list) list.push(r);
        else m.set(k, [r]);
      }
      return m;
    };
    const rows = all<Record<string, unknown> & { id: number; signal_id: number }>(`SELECT * FROM findings WHERE id IN (${marks})`, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const signalIds = [...new Set(rows.map((r) => r.signal_id))];
    const sigMarks = signalIds.map(() => '?').join(',');
    const signals = new Map(all<{ id: number; dd_signal_id: string }>(`SELECT id, dd_signal_id FROM signals WHERE id IN (${sigMarks})`, signalIds).map((r) => [r.id, r.dd_signal_id]));
    const revisions = group(
      all<{ signal_id: number; revision: number; content_hash: string; payload: string; fetched_at: number }>(
        `SELECT signal_id, revision, content_hash, payload, fetched_at FROM signal_revisions WHERE signal_id IN (${sigMarks}) ORDER BY signal_id, revision`,
        signalIds,
      ),
      (r) => r.signal_id,
    );
    const drafts = group(all<DraftRow>(`SELECT * FROM drafts WHERE finding_id IN (${marks}) ORDER BY id`, ids), (r) => r.finding_id);
    const evidence = group(all<EvidenceRow>(`SELECT * FROM evidence WHERE finding_id IN (${marks}) ORDER BY id`, ids), (r) => r.finding_id);
    const signoffs = group(all<SignoffRow>(`SELECT * FROM signoffs WHERE finding_id IN (${marks}) ORDER BY id`, ids), (r) => r.finding_id);
    const fids = ids.map((id) => `FND-${id}`);
    const audit = group(all<AuditRow>(`SELECT * FROM audit WHERE entity = 'finding' AND entity_id IN (${marks}) ORDER BY seq`, fids), (r) => r.entity_id);
    const approvals = this.hasApprovals ? this.approvals(ids, marks) : new Map<number, ExportFindingData['approvals']>();
    const out: ExportFindingData[] = [];
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) continue;
      out.push({
        id,
        row,
        signal: {
          dd_signal_id: signals.get(row.signal_id)!,
          revisions: (revisions.get(row.signal_id) ?? []).map(({ revision, content_hash, payload, fetched_at }) => ({ revision, content_hash, payload, fetched_at })),
        },
        drafts: drafts.get(id) ?? [],
        evidence: evidence.get(id) ?? [],
        signoffs: signoffs.get(id) ?? [],
        approvals: approvals.get(id) ?? [],
        audit: audit.get(`FND-${id}`) ?? [],
      });
    }
    return out;
  }

  private approvals(ids: readonly number[], marks: string): Map<number, ExportFindingData['approvals']> {
    const rows = this.db
      .prepare(`SELECT finding_id, action_id, action_name, state, request_record, approval_record FROM containment_requests WHERE finding_id IN (${marks}) ORDER BY id`)
      .all(...ids) as { finding_id: number; action_id: string; action_name: string; state: string; request_record: string; approval_record: string | null }[];
    const out = new Map<number, ExportFindingData['approvals']>();
    for (const r of rows) {
      const list = out.get(r.finding_id) ?? [];
      list.push({
        action_id: r.action_id,
        action_name: r.action_name,
        state: r.state,
        request: JSON.parse(r.request_record) as unknown,
        approval: r.approval_record ? (JSON.parse(r.approval_record) as unknown) : null,
      });
      out.set(r.finding_id, list);
    }
    return out;
  }

  /** The newest audit entry: the head every exported slice is anchored to. */
  auditHead(): { seq: number; hash: string; at: string | null } {
    const r = this.db.prepare('SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string; at: string } | undefined;
    return r ?? { seq: 0, hash: '0'.repeat(64), at: null };
  }
}
