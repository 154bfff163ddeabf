// The vault key: 32 random bytes handed to SQLCipher as a raw key (its own KDF is skipped). It is
// stored only wrapped, in a key file beside the workspace: by a passphrase through scrypt +
// AES-256-GCM, and/or by the OS key store (Electron safeStorage, injected by electron/main).
import { createCipheriv, createDecipheriv, randomBytes, randomUUID, scrypt as scryptCb } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import { writeFileAtomic } from './atomic-file';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export const VAULT_KEY_BYTES = 32;

/** scrypt cost. The default follows OWASP (N=2^17, r=8, p=1: ~128 MiB, a few hundred ms). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };
/** Only for tests and benchmarks that open many throwaway workspaces. */
export const FAST_SCRYPT_FOR_TESTS: ScryptParams = { N: 2 ** 12, r: 8, p: 1 };

/** The OS key store, as electron/main provides it. Core never sees safeStorage itself. */
export interface OsKeyWrapper {
  wrap(secret: Buffer): Buffer;
  unwrap(blob: Buffer): Buffer;
}

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const PassphraseWrap = z.object({
  kind: z.literal('passphrase'),
  kdf: z.literal('scrypt'),
  N: z.number().int().min(2 ** 10).max(2 ** 22),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: b64,
  cipher: z.literal('aes-256-gcm'),
  iv: b64,
  tag: b64,
  ct: b64,
});
const OsWrap = z.object({ kind: z.literal('os'), blob: b64 });
const KeyFile = z.object({
  format: z.literal('vigil-vault-key'),
  version: z.literal(1),
  workspace_id: z.string().uuid(),
  created_at: z.string(),
  wrappers: z.array(z.discriminatedUnion('kind', [PassphraseWrap, OsWrap])).min(1),
});
export type KeyFile = z.infer<typeof KeyFile>;

export function keyFilePath(workspacePath: string): string {
  return `${workspacePath}.key`;
}

export interface Unlock {
  passphrase?: string;
  os?: OsKeyWrapper;
}

function aad(workspaceId: string): Buffer {
  return Buffer.from(`vigil-vault-key:v1:${workspaceId}`, 'utf8');
}

async function kek(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // maxmem must exceed 128 * N * r bytes or node refuses the parameters.
  return scrypt(passphrase.normalize('NFC'), salt, 32, { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 });
}

export function checkPassphraseStrength(passphrase: string): void {
  if (passphrase.length < 8) {
    throw new VigilError('PASSPHRASE_WEAK', 'Choose a passphrase of at least 8 characters.');
  }
}

/** Make a new vault key and its key file content. Writes nothing. */
export async function createVaultKey(
  unlock: Unlock,
  scryptParams: ScryptParams = DEFAULT_SCRYPT,
): Promise<{ key: Buffer; keyFile: KeyFile }> {
  if (!unlock.passphrase && !unlock.os) {
    throw new VigilError('PASSPHRASE_REQUIRED', 'A passphrase (or the OS key store) is needed to protect a new workspace.');
  }
  const key = randomBytes(VAULT_KEY_BYTES);
  const workspaceId = randomUUID();
  const wrappers: KeyFile['wrappers'] = [];
  if (unlock.passphrase !== undefined) {
    checkPassphraseStrength(unlock.passphrase);
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const k = await kek(unlock.passphrase, salt, scryptParams);
    const c = createCipheriv('aes-256-gcm', k, iv);
    c.setAAD(aad(workspaceId));
    const ct = Buffer.concat([c.update(key), c.final()]);
    wrappers.push({
      kind: 'passphrase',
      kdf: 'scrypt',
      ...scryptParams,
      salt: salt.toString('base64'),
      cipher: 'aes-256-gcm',
      iv: iv.toString('base64'),
      tag: c.getAuthTag().toString('base64'),
      ct: ct.toString('base64'),
    });
    k.fill(0);
  }
  if (unlock.os) {
    wrappers.push({ kind: 'os', blob: unlock.os.wrap(key).toString('base64') });
  }
  return {
    key,
    keyFile: { format: 'vigil-vault-key', version: 1, workspace_id: workspaceId, created_at: new Date().toISOString(), wrappers },
  };
}

export function writeKeyFile(workspacePath: string, keyFile: KeyFile): void {
  writeFileAtomic(keyFilePath(workspacePath), JSON.stringify(keyFile, null, 2) + '\n', { mode: 0o600 });
}

export function readKeyFile(workspacePath: string): KeyFile {
  const p = keyFilePath(workspacePath);
  if (!existsSync(p)) {
    throw new VigilError(
      'VAULT_KEYFILE_MISSING',
      `The key file ${p} is missing. A workspace cannot be opened without the key file created beside it.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    throw new VigilError('VAULT_KEYFILE_INVALID', `The key file ${p} is not valid JSON; it may be damaged.`);
  }
  const parsed = KeyFile.safeParse(raw);
  if (!parsed.success) {
    throw new VigilError('VAULT_KEYFILE_INVALID', `The key file ${p} is not a Vigil key file or is damaged.`);
  }
  return parsed.data;
}

export function unlockMethods(keyFile: KeyFile): ('passphrase' | 'os')[] {
  return [...new Set(keyFile.wrappers.map((w) => w.kind))];
}

/** Recover the vault key. A wrong passphrase fails here, before the database file is touched. */
export async function unwrapVaultKey(keyFile: KeyFile, unlock: Unlock): Promise<Buffer> {
  if (unlock.os) {
    const w = keyFile.wrappers.find((x) => x.kind === 'os');
    if (w && w.kind === 'os') {
      let key: Buffer;
      try {
        key = unlock.os.unwrap(Buffer.from(w.blob, 'base64'));
      } catch {
        throw new VigilError('VAULT_KEY_INVALID', 'The OS key store could not unwrap this workspace key (was it created for another user or machine?).');
      }
      if (key.length !== VAULT_KEY_BYTES) throw new VigilError('VAULT_KEY_INVALID', 'The OS key store returned a key of the wrong size.');
      return key;
    }
  }
  const w = keyFile.wrappers.find((x) => x.kind === 'passphrase');
  if (!w || w.kind !== 'passphrase') {
    throw new VigilError('PASSPHRASE_REQUIRED', 'This workspace can only be unlocked by the OS key store of the machine that created it.');
  }
  if (unlock.passphrase === undefined || unlock.passphrase === '') {
    throw new VigilError('PASSPHRASE_REQUIRED', 'Enter the workspace passphrase to unlock it.');
  }
  const k = await kek(unlock.passphrase, Buffer.from(w.salt, 'base64'), w);
  try {
    const d = createDecipheriv('aes-256-gcm', k, Buffer.from(w.iv, 'base64'));
    d.setAAD(aad(keyFile.workspace_id));
    d.setAuthTag(Buffer.from(w.tag, 'base64'));
    const key = Buffer.concat([d.update(Buffer.from(w.ct, 'base64')), d.final()]);
    if (key.length !== VAULT_KEY_BYTES) throw new Error('size');
    return key;
  } catch {
    throw new VigilError('VAULT_KEY_INVALID', 'Wrong passphrase: the workspace key could not be unlocked. Nothing was changed.');
  } finally {
    k.fill(0);
  }
}
