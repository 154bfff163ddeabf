// The team roster: who the analysts are, their roles and their public keys over time, signed by a
// lead. Every other signature in Vigil is checked against it, so its own trust cannot come from
// itself: anyone can write a roster naming themselves lead and sign it. Trust comes from outside —
// the previous roster already trusted (its leads sign the next one), or key ids the user pinned
// after comparing a fingerprint out of band. Without either, verifyRoster says who signed but does
// not call the roster valid.
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { VigilError } from '../../../shared/errors';
import { keyIdFor, pkcs8Of, publicKeyOf, signBytes, verifyBytes, type PrivateKeyInput } from './keys';
import { maySignRoster, Role } from './policy';
import { describeIssues, Handle, IsoTime, KeyId, ms, parseOrThrow, PublicKeyText, SignatureText, toMs, type Instant } from './schemas';

export const ROSTER_TYPE = 'vigil.roster/v1';
/** A roster for a few hundred analysts is tens of kilobytes; anything near this is not a roster. */
export const MAX_ROSTER_CHARS = 1024 * 1024;

export const RosterKey = z.strictObject({
  key_id: KeyId,
  public_key: PublicKeyText,
  not_before: IsoTime,
  /** set to end a key (rotation, departure, compromise); a key is never deleted */
  not_after: IsoTime.optional(),
});
export type RosterKey = z.infer<typeof RosterKey>;

export const RosterAnalyst = z.strictObject({
  handle: Handle,
  name: z.string().trim().min(1).max(200),
  role: Role,
  keys: z.array(RosterKey).max(32),
});
export type RosterAnalyst = z.infer<typeof RosterAnalyst>;

export const RosterSignature = z.strictObject({ key_id: KeyId, signature: SignatureText });
export type RosterSignature = z.infer<typeof RosterSignature>;

const RosterShape = z.strictObject({
  type: z.literal(ROSTER_TYPE),
  team: z.string().trim().min(1).max(200),
  version: z.int().min(1),
  issued_at: IsoTime,
  analysts: z.array(RosterAnalyst).min(1).max(5000),
  signatures: z.array(RosterSignature).max(16),
});

export const RosterSchema = RosterShape.superRefine((r, ctx) => {
  const handles = new Set<string>();
  const keyIds = new Set<string>();
  const publicKeys = new Set<string>();
  r.analysts.forEach((a, i) => {
    if (handles.has(a.handle)) ctx.addIssue({ code: 'custom', path: ['analysts', i, 'handle'], message: `${a.handle} appears twice` });
    handles.add(a.handle);
    a.keys.forEach((k, j) => {
      const path = ['analysts', i, 'keys', j];
      // One key, one person: otherwise "approver is not the requester" could be met by one human.
      if (keyIds.has(k.key_id)) ctx.addIssue({ code: 'custom', path: [...path, 'key_id'], message: `${k.key_id} appears twice` });
      if (publicKeys.has(k.public_key)) ctx.addIssue({ code: 'custom', path: [...path, 'public_key'], message: 'this public key appears twice' });
      keyIds.add(k.key_id);
      publicKeys.add(k.public_key);
      // The short id is what signatures name; it must be derived, never chosen.
      if (keyIdFor(k.public_key) !== k.key_id) ctx.addIssue({ code: 'custom', path: [...path, 'key_id'], message: 'does not match its public key' });
      if (k.not_after !== undefined && ms(k.not_after) <= ms(k.not_before)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'not_after'], message: 'must be later than not_before' });
      }
    });
  });
  if (!r.analysts.some((a) => maySignRoster(a.role))) {
    ctx.addIssue({ code: 'custom', path: ['analysts'], message: 'a roster needs at least one lead, or nobody could sign the next version' });
  }
});
export type Roster = z.infer<typeof RosterSchema>;

export interface RosterInput {
  team: string;
  version: number;
  issued_at?: string;
  analysts: RosterAnalyst[];
}

/** An unsigned roster, validated. */
export function createRoster(input: RosterInput): Roster {
  return parseOrThrow(
    RosterSchema,
    { type: ROSTER_TYPE, team: input.team, version: input.version, issued_at: input.issued_at ?? new Date().toISOString(), analysts: input.analysts, signatures: [] },
    'roster',
  );
}

/** What a roster signature covers: the canonical JSON of everything but the signatures. */
export function rosterSigningBytes(roster: Roster): Buffer {
  const { signatures: _signatures, ...body } = roster;
  return Buffer.from(canonicalJson(body), 'utf8');
}

export interface KeyHolder {
  analyst: RosterAnalyst;
  key: RosterKey;
}

export function findKey(roster: Roster, keyId: string): KeyHolder | null {
  for (const analyst of roster.analysts) {
    for (const key of analyst.keys) if (key.key_id === keyId) return { analyst, key };
  }
  return null;
}

export function analystOf(roster: Roster, handle: string): RosterAnalyst | null {
  return roster.analysts.find((a) => a.handle === handle) ?? null;
}

