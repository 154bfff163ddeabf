// Register tables behind containment: the configured actions, the requests with their signed
// records, and second analysts' sealed keys. Storage only: the gate (what may run, on whose
// signatures) is electron/core/containment's. Every write here must run inside Register.transaction,
// and each one that changes something a person decided writes its audit entry with it.
import type { FindingPatch, FindingRecord } from './findings';
import type { AuditCursor } from './audit';
import type { DB } from './database';
import { insertEvidence, insertOutbox, type EvidenceInput, type OutboxItem } from './source-stores';

export interface ContainmentActionRow {
  id: number;
  name: string;
  kind: 'workflow' | 'incident';
  workflow_id: string | null;
  inputs: string;
  danger: string;
  description: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export type ContainmentState = 'awaiting_approval' | 'queued' | 'running' | 'succeeded' | 'failed' | 'refused' | 'expired';

export interface ContainmentRequestRow {
  id: number;
  finding_id: number;
  action_id: string;
  action_name: string;
  kind: 'workflow' | 'incident';
  danger: string;
  severity: string;
  needs_second_key: 0 | 1;
  request_record: string;
  approval_record: string | null;
  state: ContainmentState;
  requested_by: string;
  requested_at: number;
  expires_at: number;
  approved_by: string | null;
  approved_at: number | null;
  queued_at: number | null;
  escalated_at: number | null;
  escalated_to: string | null;
  instance_id: string | null;
  instance_status: string | null;
  incident_id: string | null;
  evidence_id: number | null;
  last_error: string | null;
  last_error_code: string | null;
  updated_at: number;
}

export interface ApproverKeyRow {
  key_id: string;
  handle: string;
  name: string;
  public_key: string;
  sealed_private_key: string;
  created_by: string;
  created_at: number;
}

export interface ContainmentHooks {
  /** a fresh audit cursor at the chain head (call right before appending) */
  audit: () => AuditCursor;
  /** an audited finding change inside the open transaction */
  updateFinding: (id: number, patch: FindingPatch, actor: string, at: number, reason?: string) => FindingRecord;
}

type RequestPatch = Partial<Omit<ContainmentRequestRow, 'id' | 'finding_id' | 'action_id' | 'request_record' | 'requested_by' | 'requested_at'>>;

export class ContainmentStore {
  constructor(
    private readonly db: DB,
    readonly hooks: ContainmentHooks,
  ) {}

  private inTx(): void {
    if (!this.db.inTransaction) throw new Error('containment writes run inside Register.transaction');
  }

  // ------------------------------------------------------------------ actions

  actions(): ContainmentActionRow[] {
    return this.db.prepare('SELECT * FROM containment_actions ORDER BY name').all() as ContainmentActionRow[];
  }

  action(id: number): ContainmentActionRow | null {
    return (this.db.prepare('SELECT * FROM containment_actions WHERE id = ?').get(id) as ContainmentActionRow | undefined) ?? null;
  }

  actionByName(name: string): ContainmentActionRow | null {
    return (this.db.prepare('SELECT * FROM containment_actions WHERE name = ?').get(name) as ContainmentActionRow | undefined) ?? null;
  }

  insertAction(a: Omit<ContainmentActionRow, 'id'>): number {
    this.inTx();
    const r = this.db
      .prepare(
        `INSERT INTO containment_actions (name, kind, workflow_id, inputs, danger, description, created_by, created_at, updated_at)
         VALUES (@name, @kind, @workflow_id, @inputs, @danger, @description, @created_by, @created_at, @updated_at)`,
      )
      .run(a);
    return Number(r.lastInsertRowid);
  }

  updateAction(id: number, a: Pick<ContainmentActionRow, 'name' | 'kind' | 'workflow_id' | 'inputs' | 'danger' | 'description' | 'updated_at'>): void {
    this.inTx();
    this.db
      .prepare('UPDATE containment_actions SET name = @name, kind = @kind, workflow_id = @workflow_id, inputs = @inputs, danger = @danger, description = @description, updated_at = @updated_at WHERE id = @id')
      .run({ ...a, id });
  }

