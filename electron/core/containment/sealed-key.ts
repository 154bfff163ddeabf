// A second analyst's private key kept on someone else's workstation, sealed by a passphrase only
// its owner knows (scrypt, then AES-256-GCM with the key id, handle and workspace as associated
// data). The register is already encrypted, but it is the workstation owner's register: without
// this seal the owner could approve their own request by signing as the colleague. Unsealing needs
// the colleague at the keyboard.
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import { analystKeyFromPkcs8, type AnalystKey } from '../custody';
import type { ScryptParams } from '../register/vault-key';

const Sealed = z.strictObject({
  v: z.literal(1),
  kdf: z.literal('scrypt'),
  N: z.number().int().min(2 ** 10).max(2 ** 22),
  r: z.number().int().min(1).max(32),
  p: z.number().int().min(1).max(16),
  salt: z.string(),
  iv: z.string(),
  tag: z.string(),
  ct: z.string(),
});

function derive(passphrase: string, salt: Buffer, p: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(passphrase.normalize('NFC'), salt, 32, { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + (1 << 20) }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function aad(workspaceId: string, handle: string, keyId: string): Buffer {
  return Buffer.from(`vigil.approver-key/v1\u0000${workspaceId}\u0000${handle}\u0000${keyId}`, 'utf8');
}

export async function sealKey(key: AnalystKey, passphrase: string, ctx: { workspaceId: string; handle: string }, params: ScryptParams): Promise<string> {
  if (passphrase.length < 8) throw new VigilError('PASSPHRASE_WEAK', 'Choose a passphrase of at least 8 characters for the second analyst key.');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const k = await derive(passphrase, salt, params);
  try {
    const c = createCipheriv('aes-256-gcm', k, iv);
    c.setAAD(aad(ctx.workspaceId, ctx.handle, key.keyId));
    const ct = Buffer.concat([c.update(key.privateKeyPkcs8), c.final()]);
    return JSON.stringify({ v: 1, kdf: 'scrypt', ...params, salt: salt.toString('base64'), iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ct: ct.toString('base64') });
  } finally {
    k.fill(0);
  }
}

/** The key back, or VAULT_KEY_INVALID for a wrong passphrase (the same answer for any damage). */
export async function unsealKey(sealed: string, passphrase: string, ctx: { workspaceId: string; handle: string; keyId: string }): Promise<AnalystKey> {
  let s: z.infer<typeof Sealed>;
  try {
    s = Sealed.parse(JSON.parse(sealed));
  } catch {
    throw new VigilError('VAULT_KEY_INVALID', `The stored key of ${ctx.handle} is damaged; enrol them again.`);
  }
  const k = await derive(passphrase, Buffer.from(s.salt, 'base64'), s);
  try {
    const d = createDecipheriv('aes-256-gcm', k, Buffer.from(s.iv, 'base64'));
    d.setAAD(aad(ctx.workspaceId, ctx.handle, ctx.keyId));
    d.setAuthTag(Buffer.from(s.tag, 'base64'));
    const pkcs8 = Buffer.concat([d.update(Buffer.from(s.ct, 'base64')), d.final()]);
    const key = analystKeyFromPkcs8(pkcs8);
    if (key.keyId !== ctx.keyId) throw new Error('key id');
    return key;
  } catch {
    throw new VigilError('VAULT_KEY_INVALID', `Wrong passphrase for ${ctx.handle}'s key. Nothing was signed.`);
  } finally {
    k.fill(0);
  }
}