/** not_before ≤ at < not_after */
export function keyValidAt(key: RosterKey, at: Instant): boolean {
  const t = toMs(at);
  return ms(key.not_before) <= t && (key.not_after === undefined || t < ms(key.not_after));
}

/** The key an analyst signs with at a time; during a rotation overlap, the newer one. */
export function keyFor(roster: Roster, handle: string, at: Instant = Date.now()): RosterKey | null {
  const analyst = analystOf(roster, handle);
  if (!analyst) return null;
  const valid = analyst.keys.filter((k) => keyValidAt(k, at));
  valid.sort((a, b) => ms(b.not_before) - ms(a.not_before));
  return valid[0] ?? null;
}

/**
 * Adds a lead's signature. The signer must be a lead holding this key, valid at issued_at, in the
 * roster being signed or in the previous trusted one (how a lead hands over to a new lead).
 */
export function signRoster(roster: Roster, leadHandle: string, privateKey: PrivateKeyInput, opts: { previous?: Roster } = {}): Roster {
  const r = parseOrThrow(RosterSchema, roster, 'roster');
  const keyId = keyIdFor(publicKeyOf(privateKey));
  const holds = (source: Roster | undefined): boolean => {
    if (!source) return false;
    const hit = findKey(source, keyId);
    return hit !== null && hit.analyst.handle === leadHandle && maySignRoster(hit.analyst.role) && keyValidAt(hit.key, r.issued_at);
  };
  if (!holds(r) && !holds(opts.previous)) {
    throw new VigilError(
      'VALIDATION_FAILED',
      `${leadHandle} cannot sign this roster with key ${keyId}: only a lead whose key is valid at ${r.issued_at}, in this roster or the previous one, can.`,
    );
  }
  if (r.signatures.some((s) => s.key_id === keyId)) {
    throw new VigilError('VALIDATION_FAILED', `The roster is already signed with ${keyId}.`);
  }
  const signature = signBytes(pkcs8Of(privateKey), rosterSigningBytes(r));
  return { ...r, signatures: [...r.signatures, { key_id: keyId, signature }] };
}

export const ROSTER_PROBLEMS = [
  'invalid_structure',
  'previous_invalid',
  'unsigned',
  'duplicate_signature',
  'unknown_signer',
  'signer_not_lead',
  'signer_key_not_valid',
  'signature_mismatch',
  'signer_not_trusted',
  'no_trust_anchor',
  'team_mismatch',
  'version_not_increased',
  'issued_before_previous',
  'key_removed',
  'key_changed',
  'key_extended',
] as const;
export type RosterProblemCode = (typeof ROSTER_PROBLEMS)[number];
export interface RosterProblem {
  code: RosterProblemCode;
  message: string;
}

export interface RosterVerdict {
  /** true only when every signature is genuine, from a trusted lead, and nothing else is wrong */
  valid: boolean;
  /** the first lead whose signature is genuine, trusted or not (what a first-import dialog shows) */
  signer: { handle: string; key_id: string } | null;
  /** every lead whose genuine signature counts: trusted ones first, then co-signers they vouch for */
  signers: { handle: string; key_id: string }[];
  reasons: RosterProblem[];
}

export interface RosterTrust {
  /** key ids the user pinned after checking a fingerprint out of band */
  trustedKeys?: readonly string[];
  /** the roster currently trusted; the new one must follow it */
  previous?: Roster;
}

/**
 * Checks every signature and, against `previous`, that the roster moves forward without rewriting
 * key history. Strict by design: one forged, non-lead or broken signature among good ones fails the
 * roster, because a roster that carries one was assembled by somebody who should not have.
 */
