// The second human key: standalone approvals, the policy table, and the approval-request file that
// travels between two analysts.
import { describe, expect, it } from 'vitest';
import { generateAnalystKey, signBytes, type AnalystKey } from '../../electron/core/custody/keys';
import { createRoster, signRoster, type Roster, type RosterAnalyst } from '../../electron/core/custody/roster';
import { signOff, signoffPayload, signoffSignatureSha256, type SignoffRecord } from '../../electron/core/custody/signoff';
import { approvalPayload, signApproval, verifyApproval, type ApprovalInput } from '../../electron/core/custody/approval';
import {
  APPROVAL_DEADLINE_MINUTES,
  approveRequest,
  createApprovalRequest,
  exportApprovalFile,
  parseApprovalFile,
  verifyApprovalRequest,
  type ApprovalFile,
  type ApprovalRequestInput,
} from '../../electron/core/custody/approval-request';
import { APPROVER_ROLES, mayApprove, needsSecondKey } from '../../electron/core/custody/policy';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json';
import { VigilError } from '../../shared/errors';

const T0 = '2025-01-01T00:00:00.000Z';
const AT = '2025-03-01T10:00:00.000Z';
const WS = '5b0c3a9e-8f3d-4c1a-9e55-0d1f2a3b4c5d';
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

const diego = generateAnalystKey(); // lead
const priya = generateAnalystKey(); // admin
const amara = generateAnalystKey(); // analyst
const li = generateAnalystKey(); // analyst

function member(handle: string, role: RosterAnalyst['role'], k: AnalystKey): RosterAnalyst {
  return { handle, name: handle, role, keys: [{ key_id: k.keyId, public_key: k.publicKey, not_before: T0 }] };
}
const roster: Roster = signRoster(
  createRoster({
    team: 'blue',
    version: 1,
    issued_at: T0,
    analysts: [member('diego.ramos', 'lead', diego), member('priya.nair', 'admin', priya), member('amara.okafor', 'analyst', amara), member('li.wei', 'analyst', li)],
  }),
  'diego.ramos',
  diego,
);

const signoff: SignoffRecord = signOff(
  signoffPayload({
    finding_id: 'FND-42',
    decision: {
      mitre_technique: 'T1110.003',
      mitre_tactic: 'TA0006',
      secondary_techniques: [],
      severity: 'critical',
      blast_radius: 'prod deploy role',
      recommended_action: 'Contain',
      risk_score: 88,
      risk_factors: null,
      mitigation_plan: null,
      status: 'signed',
    },
    evidence: [{ id: 1, kind: 'signal_snapshot', sha256: 'a'.repeat(64) }],
    analyst: { handle: 'amara.okafor', key_id: amara.keyId },
    signed_at: AT,
    workspace_id: WS,
    revision: 2,
  }),
  amara,
);

/** The same decision signed again at a later revision. */
function signoffAtRevision(revision: number): SignoffRecord {
  const { type: _type, ...body } = JSON.parse(signoff.payload) as Parameters<typeof signoffPayload>[0] & { type: string };
  return signOff(signoffPayload({ ...body, revision }), amara);
}

function approval(over: Partial<ApprovalInput> = {}): ApprovalInput {
  return {
    finding_id: 'FND-42',
    action_id: 'outbox:contain:FND-42:1',
    action_kind: 'contain',
    danger: 'critical',
    requested_by: 'amara.okafor',
    approver: { handle: 'diego.ramos', key_id: diego.keyId },
    signoff_signature_sha256: signoffSignatureSha256(signoff),
    expires_at: plus(AT, 60),
    approved_at: plus(AT, 10),
    ...over,
  };
}
const NOW = plus(AT, 15);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('policy table', () => {
  it('says who may approve what, and what needs a second key', () => {
    expect(APPROVER_ROLES.critical).toEqual(['lead', 'admin']);
    expect(mayApprove('analyst', 'critical')).toBe(false);
    expect(mayApprove('analyst', 'high')).toBe(true);
    expect(mayApprove('admin', 'critical')).toBe(true);
    expect(needsSecondKey('contain', 'critical')).toBe(true);
    expect(needsSecondKey('contain', 'high')).toBe(false);
    expect(needsSecondKey('close', 'critical')).toBe(false);
    expect(APPROVAL_DEADLINE_MINUTES).toEqual({ critical: 60, high: 720, medium: 1440, low: 1440, info: 1440 });
  });
});

