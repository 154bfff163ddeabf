// Numbered migrations kept in PRAGMA user_version (Signal Desktop's pattern): refuse an
// out-of-order list and a database newer than this app; run every pending step in one transaction.
import type Database from 'better-sqlite3-multiple-ciphers';
import { VigilError } from '../../../shared/errors';
import { MIGRATIONS, type Migration } from './migrations/index';

export function assertMigrationOrder(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new VigilError('INTERNAL', `Migration list out of order: position ${i + 1} holds version ${m.version} (${m.name}).`);
    }
  });
}

export function latestSchemaVersion(list: readonly Migration[] = MIGRATIONS): number {
  return list.length;
}

/** Bring the database to the latest schema. Returns the versions applied. */
export function migrate(db: Database.Database, list: readonly Migration[] = MIGRATIONS): number[] {
  assertMigrationOrder(list);
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestSchemaVersion(list);
  if (current > latest) {
    throw new VigilError(
      'VAULT_NEWER',
      `This workspace was written by a newer Vigil (schema ${current}; this app knows ${latest}). Update Vigil to open it.`,
    );
  }
  const pending = list.slice(current);
  if (pending.length === 0) return [];
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return pending.map((m) => m.version);
}
