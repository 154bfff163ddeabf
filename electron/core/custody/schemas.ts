// The custody vocabulary: the small value types every signed document shares. Each has exactly one
// accepted spelling, because signed bytes are compared byte for byte and a second spelling of the
// same value would either fail a genuine signature or let two different texts mean the same thing.
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import { fromBase64url } from './base64url';

export const PUBLIC_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/**
 * Lower-case ASCII only: handles decide who approved whom, and a look-alike (Cyrillic "а" for Latin
 * "a", a trailing space, a different Unicode normalisation) must not pass for a different person.
 */
export const Handle = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/, 'a handle is lower-case letters, digits, ".", "_" or "-", like amara.okafor');

export const KeyId = z.string().regex(/^ed25519:[0-9a-f]{16}$/, 'a key id looks like ed25519: followed by 16 hex digits');

export const PublicKeyText = z
  .string()
  .refine((s) => fromBase64url(s, PUBLIC_KEY_BYTES) !== null, 'a public key is 32 bytes in unpadded base64url (43 characters)');

export const SignatureText = z
  .string()
  .refine((s) => fromBase64url(s, SIGNATURE_BYTES) !== null, 'a signature is 64 bytes in unpadded base64url (86 characters)');

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits');

export const WorkspaceId = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a workspace id is a lower-case UUID');

/**
 * Exactly what `Date.prototype.toISOString` writes. Date.parse alone would take "2025-02-30" as
 * 2 March, and "…00Z" and "…00.000Z" as one instant under two spellings.
 */
export const IsoTime = z.string().refine(isCanonicalIso, 'a time is ISO 8601 UTC with milliseconds, like 2025-01-31T09:30:00.000Z');

export function isCanonicalIso(s: string): boolean {
  const ms = Date.parse(s);
  return Number.isFinite(ms) && new Date(ms).toISOString() === s;
}

/** Milliseconds of a time already validated by IsoTime. */
export function ms(iso: string): number {
  return Date.parse(iso);
}

export type Instant = Date | number | string;

export function toMs(at: Instant): number {
  const v = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(v)) throw new VigilError('VALIDATION_FAILED', `Not a valid time: ${String(at)}.`);
  return v;
}

export function describeIssues(error: z.ZodError, limit = 5): string {
  const parts = error.issues.slice(0, limit).map((i) => `${formatPath(i.path)}: ${i.message}`);
  const more = error.issues.length - limit;
  return parts.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

/** Parse or throw VALIDATION_FAILED naming the document and the offending fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new VigilError('VALIDATION_FAILED', `The ${what} is invalid: ${describeIssues(r.error)}.`);
  return r.data;
}
