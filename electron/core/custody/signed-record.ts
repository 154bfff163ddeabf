// A signed record: canonical payload text, a detached Ed25519 signature over its UTF-8 bytes, and
// the id of the key that made it. Sign-offs, approvals and approval requests all travel in this
// one shape and are opened by one routine, so the order of checks (and the reasons reported) is the
// same for all of them: authenticate the exact bytes first, then parse — nothing an attacker wrote
// is interpreted before its signature holds.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { VigilError } from '../../../shared/errors';
import { fromBase64url } from './base64url';
import { ALGORITHM, keyIdFor, pkcs8Of, publicKeyOf, signBytes, verifyBytes, type PrivateKeyInput } from './keys';
import { findKey, keyValidAt, type KeyHolder, type Roster } from './roster';
import { CLOCK_SKEW_MS } from './policy';
import { describeIssues, KeyId, ms, SignatureText, SIGNATURE_BYTES } from './schemas';

/** Large enough for a sign-off with a long mitigation plan; small enough to refuse junk quickly. */
export const MAX_PAYLOAD_CHARS = 256 * 1024;

export const SignedRecord = z.strictObject({
  payload: z
    .string()
    .min(2)
    .max(MAX_PAYLOAD_CHARS)
    // A lone surrogate encodes to U+FFFD, so two different strings would share one signature.
    .refine((s) => Buffer.from(s, 'utf8').toString('utf8') === s, 'the payload is not well-formed Unicode'),
  signature: SignatureText,
  key_id: KeyId,
  algorithm: z.literal(ALGORITHM),
});
export type SignedRecord = z.infer<typeof SignedRecord>;

export const SIGNATURE_FAILURES = [
  'record_invalid', // not a signed record at all
  'unsupported_algorithm',
  'unknown_key', // the key id is in no roster entry
  'signature_mismatch', // the bytes are not what that key signed
  'payload_invalid', // signed, but not a well-formed document of the expected kind
  'wrong_type', // a genuine signature over another kind of document (an approval shown as a sign-off)
  'payload_not_canonical', // signed, but not in the one canonical form
  'key_id_mismatch', // the record names one key, the payload another
  'key_not_for_analyst', // the key belongs to someone other than the named analyst
  'key_not_valid_at_time', // outside the key's not_before / not_after
  'role_not_permitted', // the policy table refuses this role
  'signed_in_future', // dated later than the verifier's clock allows
  'context_mismatch', // genuine, but for another finding, workspace, revision or action
  'evidence_mismatch', // signed evidence changed or disappeared
  'self_approval',
  'unknown_requester',
  'approved_after_expiry',
  'expired',
  'signoff_mismatch', // the approval names another sign-off
  'deadline_too_long', // the request gave more time than the policy allows
  'not_approved',
  'approval_mismatch', // the approval does not repeat the request it claims to approve
  'file_invalid',
] as const;
export type SignatureFailure = (typeof SIGNATURE_FAILURES)[number];

export interface Refusal {
  valid: false;
  reason: SignatureFailure;
  message: string;
}

export function refuse(reason: SignatureFailure, message: string): Refusal {
  return { valid: false, reason, message };
}

export function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

/** sha256 (hex) of the raw signature bytes: how an approval names the sign-off it builds on. */
export function signatureSha256(signature: string): string {
  const raw = fromBase64url(signature, SIGNATURE_BYTES);
  if (!raw) throw new VigilError('VALIDATION_FAILED', 'Not an Ed25519 signature in base64url.');
  return createHash('sha256').update(raw).digest('hex');
}

