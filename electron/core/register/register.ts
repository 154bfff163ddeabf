// The encrypted register: one SQLCipher database per workspace plus its key file. Only this folder
// touches the SQLite driver.
import { existsSync, unlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { QueuePage, QueueQueryParsed } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import { AuditWriter, verifyAuditChain, type AuditInput, type AuditRow, type AuditVerdict } from './audit';
import { openDatabase, sniffWorkspaceFile, type DB } from './database';
import { SignalIngester, type IngestOptions, type IngestResult } from './ingest';
import { migrate } from './migrate';
import { QueueReader } from './queue';
import { FindingStore, type FindingPatch, type FindingRecord } from './findings';
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
  private isClosed = false;

  private constructor(
    readonly path: string,
    private readonly db: DB,
    readonly workspaceId: string,
  ) {
    this.auditWriter = new AuditWriter(db);
    this.ingester = new SignalIngester(db, this.auditWriter);
    this.queueReader = new QueueReader(db, () => this.localVersion);
    this.findingStore = new FindingStore(db);
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
      return new Register(path, db, keyFile.workspace_id);
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
    } finally {
      key.fill(0);
    }
    try {
      migrate(db);
      const id = (db.prepare("SELECT value FROM settings WHERE key = 'workspace.id'").get() as { value: string } | undefined)?.value;
      if (id !== keyFile.workspace_id) {
        throw new VigilError('VAULT_NOT_VIGIL', `The key file beside ${path} belongs to another workspace.`);
      }
    } catch (e) {
      db.close();
      throw e;
    }
    return new Register(path, db, keyFile.workspace_id);
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

  ingestSignals(raws: readonly unknown[], opts: IngestOptions): IngestResult {
    this.live();
    const r = this.ingester.ingest(raws, opts);
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

  facets() {
    this.live();
    return this.queueReader.facets();
  }

  finding(id: number): FindingRecord | null {
    this.live();
    return this.findingStore.get(id);
  }

  /** Change a finding; each changed field becomes one audit entry, all in one transaction. */
  updateFinding(id: number, patch: FindingPatch, actor: string, opts: { reason?: string; at?: number } = {}): FindingRecord {
    const db = this.live();
    const result = db
      .transaction(() => this.findingStore.update(id, patch, this.auditWriter.begin(), actor, opts))
      .immediate();
    this.localVersion++;
    return result;
  }

  /** Run several changes as one transaction (nested calls become savepoints). */
  transaction<T>(fn: () => T): T {
    const r = this.live().transaction(fn).immediate();
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

  analysts(): { handle: string; name: string; role: string }[] {
    return this.live().prepare('SELECT handle, name, role FROM analysts ORDER BY handle').all() as { handle: string; name: string; role: string }[];
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

  /** ANALYZE after bulk loads so the planner's statistics fit the data. */
  optimize(): void {
    this.live().pragma('optimize=0x10002');
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
