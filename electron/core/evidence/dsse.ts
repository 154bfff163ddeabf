// DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse v1.0): the bundle's manifest is an
// in-toto Statement carried base64-encoded in an envelope, and each signature covers the
// pre-authentication encoding PAE(type, body) — never the JSON around it — so the payload type
// cannot be swapped and the bytes signed are exactly the bytes read. An envelope holds any number
// of signatures: the exporting lead's first, co-signers' after (k-of-n).
import { z } from 'zod';
import { keyIdFor, signBytes, verifyBytes, type PrivateKeyInput, publicKeyOf } from '../custody/keys';
import { fromBase64url, toBase64url } from '../custody/base64url';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in ASCII decimal bytes. */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'utf8'), type, Buffer.from(` ${body.length} `, 'utf8'), body]);
}

// Standard base64 as the DSSE spec writes it; accept only the one canonical spelling.
// (A plain character class: a grouped pattern would recurse per quartet and overflow on large payloads.)
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeBase64Strict(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !B64.test(text)) return null;
  const b = Buffer.from(text, 'base64');
  return b.toString('base64') === text ? b : null;
}

export const DsseSignature = z.strictObject({ keyid: z.string().max(200), sig: z.string().max(200) });
export type DsseSignature = z.infer<typeof DsseSignature>;

export const DsseEnvelope = z.strictObject({
  payloadType: z.string().max(200),
  payload: z.string(),
  signatures: z.array(DsseSignature).max(64),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelope>;

/** The raw signature (64 bytes) of a DSSE sig field, which carries it in standard base64. */
function sigBytes(sig: string): Buffer | null {
  const b = decodeBase64Strict(sig);
  return b && b.length === 64 ? b : null;
}

export function signEnvelope(payloadType: string, payload: Buffer, key: PrivateKeyInput): DsseEnvelope {
  return addSignature({ payloadType, payload: payload.toString('base64'), signatures: [] }, key);
}

/** Adds one more signature over the same PAE bytes; a key signs an envelope once. */
export function addSignature(env: DsseEnvelope, key: PrivateKeyInput): DsseEnvelope {
  const body = decodeBase64Strict(env.payload);
  if (!body) throw new Error('The envelope payload is not base64.');
  const keyid = keyIdFor(publicKeyOf(key));
  if (env.signatures.some((s) => s.keyid === keyid)) throw new Error(`The envelope is already signed with ${keyid}.`);
  const raw = fromBase64url(signBytes(key, pae(env.payloadType, body)))!;
  return { ...env, signatures: [...env.signatures, { keyid, sig: raw.toString('base64') }] };
}

/** True only for a genuine Ed25519 signature by this public key over the envelope's PAE bytes. */
export function verifyEnvelopeSignature(env: DsseEnvelope, s: DsseSignature, publicKey: string, decoded?: Buffer): boolean {
  const body = decoded ?? decodeBase64Strict(env.payload);
  const raw = sigBytes(s.sig);
  if (!body || !raw) return false;
  return verifyBytes(publicKey, pae(env.payloadType, body), toBase64url(raw));
}