  deleteAction(id: number): void {
    this.inTx();
    this.db.prepare('DELETE FROM containment_actions WHERE id = ?').run(id);
  }

  // ------------------------------------------------------------------ requests

  requests(findingId: number): ContainmentRequestRow[] {
    return this.db.prepare('SELECT * FROM containment_requests WHERE finding_id = ? ORDER BY id').all(findingId) as ContainmentRequestRow[];
  }

  request(id: number): ContainmentRequestRow | null {
    return (this.db.prepare('SELECT * FROM containment_requests WHERE id = ?').get(id) as ContainmentRequestRow | undefined) ?? null;
  }

  requestByActionId(actionId: string): ContainmentRequestRow | null {
    return (this.db.prepare('SELECT * FROM containment_requests WHERE action_id = ?').get(actionId) as ContainmentRequestRow | undefined) ?? null;
  }

  /** Requests still waiting for a second key whose deadline has passed, and not escalated yet. */
  overdue(now: number): ContainmentRequestRow[] {
    return this.db
      .prepare("SELECT * FROM containment_requests WHERE state = 'awaiting_approval' AND expires_at <= ? AND escalated_at IS NULL ORDER BY id")
      .all(now) as ContainmentRequestRow[];
  }

  /** Requests of this finding that are on their way (queued or running in Datadog). */
  inFlight(findingId: number): number {
    return (this.db.prepare("SELECT count(*) AS n FROM containment_requests WHERE finding_id = ? AND state IN ('queued', 'running')").get(findingId) as { n: number }).n;
  }

  insertRequest(r: Omit<ContainmentRequestRow, 'id'>): number {
    this.inTx();
    const cols = Object.keys(r);
    const res = this.db.prepare(`INSERT INTO containment_requests (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`).run(r);
    return Number(res.lastInsertRowid);
  }

  updateRequest(id: number, patch: RequestPatch): void {
    this.inTx();
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return;
    this.db.prepare(`UPDATE containment_requests SET ${entries.map(([k]) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...Object.fromEntries(entries), id });
  }

  enqueue(items: readonly OutboxItem[], at: number): void {
    this.inTx();
    insertOutbox(this.db, items, at);
  }

  addEvidence(findingId: number, e: EvidenceInput, actor: string, at: number): { id: number; sha256: string } {
    this.inTx();
    return insertEvidence(this.db, findingId, e, actor, at);
  }

  /** The finding's entities by type, values sorted: what $entity.TYPE reads. */
  entities(findingId: number): Record<string, string[]> {
    const rows = this.db.prepare('SELECT type, value FROM finding_entities WHERE finding_id = ? ORDER BY type, value').all(findingId) as { type: string; value: string }[];
    const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
    for (const r of rows) (out[r.type] ??= []).push(r.value);
    return out;
  }

  // ------------------------------------------------------------------ second analysts' keys

  approverKeys(): Omit<ApproverKeyRow, 'sealed_private_key'>[] {
    return this.db.prepare('SELECT key_id, handle, name, public_key, created_by, created_at FROM approver_keys ORDER BY handle, created_at').all() as Omit<ApproverKeyRow, 'sealed_private_key'>[];
  }

  approverKeysOf(handle: string): ApproverKeyRow[] {
    return this.db.prepare('SELECT * FROM approver_keys WHERE handle = ? ORDER BY created_at DESC').all(handle) as ApproverKeyRow[];
  }

  insertApproverKey(k: ApproverKeyRow): void {
    this.inTx();
    this.db
      .prepare('INSERT INTO approver_keys (key_id, handle, name, public_key, sealed_private_key, created_by, created_at) VALUES (@key_id, @handle, @name, @public_key, @sealed_private_key, @created_by, @created_at)')
      .run(k);
  }
}
