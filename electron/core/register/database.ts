// The only place that configures the SQLCipher connection. Order matters: cipher, legacy, key,
// then a read to prove the key (SQLCipher accepts any key until the first read), then WAL.
import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { VigilError } from '../../../shared/errors';
import { toOpenError } from './sqlite-errors';

export type DB = Database.Database;

/** 'VIGL' — marks a database as a Vigil workspace (PRAGMA application_id). */
export const VIGIL_APPLICATION_ID = 0x5649474c;

const PLAIN_SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** WAL frames (4 KiB pages) after which a commit folds the WAL back into the file. */
export const WAL_AUTOCHECKPOINT = 8192;
/** The same while the checkpoint worker does that copying (checkpointer.ts): the writer only finishes what it left. */
export const WAL_AUTOCHECKPOINT_BESIDE_WORKER = 32768;

function keyPragma(key: Buffer): string {
  return `key = "x'${key.toString('hex')}'"`;
}

export interface OpenOptions {
  create: boolean;
  readonly?: boolean;
}

/** Refuse files that cannot be a Vigil workspace before SQLCipher sees them. */
export function sniffWorkspaceFile(path: string): void {
  if (!existsSync(path)) {
    throw new VigilError('WORKSPACE_NOT_FOUND', `No workspace at ${path}.`);
  }
  const st = statSync(path);
  if (!st.isFile()) throw new VigilError('VAULT_NOT_VIGIL', `${path} is not a file.`);
  if (st.size === 0) throw new VigilError('VAULT_NOT_VIGIL', `${path} is empty: it is not a Vigil workspace.`);
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.equals(PLAIN_SQLITE_HEADER)) {
    throw new VigilError(
      'VAULT_NOT_VIGIL',
      `${path} is an unencrypted SQLite database, not a Vigil workspace. Vigil workspaces are always encrypted.`,
    );
  }
  if (st.size < 1024 || st.size % 512 !== 0) {
    throw new VigilError('VAULT_NOT_VIGIL', `${path} is not a Vigil workspace (its size is not that of an encrypted database).`);
  }
}

export function openDatabase(path: string, key: Buffer, opts: OpenOptions): DB {
  if (!opts.create) sniffWorkspaceFile(path);
  let db: DB | undefined;
  try {
    db = new Database(path, { fileMustExist: !opts.create, readonly: opts.readonly ?? false });
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(keyPragma(key));
    // The proving read: fails with SQLITE_NOTADB when the key does not fit the file.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    if (opts.create) {
      db.pragma(`application_id = ${VIGIL_APPLICATION_ID}`);
    } else {
      const appId = db.pragma('application_id', { simple: true }) as number;
      if (appId !== VIGIL_APPLICATION_ID) {
        throw new VigilError('VAULT_NOT_VIGIL', `${path} decrypts but is not a Vigil workspace.`);
      }
    }
    if (!opts.readonly) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Sorts and temp indexes stay in memory: nothing of a finding reaches a temp file on disk.
    db.pragma('temp_store = MEMORY');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`);
    return db;
  } catch (e) {
    try {
      db?.close();
    } catch {
      // Closing a half-open handle can fail; the original error is the one that matters.
    }
    throw toOpenError(e, path);
  }
}
