// Classify SQLite failures where they happen (Signal Desktop's SqliteErrorKind), so callers see
// a stable VigilError code instead of a driver message.
import { VigilError } from '../../../shared/errors';

export type SqliteErrorKind = 'not-a-database' | 'corrupted' | 'busy' | 'read-only' | 'full' | 'logic' | 'unknown';

export function sqliteErrorKind(e: unknown): SqliteErrorKind {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return 'unknown';
  if (code.startsWith('SQLITE_NOTADB')) return 'not-a-database';
  if (code.startsWith('SQLITE_CORRUPT')) return 'corrupted';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM'))
    return 'read-only';
  if (code.startsWith('SQLITE_FULL')) return 'full';
  if (code.startsWith('SQLITE_CONSTRAINT') || code.startsWith('SQLITE_ERROR') || code.startsWith('SQLITE_MISMATCH'))
    return 'logic';
  return 'unknown';
}

/** Turn a failure while opening/reading the register into a VigilError a person can act on. */
export function toOpenError(e: unknown, path: string): VigilError {
  if (e instanceof VigilError) return e;
  switch (sqliteErrorKind(e)) {
    case 'not-a-database':
    case 'corrupted':
      return new VigilError(
        'VAULT_CORRUPT',
        `The workspace ${path} could not be decrypted with its key: the file is damaged or its key file belongs to another workspace. The file was not changed.`,
        { cause: e },
      );
    case 'busy':
      return new VigilError('VAULT_BUSY', `The workspace ${path} is in use by another process. Close it there and retry.`, {
        cause: e,
      });
    case 'read-only':
      return new VigilError('VAULT_READ_ONLY', `The workspace ${path} cannot be opened for writing (check its permissions).`, {
        cause: e,
      });
    case 'full':
      return new VigilError('INTERNAL', `The disk holding ${path} is full.`, { cause: e });
    default:
      return new VigilError('INTERNAL', `The workspace ${path} could not be opened.`, { cause: e });
  }
}
