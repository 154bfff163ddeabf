// An approval request that travels as a small file (mail, chat, a shared folder) between two
// analysts' workstations, each with its own register. The requester signs what they want done; the
// approver verifies that before signing an approval bound to the request's exact bytes, so the
// approver consents to the action they were shown and nothing else. Either signature alone is
// worth nothing: the workspace runs the action only on a file whose both signatures verify, within
// the deadline, by two different people.
import { z } from 'zod';
import { ActionKind } from '../../../shared/brief';
import { canonicalJson } from '../../../shared/canonical-json';
import { FindingId } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import { Severity } from '../../../shared/severity';
import { ActionId, approvalPayload, signApproval, verifyApproval, type ApprovalPayload } from './approval';
import { keyIdFor, publicKeyOf, type PrivateKeyInput } from './keys';
import { approvalDeadlineMs, APPROVER_ROLES, aRole, CLOCK_SKEW_MS, Danger, mayApprove, mayRequest } from './policy';
import { findKey, keyValidAt, type Roster } from './roster';
import { describeIssues, Handle, IsoTime, KeyId, ms, parseOrThrow, Sha256Hex, toMs, WorkspaceId, type Instant } from './schemas';
import { openSigned, parseJson, refuse, sha256Hex, signatureSha256, signCanonical, trySignatureSha256, utf8, type Refusal, type SignedRecord } from './signed-record';

export { APPROVAL_DEADLINE_MINUTES } from './policy';

export const APPROVAL_REQUEST_TYPE = 'vigil.approval-request/v1';
export const APPROVAL_FILE_FORMAT = 'vigil.approval-file/v1';
export const MAX_APPROVAL_FILE_CHARS = 512 * 1024;

export const ApprovalRequestPayload = z.strictObject({
  type: z.literal(APPROVAL_REQUEST_TYPE),
  workspace_id: WorkspaceId,
  finding_id: FindingId,
  /** the finding's signed severity: it sets the deadline */
  severity: Severity,
  action_id: ActionId,
  action_kind: ActionKind,
  danger: Danger,
  /** what the action touches, as the approver will read it: "host:web-1", "aws.role:deploy" */
  action_target: z.string().min(1).max(300),
  /** the action's exact inputs (workflow inputs), so the approver signs those and not just a name */
  action_params: z.record(z.string().max(100), z.json()).optional(),
  reason: z.string().min(1).max(2000),
  requested_by: z.strictObject({ handle: Handle, key_id: KeyId }),
  requested_at: IsoTime,
  expires_at: IsoTime,
  signoff_signature_sha256: Sha256Hex,
});
export type ApprovalRequestPayload = z.infer<typeof ApprovalRequestPayload>;

/** The file. The records are checked by the verifier, not by this shape, to report precise reasons. */
export const ApprovalFile = z.strictObject({
  format: z.literal(APPROVAL_FILE_FORMAT),
  request: z.unknown(),
  approval: z.unknown().optional(),
});
export interface ApprovalFile {
  format: typeof APPROVAL_FILE_FORMAT;
  request: SignedRecord;
  approval?: SignedRecord;
}

export interface ApprovalRequestInput {
  workspace_id: string;
  finding_id: string;
  severity: Severity;
  action_id: string;
  action_kind: ActionKind;
  danger: Danger;
  action_target: string;
  action_params?: Record<string, unknown>;
  reason: string;
  requested_by: string;
  /** the sign-off the action rests on; containment only ever follows a signed finding */
  signoff: Pick<SignedRecord, 'signature' | 'payload'>;
  requested_at?: Instant;
}

function renderRequest(p: ApprovalRequestPayload): Buffer {
  return utf8(canonicalJson(p));
}

/** A request signed by the requester. Its deadline follows from the severity; nobody picks it. */
export function createApprovalRequest(input: ApprovalRequestInput, requesterKey: PrivateKeyInput): ApprovalFile {
  const keyId = keyIdFor(publicKeyOf(requesterKey));
  const requestedAt = toMs(input.requested_at ?? Date.now());
  const so = parseJson(input.signoff.payload);
  const soBody = so.ok && typeof so.value === 'object' && so.value !== null ? (so.value as { finding_id?: unknown; workspace_id?: unknown }) : {};
  if (soBody.finding_id !== input.finding_id || soBody.workspace_id !== input.workspace_id) {
    throw new VigilError('VALIDATION_FAILED', `The sign-off given is not the sign-off of ${input.finding_id} in this workspace.`);
  }
  const payload = parseOrThrow(
    ApprovalRequestPayload,
    {
      type: APPROVAL_REQUEST_TYPE,
      workspace_id: input.workspace_id,
      finding_id: input.finding_id,
      severity: input.severity,
      action_id: input.action_id,
      action_kind: input.action_kind,
      danger: input.danger,
      action_target: input.action_target,
      action_params: input.action_params,
      reason: input.reason.trim(),
      requested_by: { handle: input.requested_by, key_id: keyId },
      requested_at: new Date(requestedAt).toISOString(),
      expires_at: new Date(requestedAt + approvalDeadlineMs(input.severity)).toISOString(),
      signoff_signature_sha256: signatureSha256(input.signoff.signature),
    },
    'approval request',
  );
  return { format: APPROVAL_FILE_FORMAT, request: signCanonical(renderRequest(payload), requesterKey, keyId) };
}