describe('approvals', () => {
  it('a lead approves a critical containment', () => {
    const rec = signApproval(approvalPayload(approval()), diego);
    const v = verifyApproval(rec, roster, { now: NOW, signoff, expect: { finding_id: 'FND-42', action_id: 'outbox:contain:FND-42:1' } });
    expect(v).toMatchObject({ valid: true, approver: { handle: 'diego.ramos', role: 'lead' } });
    expect(verifyApproval(signApproval(approvalPayload(approval({ approver: { handle: 'priya.nair', key_id: priya.keyId } })), priya), roster, { now: NOW }).valid).toBe(true);
  });

  it('self-approval is refused when building, and when a forger builds it by hand', () => {
    expect(() => approvalPayload(approval({ requested_by: 'diego.ramos' }))).toThrow(/cannot approve it/);
    const forged = canonicalJson({ type: 'vigil.approval/v1', ...approval({ requested_by: 'diego.ramos' }) });
    const rec = { payload: forged, signature: signBytes(diego, Buffer.from(forged)), key_id: diego.keyId, algorithm: 'Ed25519' };
    expect(() => signApproval(forged, diego)).toThrow(/cannot approve it/);
    expect(verifyApproval(rec, roster, { now: NOW })).toMatchObject({ valid: false, reason: 'self_approval' });
  });

  it('an analyst may not approve a critical action, but may approve a high one', () => {
    const critical = signApproval(approvalPayload(approval({ requested_by: 'amara.okafor', approver: { handle: 'li.wei', key_id: li.keyId } })), li);
    const v = verifyApproval(critical, roster, { now: NOW });
    expect(v).toMatchObject({ valid: false, reason: 'role_not_permitted' });
    if (!v.valid) expect(v.message).toMatch(/needs one of: lead, admin/);
    const high = signApproval(approvalPayload(approval({ danger: 'high', approver: { handle: 'li.wei', key_id: li.keyId } })), li);
    expect(verifyApproval(high, roster, { now: NOW }).valid).toBe(true);
  });

  it('an expired approval is refused', () => {
    const rec = signApproval(approvalPayload(approval()), diego);
    expect(verifyApproval(rec, roster, { now: plus(AT, 60) })).toMatchObject({ valid: false, reason: 'expired' });
    expect(verifyApproval(rec, roster, { now: plus(AT, 59) }).valid).toBe(true);
    expect(() => approvalPayload(approval({ approved_at: plus(AT, 61) }))).toThrow(/expired/);
    const late = canonicalJson({ type: 'vigil.approval/v1', ...approval({ approved_at: plus(AT, 61) }) });
    const forged = { payload: late, signature: signBytes(diego, Buffer.from(late)), key_id: diego.keyId, algorithm: 'Ed25519' };
    expect(verifyApproval(forged, roster, { now: plus(AT, 62) })).toMatchObject({ reason: 'approved_after_expiry' });
  });

  it('is bound to its sign-off, finding and action', () => {
    const rec = signApproval(approvalPayload(approval()), diego);
    const other = signoffAtRevision(3);
    expect(verifyApproval(rec, roster, { now: NOW, signoff: other })).toMatchObject({ reason: 'signoff_mismatch' });
    expect(verifyApproval(rec, roster, { now: NOW, expect: { action_id: 'outbox:contain:FND-42:2' } })).toMatchObject({ reason: 'context_mismatch' });
    const tampered = { ...rec, payload: rec.payload.replace('"danger":"critical"', '"danger":"high"') };
    expect(verifyApproval(tampered, roster, { now: NOW })).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('refuses an approver who is not in the roster or a requester who is not', () => {
    const stranger = generateAnalystKey();
    const rec = signApproval(approvalPayload(approval({ approver: { handle: 'eve.x', key_id: stranger.keyId } })), stranger);
    expect(verifyApproval(rec, roster, { now: NOW })).toMatchObject({ reason: 'unknown_key' });
    const ghost = signApproval(approvalPayload(approval({ requested_by: 'ghost.user' })), diego);
    expect(verifyApproval(ghost, roster, { now: NOW })).toMatchObject({ reason: 'unknown_requester' });
  });
});

describe('approval-request files', () => {
  const req = (over: Partial<ApprovalRequestInput> = {}): ApprovalRequestInput => ({
    workspace_id: WS,
    finding_id: 'FND-42',
    severity: 'critical',
    action_id: 'outbox:contain:FND-42:1',
    action_kind: 'contain',
    danger: 'critical',
    action_target: 'aws.role:prod-deploy',
    action_params: { workflow: 'disable-role', inputs: { role: 'prod-deploy', account: '123456789012' } },
    reason: '  Credential stuffing succeeded against prod deploy role.  ',
    requested_by: 'amara.okafor',
    signoff,
    requested_at: AT,
    ...over,
  });

  it('requester signs, a lead approves, the file verifies', () => {
    const file = createApprovalRequest(req(), amara);
    const pending = verifyApprovalRequest(file, roster, { now: NOW, allowPending: true, signoff });
    expect(pending).toMatchObject({ valid: true, state: 'pending', requester: 'amara.okafor', approver: null });
    if (pending.valid) {
      expect(pending.request.expires_at).toBe(plus(AT, 60));
      expect(pending.request.reason).toBe('Credential stuffing succeeded against prod deploy role.');
    }
    expect(verifyApprovalRequest(file, roster, { now: NOW })).toMatchObject({ valid: false, part: 'approval', reason: 'not_approved' });

    const approved = approveRequest(parseApprovalFile(exportApprovalFile(file)), { handle: 'diego.ramos', privateKey: diego }, { roster, now: NOW });
    const text = exportApprovalFile(approved);
    const v = verifyApprovalRequest(parseApprovalFile(text), roster, { now: NOW, signoff });
    expect(v).toMatchObject({ valid: true, state: 'approved', requester: 'amara.okafor', approver: 'diego.ramos' });
    if (v.valid) expect(v.approval?.request_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(() => approveRequest(approved, { handle: 'priya.nair', privateKey: priya }, { roster, now: NOW })).toThrow(/already approved/);
  });

  it('deadlines follow the severity', () => {
    for (const [severity, minutes] of [['critical', 60], ['high', 720], ['medium', 1440], ['low', 1440], ['info', 1440]] as const) {
      const f = createApprovalRequest(req({ severity, danger: 'high' }), amara);
      const v = verifyApprovalRequest(f, roster, { now: NOW, allowPending: true });
      expect(v.valid && v.request.expires_at).toBe(plus(AT, minutes));
      expect(verifyApprovalRequest(f, roster, { now: plus(AT, minutes), allowPending: true })).toMatchObject({ valid: false, part: 'request', reason: 'expired' });
    }
  });

  it('refuses self-approval', () => {
    const file = createApprovalRequest(req({ requested_by: 'diego.ramos', signoff }), diego);
    expect(() => approveRequest(file, { handle: 'diego.ramos', privateKey: diego }, { roster, now: NOW })).toThrow(/second analyst/);
    // a forged approval claiming a third person requested it is still caught against the request
    const f = file as ApprovalFile;
    const reqBody = JSON.parse(f.request.payload);
    const forgedBody = canonicalJson({
      type: 'vigil.approval/v1',
      ...approval({ requested_by: 'li.wei', approver: { handle: 'diego.ramos', key_id: diego.keyId }, expires_at: reqBody.expires_at }),
    });
    const forged = { ...f, approval: { payload: forgedBody, signature: signBytes(diego, Buffer.from(forgedBody)), key_id: diego.keyId, algorithm: 'Ed25519' as const } };
    expect(verifyApprovalRequest(forged, roster, { now: NOW })).toMatchObject({ valid: false, part: 'approval', reason: 'self_approval' });
  });

  it('refuses an analyst approving a critical action, and lets them approve a high one', () => {
    const file = createApprovalRequest(req(), amara);
    expect(() => approveRequest(file, { handle: 'li.wei', privateKey: li }, { roster, now: NOW })).toThrow(/needs one of: lead, admin; li.wei is an analyst/);
    const high = createApprovalRequest(req({ danger: 'high' }), amara);
    const ok = approveRequest(high, { handle: 'li.wei', privateKey: li }, { roster, now: NOW });
    expect(verifyApprovalRequest(ok, roster, { now: NOW })).toMatchObject({ valid: true, approver: 'li.wei' });
  });

  it('refuses an approver using someone else’s key', () => {
    const file = createApprovalRequest(req(), amara);
    expect(() => approveRequest(file, { handle: 'diego.ramos', privateKey: priya }, { roster, now: NOW })).toThrow(/not diego.ramos's current key/);
  });

  it('refuses to approve, and refuses to accept, an expired request', () => {
    const file = createApprovalRequest(req(), amara);
    expect(() => approveRequest(file, { handle: 'diego.ramos', privateKey: diego }, { roster, now: plus(AT, 61) })).toThrow(/expired/);
    const approved = approveRequest(file, { handle: 'diego.ramos', privateKey: diego }, { roster, now: plus(AT, 50) });
    expect(verifyApprovalRequest(approved, roster, { now: plus(AT, 55) }).valid).toBe(true);
    expect(verifyApprovalRequest(approved, roster, { now: plus(AT, 61) })).toMatchObject({ valid: false, reason: 'expired' });
  });

  it('detects a tampered request, a swapped approval and a stretched deadline', () => {
    const file = createApprovalRequest(req(), amara);
    const approved = approveRequest(file, { handle: 'diego.ramos', privateKey: diego }, { roster, now: NOW });
    const retargeted = { ...approved, request: { ...approved.request, payload: approved.request.payload.replace('prod-deploy', 'prod-deplox') } };
    expect(verifyApprovalRequest(retargeted, roster, { now: NOW })).toMatchObject({ valid: false, part: 'request', reason: 'signature_mismatch' });

    // the requester re-signs a different action and staples the old approval to it
    const other = createApprovalRequest(req({ action_params: { workflow: 'disable-role', inputs: { role: 'everything' } } }), amara);
    expect(verifyApprovalRequest({ ...other, approval: approved.approval }, roster, { now: NOW })).toMatchObject({
      valid: false,
      part: 'approval',
      reason: 'approval_mismatch',
    });

    // the requester writes a longer deadline than the policy allows
    const body = { ...JSON.parse(file.request.payload), expires_at: plus(AT, 600) };
    const text = canonicalJson(body);
    const stretched = { ...file, request: { ...file.request, payload: text, signature: signBytes(amara, Buffer.from(text)) } };
    expect(verifyApprovalRequest(stretched, roster, { now: NOW, allowPending: true })).toMatchObject({ valid: false, reason: 'deadline_too_long' });
  });

  it('refuses an approval dated before the request it answers', () => {
    const file = createApprovalRequest(req(), amara);
    const reqBody = JSON.parse(file.request.payload);
    const body = canonicalJson({
      type: 'vigil.approval/v1',
      ...approval({ expires_at: reqBody.expires_at, approved_at: plus(AT, -30), request_sha256: sha256(file.request.payload) }),
    });
    const backdated = { ...file, approval: { payload: body, signature: signBytes(diego, Buffer.from(body)), key_id: diego.keyId, algorithm: 'Ed25519' as const } };
    const v = verifyApprovalRequest(backdated, roster, { now: NOW });
    expect(v).toMatchObject({ valid: false, part: 'approval', reason: 'approval_mismatch' });
    if (!v.valid) expect(v.message).toMatch(/before the request/);
  });

  it('checks the request builds on the finding’s current sign-off', () => {
    expect(() => createApprovalRequest(req({ finding_id: 'FND-43' }), amara)).toThrow(/not the sign-off of FND-43/);
    const file = createApprovalRequest(req(), amara);
    const newer = signoffAtRevision(3);
    expect(verifyApprovalRequest(file, roster, { now: NOW, allowPending: true, signoff: newer })).toMatchObject({ reason: 'signoff_mismatch' });
    const garbled = { ...signoff, signature: 'not base64url!' };
    expect(verifyApprovalRequest(file, roster, { now: NOW, allowPending: true, signoff: garbled })).toMatchObject({ reason: 'signoff_mismatch' });
  });

  it('rejects files that are not approval files', () => {
    expect(verifyApprovalRequest({ format: 'other' }, roster)).toMatchObject({ valid: false, part: 'file', reason: 'file_invalid' });
    expect(() => parseApprovalFile('[')).toThrow(VigilError);
    expect(() => parseApprovalFile('{"format":"vigil.approval-file/v1"}')).toThrow(/request/);
  });
});
