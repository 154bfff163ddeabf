// The append-only, hash-chained audit trail. Each entry's hash covers the previous hash and the
// canonical JSON of the entry (its seq included, so a reorder or a drop breaks the chain).
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical-json';
import type { DB } from './database';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditInput {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  field?: string | null;
  old?: unknown;
  new?: unknown;
  reason?: string | null;
  /** epoch ms; defaults to now */
  at?: number;
}

export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  const body = canonicalJson({
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    entity: row.entity,
    entity_id: row.entity_id,
    field: row.field,
    old: row.old_value,
    new: row.new_value,
    reason: row.reason,
  });
  return createHash('sha256').update(row.prev_hash).update(body).digest('hex');
}

function encode(v: unknown): string | null {
  return v === undefined ? null : canonicalJson(v);
}

/** Appends entries; must be called inside a write transaction so the head cannot move meanwhile. */
export class AuditWriter {
  private readonly head;
  private readonly insert;

  constructor(db: DB) {
    this.head = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
    this.insert = db.prepare(
      `INSERT INTO audit (seq, at, actor, action, entity, entity_id, field, old_value, new_value, reason, prev_hash, hash)
       VALUES (@seq, @at, @actor, @action, @entity, @entity_id, @field, @old_value, @new_value, @reason, @prev_hash, @hash)`,
    );
  }

  /** Reads the chain head once per transaction; append() then advances it in memory. */
  begin(): AuditCursor {
    const h = this.head.get();
    return new AuditCursor(this.insert, h?.seq ?? 0, h?.hash ?? GENESIS_HASH);
  }
}

export class AuditCursor {
  constructor(
    private readonly insert: { run(row: AuditRow): unknown },
    private seq: number,
    private prev: string,
  ) {}

  append(e: AuditInput): AuditRow {
    const row: Omit<AuditRow, 'hash'> = {
      seq: this.seq + 1,
      at: new Date(e.at ?? Date.now()).toISOString(),
      actor: e.actor,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId,
      field: e.field ?? null,
      old_value: encode(e.old),
      new_value: encode(e.new),
      reason: e.reason ?? null,
      prev_hash: this.prev,
    };
    const full: AuditRow = { ...row, hash: entryHash(row) };
    this.insert.run(full);
    this.seq = full.seq;
    this.prev = full.hash;
    return full;
  }
}

export interface AuditVerdict {
  ok: boolean;
  entries: number;
  head: string;
  /** the first entry whose link does not hold */
  broken?: { seq: number; reason: string };
}

/** Walk the whole chain. Names the first broken link. */
export function verifyAuditRows(rows: Iterable<AuditRow>): AuditVerdict {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let n = 0;
  for (const r of rows) {
    if (r.seq !== expectedSeq) {
      return { ok: false, entries: n, head: prev, broken: { seq: r.seq, reason: `expected entry ${expectedSeq} here, found ${r.seq} (an entry is missing or out of order)` } };
    }
    if (r.prev_hash !== prev) {
      return { ok: false, entries: n, head: prev, broken: { seq: r.seq, reason: 'its prev_hash does not match the hash of the entry before it' } };
    }
    const h = entryHash(r);
    if (h !== r.hash) {
      return { ok: false, entries: n, head: prev, broken: { seq: r.seq, reason: 'its content does not match its hash (the entry was altered)' } };
    }
    prev = r.hash;
    expectedSeq++;
    n++;
  }
  return { ok: true, entries: n, head: prev };
}

export function verifyAuditChain(db: DB): AuditVerdict {
  return verifyAuditRows(db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY seq').iterate());
}