export interface Approver {
  handle: string;
  privateKey: PrivateKeyInput;
}

/**
 * Adds the approver's signature after checking the request itself: an approver must never sign a
 * forged, expired or already-approved request, nor their own, nor one their role may not approve.
 */
export function approveRequest(file: unknown, approver: Approver, opts: { roster: Roster; now?: Instant }): ApprovalFile {
  const now = toMs(opts.now ?? Date.now());
  const v = verifyApprovalRequest(file, opts.roster, { now, allowPending: true });
  if (!v.valid) throw new VigilError('VALIDATION_FAILED', `This request cannot be approved: ${v.message}`);
  if (v.state === 'approved') throw new VigilError('VALIDATION_FAILED', `This request was already approved by ${v.approver}.`);
  const req = v.request;
  if (approver.handle === req.requested_by.handle) {
    throw new VigilError('VALIDATION_FAILED', 'You requested this action; a second analyst must approve it.');
  }
  const keyId = keyIdFor(publicKeyOf(approver.privateKey));
  const holder = findKey(opts.roster, keyId);
  if (!holder || holder.analyst.handle !== approver.handle || !keyValidAt(holder.key, now)) {
    throw new VigilError('VALIDATION_FAILED', `Key ${keyId} is not ${approver.handle}'s current key in the roster.`);
  }
  if (!mayApprove(holder.analyst.role, req.danger)) {
    throw new VigilError(
      'VALIDATION_FAILED',
      `A ${req.danger} ${req.action_kind} action needs one of: ${APPROVER_ROLES[req.danger].join(', ')}; ${approver.handle} is ${aRole(holder.analyst.role)}.`,
    );
  }
  const f = file as ApprovalFile;
  const bytes = approvalPayload({
    finding_id: req.finding_id,
    action_id: req.action_id,
    action_kind: req.action_kind,
    danger: req.danger,
    requested_by: req.requested_by.handle,
    approver: { handle: approver.handle, key_id: keyId },
    signoff_signature_sha256: req.signoff_signature_sha256,
    expires_at: req.expires_at,
    approved_at: new Date(now).toISOString(),
    request_sha256: sha256Hex(utf8(f.request.payload)),
  });
  return { format: APPROVAL_FILE_FORMAT, request: f.request, approval: signApproval(bytes, approver.privateKey) };
}

export interface VerifyApprovalRequestOptions {
  now?: Instant;
  /** the finding's sign-off: the request must build on exactly this one */
  signoff?: Pick<SignedRecord, 'signature' | 'payload'>;
  /** accept a request nobody approved yet (the approver's side); the default demands an approval */
  allowPending?: boolean;
}

export type ApprovalRequestVerdict =
  | {
      valid: true;
      state: 'pending' | 'approved';
      request: ApprovalRequestPayload;
      approval: ApprovalPayload | null;
      requester: string;
      approver: string | null;
    }
  | (Refusal & { part: 'file' | 'request' | 'approval' });

