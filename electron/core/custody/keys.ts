// Ed25519 analyst keys. The private half exists only as PKCS#8 DER bytes destined for the encrypted
// register (SQLCipher, unlocked by the vault key); it never goes into a roster, a signed document, a
// log line or an IPC reply. Holders therefore redact it from JSON and from util.inspect, so the
// usual accidents (logging the object, returning it from a handler, snapshotting it in a test) leak
// nothing.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { VigilError } from '../../../shared/errors';
import { fromBase64url, toBase64url } from './base64url';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from './schemas';

export const ALGORITHM = 'Ed25519' as const;

export class AnalystKey {
  /** 'ed25519:' + the first 16 hex digits of sha256(raw public key) */
  readonly keyId: string;
  /** the raw 32-byte public key, base64url */
  readonly publicKey: string;
  /**
   * Non-enumerable, so a spread, Object.keys, structuredClone or a JSON serialiser that skips
   * toJSON all drop it instead of copying it somewhere it does not belong.
   */
  declare readonly privateKeyPkcs8: Buffer;

  constructor(privateKeyPkcs8: Buffer) {
    const priv = privateKeyObject(privateKeyPkcs8);
    this.publicKey = exportPublicKeyObject(createPublicKey(priv));
    this.keyId = keyIdFor(this.publicKey);
    Object.defineProperty(this, 'privateKeyPkcs8', { value: privateKeyPkcs8, enumerable: false, writable: false, configurable: false });
  }

  toJSON(): { keyId: string; publicKey: string } {
    return { keyId: this.keyId, publicKey: this.publicKey };
  }

  [inspect.custom](): string {
    return `AnalystKey { keyId: '${this.keyId}', publicKey: '${this.publicKey}', privateKeyPkcs8: [redacted] }`;
  }
}

export function generateAnalystKey(): AnalystKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return new AnalystKey(privateKey.export({ format: 'der', type: 'pkcs8' }));
}

/** Rebuild the holder from the bytes the register stored. Refuses anything but an Ed25519 key. */
export function analystKeyFromPkcs8(privateKeyPkcs8: Buffer): AnalystKey {
  return new AnalystKey(privateKeyPkcs8);
}

/** Either form callers hold a private key in. */
export type PrivateKeyInput = Buffer | { readonly privateKeyPkcs8: Buffer };

export function pkcs8Of(key: PrivateKeyInput): Buffer {
  return Buffer.isBuffer(key) ? key : key.privateKeyPkcs8;
}

export function keyIdFor(publicKey: string | Uint8Array): string {
  const raw = typeof publicKey === 'string' ? exportRawPublicKey(publicKey) : checkedRaw(publicKey);
  return 'ed25519:' + createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** Raw 32 bytes (from another tool, a QR code, a hardware token) → Vigil's text form. */
export function importRawPublicKey(raw: Uint8Array): string {
  return toBase64url(checkedRaw(raw));
}

/** Vigil's text form → the raw 32 bytes. */
export function exportRawPublicKey(publicKey: string): Buffer {
  const raw = fromBase64url(publicKey, PUBLIC_KEY_BYTES);
  if (!raw) throw new VigilError('VALIDATION_FAILED', 'A public key is 32 bytes in unpadded base64url (43 characters).');
  return raw;
}

/** The public key that belongs to a private key, e.g. to match a stored key with its roster entry. */
export function publicKeyOf(privateKey: PrivateKeyInput): string {
  return exportPublicKeyObject(createPublicKey(privateKeyObject(pkcs8Of(privateKey))));
}

/** Detached Ed25519 signature over the bytes, base64url. */
export function signBytes(privateKey: PrivateKeyInput, bytes: Uint8Array): string {
  return toBase64url(sign(null, bytes, privateKeyObject(pkcs8Of(privateKey))));
}

/**
 * True only for a genuine signature. Never throws: a malformed key or signature is simply not a
 * valid signature, and verifiers report their own precise reason around this answer.
 */
export function verifyBytes(publicKey: string, bytes: Uint8Array, signature: string): boolean {
  const known = checked?.get(signature);
  if (known && known.publicKey === publicKey && Buffer.compare(known.bytes, bytes) === 0) return known.ok;
  const v = verifierOf(publicKey, signature);
  if (!v) return false;
  try {
    return verify(null, bytes, v.key, v.sig);
  } catch {
    return false;
  }
}

/** The key and raw signature a verification needs, or null when either is malformed (not valid, not an error). */
function verifierOf(publicKey: string, signature: string): { key: KeyObject; sig: Buffer } | null {
  const sig = fromBase64url(signature, SIGNATURE_BYTES);
  if (!sig) return null;
  try {
    return { key: publicKeyObject(publicKey), sig };
  } catch {
    return null;
  }
}

/**
 * Answers already computed by verifyBytesAsync, by signature. An answer is used only for the very
 * same public key and bytes, so a wrong or missing entry costs a computation, never a verdict.
 */
export type CheckedSignatures = Map<string, { publicKey: string; bytes: Uint8Array; ok: boolean }>;
let checked: CheckedSignatures | null = null;

/** Run `fn` (synchronous) with verifyBytes answering from `answers` where it can. */
export function withCheckedSignatures<T>(answers: CheckedSignatures, fn: () => T): T {
  const prev = checked;
  checked = answers;
  try {
    return fn();
  } finally {
    checked = prev;
  }
}

/** verifyBytes on libuv's thread pool: many of these run in parallel beside the main thread's work. */
export function verifyBytesAsync(publicKey: string, bytes: Uint8Array, signature: string): Promise<boolean> {
  const v = verifierOf(publicKey, signature);
  if (!v) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      verify(null, bytes, v.key, v.sig, (err, ok) => resolve(!err && ok));
    } catch {
      resolve(false);
    }
  });
}

function checkedRaw(raw: Uint8Array): Buffer {
  if (raw.byteLength !== PUBLIC_KEY_BYTES) {
    throw new VigilError('VALIDATION_FAILED', `An Ed25519 public key is ${PUBLIC_KEY_BYTES} bytes, not ${raw.byteLength}.`);
  }
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

// A verifier checks thousands of signatures by a handful of keys (an evidence bundle: every
// sign-off of a team), so each public key is imported once. Public keys only; bounded.
const PUBLIC_KEY_CACHE = new Map<string, KeyObject>();

function publicKeyObject(publicKey: string): KeyObject {
  const cached = PUBLIC_KEY_CACHE.get(publicKey);
  if (cached) return cached;
  exportRawPublicKey(publicKey);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
  if (PUBLIC_KEY_CACHE.size >= 1024) PUBLIC_KEY_CACHE.clear();
  PUBLIC_KEY_CACHE.set(publicKey, key);
  return key;
}

function exportPublicKeyObject(key: KeyObject): string {
  const x = key.export({ format: 'jwk' }).x;
  if (typeof x !== 'string') throw new VigilError('INTERNAL', 'Could not export the Ed25519 public key.');
  return x;
}

function privateKeyObject(pkcs8: Buffer): KeyObject {
  if (!Buffer.isBuffer(pkcs8)) throw new VigilError('VALIDATION_FAILED', 'A private key is handled only as PKCS#8 DER bytes.');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    // No cause attached: an OpenSSL error about a key is not something to carry into logs.
    throw new VigilError('VALIDATION_FAILED', 'The private key is not a readable PKCS#8 key.');
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new VigilError('VALIDATION_FAILED', `The private key is ${key.asymmetricKeyType ?? 'of an unknown type'}, not Ed25519.`);
  }
  return key;
}
