// Register tables behind the sources: secrets, sync state, outbox, Splunk context and evidence.
// Every write here runs inside a transaction opened by Register, with its audit entry.
import { createHash } from 'node:crypto';
import type { DB } from './database';

export type SyncStatus = 'idle' | 'running' | 'failed';
export interface SyncState {
  source: string;
  highWater: number | null;
  windowFrom: number | null;
  windowTo: number | null;
  cursor: string | null;
  status: SyncStatus;
  pages: number;
  signals: number;
  startedAt: number | null;
  finishedAt: number | null;
  lastError: string | null;
  lastErrorCode: string | null;
}

interface SyncRow {
  source: string;
  high_water: number | null;
  window_from: number | null;
  window_to: number | null;
  cursor: string | null;
  status: SyncStatus;
  pages: number;
  signals: number;
  started_at: number | null;
  finished_at: number | null;
  last_error: string | null;
  last_error_code: string | null;
}

export function readSyncState(db: DB, source: string): SyncState {
  const r = db.prepare('SELECT * FROM sync_state WHERE source = ?').get(source) as SyncRow | undefined;
  if (!r) {
    return { source, highWater: null, windowFrom: null, windowTo: null, cursor: null, status: 'idle', pages: 0, signals: 0, startedAt: null, finishedAt: null, lastError: null, lastErrorCode: null };
  }
  return {
    source,
    highWater: r.high_water,
    windowFrom: r.window_from,
    windowTo: r.window_to,
    cursor: r.cursor,
    status: r.status,
    pages: r.pages,
    signals: r.signals,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    lastError: r.last_error,
    lastErrorCode: r.last_error_code,
  };
}

export function writeSyncState(db: DB, s: SyncState): void {
  db.prepare(
    `INSERT INTO sync_state (source, high_water, window_from, window_to, cursor, status, pages, signals, started_at, finished_at, last_error, last_error_code)
     VALUES (@source, @highWater, @windowFrom, @windowTo, @cursor, @status, @pages, @signals, @startedAt, @finishedAt, @lastError, @lastErrorCode)
     ON CONFLICT (source) DO UPDATE SET high_water = excluded.high_water, window_from = excluded.window_from, window_to = excluded.window_to,
       cursor = excluded.cursor, status = excluded.status, pages = excluded.pages, signals = excluded.signals, started_at = excluded.started_at,
       finished_at = excluded.finished_at, last_error = excluded.last_error, last_error_code = excluded.last_error_code`,
  ).run(s);
}

// ---------------------------------------------------------------------------------------------
// Outbox

export type OutboxKind =
  | 'signal.state'
  | 'signal.assignee'
  | 'case.create'
  | 'case.status'
  | 'case.priority'
  | 'case.assign'
  | 'case.comment'
  | 'containment.run';

export interface OutboxItem {
  kind: OutboxKind;
  /** what the write is about, e.g. "FND-12" or a Datadog signal id */
  target: string;
  payload: Record<string, unknown>;
  /** rows of one stream leave in order; a finding's case writes share the finding's stream */
  stream: string;
  /** unique per intended effect: a retry of the same row never makes a second one */
  idempotencyKey: string;
}

export interface OutboxRow {
  id: number;
  idempotency_key: string;
  kind: OutboxKind;
  target: string;
  payload: string;
  stream: string | null;
  state: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  last_error_code: string | null;
  created_at: number;
  sent_at: number | null;
}

export function insertOutbox(db: DB, items: readonly OutboxItem[], at: number): number[] {
  const ins = db.prepare(
    `INSERT INTO outbox (idempotency_key, kind, target, payload, stream, state, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
  );
  return items.map((i) => Number(ins.run(i.idempotencyKey, i.kind, i.target, JSON.stringify(i.payload), i.stream, at, at).lastInsertRowid));
}

/** Rows ready to leave: due, and first in their stream (an earlier pending or failed row blocks the rest). */
export function dueOutbox(db: DB, now: number, limit: number): OutboxRow[] {
  return db
    .prepare(
      `SELECT * FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.stream = o.stream AND p.id < o.id AND p.state <> 'sent')
       ORDER BY o.id LIMIT ?`,
    )
    .all(now, limit) as OutboxRow[];
}

export function outboxSummary(db: DB): { pending: number; failed: number; sent: number; lastError: string | null; nextAttemptAt: number | null } {
  const c = db
    .prepare(
      `SELECT sum(state = 'pending') AS pending, sum(state = 'failed') AS failed, sum(state = 'sent') AS sent,
              min(CASE WHEN state = 'pending' THEN next_attempt_at END) AS next FROM outbox`,
    )
    .get() as { pending: number | null; failed: number | null; sent: number | null; next: number | null };
  const last = db
    .prepare(`SELECT last_error FROM outbox WHERE state <> 'sent' AND last_error IS NOT NULL ORDER BY id DESC LIMIT 1`)
    .get() as { last_error: string } | undefined;
  return { pending: c.pending ?? 0, failed: c.failed ?? 0, sent: c.sent ?? 0, lastError: last?.last_error ?? null, nextAttemptAt: c.next };
}

// ---------------------------------------------------------------------------------------------
// Evidence

export interface EvidenceInput {
  kind: 'signal_snapshot' | 'splunk_results' | 'note' | 'workflow_run';
  title: string;
  content: string;
  meta?: Record<string, unknown>;
}

export function insertEvidence(db: DB, findingId: number, e: EvidenceInput, actor: string, at: number): { id: number; sha256: string } {
  const sha256 = createHash('sha256').update(e.content).digest('hex');
  const r = db
    .prepare('INSERT INTO evidence (finding_id, kind, title, content, meta, sha256, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(findingId, e.kind, e.title, e.content, e.meta ? JSON.stringify(e.meta) : null, sha256, actor, at);
  return { id: Number(r.lastInsertRowid), sha256 };
}

export interface EvidenceRow {
  id: number;
  finding_id: number;
  kind: EvidenceInput['kind'];
  title: string;
  content: string;
  meta: string | null;
  sha256: string;
  created_by: string;
  created_at: number;
}
