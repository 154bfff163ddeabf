// Analyst keys: the key id derivation, raw public key round trips, detached signatures, and the
// private half staying out of every serialisation.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  analystKeyFromPkcs8,
  exportRawPublicKey,
  generateAnalystKey,
  importRawPublicKey,
  keyIdFor,
  publicKeyOf,
  signBytes,
  verifyBytes,
  verifyBytesAsync,
  withCheckedSignatures,
  type CheckedSignatures,
} from '../../electron/core/custody/keys';
import { fromBase64url, toBase64url } from '../../electron/core/custody/base64url';
import { VigilError } from '../../shared/errors';

describe('generateAnalystKey', () => {
  it('gives a raw 32-byte public key, PKCS#8 private bytes and a derived key id', () => {
    const k = generateAnalystKey();
    expect(k.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const raw = exportRawPublicKey(k.publicKey);
    expect(raw).toHaveLength(32);
    expect(k.keyId).toBe('ed25519:' + createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(keyIdFor(k.publicKey)).toBe(k.keyId);
    expect(keyIdFor(raw)).toBe(k.keyId);
    expect(Buffer.isBuffer(k.privateKeyPkcs8)).toBe(true);
    expect(publicKeyOf(k.privateKeyPkcs8)).toBe(k.publicKey);
    expect(generateAnalystKey().keyId).not.toBe(k.keyId);
  });

  it('restores the same identity from the stored private bytes', () => {
    const k = generateAnalystKey();
    const again = analystKeyFromPkcs8(Buffer.from(k.privateKeyPkcs8));
    expect(again.keyId).toBe(k.keyId);
    expect(again.publicKey).toBe(k.publicKey);
  });

  it('refuses a private key that is not Ed25519, without echoing it', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    expect(() => analystKeyFromPkcs8(ec)).toThrow(/not Ed25519/);
    const junk = Buffer.from('not a key at all, just bytes');
    try {
      analystKeyFromPkcs8(junk);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VigilError);
      expect((e as VigilError).code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(e)).not.toContain('just bytes');
      expect((e as Error).cause).toBeUndefined();
    }
  });
});

describe('raw public keys', () => {
  it('import and export round trip', () => {
    const raw = exportRawPublicKey(generateAnalystKey().publicKey);
    expect(exportRawPublicKey(importRawPublicKey(raw)).equals(raw)).toBe(true);
  });

  it('refuse the wrong length and non-canonical spellings', () => {
    expect(() => importRawPublicKey(new Uint8Array(31))).toThrow(/32 bytes, not 31/);
    const k = generateAnalystKey().publicKey;
    expect(() => exportRawPublicKey(k + '=')).toThrow(VigilError);
    expect(() => exportRawPublicKey(k.replace(/^./, '+'))).toThrow(VigilError);
    // The last character carries 2 spare bits: Node decodes a sibling with one set to the same bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = k.slice(0, -1) + alphabet[alphabet.indexOf(k.at(-1)!) + 1];
    expect(Buffer.from(sibling, 'base64url').equals(exportRawPublicKey(k))).toBe(true);
    expect(fromBase64url(sibling, 32)).toBeNull();
    expect(() => exportRawPublicKey(sibling)).toThrow(VigilError);
  });

  it('base64url is strict: one spelling per value', () => {
    expect(toBase64url(Buffer.from([0xfb, 0xff]))).toBe('-_8');
    expect(fromBase64url('-_8')?.equals(Buffer.from([0xfb, 0xff]))).toBe(true);
    expect(fromBase64url('-_9')).toBeNull(); // spare bits set
    expect(fromBase64url('+/8')).toBeNull(); // base64, not base64url
    expect(fromBase64url('-_8=')).toBeNull(); // padded
    expect(fromBase64url('A')).toBeNull(); // impossible length
    expect(fromBase64url('AAAA', 4)).toBeNull();
  });
});

