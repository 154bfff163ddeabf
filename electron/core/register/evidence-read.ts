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
  private readonly q;
  private readonly hasApprovals: boolean;

  constructor(private readonly db: DB) {
    this.q = {
      finding: db.prepare('SELECT * FROM findings WHERE id = ?'),
      signal: db.prepare('SELECT dd_signal_id FROM signals WHERE id = ?'),
      revisions: db.prepare('SELECT revision, content_hash, payload, fetched_at FROM signal_revisions WHERE signal_id = ? ORDER BY revision'),
      drafts: db.prepare('SELECT * FROM drafts WHERE finding_id = ? ORDER BY id'),
      evidence: db.prepare('SELECT * FROM evidence WHERE finding_id = ? ORDER BY id'),
      signoffs: db.prepare('SELECT * FROM signoffs WHERE finding_id = ? ORDER BY id'),
      audit: db.prepare("SELECT * FROM audit WHERE entity = 'finding' AND entity_id = ? ORDER BY seq"),
    };
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
    const row = this.q.finding.get(id) as (Record<string, unknown> & { signal_id: number }) | undefined;
    if (!row) return null;
    const sig = this.q.signal.get(row.signal_id) as { dd_signal_id: string };
    return {
      id,
      row,
      signal: { dd_signal_id: sig.dd_signal_id, revisions: this.q.revisions.all(row.signal_id) as ExportFindingData['signal']['revisions'] },
      drafts: this.q.drafts.all(id) as DraftRow[],
      evidence: this.q.evidence.all(id) as EvidenceRow[],
      signoffs: this.q.signoffs.all(id) as SignoffRow[],
      approvals: this.hasApprovals ? this.approvals(id) : [],
      audit: this.q.audit.all(`FND-${id}`) as AuditRow[],
    };
  }

  private approvals(id: number): ExportFindingData['approvals'] {
    const rows = this.db
      .prepare('SELECT action_id, action_name, state, request_record, approval_record FROM containment_requests WHERE finding_id = ? ORDER BY id')
      .all(id) as { action_id: string; action_name: string; state: string; request_record: string; approval_record: string | null }[];
    return rows.map((r) => ({
      action_id: r.action_id,
      action_name: r.action_name,
      state: r.state,
      request: JSON.parse(r.request_record) as unknown,
      approval: r.approval_record ? (JSON.parse(r.approval_record) as unknown) : null,
    }));
  }

  /** The newest audit entry: the head every exported slice is anchored to. */
  auditHead(): { seq: number; hash: string; at: string | null } {
    const r = this.db.prepare('SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string; at: string } | undefined;
    return r ?? { seq: 0, hash: '0'.repeat(64), at: null };
  }
}
