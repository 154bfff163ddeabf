// The second human key: a second analyst's signature consenting to one action (by id) on one signed
// finding (by the hash of its sign-off signature), until a deadline. The approver is never the
// requester, and the approver's role must be one the policy table allows for the action's danger.
import { z } from 'zod';
import { ActionKind } from '../../../shared/brief';
import { canonicalJson } from '../../../shared/canonical-json';
import { FindingId } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import { type PrivateKeyInput } from './keys';
import { APPROVER_ROLES, aRole, Danger, mayApprove } from './policy';
import { analystOf, type Roster } from './roster';
import { Handle, IsoTime, KeyId, ms, parseOrThrow, Sha256Hex, toMs, type Instant } from './schemas';
import { openSigned, parseJson, refuse, signCanonical, trySignatureSha256, utf8, type Refusal, type SignedRecord } from './signed-record';

export const APPROVAL_TYPE = 'vigil.approval/v1';

/** An outbox idempotency key, a workflow run id: whatever names the one action being approved. */
export const ActionId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'an action id is up to 128 letters, digits, ".", "_", ":" or "-"');

const ApprovalFields = {
  finding_id: FindingId,
  action_id: ActionId,
  action_kind: ActionKind,
  danger: Danger,
  requested_by: Handle,
  approver: z.strictObject({ handle: Handle, key_id: KeyId }),
  signoff_signature_sha256: Sha256Hex,
  expires_at: IsoTime,
  approved_at: IsoTime,
  /** set when the approval answers an approval-request file: the sha256 of the request's payload */
  request_sha256: Sha256Hex.optional(),
};

export const ApprovalInput = z.strictObject({ ...ApprovalFields, approved_at: IsoTime.optional() });
export type ApprovalInput = z.input<typeof ApprovalInput>;

export const ApprovalPayload = z.strictObject({ type: z.literal(APPROVAL_TYPE), ...ApprovalFields });
export type ApprovalPayload = z.infer<typeof ApprovalPayload>;

export type ApprovalRecord = SignedRecord;

/** Canonical approval bytes. Refuses what can never verify: self-approval, approving after expiry. */
export function approvalPayload(input: ApprovalInput): Buffer {
  const p = parseOrThrow(ApprovalInput, input, 'approval');
  const payload: ApprovalPayload = { type: APPROVAL_TYPE, ...p, approved_at: p.approved_at ?? new Date().toISOString() };
  checkSensible(payload);
  return render(payload);
}

function checkSensible(p: ApprovalPayload): void {
  if (p.approver.handle === p.requested_by) {
    throw new VigilError('VALIDATION_FAILED', `${p.requested_by} requested this action and cannot approve it: a second analyst must.`);
  }
  if (ms(p.approved_at) >= ms(p.expires_at)) {
    throw new VigilError('VALIDATION_FAILED', `The request expired at ${p.expires_at}; it can no longer be approved.`);
  }
}

function render(p: ApprovalPayload): Buffer {
  return utf8(canonicalJson(p));
}

export function parseApprovalPayload(text: string): ApprovalPayload {
  const json = parseJson(text);
  if (!json.ok) throw new VigilError('VALIDATION_FAILED', 'The approval payload is not JSON.');
  return parseOrThrow(ApprovalPayload, json.value, 'approval payload');
}

export function signApproval(payload: Uint8Array | string, privateKey: PrivateKeyInput): ApprovalRecord {
  const bytes = typeof payload === 'string' ? utf8(payload) : payload;
  const p = parseApprovalPayload(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  if (!render(p).equals(bytes)) throw new VigilError('VALIDATION_FAILED', 'Only the canonical bytes from approvalPayload can be signed.');
  checkSensible(p);
  return signCanonical(bytes, privateKey, p.approver.key_id);
}

export interface VerifyApprovalOptions {
  now?: Instant;
  /** the sign-off the approval must build on */
  signoff?: Pick<SignedRecord, 'signature' | 'payload'>;
  expect?: { finding_id?: string; action_id?: string; request_sha256?: string };
}

export type ApprovalVerdict =
  | { valid: true; payload: ApprovalPayload; approver: { handle: string; role: string; key_id: string } }
  | Refusal;

export function verifyApproval(record: unknown, roster: Roster, opts: VerifyApprovalOptions = {}): ApprovalVerdict {
  const now = toMs(opts.now ?? Date.now());
  const opened = openSigned(
    record,
    roster,
    {
      what: 'approval',
      type: APPROVAL_TYPE,
      schema: ApprovalPayload,
      canonical: render,
      signer: (p) => ({ handle: p.approver.handle, key_id: p.approver.key_id, at: p.approved_at }),
    },
    now,
  );
  if (!opened.valid) return opened;
  const { payload: p, holder } = opened;

  // Checked before the role: a lead approving their own request is refused as self-approval, which
  // is the rule they broke, not as a role problem they do not have.
  const requester = analystOf(roster, p.requested_by);
  if (p.approver.handle === p.requested_by || requester?.keys.some((k) => k.key_id === opened.record.key_id)) {
    return refuse('self_approval', `${p.requested_by} requested this action and cannot also approve it.`);
  }
  if (!requester) return refuse('unknown_requester', `The requester ${p.requested_by} is not in the roster.`);
  if (!mayApprove(holder.analyst.role, p.danger)) {
    return refuse('role_not_permitted', `${holder.analyst.handle} is ${aRole(holder.analyst.role)}; a ${p.danger} ${p.action_kind} action needs one of: ${APPROVER_ROLES[p.danger].join(', ')}.`);
  }
  if (ms(p.approved_at) >= ms(p.expires_at)) {
    return refuse('approved_after_expiry', `Approved at ${p.approved_at}, not before the request expired at ${p.expires_at}.`);
  }
  if (now >= ms(p.expires_at)) return refuse('expired', `The approval expired at ${p.expires_at}.`);

  if (opts.signoff) {
    if (trySignatureSha256(opts.signoff.signature) !== p.signoff_signature_sha256) {
      return refuse('signoff_mismatch', 'The approval was given for a different sign-off.');
    }
    const so = parseJson(opts.signoff.payload);
    const soFinding = so.ok && typeof so.value === 'object' && so.value !== null ? (so.value as { finding_id?: unknown }).finding_id : undefined;
    if (soFinding !== p.finding_id) return refuse('signoff_mismatch', `The sign-off is for ${String(soFinding)}, the approval for ${p.finding_id}.`);
  }
  const ex = opts.expect ?? {};
  for (const field of ['finding_id', 'action_id', 'request_sha256'] as const) {
    if (ex[field] !== undefined && ex[field] !== p[field]) {
      return refuse('context_mismatch', `The approval is for ${field} ${String(p[field] ?? 'none')}, not ${ex[field]}.`);
    }
  }
  return { valid: true, payload: p, approver: { handle: holder.analyst.handle, role: holder.analyst.role, key_id: holder.key.key_id } };
}