describe('signBytes / verifyBytes', () => {
  const k = generateAnalystKey();
  const other = generateAnalystKey();
  const msg = Buffer.from('FND-42 contain host:web-1');

  it('round trips', () => {
    const sig = signBytes(k.privateKeyPkcs8, msg);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyBytes(k.publicKey, msg, sig)).toBe(true);
    expect(signBytes(k, msg)).toBe(sig); // Ed25519 is deterministic
  });

  it('refuses another key, another message, a damaged or malformed signature — without throwing', () => {
    const sig = signBytes(k.privateKeyPkcs8, msg);
    expect(verifyBytes(other.publicKey, msg, sig)).toBe(false);
    expect(verifyBytes(k.publicKey, Buffer.from('FND-42 contain host:web-2'), sig)).toBe(false);
    const raw = fromBase64url(sig, 64)!;
    raw[10] = raw[10]! ^ 1;
    expect(verifyBytes(k.publicKey, msg, toBase64url(raw))).toBe(false);
    expect(verifyBytes(k.publicKey, msg, 'short')).toBe(false);
    expect(verifyBytes(k.publicKey, msg, sig + '=')).toBe(false);
    expect(verifyBytes('not-a-key', msg, sig)).toBe(false);
  });

  it('on the thread pool gives the same answers', async () => {
    const sig = signBytes(k.privateKeyPkcs8, msg);
    const raw = fromBase64url(sig, 64)!;
    raw[3] = raw[3]! ^ 1;
    const cases: [string, Uint8Array, string][] = [
      [k.publicKey, msg, sig],
      [other.publicKey, msg, sig],
      [k.publicKey, Buffer.from('FND-42 contain host:web-2'), sig],
      [k.publicKey, msg, toBase64url(raw)],
      [k.publicKey, msg, 'short'],
      ['not-a-key', msg, sig],
    ];
    for (const [pub, bytes, s] of cases) expect(await verifyBytesAsync(pub, bytes, s)).toBe(verifyBytes(pub, bytes, s));
  });

  it('an answer checked ahead is used only for the very same key and bytes', () => {
    const sig = signBytes(k.privateKeyPkcs8, msg);
    const forged = Buffer.from('FND-42 close, nothing to see');
    // A stale or misread answer for other bytes or another key: verifyBytes computes instead.
    const answers: CheckedSignatures = new Map([[sig, { publicKey: k.publicKey, bytes: forged, ok: true }]]);
    expect(withCheckedSignatures(answers, () => verifyBytes(k.publicKey, forged, sig))).toBe(true); // the very same: used
    expect(withCheckedSignatures(answers, () => verifyBytes(k.publicKey, msg, sig))).toBe(true); // other bytes: computed
    answers.set(sig, { publicKey: other.publicKey, bytes: msg, ok: false });
    expect(withCheckedSignatures(answers, () => verifyBytes(k.publicKey, msg, sig))).toBe(true); // other key: computed
    // Outside the call the answers are not consulted at all.
    answers.set(sig, { publicKey: k.publicKey, bytes: forged, ok: true });
    expect(verifyBytes(k.publicKey, forged, sig)).toBe(false);
  });
});

describe('the private key stays private', () => {
  const k = generateAnalystKey();
  const secrets = [
    k.privateKeyPkcs8.toString('base64'),
    k.privateKeyPkcs8.toString('base64url'),
    k.privateKeyPkcs8.toString('hex'),
    k.privateKeyPkcs8.subarray(-32).toString('hex'),
    k.privateKeyPkcs8.subarray(-32).toString('base64'),
    JSON.stringify([...k.privateKeyPkcs8.subarray(-32)]).slice(1, -1),
  ];
  const leaks = (text: string) => secrets.filter((s) => text.includes(s));

  it('is absent from JSON, inspect, spreads, keys and clones', () => {
    expect(JSON.parse(JSON.stringify(k))).toEqual({ keyId: k.keyId, publicKey: k.publicKey });
    expect(leaks(JSON.stringify(k))).toEqual([]);
    expect(leaks(JSON.stringify({ nested: { k } }))).toEqual([]);
    expect(leaks(inspect(k, { depth: 5, showHidden: false }))).toEqual([]);
    expect(inspect(k)).toContain('[redacted]');
    expect(leaks(String(k))).toEqual([]);
    expect(Object.keys(k)).not.toContain('privateKeyPkcs8');
    expect(leaks(JSON.stringify({ ...k }))).toEqual([]);
    expect(leaks(JSON.stringify(structuredClone(k)))).toEqual([]);
  });

  it('cannot be swapped on a holder', () => {
    expect(() => {
      (k as { privateKeyPkcs8: Buffer }).privateKeyPkcs8 = Buffer.alloc(48);
    }).toThrow(TypeError);
  });
});