export function verifyRoster(roster: unknown, trust: RosterTrust = {}): RosterVerdict {
  const reasons: RosterProblem[] = [];
  const fail = (code: RosterProblemCode, message: string) => reasons.push({ code, message });
  const parsed = RosterSchema.safeParse(roster);
  if (!parsed.success) {
    return { valid: false, signer: null, signers: [], reasons: [{ code: 'invalid_structure', message: describeIssues(parsed.error) }] };
  }
  const r = parsed.data;
  let prev: Roster | undefined;
  if (trust.previous !== undefined) {
    const p = RosterSchema.safeParse(trust.previous);
    if (p.success) prev = p.data;
    else fail('previous_invalid', `The previous roster is invalid: ${describeIssues(p.error)}`);
  }
  const pinned = new Set(trust.trustedKeys ?? []);
  const anchored = prev !== undefined || pinned.size > 0;

  if (prev) checkSuccession(prev, r, fail);

  const bytes = rosterSigningBytes(r);
  const signers: { handle: string; key_id: string }[] = [];
  const selfVouched: { handle: string; key_id: string }[] = [];
  let signer: RosterVerdict['signer'] = null;
  const seen = new Set<string>();
  if (r.signatures.length === 0) fail('unsigned', 'The roster carries no signature.');
  for (const s of r.signatures) {
    if (seen.has(s.key_id)) {
      fail('duplicate_signature', `${s.key_id} signed twice.`);
      continue;
    }
    seen.add(s.key_id);
    const inPrev = prev ? findKey(prev, s.key_id) : null;
    const inThis = findKey(r, s.key_id);
    if (!inPrev && !inThis) {
      fail('unknown_signer', `${s.key_id} belongs to nobody in this roster${prev ? ' or the previous one' : ''}.`);
      continue;
    }
    // A lead of the trusted previous roster vouches first; a lead only of this roster needs a pin.
    const vouch = inPrev && maySignRoster(inPrev.analyst.role) ? inPrev : inThis && maySignRoster(inThis.analyst.role) ? inThis : null;
    if (!vouch) {
      const who = (inThis ?? inPrev)!.analyst;
      fail('signer_not_lead', `${who.handle} (${who.role}) signed, but only a lead may sign a roster.`);
      continue;
    }
    if (!keyValidAt(vouch.key, r.issued_at)) {
      fail('signer_key_not_valid', `${vouch.analyst.handle}'s key ${s.key_id} is not valid at ${r.issued_at}.`);
      continue;
    }
    if (!verifyBytes(vouch.key.public_key, bytes, s.signature)) {
      fail('signature_mismatch', `The signature by ${vouch.analyst.handle} (${s.key_id}) does not match the roster: it was altered after signing.`);
      continue;
    }
    const who = { handle: vouch.analyst.handle, key_id: s.key_id };
    signer ??= who;
    if ((inPrev !== null && vouch === inPrev) || pinned.has(s.key_id)) signers.push(who);
    else selfVouched.push(who);
  }
  // A lead named only by this roster counts once a trusted lead signed the same bytes (that lead
  // accepted the promotion); alone, it would be the roster vouching for itself.
  if (signers.length === 0) {
    for (const who of selfVouched) {
      if (anchored) fail('signer_not_trusted', `${who.handle} is a lead only in this roster and ${who.key_id} is not a pinned key: a roster cannot vouch for itself.`);
      else fail('no_trust_anchor', `Signed by ${who.handle} (${who.key_id}); nothing trusted vouches for that key yet. Confirm its fingerprint, then pin it.`);
    }
  }
  return { valid: reasons.length === 0 && signers.length > 0, signer, signers: [...signers, ...(signers.length > 0 ? selfVouched : [])], reasons };
}

/**
 * The next roster must move forward and keep every key the previous one listed: past signatures
 * are checked against the roster in force, so a dropped key would silently orphan them, and a
 * revoked key brought back would make a compromised key sign again.
 */
function checkSuccession(prev: Roster, r: Roster, fail: (code: RosterProblemCode, message: string) => void): void {
  if (r.team !== prev.team) fail('team_mismatch', `This roster is for team "${r.team}", the trusted one for "${prev.team}".`);
  if (r.version <= prev.version) fail('version_not_increased', `Version ${r.version} does not follow the trusted version ${prev.version}.`);
  if (ms(r.issued_at) < ms(prev.issued_at)) fail('issued_before_previous', `Issued ${r.issued_at}, before the trusted roster (${prev.issued_at}).`);
  for (const a of prev.analysts) {
    for (const k of a.keys) {
      const now = findKey(r, k.key_id);
      if (!now) {
        fail('key_removed', `${a.handle}'s key ${k.key_id} was dropped; end a key with not_after instead, so past signatures still verify.`);
      } else if (now.analyst.handle !== a.handle || now.key.public_key !== k.public_key || now.key.not_before !== k.not_before) {
        fail('key_changed', `${k.key_id} changed owner, public key or start (was ${a.handle}'s).`);
      } else if (k.not_after !== undefined && (now.key.not_after === undefined || ms(now.key.not_after) > ms(k.not_after))) {
        fail('key_extended', `${a.handle}'s key ${k.key_id} ended at ${k.not_after} and cannot be extended or revived.`);
      }
    }
  }
}

/** Stable, readable file text: keys in canonical order, two-space indent, final newline. */
export function exportRoster(roster: Roster): string {
  const r = parseOrThrow(RosterSchema, roster, 'roster');
  return JSON.stringify(JSON.parse(canonicalJson(r)), null, 2) + '\n';
}

/** Parses and validates a roster file. Signatures are verifyRoster's business, not this one's. */
export function parseRoster(text: string): Roster {
  if (text.length > MAX_ROSTER_CHARS) {
    throw new VigilError('VALIDATION_FAILED', `The roster file is ${text.length} characters; a roster is at most ${MAX_ROSTER_CHARS}.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new VigilError('VALIDATION_FAILED', 'The roster file is not valid JSON.');
  }
  if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type !== ROSTER_TYPE) {
    throw new VigilError('VALIDATION_FAILED', `This is not a Vigil roster (expected type "${ROSTER_TYPE}").`);
  }
  return parseOrThrow(RosterSchema, raw, 'roster');
}