export function verifyApprovalRequest(file: unknown, roster: Roster, opts: VerifyApprovalRequestOptions = {}): ApprovalRequestVerdict {
  const now = toMs(opts.now ?? Date.now());
  const at = <P extends 'file' | 'request' | 'approval'>(part: P, r: Refusal): Refusal & { part: P } => ({ ...r, part });

  const f = ApprovalFile.safeParse(file);
  if (!f.success) return at('file', refuse('file_invalid', `Not a Vigil approval file: ${describeIssues(f.error)}.`));

  const opened = openSigned(
    f.data.request,
    roster,
    {
      what: 'approval request',
      type: APPROVAL_REQUEST_TYPE,
      schema: ApprovalRequestPayload,
      canonical: renderRequest,
      signer: (p) => ({ handle: p.requested_by.handle, key_id: p.requested_by.key_id, at: p.requested_at }),
    },
    now,
  );
  if (!opened.valid) return at('request', opened);
  const req = opened.payload;
  if (!mayRequest(opened.holder.analyst.role)) {
    return at('request', refuse('role_not_permitted', `${req.requested_by.handle} is ${aRole(opened.holder.analyst.role)}; that role may not request actions.`));
  }
  const window = ms(req.expires_at) - ms(req.requested_at);
  if (window <= 0 || window > approvalDeadlineMs(req.severity)) {
    return at(
      'request',
      refuse('deadline_too_long', `A ${req.severity} request may wait at most ${approvalDeadlineMs(req.severity) / 60_000} minutes; this one asks for ${window / 60_000}.`),
    );
  }
  if (opts.signoff) {
    const so = parseJson(opts.signoff.payload);
    const body = so.ok && typeof so.value === 'object' && so.value !== null ? (so.value as { finding_id?: unknown; workspace_id?: unknown }) : {};
    if (trySignatureSha256(opts.signoff.signature) !== req.signoff_signature_sha256 || body.finding_id !== req.finding_id || body.workspace_id !== req.workspace_id) {
      return at('request', refuse('signoff_mismatch', `The request does not build on the current sign-off of ${req.finding_id}.`));
    }
  }
  if (now >= ms(req.expires_at)) return at('request', refuse('expired', `The request expired at ${req.expires_at}.`));

  if (f.data.approval === undefined) {
    if (opts.allowPending) return { valid: true, state: 'pending', request: req, approval: null, requester: req.requested_by.handle, approver: null };
    return at('approval', refuse('not_approved', `Nobody has approved this ${req.action_kind} request yet.`));
  }

  const v = verifyApproval(f.data.approval, roster, { now, ...(opts.signoff ? { signoff: opts.signoff } : {}) });
  if (!v.valid) return at('approval', v);
  const ap = v.payload;
  // Checked apart from the approval's own requested_by, which a forger would simply set to a third name.
  if (v.approver.handle === req.requested_by.handle) {
    return at('approval', refuse('self_approval', `${req.requested_by.handle} requested this action and cannot also approve it.`));
  }
  const mirrored: [string, unknown, unknown][] = [
    ['request_sha256', ap.request_sha256, sha256Hex(utf8(opened.record.payload))],
    ['finding_id', ap.finding_id, req.finding_id],
    ['action_id', ap.action_id, req.action_id],
    ['action_kind', ap.action_kind, req.action_kind],
    ['danger', ap.danger, req.danger],
    ['requested_by', ap.requested_by, req.requested_by.handle],
    ['signoff_signature_sha256', ap.signoff_signature_sha256, req.signoff_signature_sha256],
    ['expires_at', ap.expires_at, req.expires_at],
  ];
  for (const [field, got, want] of mirrored) {
    if (got !== want) return at('approval', refuse('approval_mismatch', `The approval's ${field} does not match the request it answers.`));
  }
  // The approval hashes the request, so it cannot predate it; an earlier date is a backdated key.
  if (ms(ap.approved_at) < ms(req.requested_at) - CLOCK_SKEW_MS) {
    return at('approval', refuse('approval_mismatch', `The approval is dated ${ap.approved_at}, before the request (${req.requested_at}).`));
  }
  return { valid: true, state: 'approved', request: req, approval: ap, requester: req.requested_by.handle, approver: v.approver.handle };
}

/** The file as it travels: readable JSON, stable key order. */
export function exportApprovalFile(file: ApprovalFile): string {
  return JSON.stringify(JSON.parse(canonicalJson(file)), null, 2) + '\n';
}

/** Reads a received file. Shape only: call verifyApprovalRequest before trusting a word of it. */
export function parseApprovalFile(text: string): ApprovalFile {
  if (text.length > MAX_APPROVAL_FILE_CHARS) {
    throw new VigilError('VALIDATION_FAILED', `The approval file is ${text.length} characters; at most ${MAX_APPROVAL_FILE_CHARS} are accepted.`);
  }
  const json = parseJson(text);
  if (!json.ok) throw new VigilError('VALIDATION_FAILED', 'The approval file is not valid JSON.');
  const shape = z.strictObject({
    format: z.literal(APPROVAL_FILE_FORMAT),
    request: z.looseObject({}),
    approval: z.looseObject({}).optional(),
  });
  return parseOrThrow(shape, json.value, 'approval file') as ApprovalFile;
}