/** signatureSha256 for text a verifier has not checked yet: null instead of a throw. */
export function trySignatureSha256(signature: unknown): string | null {
  const raw = typeof signature === 'string' ? fromBase64url(signature, SIGNATURE_BYTES) : null;
  return raw ? createHash('sha256').update(raw).digest('hex') : null;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Signs canonical payload bytes. The key must be the one the payload names: a record signed by a
 * different key could never verify, and finding that out at sign-off time beats finding it in an
 * audit.
 */
export function signCanonical(bytes: Uint8Array, privateKey: PrivateKeyInput, namedKeyId: string): SignedRecord {
  const keyId = keyIdFor(publicKeyOf(privateKey));
  if (keyId !== namedKeyId) {
    throw new VigilError('VALIDATION_FAILED', `The payload names key ${namedKeyId}, but the private key given is ${keyId}.`);
  }
  const payload = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return { payload, signature: signBytes(pkcs8Of(privateKey), bytes), key_id: keyId, algorithm: ALGORITHM };
}

/** Parse JSON text that is supposed to be canonical; null when it is not JSON at all. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export interface OpenSpec<T> {
  /** what the document is called in messages: "sign-off", "approval" */
  what: string;
  type: string;
  schema: z.ZodType<T>;
  /** the exact bytes this payload must have been: re-render and compare */
  canonical: (payload: T) => Buffer;
  /** who the payload says signed it, and when */
  signer: (payload: T) => { handle: string; key_id: string; at: string };
}

export interface Opened<T> {
  valid: true;
  record: SignedRecord;
  payload: T;
  holder: KeyHolder;
}

/**
 * Everything every signed record needs, in the order that gives the most precise reason: record
 * shape, key, signature over the exact bytes, payload kind and form, then whether the key was the
 * named analyst's and valid when they say they signed. Role and document rules are the caller's.
 */
export function openSigned<T>(record: unknown, roster: Roster, spec: OpenSpec<T>, now: number): Opened<T> | Refusal {
  if (typeof record === 'object' && record !== null && 'algorithm' in record && record.algorithm !== ALGORITHM) {
    return refuse('unsupported_algorithm', `The ${spec.what} uses ${String(record.algorithm)}; Vigil verifies ${ALGORITHM} only.`);
  }
  const r = SignedRecord.safeParse(record);
  if (!r.success) return refuse('record_invalid', `Not a signed ${spec.what}: ${describeIssues(r.error)}.`);
  const rec = r.data;

  const holder = findKey(roster, rec.key_id);
  if (!holder) return refuse('unknown_key', `Key ${rec.key_id} is not in the roster (version ${roster.version}).`);
  if (!verifyBytes(holder.key.public_key, utf8(rec.payload), rec.signature)) {
    return refuse('signature_mismatch', `The ${spec.what}'s signature does not match its content for key ${rec.key_id}: the payload or the signature was altered.`);
  }

  const json = parseJson(rec.payload);
  if (!json.ok) return refuse('payload_invalid', `The signed ${spec.what} is not JSON.`);
  const type = typeof json.value === 'object' && json.value !== null ? (json.value as { type?: unknown }).type : undefined;
  if (type !== spec.type) return refuse('wrong_type', `The signed document is ${typeof type === 'string' ? `a ${type}` : 'untyped'}, not a ${spec.type}.`);
  const p = spec.schema.safeParse(json.value);
  if (!p.success) return refuse('payload_invalid', `The signed ${spec.what} is malformed: ${describeIssues(p.error)}.`);
  const payload = p.data;
  let expected: Buffer;
  try {
    expected = spec.canonical(payload);
  } catch (e) {
    return refuse('payload_invalid', `The signed ${spec.what} is malformed: ${e instanceof VigilError ? e.message : 'it cannot be rendered'}`);
  }
  if (canonicalJson(json.value) !== rec.payload || !expected.equals(utf8(rec.payload))) {
    return refuse('payload_not_canonical', `The signed ${spec.what} is not in canonical form, so its bytes are not the one encoding of its content.`);
  }

  const who = spec.signer(payload);
  if (who.key_id !== rec.key_id) return refuse('key_id_mismatch', `The record is signed with ${rec.key_id}, but the ${spec.what} names ${who.key_id}.`);
  if (holder.analyst.handle !== who.handle) {
    return refuse('key_not_for_analyst', `Key ${rec.key_id} belongs to ${holder.analyst.handle}, not ${who.handle}.`);
  }
  if (!keyValidAt(holder.key, who.at)) {
    const window = `${holder.key.not_before} – ${holder.key.not_after ?? 'open'}`;
    return refuse('key_not_valid_at_time', `Key ${rec.key_id} of ${who.handle} was not valid at ${who.at} (valid ${window}).`);
  }
  if (ms(who.at) > now + CLOCK_SKEW_MS) {
    return refuse('signed_in_future', `The ${spec.what} is dated ${who.at}, later than this machine's clock allows.`);
  }
  return { valid: true, record: rec, payload, holder };
}
