// The sign-off: an analyst's Ed25519 signature over the canonical decision of one finding at one
// decision revision, with the hash of every piece of evidence it rests on. It is what "who signed
// what, when" means in Vigil, so the payload binds everything a later reader needs to tell whether
// the thing in front of them is the thing that was signed: the workspace, the finding, the
// revision, the decision fields, the evidence hashes and the signer's key.
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { FindingId, FindingStatus } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import { Severity } from '../../../shared/severity';
import { type PrivateKeyInput } from './keys';
import { aRole, maySignOff } from './policy';
import { type Roster } from './roster';
import { Handle, IsoTime, KeyId, parseOrThrow, Sha256Hex, WorkspaceId, type Instant, toMs } from './schemas';
import { openSigned, parseJson, refuse, signatureSha256, signCanonical, utf8, type Refusal, type SignedRecord } from './signed-record';

export const SIGNOFF_TYPE = 'vigil.signoff/v1';

// Canonical upper-case ids only: the domain schemas upper-case on input, but a signed payload must
// already be in its final form, or the same decision could be signed under two spellings.
const Technique = z.string().regex(/^T\d{4}(?:\.\d{3})?$/, 'a technique id looks like T1110 or T1110.003');
const Tactic = z.string().regex(/^TA\d{4}$/, 'a tactic id looks like TA0006');

export const SignoffDecision = z.strictObject({
  mitre_technique: Technique.nullable(),
  mitre_tactic: Tactic.nullable(),
  secondary_techniques: z.array(Technique).max(10),
  severity: Severity,
  blast_radius: z.string().max(4000).nullable(),
  recommended_action: z.string().max(4000).nullable(),
  risk_score: z.number().min(0).max(100).nullable(),
  risk_factors: z.record(z.string().max(60), z.number()).nullable(),
  mitigation_plan: z.string().max(64_000).nullable(),
  status: FindingStatus,
});
export type SignoffDecision = z.infer<typeof SignoffDecision>;

export const SignoffEvidence = z.strictObject({
  id: z.int().min(1),
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'an evidence kind looks like splunk_results'),
  sha256: Sha256Hex,
});
export type SignoffEvidence = z.infer<typeof SignoffEvidence>;

const SignoffFields = {
  finding_id: FindingId,
  decision: SignoffDecision,
  evidence: z.array(SignoffEvidence).max(2000),
  analyst: z.strictObject({ handle: Handle, key_id: KeyId }),
  signed_at: IsoTime,
  workspace_id: WorkspaceId,
  /** the finding's decision revision: a sign-off for revision n says nothing about revision n+1 */
  revision: z.int().min(0),
};

export const SignoffInput = z.strictObject(SignoffFields);
export type SignoffInput = z.infer<typeof SignoffInput>;

export const SignoffPayload = z.strictObject({ type: z.literal(SIGNOFF_TYPE), ...SignoffFields });
export type SignoffPayload = z.infer<typeof SignoffPayload>;

/** The sign-off record, as stored (immutable) and as it travels in evidence bundles. */
export type SignoffRecord = SignedRecord;

/**
 * The canonical bytes to sign (RFC 8785). Lists whose order carries no meaning are sorted, so the
 * same decision over the same evidence gives the same bytes whatever order the register read them.
 */
export function signoffPayload(input: SignoffInput): Buffer {
  const p = parseOrThrow(SignoffInput, input, 'sign-off');
  return render(p);
}

function render(p: SignoffInput): Buffer {
  const ids = new Set<number>();
  for (const e of p.evidence) {
    if (ids.has(e.id)) throw new VigilError('VALIDATION_FAILED', `The sign-off lists evidence ${e.id} twice.`);
    ids.add(e.id);
  }
  const evidence = [...p.evidence].sort((a, b) => a.id - b.id).map((e) => ({ id: e.id, kind: e.kind, sha256: e.sha256 }));
  const secondary = [...new Set(p.decision.secondary_techniques)].sort();
  return utf8(
    canonicalJson({
      type: SIGNOFF_TYPE,
      finding_id: p.finding_id,
      decision: { ...p.decision, secondary_techniques: secondary },
      evidence,
      analyst: p.analyst,
      signed_at: p.signed_at,
      workspace_id: p.workspace_id,
      revision: p.revision,
    }),
  );
}

