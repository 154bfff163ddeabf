// The OS key store as core sees it (OsKeyWrapper), over Electron safeStorage. On Linux, safeStorage
// falls back to 'basic_text' (a password hard-coded in Chromium) when no keyring is reachable: that
// protects nothing, so we refuse it and the app asks for a passphrase instead. Call after 'ready'.
import type { SafeStorage } from 'electron';
import type { OsKeyWrapper } from '../core/register/vault-key';

type SafeStorageLike = Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'encryptString' | 'decryptString'>;

/** Linux backends that do not protect a secret. */
const REFUSED_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

export function osKeyWrapper(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): OsKeyWrapper | null {
  try {
    if (!safeStorage.isEncryptionAvailable()) return null;
    if (platform === 'linux' && REFUSED_LINUX_BACKENDS.has(safeStorage.getSelectedStorageBackend())) return null;
  } catch {
    return null;
  }
  return {
    // hex, because encryptString takes a string and the key is arbitrary bytes.
    wrap: (secret) => safeStorage.encryptString(secret.toString('hex')),
    unwrap: (blob) => Buffer.from(safeStorage.decryptString(blob), 'hex'),
  };
}
