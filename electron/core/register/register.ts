// The encrypted register: one SQLCipher database per workspace plus its key file. Only this folder
// touches the SQLite driver.
import { existsSync, unlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { QueuePage, QueueQueryParsed } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import { AuditWriter, verifyAuditChain, type AuditInput, type AuditRow, type AuditVerdict } from './audit';
import { openDatabase, sniffWorkspaceFile, WAL_AUTOCHECKPOINT, WAL_AUTOCHECKPOINT_BESIDE_WORKER, type DB } from './database';
import { SignalIngester, type IngestOptions, type IngestResult } from './ingest';
import type { SignalDeltaRow } from './signal-deltas';
import type { PreparedSignal } from '../signals/prepare';
import { Checkpointer } from './checkpointer';
import { migrate } from './migrate';
import { QueueReader } from './queue';
import { FacetIndex, type FacetDims } from './facet-index';
import { FindingStore, type FindingPatch, type FindingRecord } from './findings';
import { ASSIGNMENT_SETTING, AssignmentStore } from './assignment-store';
import type { AssignmentConfig } from '../../../shared/assignment';
import { jsonDiff, type JsonChange } from '../../../shared/json-diff';
import { EvidenceReader } from './evidence-read';
import { CustodyStore, evidenceAsStored, type AnalystKeyRow, type SignoffRow, type StoredRoster } from './custody-store';
import { ContainmentStore } from './containment-store';
import { listTechniqueDecisions, recordTechniqueDecision, techniqueCounts, type TechniqueCounts, type TechniqueDecisionInput, type TechniqueDecisionRow } from './technique-store';
import {
  Handle,
  signOff,
  signoffPayload,
  signoffSignatureSha256,
  verifySignoff,
  type AnalystKey,
  type Roster,
  type SignoffInput,
} from '../custody';
import { parseOrThrow } from '../custody/schemas';
import {
  dueOutbox,
  insertEvidence,
  insertOutbox,
  outboxSummary,
  readSyncState,
  writeSyncState,
  type EvidenceInput,
  type EvidenceRow,
  type OutboxItem,
  type OutboxRow,
  type SyncState,
} from './source-stores';
import {
  createVaultKey,
  DEFAULT_SCRYPT,
  keyFilePath,
  readKeyFile,
  unlockMethods,
  unwrapVaultKey,
  writeKeyFile,
  type ScryptParams,
  type Unlock,
} from './vault-key';

export interface RelatedRow {
  finding_id: string;
  title: string;
  severity: string;
  status: string;
  mitre_technique: string | null;
  created_at: string;
  shared: { type: string; value: string }[];
}

export interface DraftRow {
  id: number;
  finding_id: number;
  drafter: string;
  model: string | null;
  prompt_version: string | null;
  input_hash: string;
  output: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  cost_usd: number | null;
  latency_ms: number | null;
  retries: number;
  error: string | null;
  created_at: number;
}

/** What a sign-off hands back: enough to find and re-check it later. */
export interface SignoffReceipt {
  finding_id: string;
  key_id: string;
  signature_sha256: string;
  signed_at: string;
  revision: number;
}

/** One stored sign-off, checked against a roster now. */
export interface SignoffCheck {
  id: number;
  analyst: string;
  key_id: string | null;
  signed_at: number;
  revision: number | null;
  signature_sha256: string | null;
  valid: boolean;
  /** a custody failure code (signature_mismatch, evidence_mismatch, …) or roster_missing */
  reason: string | null;
  message: string | null;
  /** signed for an older decision revision than the finding has now */
  stale: boolean;
}

/** Statuses a sign-off may start from: a decision exists and nobody has acted on it yet. */
const SIGNABLE: ReadonlySet<string> = new Set(['drafted', 'in_review']);

export interface CreateOptions {
  scrypt?: ScryptParams;
  /** a human name for the workspace, shown in the status bar */
  name?: string;
  demo?: boolean;
}

export class Register {
  private localVersion = 0;
  private readonly auditWriter: AuditWriter;
  private readonly ingester: SignalIngester;
  private readonly queueReader: QueueReader;
  private readonly findingStore: FindingStore;
  private readonly facetIndex: FacetIndex;
  private readonly custody: CustodyStore;
  private readonly assigner: AssignmentStore;
  private containmentStore: ContainmentStore | null = null;
  /** facet changes of the open transaction; applied to the in-memory counts once it commits */
  private pendingFacets: [FacetDims, number][] = [];
  private isClosed = false;

  /** folds the WAL back into the file beside sync pages (checkpointer.ts) */
  private readonly checkpointer: Checkpointer;

  private constructor(
    readonly path: string,
    private readonly db: DB,
    readonly workspaceId: string,
    key: Buffer,
  ) {
    this.checkpointer = new Checkpointer(path, key, (active) => {
      if (!this.isClosed) db.pragma(`wal_autocheckpoint = ${active ? WAL_AUTOCHECKPOINT_BESIDE_WORKER : WAL_AUTOCHECKPOINT}`);
    });
    this.auditWriter = new AuditWriter(db);
    this.ingester = new SignalIngester(db, this.auditWriter);
    this.facetIndex = new FacetIndex(db);
    this.queueReader = new QueueReader(db, this.facetIndex);
    this.findingStore = new FindingStore(db);
    this.custody = new CustodyStore(db);
    this.assigner = new AssignmentStore(db, this.findingStore, this.auditWriter, this.noteFacet);
  }

  /**
   * Run a write and keep the in-memory counts in step: changes apply once the outermost transaction
   * has committed; any failure drops the counts so the next read reloads them from the table.
   */
  private tracked<T>(fn: () => T): T {
    try {
      const r = fn();
      if (!this.db.inTransaction) {
        for (const [d, delta] of this.pendingFacets) this.facetIndex.bump(d, delta);
        this.pendingFacets = [];
      }
      return r;
    } catch (e) {
      this.pendingFacets = [];
      this.facetIndex.invalidate();
      throw e;
    }
  }

  private noteFacet = (from: FacetDims, to: FacetDims): void => {
    this.pendingFacets.push([from, -1], [to, 1]);
  };

  private noteOpened(res: IngestResult): void {
    for (const d of res.openedFacets) this.pendingFacets.push([d, 1]);
  }

  /** Create a new, empty, encrypted workspace. Refuses to overwrite anything. */
  static async create(path: string, unlock: Unlock, opts: CreateOptions = {}): Promise<Register> {
    if (existsSync(path) || existsSync(keyFilePath(path))) {
      throw new VigilError('VAULT_EXISTS', `A workspace already exists at ${path}; Vigil will not overwrite it.`);
    }
    const { key, keyFile } = await createVaultKey(unlock, opts.scrypt ?? DEFAULT_SCRYPT);
    try {
      writeKeyFile(path, keyFile);
      const db = openDatabase(path, key, { create: true });
      try {
        migrate(db);
        const now = new Date().toISOString();
        const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
        db.transaction(() => {
          put.run('workspace.id', keyFile.workspace_id);
          put.run('workspace.name', opts.name ?? defaultName(path));
          put.run('workspace.demo', opts.demo ? '1' : '0');
          put.run('workspace.created_at', now);
        })();
      } catch (e) {
        db.close();
        throw e;
      }
      return new Register(path, db, keyFile.workspace_id, key);
    } catch (e) {
      // A half-made workspace is worse than none.
      for (const p of [path, `${path}-wal`, `${path}-shm`, keyFilePath(path)]) {
        try {
          if (existsSync(p)) unlinkSync(p);
        } catch {
          // best effort
        }
      }
      throw e;
    } finally {
      key.fill(0);
    }
  }

  /** Open an existing workspace. A wrong passphrase fails before the database file is touched. */
  static async open(path: string, unlock: Unlock): Promise<Register> {
    // The file itself first: a plaintext or foreign file is answered as such, whatever its key file says.
    sniffWorkspaceFile(path);
    const keyFile = readKeyFile(path);
    const key = await unwrapVaultKey(keyFile, unlock);
    let db: DB;
    try {
      db = openDatabase(path, key, { create: false });
    } catch (e) {
      key.fill(0);
      throw e;
    }
    try {
      migrate(db);
      const id = (db.prepare("SELECT value FROM settings WHERE key = 'workspace.id'").get() as { value: string } | undefined)?.value;
      if (id !== keyFile.workspace_id) {
        throw new VigilError('VAULT_NOT_VIGIL', `The key file beside ${path} belongs to another workspace.`);
      }
      return new Register(path, db, keyFile.workspace_id, key);
    } catch (e) {
      db.close();
      throw e;
    } finally {
      key.fill(0);
    }
  }

  /** What it takes to unlock a workspace, without unlocking it. */
  static unlockMethods(path: string): ('passphrase' | 'os')[] {
    return unlockMethods(readKeyFile(path));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    // The worker's connection first, so this one is the last and its close ends the WAL.
    this.checkpointer.close();
    try {
      this.db.pragma('optimize');
    } catch {
      // optimize is advisory
    }
    this.db.close();
  }

  private live(): DB {
    if (this.isClosed) throw new VigilError('VAULT_LOCKED', 'The workspace is locked. Unlock it to continue.');
    return this.db;
  }

  setting(key: string): string | null {
    const r = this.live().prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value ?? null;
  }

  setSetting(key: string, value: string, actor: string): void {
    const db = this.live();
    db.transaction(() => {
      const old = this.setting(key);
      if (old === value) return;
      db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
      this.auditWriter.begin().append({ actor, action: 'setting.changed', entity: 'setting', entityId: key, old, new: value });
    }).immediate();
    this.localVersion++;
  }

  clearSetting(key: string, actor: string): void {
    const db = this.live();
    db.transaction(() => {
      const old = this.setting(key);
      if (old === null) return;
      db.prepare('DELETE FROM settings WHERE key = ?').run(key);
      this.auditWriter.begin().append({ actor, action: 'setting.cleared', entity: 'setting', entityId: key, old });
    }).immediate();
    this.localVersion++;
  }

  // ------------------------------------------------------------------------------------------
  // Assignment rules and on-call rotation (assignment-store.ts)

  assignment(): AssignmentConfig {
    this.live();
    return this.assigner.config();
  }

  /** What changed in the finding's signal from the revision before `revision` to it. */
  revisionDiff(findingId: number, revision: number): { from: number; to: number; changes: JsonChange[] } {
    this.live();
    const to = this.findingStore.revisionPayload(findingId, revision);
    if (!to) throw new VigilError('NOT_FOUND', `FND-${findingId}'s signal has no revision ${revision}.`);
    const from = revision > 1 ? this.findingStore.revisionPayload(findingId, revision - 1) : null;
    return { from: from ? revision - 1 : 0, to: revision, changes: jsonDiff(from?.payload ?? {}, to.payload) };
  }

  /** Save the rules (audited as a setting change); they apply to findings opened from now on. */
  setAssignment(config: AssignmentConfig, actor: string): void {
    try {
      this.setSetting(ASSIGNMENT_SETTING, JSON.stringify(config), actor);
    } finally {
      this.assigner.invalidate();
    }
  }

  /** Apply the rules now to the given findings (new and unassigned ones only). */
  applyAssignment(ids: readonly number[], at = Date.now()): { id: number; handle: string; why: string }[] {
    const db = this.live();
    const r = this.tracked(() => db.transaction(() => this.assigner.assign(ids, at)).immediate());
    if (r.length > 0) this.localVersion++;
    return r;
  }

  ingestSignals(raws: readonly unknown[], opts: IngestOptions): IngestResult {
    this.live();
    const db = this.db;
    const r = this.tracked(() =>
      db
        .transaction(() => {
          const res = this.ingester.ingest(raws, opts);
          this.noteOpened(res);
          this.assigner.assign(res.openedFindings);
          return res;
        })
        .immediate(),
    );
    this.localVersion++;
    return r;
  }

  queuePage(q: QueueQueryParsed): QueuePage {
    this.live();
    return this.queueReader.page(q);
  }

  /** The statement behind a queue page (for the benchmark's bare baseline and plan tests). */
  queuePlan(q: QueueQueryParsed) {
    this.live();
    return this.queueReader.plan(q);
  }

  /** A queue page by one forced path, in-memory walk or SQL (equivalence tests, benchmark); the memory itself. */
  queuePageVia(q: QueueQueryParsed, via: 'memo' | 'sql'): QueuePage {
    this.live();
    return this.queueReader.pageVia(q, via);
  }
  queueMemo() {
    return this.queueReader.memo;
  }

  facets() {
    this.live();
    return this.queueReader.facets();
  }

  finding(id: number): FindingRecord | null {
    this.live();
    return this.findingStore.get(id);
  }

  /** What the signal did after this finding was signed (register/signal-deltas.ts), oldest first. */
  signalDeltas(findingId: number): SignalDeltaRow[] {
    this.live();
    return this.ingester.signalDeltas(findingId);
  }

  /** The finding opened by a material signal change after this one was signed, or null. */
  supersededBy(findingId: number): number | null {
    this.live();
    return this.ingester.supersededBy(findingId);
  }

  /** Change a finding; each changed field becomes one audit entry, all in one transaction. */
  updateFinding(
    id: number,
    patch: FindingPatch,
    actor: string,
    opts: { reason?: string; at?: number; outbox?: (before: FindingRecord) => OutboxItem[]; newRevision?: boolean } = {},
  ): FindingRecord {
    const db = this.live();
    const result = this.tracked(() =>
      db
        .transaction(() => {
          // The local change, its audit entries and its outbound writes commit together.
          const before = opts.outbox ? this.findingStore.get(id) : null;
          const after = this.findingStore.update(id, patch, this.auditWriter.begin(), actor, { ...opts, onFacet: this.noteFacet });
          if (opts.outbox && before) insertOutbox(db, opts.outbox(before), opts.at ?? Date.now());
          return after;
        })
        .immediate(),
    );
    this.localVersion++;
    return result;
  }

  /** Run several changes as one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    const db = this.live();
    const r = this.tracked(() => db.transaction(fn).immediate());
    this.localVersion++;
    return r;
  }

  addAnalyst(a: { handle: string; name: string; role: 'analyst' | 'lead' | 'admin' }, actor: string, at = Date.now()): void {
    const db = this.live();
    db.transaction(() => {
      db.prepare('INSERT INTO analysts (handle, name, role, created_at) VALUES (?, ?, ?, ?)').run(a.handle, a.name, a.role, at);
      this.auditWriter.begin().append({ actor, action: 'analyst.added', entity: 'analyst', entityId: a.handle, new: a, at });
    }).immediate();
    this.localVersion++;
  }

  datadogUserOf(handle: string): string | null {
    const r = this.live().prepare('SELECT dd_user_uuid FROM analysts WHERE handle = ?').get(handle) as { dd_user_uuid: string | null } | undefined;
    return r?.dd_user_uuid ?? null;
  }

  analysts(): { handle: string; name: string; role: string }[] {
    return this.live().prepare('SELECT handle, name, role FROM analysts ORDER BY handle').all() as { handle: string; name: string; role: string }[];
  }

  // ------------------------------------------------------------------------------------------
  // Secrets: only ever inside the encrypted register; the audit notes that one changed, never its value.

  secret(name: string): string | null {
    const r = this.live().prepare('SELECT value FROM secrets WHERE name = ?').get(name) as { value: string } | undefined;
    return r?.value ?? null;
  }

  setSecret(name: string, value: string | null, actor: string): void {
    const db = this.live();
    db.transaction(() => {
      const had = this.secret(name) !== null;
      if (value === null) db.prepare('DELETE FROM secrets WHERE name = ?').run(name);
      else
        db.prepare('INSERT INTO secrets (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at').run(
          name,
          value,
          Date.now(),
        );
      this.auditWriter.begin().append({ actor, action: value === null ? 'secret.removed' : had ? 'secret.replaced' : 'secret.set', entity: 'secret', entityId: name });
    }).immediate();
    this.localVersion++;
  }

  // ------------------------------------------------------------------------------------------
  // Sync state: the cursor and the high-water mark commit with each page.

  syncState(source: string): SyncState {
    return readSyncState(this.live(), source);
  }

  saveSyncState(state: SyncState): void {
    const db = this.live();
    db.transaction(() => writeSyncState(db, state)).immediate();
  }

  /** One page of signals and the sync state that follows it, in one transaction. */
  ingestSyncPage(
    raws: readonly unknown[] | { prepared: readonly PreparedSignal[] },
    next: SyncState,
    opts: IngestOptions & { requestContext?: boolean },
  ): IngestResult {
    const db = this.live();
    const r = this.tracked(() => db
      .transaction(() => {
        // Raw signals, or ones the sync already validated and hashed off the main thread.
        const res = 'prepared' in raws ? this.ingester.ingestPrepared(raws.prepared, opts) : this.ingester.ingest(raws, opts);
        this.noteOpened(res);
        this.assigner.assign(res.openedFindings);
        writeSyncState(db, next);
        if (opts.requestContext && res.openedFindings.length > 0) {
          const ins = db.prepare("INSERT INTO context_requests (finding_id, state, updated_at) VALUES (?, 'pending', ?) ON CONFLICT DO NOTHING");
          const now = Date.now();
          for (const id of res.openedFindings) ins.run(id, now);
        }
        return res;
      })
      .immediate());
    this.localVersion++;
    // A page is thousands of WAL frames: copy them into the file beside the next pages' work.
    this.checkpointer.noteBulkWrite(r.inserted + r.revised + r.unchanged + r.quarantined.length);
    return r;
  }

  // ------------------------------------------------------------------------------------------
  // Outbox

  enqueueOutbox(items: readonly OutboxItem[], actor: string, at = Date.now()): void {
    const db = this.live();
    db.transaction(() => {
      insertOutbox(db, items, at);
      const cursor = this.auditWriter.begin();
      for (const i of items) cursor.append({ actor, action: 'outbox.queued', entity: 'outbox', entityId: i.idempotencyKey, new: { kind: i.kind, target: i.target }, at });
    }).immediate();
    this.localVersion++;
  }

  outboxDue(now: number, limit = 20): OutboxRow[] {
    return dueOutbox(this.live(), now, limit);
  }

  outboxSummary() {
    return outboxSummary(this.live());
  }

  outboxRows(limit = 200): OutboxRow[] {
    return this.live().prepare("SELECT * FROM outbox WHERE state <> 'sent' ORDER BY id LIMIT ?").all(limit) as OutboxRow[];
  }

  /** Delivered: mark it, and record what Datadog answered (a case id) in the same transaction. */
  outboxSent(row: OutboxRow, at: number, effect?: { findingCase?: { findingId: number; caseId: string; caseKey: string | null } }): void {
    const db = this.live();
    db.transaction(() => {
      db.prepare("UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, last_error_code = NULL WHERE id = ?").run(at, row.id);
      if (effect?.findingCase) {
        const c = effect.findingCase;
        db.prepare('INSERT INTO finding_cases (finding_id, case_id, case_key, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (finding_id) DO NOTHING').run(c.findingId, c.caseId, c.caseKey, at);
      }
      this.auditWriter.begin().append({ actor: 'system:outbox', action: 'outbox.sent', entity: 'outbox', entityId: row.idempotency_key, new: { kind: row.kind, target: row.target, ...(effect?.findingCase ? { case_id: effect.findingCase.caseId } : {}) }, at });
    }).immediate();
    this.localVersion++;
  }

  /** Not delivered: try again at nextAttemptAt, or park it as failed (needs a person) when nextAttemptAt is null. */
  outboxNotSent(row: OutboxRow, error: { code: string; message: string }, nextAttemptAt: number | null): void {
    const db = this.live();
    db.transaction(() => {
      if (nextAttemptAt === null) {
        db.prepare("UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, last_error_code = ? WHERE id = ?").run(error.message, error.code, row.id);
        this.auditWriter.begin().append({ actor: 'system:outbox', action: 'outbox.failed', entity: 'outbox', entityId: row.idempotency_key, new: { code: error.code, message: error.message } });
      } else {
        db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, last_error_code = ? WHERE id = ?').run(nextAttemptAt, error.message, error.code, row.id);
      }
    }).immediate();
    this.localVersion++;
  }

  /** Connectivity is back: rows waiting out a backoff leave now. */
  outboxDueNow(at = Date.now()): void {
    this.live().prepare("UPDATE outbox SET next_attempt_at = ? WHERE state = 'pending' AND next_attempt_at > ?").run(at, at);
  }

  /** Put failed rows back in line (after the person fixed the cause). */
  outboxRequeue(actor: string, at = Date.now()): number {
    const db = this.live();
    const n = db
      .transaction(() => {
        const r = db.prepare("UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE state = 'failed'").run(at);
        if (r.changes > 0) this.auditWriter.begin().append({ actor, action: 'outbox.requeued', entity: 'outbox', entityId: '*', new: { rows: r.changes }, at });
        return r.changes;
      })
      .immediate();
    this.localVersion++;
    return n;
  }

  findingCase(findingId: number): { case_id: string; case_key: string | null } | null {
    return (this.live().prepare('SELECT case_id, case_key FROM finding_cases WHERE finding_id = ?').get(findingId) as { case_id: string; case_key: string | null } | undefined) ?? null;
  }

  // ------------------------------------------------------------------------------------------
  // Evidence and Splunk context

  addEvidence(findingId: number, e: EvidenceInput, actor: string, at = Date.now(), extra?: (id: number) => void): { id: number; sha256: string } {
    const db = this.live();
    const r = db
      .transaction(() => {
        const ev = insertEvidence(db, findingId, e, actor, at);
        this.auditWriter.begin().append({ actor, action: 'evidence.added', entity: 'finding', entityId: `FND-${findingId}`, field: 'evidence', new: { id: ev.id, kind: e.kind, title: e.title, sha256: ev.sha256 }, at });
        extra?.(ev.id);
        return ev;
      })
      .immediate();
    this.localVersion++;
    return r;
  }

  evidence(findingId: number): EvidenceRow[] {
    return this.live().prepare('SELECT * FROM evidence WHERE finding_id = ? ORDER BY id').all(findingId) as EvidenceRow[];
  }

  contextRequest(findingId: number): { state: string; attempts: number; last_error: string | null; last_error_code: string | null; evidence_id: number | null; updated_at: number } | null {
    return (this.live().prepare('SELECT * FROM context_requests WHERE finding_id = ?').get(findingId) as never) ?? null;
  }

  setContextRequest(findingId: number, state: 'pending' | 'running' | 'done' | 'failed', error?: { code: string; message: string } | null, evidenceId?: number | null): void {
    const db = this.live();
    db.prepare(
      `INSERT INTO context_requests (finding_id, state, attempts, last_error, last_error_code, evidence_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (finding_id) DO UPDATE SET state = excluded.state, attempts = attempts + (excluded.state = 'running'),
         last_error = excluded.last_error, last_error_code = excluded.last_error_code, evidence_id = coalesce(excluded.evidence_id, evidence_id), updated_at = excluded.updated_at`,
    ).run(findingId, state, state === 'running' ? 1 : 0, error?.message ?? null, error?.code ?? null, evidenceId ?? null, Date.now());
    this.localVersion++;
  }

  /** Findings still waiting for their Splunk context. */
  pendingContext(limit: number): number[] {
    return (this.live().prepare("SELECT finding_id FROM context_requests WHERE state = 'pending' ORDER BY finding_id LIMIT ?").all(limit) as { finding_id: number }[]).map((r) => r.finding_id);
  }

  // ------------------------------------------------------------------------------------------
  // Drafting

  /** Findings within ±windowDays of this one that share an entity with it, newest first. */
  relatedFindings(findingId: number, windowDays = 30, limit = 20): RelatedRow[] {
    const db = this.live();
    const f = db.prepare('SELECT created_at FROM findings WHERE id = ?').get(findingId) as { created_at: number } | undefined;
    if (!f) return [];
    const span = windowDays * 86_400_000;
    const rows = db
      .prepare(
        `SELECT o.finding_id AS id, o.type, o.value FROM finding_entities e
         JOIN finding_entities o ON o.value = e.value AND o.type = e.type AND o.finding_id <> e.finding_id
         JOIN findings g ON g.id = o.finding_id
         WHERE e.finding_id = ? AND g.created_at BETWEEN ? AND ?
         ORDER BY o.finding_id DESC LIMIT 500`,
      )
      .all(findingId, f.created_at - span, f.created_at + span) as { id: number; type: string; value: string }[];
    const byId = new Map<number, { type: string; value: string }[]>();
    for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), { type: r.type, value: r.value }]);
    const get = db.prepare('SELECT id, title, severity, status, mitre_technique, created_at FROM findings WHERE id = ?');
    return [...byId]
      .sort((a, b) => b[1].length - a[1].length || b[0] - a[0])
      .slice(0, limit)
      .map(([id, shared]) => {
        const g = get.get(id) as { id: number; title: string; severity: string; status: string; mitre_technique: string | null; created_at: number };
        return { finding_id: `FND-${id}`, title: g.title, severity: g.severity, status: g.status, mitre_technique: g.mitre_technique, created_at: new Date(g.created_at).toISOString(), shared };
      });
  }

  /** The newest successful draft of this finding made from exactly this input by this drafter. */
  draftFor(findingId: number, inputHash: string, drafter: string): DraftRow | null {
    return (
      (this.live()
        .prepare('SELECT * FROM drafts WHERE input_hash = ? AND drafter = ? AND finding_id = ? AND error IS NULL ORDER BY id DESC LIMIT 1')
        .get(inputHash, drafter, findingId) as DraftRow | undefined) ?? null
    );
  }

  /**
   * Store a draft (successful or failed) and, when given, apply its proposal to the finding — the
   * draft row, the field changes and their audit entries commit together.
   */
  recordDraft(d: Omit<DraftRow, 'id'>, apply?: { patch: FindingPatch; actor: string }): number {
    const db = this.live();
    const id = this.tracked(() => db
      .transaction(() => {
        const r = db
          .prepare(
            `INSERT INTO drafts (finding_id, drafter, model, prompt_version, input_hash, output, tokens_in, tokens_out, cost_usd, latency_ms, retries, error, created_at)
             VALUES (@finding_id, @drafter, @model, @prompt_version, @input_hash, @output, @tokens_in, @tokens_out, @cost_usd, @latency_ms, @retries, @error, @created_at)`,
          )
          .run(d);
        // A draft never shapes a decision somebody has signed (whatever the status says).
        if (apply && !this.signedAtCurrentRevision(d.finding_id)) {
          this.findingStore.update(d.finding_id, apply.patch, this.auditWriter.begin(), apply.actor, { at: d.created_at, onFacet: this.noteFacet });
        }
        return Number(r.lastInsertRowid);
      })
      .immediate());
    this.localVersion++;
    return id;
  }

  drafts(opts: { findingId?: number; limit?: number; offset?: number } = {}): DraftRow[] {
    const db = this.live();
    if (opts.findingId !== undefined) return db.prepare('SELECT * FROM drafts WHERE finding_id = ? ORDER BY id DESC').all(opts.findingId) as DraftRow[];
    return db.prepare('SELECT * FROM drafts ORDER BY id DESC LIMIT ? OFFSET ?').all(opts.limit ?? 200, opts.offset ?? 0) as DraftRow[];
  }

  draftTotals(): { count: number; failed: number; unpriced: number; tokens_in: number; tokens_out: number; cost_usd: number; latency_avg_ms: number | null } {
    const r = this.live()
      .prepare(
        `SELECT count(*) AS count, sum(error IS NOT NULL) AS failed, sum(error IS NULL AND cost_usd IS NULL) AS unpriced, coalesce(sum(tokens_in), 0) AS tokens_in, coalesce(sum(tokens_out), 0) AS tokens_out,
                coalesce(sum(cost_usd), 0) AS cost_usd, avg(latency_ms) AS latency_avg_ms FROM drafts`,
      )
      .get() as { count: number; failed: number | null; unpriced: number | null; tokens_in: number; tokens_out: number; cost_usd: number; latency_avg_ms: number | null };
    return { ...r, failed: r.failed ?? 0, unpriced: r.unpriced ?? 0 };
  }

  /** The brief the finding currently shows: its newest successful draft. */
  latestDraft(findingId: number): DraftRow | null {
    return (this.live().prepare('SELECT * FROM drafts WHERE finding_id = ? AND error IS NULL ORDER BY id DESC LIMIT 1').get(findingId) as DraftRow | undefined) ?? null;
  }

  // ------------------------------------------------------------------------------------------
  // ATT&CK tagging (technique-store.ts)

  /**
   * Set a finding's techniques and keep the analyst's decision, in one transaction. The change goes
   * through the one audited update path: on a finding signed at its current revision it is refused
   * (FINDING_SIGNED) unless `newRevision` asks for a new decision revision, which needs a new
   * sign-off (FindingStore's rule, not a second copy of it).
   */
  tagTechniques(findingId: number, patch: FindingPatch, decision: TechniqueDecisionInput, actor: string, opts: { newRevision?: boolean; at?: number } = {}): FindingRecord {
    const at = opts.at ?? Date.now();
    const db = this.live();
    const r = this.tracked(() =>
      db
        .transaction(() => {
          const cursor = this.auditWriter.begin();
          const after = this.findingStore.update(findingId, patch, cursor, actor, { at, newRevision: opts.newRevision ?? false, onFacet: this.noteFacet, ...(decision.reason ? { reason: decision.reason } : {}) });
          recordTechniqueDecision(db, cursor, findingId, { ...decision, decision_revision: after.decision_revision }, actor, at);
          return this.findingStore.get(findingId)!;
        })
        .immediate(),
    );
    this.localVersion++;
    return r;
  }

  techniqueDecisions(findingId: number): TechniqueDecisionRow[] {
    return listTechniqueDecisions(this.live(), findingId);
  }

  /** Findings per technique over a queue filter (for ATT&CK Navigator layers). */
  techniqueCounts(filter: Parameters<typeof techniqueCounts>[1]): TechniqueCounts {
    return techniqueCounts(this.live(), filter);
  }

  // ------------------------------------------------------------------------------------------
  // Custody: this workstation's key, the trusted roster, sign-offs.

  /** This workstation's analyst key (public half only), or null before one is made. */
  analystKey(): AnalystKeyRow | null {
    return this.custody.activeKey();
  }

  /** The key to sign with. Stays in the core: never returned over IPC, never logged (it redacts itself). */
  signingKey(): { handle: string; key: AnalystKey } | null {
    this.live();
    return this.custody.activePrivateKey();
  }

  /**
   * Keep a new analyst key for this workstation (the private half only here, in the encrypted
   * register), retiring the one before it; adds the analyst when the register does not know them.
   */
  storeAnalystKey(a: { handle: string; name: string }, key: AnalystKey, actor: string, at = Date.now()): AnalystKeyRow {
    const handle = parseOrThrow(Handle, a.handle, 'analyst handle');
    const db = this.live();
    db.transaction(() => {
      const known = db.prepare('SELECT 1 FROM analysts WHERE handle = ?').get(handle);
      const cursor = this.auditWriter.begin();
      if (!known) {
        db.prepare("INSERT INTO analysts (handle, name, role, created_at) VALUES (?, ?, 'analyst', ?)").run(handle, a.name, at);
        cursor.append({ actor, action: 'analyst.added', entity: 'analyst', entityId: handle, new: { handle, name: a.name, role: 'analyst' }, at });
      }
      const { retired } = this.custody.insertKey(handle, key, at);
      cursor.append({ actor, action: 'custody.key_created', entity: 'analyst', entityId: handle, new: { key_id: key.keyId, public_key: key.publicKey, retired }, at });
    }).immediate();
    this.localVersion++;
    return this.custody.activeKey()!;
  }

  /**
   * Import a signed roster. The first one must be signed by the key the person pinned after
   * comparing its fingerprint; each later one must follow the newest trusted roster (signed by its
   * leads, version up, no key history rewritten). Stored verbatim: the signatures cover the text.
   */
  importRoster(text: string, pinKeyId: string | undefined, actor: string, at = Date.now()): StoredRoster {
    const db = this.live();
    db.transaction(() => {
      const first = this.custody.newestRoster() === null;
      const { roster, verdict } = this.custody.checkRoster(text, pinKeyId);
      const signer = first ? pinKeyId! : verdict.signers[0]!.key_id;
      this.custody.insertRoster(text, roster, signer, actor, at);
      this.auditWriter.begin().append({
        actor,
        action: 'roster.imported',
        entity: 'roster',
        entityId: roster.team,
        new: { version: roster.version, signer_key_id: signer, signers: verdict.signers, pinned: first ? pinKeyId : null },
        at,
      });
    }).immediate();
    this.localVersion++;
    return this.custody.newestRoster()!;
  }

  /** The newest trusted roster, or null before the first import. */
  roster(): StoredRoster | null {
    this.live();
    return this.custody.newestRoster();
  }

  /** Whether the newest roster still verifies against what vouched for it when it was imported. */
  rosterTrusted(): boolean {
    this.live();
    return this.custody.rosterTrusted();
  }

  signoffRows(findingId: number): SignoffRow[] {
    this.live();
    return this.custody.signoffs(findingId);
  }

  /** Every finding that has at least one sign-off, oldest first. */
  signedFindingIds(): number[] {
    return (this.live().prepare('SELECT DISTINCT finding_id FROM signoffs ORDER BY finding_id').pluck().all() as number[]);
  }

  /** A sign-off exists for the finding's current decision revision. */
  signedAtCurrentRevision(findingId: number): boolean {
    const r = this.live().prepare('SELECT decision_revision FROM findings WHERE id = ?').get(findingId) as { decision_revision: number } | undefined;
    return r !== undefined && this.findingStore.signedAt(findingId, r.decision_revision);
  }

  /**
   * Sign off a finding's current decision revision, in one write transaction: re-check every piece
   * of evidence against its recorded hash, sign the canonical payload, verify the signature against
   * the roster as a second check, store the (immutable) sign-off and mark the finding signed.
   */
  signOffFinding(
    findingId: number,
    o: { handle: string; key: AnalystKey; roster: Roster; workspaceId?: string; now?: number },
  ): SignoffReceipt {
    const db = this.live();
    const now = o.now ?? Date.now();
    const workspaceId = o.workspaceId ?? this.workspaceId;
    const fid = `FND-${findingId}`;
    const receipt = this.tracked(() =>
      db
        .transaction((): SignoffReceipt => {
          const f = db.prepare('SELECT * FROM findings WHERE id = ?').get(findingId) as Record<string, unknown> | undefined;
          if (!f) throw new VigilError('NOT_FOUND', `Finding ${fid} does not exist in this workspace.`);
          const revision = f['decision_revision'] as number;
          if (this.findingStore.signedAt(findingId, revision)) {
            throw new VigilError('FINDING_SIGNED', `${fid} is already signed at revision ${revision}; a sign-off never changes. Make a new revision to sign again.`);
          }
          const status = String(f['status']);
          if (!SIGNABLE.has(status)) {
            throw new VigilError('VALIDATION_FAILED', `${fid} is ${status}; only a drafted or in-review finding can be signed off.`);
          }
          const evidence = evidenceAsStored(this.evidence(findingId));
          const changed = evidence.filter((e) => e.sha256 !== e.recorded);
          if (changed.length > 0) {
            throw new VigilError(
              'EVIDENCE_MISMATCH',
              `${fid} cannot be signed: evidence ${changed.map((e) => e.id).join(', ')} no longer matches the hash recorded when it was collected. Nothing was signed.`,
            );
          }
          const json = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : fallback);
          const input: SignoffInput = {
            finding_id: fid,
            decision: {
              mitre_technique: (f['mitre_technique'] as string | null) ?? null,
              mitre_tactic: (f['mitre_tactic'] as string | null) ?? null,
              secondary_techniques: json<string[]>(f['secondary_techniques'], []),
              severity: f['severity'] as SignoffInput['decision']['severity'],
              blast_radius: (f['blast_radius'] as string | null) ?? null,
              recommended_action: (f['recommended_action'] as string | null) ?? null,
              risk_score: (f['risk_score'] as number | null) ?? null,
              risk_factors: json<Record<string, number> | null>(f['risk_factors'], null),
              mitigation_plan: (f['mitigation_plan'] as string | null) ?? null,
              status: 'signed',
            },
            evidence: evidence.map((e) => ({ id: e.id, kind: e.kind, sha256: e.sha256 })),
            analyst: { handle: o.handle, key_id: o.key.keyId },
            signed_at: new Date(now).toISOString(),
            workspace_id: workspaceId,
            revision,
          };
          const record = signOff(signoffPayload(input), o.key);
          // The second check: the exact record about to be stored verifies against the roster.
          const verdict = verifySignoff(record, o.roster, { evidence, expect: { finding_id: fid, workspace_id: workspaceId, revision }, now });
          if (!verdict.valid) {
            throw new VigilError('SIGNATURE_INVALID', `The sign-off does not verify against roster version ${o.roster.version} (${verdict.reason}): ${verdict.message}`);
          }
          const signatureSha256 = signoffSignatureSha256(record);
          this.custody.insertSignoff(findingId, record, { analyst: o.handle, publicKey: o.key.publicKey, revision, signatureSha256, signedAt: now });
          const cursor = this.auditWriter.begin();
          this.findingStore.update(findingId, { analyst_signoff: o.handle, signed_at: now, status: 'signed' }, cursor, o.handle, { at: now, onFacet: this.noteFacet });
          cursor.append({ actor: o.handle, action: 'finding.signed', entity: 'finding', entityId: fid, new: { key_id: record.key_id, signature_sha256: signatureSha256, revision }, at: now });
          return { finding_id: fid, key_id: record.key_id, signature_sha256: signatureSha256, signed_at: input.signed_at, revision };
        })
        .immediate(),
    );
    this.localVersion++;
    return receipt;
  }

  /**
   * Check every sign-off of a finding against a roster now: signature, signer, evidence (hashes
   * recomputed from the stored content, so an edited row is caught even with its hash column left
   * alone), and the stored columns against what was signed. `stale` marks sign-offs of an older
   * decision revision: genuine, but not about the decision the finding shows now.
   */
  verifyFindingSignoffs(findingId: number, roster: Roster | null, now = Date.now()): SignoffCheck[] {
    const db = this.live();
    const f = db.prepare('SELECT decision_revision FROM findings WHERE id = ?').get(findingId) as { decision_revision: number } | undefined;
    if (!f) throw new VigilError('NOT_FOUND', `Finding FND-${findingId} does not exist in this workspace.`);
    const evidence = evidenceAsStored(this.evidence(findingId)).map(({ id, kind, sha256 }) => ({ id, kind, sha256 }));
    return this.custody.signoffs(findingId).map((row): SignoffCheck => {
      const base = {
        id: row.id,
        analyst: row.analyst,
        key_id: row.key_id,
        signed_at: row.signed_at,
        revision: row.revision,
        signature_sha256: row.signature_sha256,
        stale: (row.revision ?? -1) < f.decision_revision,
      };
      if (!roster) return { ...base, valid: false, reason: 'roster_missing', message: 'No trusted roster has been imported, so no signature can be checked.' };
      const verdict = verifySignoff({ payload: row.payload, signature: row.signature, key_id: row.key_id, algorithm: row.algorithm }, roster, {
        evidence,
        expect: { finding_id: `FND-${findingId}`, workspace_id: this.workspaceId },
        now,
      });
      if (!verdict.valid) return { ...base, valid: false, reason: verdict.reason, message: verdict.message };
      const p = verdict.payload;
      if (p.revision !== row.revision || p.analyst.handle !== row.analyst || signoffSignatureSha256({ signature: row.signature }) !== row.signature_sha256) {
        return { ...base, valid: false, reason: 'context_mismatch', message: 'The stored sign-off row disagrees with the payload that was signed.' };
      }
      return { ...base, valid: true, reason: null, message: null };
    });
  }

  /** Record an audit entry that is not a field change (an export, a lock, …). */
  appendAudit(entry: AuditInput): AuditRow {
    const db = this.live();
    const row = db.transaction(() => this.auditWriter.begin().append(entry)).immediate();
    this.localVersion++;
    return row;
  }

  auditFor(entity: string, entityId: string): AuditRow[] {
    return this.live()
      .prepare('SELECT * FROM audit WHERE entity = ? AND entity_id = ? ORDER BY seq')
      .all(entity, entityId) as AuditRow[];
  }

  verifyAudit(): AuditVerdict {
    return verifyAuditChain(this.live());
  }

  /** Read-only access for evidence bundles (electron/core/register/evidence-read.ts). */
  evidenceReader(): EvidenceReader {
    return new EvidenceReader(this.live());
  }

  /** ANALYZE after bulk loads so the planner's statistics fit the data. */
  optimize(): void {
    this.live().pragma('optimize=0x10002');
  }

  /**
   * Containment's tables (register/containment-store.ts). Its writes run inside transaction(), with
   * this register's audit chain and audited finding changes.
   */
  containment(): ContainmentStore {
    const db = this.live();
    return (this.containmentStore ??= new ContainmentStore(db, {
      audit: () => this.auditWriter.begin(),
      updateFinding: (id, patch, actor, at, reason) =>
        this.findingStore.update(id, patch, this.auditWriter.begin(), actor, { at, onFacet: this.noteFacet, ...(reason ? { reason } : {}) }),
    }));
  }

  /**
   * Raw handle for the register's own tests and tools (fault injection, the benchmark's bare
   * baseline). Product code goes through the methods above.
   */
  unsafeHandle(): DB {
    return this.live();
  }
}

function defaultName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? 'workspace';
  return base.replace(/\.vigil$/i, '') || `workspace-${randomUUID().slice(0, 8)}`;
}