/** Reads back a payload the caller already trusts (e.g. one verifySignoff accepted). */
export function parseSignoffPayload(text: string): SignoffPayload {
  const json = parseJson(text);
  if (!json.ok) throw new VigilError('VALIDATION_FAILED', 'The sign-off payload is not JSON.');
  return parseOrThrow(SignoffPayload, json.value, 'sign-off payload');
}

/** Signs canonical sign-off bytes with the key the payload names. */
export function signOff(payload: Uint8Array | string, privateKey: PrivateKeyInput): SignoffRecord {
  const bytes = typeof payload === 'string' ? utf8(payload) : payload;
  const p = parseSignoffPayload(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  const { type: _type, ...input } = p;
  if (!render(input).equals(bytes)) {
    throw new VigilError('VALIDATION_FAILED', 'Only the canonical bytes from signoffPayload can be signed.');
  }
  return signCanonical(bytes, privateKey, p.analyst.key_id);
}

/** How an approval names the sign-off it builds on. */
export function signoffSignatureSha256(record: Pick<SignoffRecord, 'signature'>): string {
  return signatureSha256(record.signature);
}

export interface VerifySignoffOptions {
  /** the finding's evidence now: every signed item must still be there with the same hash */
  evidence?: readonly { id: number; kind: string; sha256: string }[];
  /** what the caller expects this sign-off to be about */
  expect?: { finding_id?: string; workspace_id?: string; revision?: number };
  /** the verifier's clock (default: now) */
  now?: Instant;
}

export type SignoffVerdict =
  | {
      valid: true;
      payload: SignoffPayload;
      analyst: { handle: string; name: string; role: string; key_id: string };
      /** current evidence ids the sign-off does not cover (added after it, e.g. a workflow run) */
      unsignedEvidence: number[];
    }
  | Refusal;

export function verifySignoff(record: unknown, roster: Roster, opts: VerifySignoffOptions = {}): SignoffVerdict {
  const opened = openSigned(
    record,
    roster,
    {
      what: 'sign-off',
      type: SIGNOFF_TYPE,
      schema: SignoffPayload,
      canonical: ({ type: _type, ...rest }) => render(rest),
      signer: (p) => ({ handle: p.analyst.handle, key_id: p.analyst.key_id, at: p.signed_at }),
    },
    toMs(opts.now ?? Date.now()),
  );
  if (!opened.valid) return opened;
  const { payload, holder } = opened;
  if (!maySignOff(holder.analyst.role)) {
    return refuse('role_not_permitted', `${holder.analyst.handle} is ${aRole(holder.analyst.role)}; that role may not sign off.`);
  }

  const ex = opts.expect ?? {};
  for (const field of ['finding_id', 'workspace_id', 'revision'] as const) {
    if (ex[field] !== undefined && ex[field] !== payload[field]) {
      return refuse('context_mismatch', `The sign-off is for ${field} ${String(payload[field])}, not ${String(ex[field])}.`);
    }
  }

  let unsignedEvidence: number[] = [];
  if (opts.evidence) {
    const current = new Map(opts.evidence.map((e) => [e.id, e]));
    for (const signed of payload.evidence) {
      const now = current.get(signed.id);
      if (!now) return refuse('evidence_mismatch', `Evidence ${signed.id} (${signed.kind}) was signed but is no longer there.`);
      if (now.sha256 !== signed.sha256 || now.kind !== signed.kind) {
        return refuse('evidence_mismatch', `Evidence ${signed.id} changed since it was signed (sha256 ${signed.sha256.slice(0, 12)}… is now ${now.sha256.slice(0, 12)}…).`);
      }
    }
    const signedIds = new Set(payload.evidence.map((e) => e.id));
    unsignedEvidence = opts.evidence.map((e) => e.id).filter((id) => !signedIds.has(id));
  }

  return {
    valid: true,
    payload,
    analyst: { handle: holder.analyst.handle, name: holder.analyst.name, role: holder.analyst.role, key_id: holder.key.key_id },
    unsignedEvidence,
  };
}
