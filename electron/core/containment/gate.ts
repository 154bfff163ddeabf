// The checks every path to a containment run goes through, in one place: the request side (may
// this analyst ask, on this finding, now?) and the drain side (do the stored signatures still say
// this exact run may leave?). Both read the trusted roster at the moment of checking, so a key
// removed from the roster stops counting at once, and both read the finding's sign-off from the
// register rather than from anything a caller passed in.
import type { ActionKind } from '../../../shared/brief';
import { VigilError } from '../../../shared/errors';
import { SEVERITIES, type Severity } from '../../../shared/severity';
import {
  aRole,
  analystOf,
  APPROVAL_FILE_FORMAT,
  findKey,
  keyValidAt,
  mayRequest,
  needsSecondKey,
  verifyApprovalRequest,
  type ApprovalRequestPayload,
  type Danger,
  type Roster,
  type SignedRecord,
} from '../custody';
import type { ContainmentRequestRow } from '../register/containment-store';
import type { Register } from '../register/register';

/** The statuses a finding may be in when containment is asked for: signed, or already being contained. */
export const CONTAINABLE: ReadonlySet<string> = new Set(['signed', 'containing', 'contained']);

export function maxDanger(a: Danger, b: Danger): Danger {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

export function actionKindOf(kind: 'workflow' | 'incident'): ActionKind {
  return kind === 'workflow' ? 'contain' : 'escalate';
}

/** A critical finding, or an action whose danger the policy lists, needs a second analyst's key. */
export function secondKeyNeeded(kind: 'workflow' | 'incident', danger: Danger, severity: Severity): boolean {
  return severity === 'critical' || needsSecondKey(actionKindOf(kind), danger);
}

/** The roster signatures are checked against: the newest one, while it still verifies. */
export function trustedRoster(reg: Register): Roster | null {
  const r = reg.roster();
  return r && reg.rosterTrusted() ? r.roster : null;
}

export interface CurrentSignoff {
  record: Pick<SignedRecord, 'signature' | 'payload'>;
  analyst: string;
  signature_sha256: string;
  revision: number;
  severity: Severity;
}

/**
 * The finding's sign-off at its current decision revision, verified against the roster now.
 * Throws SIGNOFF_REQUIRED when there is none, SIGNATURE_INVALID when it no longer verifies.
 */
export function currentSignoff(reg: Register, findingId: number, roster: Roster): CurrentSignoff {
  const fid = `FND-${findingId}`;
  const rec = reg.finding(findingId);
  if (!rec) throw new VigilError('NOT_FOUND', `Finding ${fid} does not exist in this workspace.`);
  const revision = rec.decision_revision;
  if (!reg.signedAtCurrentRevision(findingId)) {
    throw new VigilError(
      'SIGNOFF_REQUIRED',
      `${fid} is not signed off at its current decision revision (${revision}). Containment runs only on a signed finding: sign it off first.`,
    );
  }
  const checks = reg.verifyFindingSignoffs(findingId, roster);
  const rows = reg.signoffRows(findingId);
  const at = checks.filter((c) => c.revision === revision);
  const good = at.find((c) => c.valid);
  if (!good) {
    const why = at[0]?.message ?? 'it does not verify against the trusted roster';
    throw new VigilError('SIGNATURE_INVALID', `The sign-off of ${fid} at revision ${revision} does not verify: ${why}`);
  }
  const row = rows.find((r) => r.id === good.id)!;
  return {
    record: { signature: row.signature, payload: row.payload },
    analyst: row.analyst,
    signature_sha256: row.signature_sha256 ?? '',
    revision,
    severity: rec.row.severity as Severity,
  };
}

/** This workstation's analyst as the roster knows them now, with their key. */
export function rosterMember(reg: Register, roster: Roster): { handle: string; role: string; key: NonNullable<ReturnType<Register['signingKey']>>['key'] } {
  const me = reg.signingKey();
  if (!me) throw new VigilError('KEY_MISSING', 'This workstation has no analyst key yet. Create one in Settings, and have a lead add it to the team roster.');
  const holder = findKey(roster, me.key.keyId);
  if (!holder || holder.analyst.handle !== me.handle || !keyValidAt(holder.key, Date.now())) {
    throw new VigilError('ROLE_NOT_PERMITTED', `${me.handle}'s key ${me.key.keyId} is not a current key in the team roster; a lead must add it first.`);
  }
  return { handle: me.handle, role: holder.analyst.role, key: me.key };
}

/** The request side: may this analyst ask for containment of this finding now? Throws the reason. */
export function checkRequestGate(reg: Register, findingId: number): { roster: Roster; signoff: CurrentSignoff; me: ReturnType<typeof rosterMember> } {
  const rec = reg.finding(findingId);
  if (!rec) throw new VigilError('NOT_FOUND', `Finding FND-${findingId} does not exist in this workspace.`);
  // The first reason a person needs: an unsigned finding is refused whatever else is missing.
  if (!reg.signedAtCurrentRevision(findingId)) {
    throw new VigilError(
      'SIGNOFF_REQUIRED',
      `FND-${findingId} is not signed off at its current decision revision (${rec.decision_revision}). Containment runs only on a signed finding: sign it off first.`,
    );
  }
  if (!reg.roster()) throw new VigilError('ROSTER_MISSING', 'Import the team roster first: containment is checked against it.');
  const roster = trustedRoster(reg);
  if (!roster) throw new VigilError('ROSTER_UNTRUSTED', 'The stored team roster no longer verifies; import a roster a lead signed.');
  const signoff = currentSignoff(reg, findingId, roster);
  const status = reg.finding(findingId)!.row.status;
  if (!CONTAINABLE.has(status)) {
    throw new VigilError('SIGNOFF_REQUIRED', `FND-${findingId} is ${status.replace('_', ' ')}; containment is possible only while it is signed.`);
  }
  const me = rosterMember(reg, roster);
  if (!mayRequest(me.role as never)) throw new VigilError('ROLE_NOT_PERMITTED', `${me.handle} is ${aRole(me.role)}; that role may not ask for containment.`);
  return { roster, signoff, me };
}

export function approvalFileOf(row: Pick<ContainmentRequestRow, 'request_record' | 'approval_record'>): { format: typeof APPROVAL_FILE_FORMAT; request: unknown; approval?: unknown } {
  return {
    format: APPROVAL_FILE_FORMAT,
    request: JSON.parse(row.request_record) as unknown,
    ...(row.approval_record ? { approval: JSON.parse(row.approval_record) as unknown } : {}),
  };
}

/** What the signed request says to run: the only source of the workflow id and inputs at drain time. */
export interface SignedRun {
  request: ApprovalRequestPayload;
  kind: 'workflow' | 'incident';
  workflowId: string | null;
  inputs: Record<string, unknown>;
  approver: string | null;
}

/**
 * The drain side. Re-checks, against the register and the roster as they are now, everything that
 * allowed this request to be queued: the finding is signed at its current revision by a valid
 * sign-off, the request is the requester's genuine signature over this finding, sign-off and
 * action, and (when a second key is needed by the finding's severity, the signed danger, or the
 * danger configured for the action now) a different analyst's approval verifies. Throws
 * SIGNATURE_INVALID / SIGNOFF_REQUIRED / APPROVAL_REQUIRED with the reason; never returns a run
 * that any of these refuse.
 */
export function verifyForRun(reg: Register, row: ContainmentRequestRow, configuredDanger: Danger | null): SignedRun {
  const roster = trustedRoster(reg);
  if (!roster) throw new VigilError('ROSTER_UNTRUSTED', 'No trusted team roster: nothing can be verified, so nothing runs.');
  const signoff = currentSignoff(reg, row.finding_id, roster);
  const fid = `FND-${row.finding_id}`;
  const file = approvalFileOf(row);
  const at = row.queued_at ?? row.requested_at;
  // First the request alone (pending allowed), to learn what it says it needs.
  const pending = verifyApprovalRequest({ format: file.format, request: file.request }, roster, { now: at, signoff: signoff.record, allowPending: true });
  if (!pending.valid) throw new VigilError('SIGNATURE_INVALID', `The containment request for ${fid} does not verify (${pending.part}: ${pending.reason}): ${pending.message}`);
  const req = pending.request;
  if (req.finding_id !== fid || req.workspace_id !== reg.workspaceId || req.action_id !== row.action_id) {
    throw new VigilError('SIGNATURE_INVALID', `The signed request is for ${req.finding_id} / ${req.action_id}, not this run (${fid} / ${row.action_id}).`);
  }
  if (!analystOf(roster, req.requested_by.handle)) throw new VigilError('SIGNATURE_INVALID', `The requester ${req.requested_by.handle} is not in the roster.`);
  if (req.severity !== signoff.severity) {
    throw new VigilError('SIGNATURE_INVALID', `The request was signed for a ${req.severity} finding, but ${fid} is signed off as ${signoff.severity}.`);
  }
  const params = req.action_params as { kind?: unknown; workflow_id?: unknown; inputs?: unknown } | undefined;
  const kind = params?.kind === 'incident' ? 'incident' : params?.kind === 'workflow' ? 'workflow' : null;
  if (!kind || typeof params?.inputs !== 'object' || params.inputs === null || Array.isArray(params.inputs)) {
    throw new VigilError('SIGNATURE_INVALID', `The signed request for ${fid} does not say what to run.`);
  }
  const workflowId = kind === 'workflow' ? (typeof params.workflow_id === 'string' ? params.workflow_id : null) : null;
  if (kind === 'workflow' && !workflowId) throw new VigilError('SIGNATURE_INVALID', `The signed request for ${fid} names no workflow.`);
  const needs =
    row.needs_second_key === 1 ||
    secondKeyNeeded(kind, req.danger, signoff.severity) ||
    (configuredDanger !== null && secondKeyNeeded(kind, configuredDanger, signoff.severity));
  let approver: string | null = null;
  if (needs) {
    if (!row.approval_record) throw new VigilError('APPROVAL_REQUIRED', `${fid}: this action needs a second analyst's approval, and none is stored.`);
    const full = verifyApprovalRequest(file, roster, { now: at, signoff: signoff.record });
    if (!full.valid) throw new VigilError('APPROVAL_INVALID', `The approval for ${fid} does not verify (${full.part}: ${full.reason}): ${full.message}`);
    if (full.approver === full.requester) throw new VigilError('SELF_APPROVAL', `${full.requester} cannot approve their own request.`);
    if (row.approved_at !== null && at < row.approved_at) throw new VigilError('APPROVAL_INVALID', `${fid} was queued before it was approved.`);
    approver = full.approver;
  }
  if (at < row.requested_at) throw new VigilError('SIGNATURE_INVALID', `${fid} was queued before it was requested.`);
  return { request: req, kind, workflowId, inputs: params.inputs as Record<string, unknown>, approver };
}
