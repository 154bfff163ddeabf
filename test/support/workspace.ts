// Throwaway workspaces for tests: a temp folder, the fast scrypt cost, the real SQLCipher.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Register } from '../../electron/core/register/register';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';

export const TEST_PASSPHRASE = 'correct horse battery staple';

export function tempDir(prefix = 'vigil-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function newRegister(dir: string, name = 'ws.vigil'): Promise<Register> {
  return Register.create(join(dir, name), { passphrase: TEST_PASSPHRASE }, { scrypt: FAST_SCRYPT_FOR_TESTS });
}
