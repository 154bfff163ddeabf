// Containment behind the gate. An admin configures actions (a Datadog workflow with an input
// mapping, or a Datadog incident) and their danger; an analyst asks for one on a signed finding and
// signs the request (the exact workflow and inputs); when the finding is critical or the action
// dangerous a second, different analyst signs an approval — on this machine with their own sealed
// key, or on theirs through a small signed file — before the deadline; then the run is queued in the
// outbox in the same transaction as the status change and its audit entry. The drain
// (./deliver.ts) re-verifies everything before anything leaves.
import { randomUUID } from 'node:crypto';
import type {
  ApproverView,
  ContainmentActionView,
  ContainmentFindingState,
  ContainmentRequestView,
} from '../../../shared/containment';
import { canonicalJson } from '../../../shared/canonical-json';
import { isVigilError, VigilError, type ErrorCode } from '../../../shared/errors';
import type { Severity } from '../../../shared/severity';
import {
  aRole,
  APPROVAL_DEADLINE_MINUTES,
  APPROVER_ROLES,
  approveRequest,
  createApprovalRequest,
  exportApprovalFile,
  findKey,
  generateAnalystKey,
  Handle,
  mayApprove,
  parseApprovalFile,
  verifyApprovalRequest,
  type Danger,
  type Roster,
} from '../custody';
import { parseOrThrow } from '../custody/schemas';
import type { ContainmentActionRow, ContainmentRequestRow, ContainmentStore } from '../register/containment-store';
import type { Register } from '../register/register';
import type { ScryptParams } from '../register/vault-key';
import { actionKindOf, approvalFileOf, checkRequestGate, maxDanger, rosterMember, secondKeyNeeded, trustedRoster } from './gate';
import { parseTemplate, resolveTemplate, templateRefs, type FindingRef, type MappingContext } from './mapping';
import { mirrorStatus } from './mirror';
import { sealKey, unsealKey } from './sealed-key';

export const CONTAINMENT_OUTBOX_KIND = 'containment.run' as const;
const ACTION_ENTITY = 'containment_action';

export interface ContainmentOptions {
  /** scrypt cost for second analysts' sealed keys */
  scrypt: ScryptParams;
  emit: (changed: string[]) => void;
  /** a run was queued: let the outbox drain */
  enqueued: () => void;
  /** check approval deadlines every minute (the app); tests call escalateOverdue themselves */
  timers?: boolean;
  /** Datadog is connected: status changes are mirrored there through the outbox */
  datadogConfigured?: () => boolean;
}

export interface SaveActionInput {
  id?: number | undefined;
  name: string;
  kind: 'workflow' | 'incident';
  workflow_id?: string | undefined;
  inputs: string;
  danger: Danger;
  description?: string | undefined;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const fid = (n: number) => `FND-${n}`;

export class Containment {
  private readonly timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly reg: Register,
    private readonly o: ContainmentOptions,
  ) {
    if (o.timers) {
      this.timer = setInterval(() => {
        try {
          if (!reg.closed) this.escalateOverdue();
        } catch {
          // a locked or busy register: the next minute tries again
        }
      }, 60_000);
      this.timer.unref?.();
    }
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private get store(): ContainmentStore {
    return this.reg.containment();
  }

  // ---------------------------------------------------------------- configured actions

  actions(): ContainmentActionView[] {
    return this.store.actions().map(actionView);
  }

  /** Admins manage actions: the roster must name this workstation's analyst as an admin. */
  private requireAdmin(): { handle: string } {
    const roster = trustedRoster(this.reg);
    if (!this.reg.roster()) throw new VigilError('ROSTER_MISSING', 'Import the team roster first: only an admin in it may configure containment actions.');
    if (!roster) throw new VigilError('ROSTER_UNTRUSTED', 'The stored team roster no longer verifies; import a roster a lead signed.');
    const me = rosterMember(this.reg, roster);
    if (me.role !== 'admin') throw new VigilError('ROLE_NOT_PERMITTED', `${me.handle} is ${aRole(me.role)}; only an admin may configure containment actions.`);
    return { handle: me.handle };
  }

  saveAction(i: SaveActionInput, at = Date.now()): ContainmentActionView[] {
    const { handle } = this.requireAdmin();
    const template = parseTemplate(i.inputs);
    if (i.kind === 'workflow' && !i.workflow_id) throw new VigilError('VALIDATION_FAILED', 'A workflow action needs the Datadog workflow id.');
    if (i.kind === 'incident') {
      if (i.workflow_id) throw new VigilError('VALIDATION_FAILED', 'An incident action runs no workflow; leave the workflow id empty.');
      if (typeof template['title'] !== 'string') throw new VigilError('VALIDATION_FAILED', 'An incident action needs a "title" input, like {"title": "${finding.id}: ${finding.title}"}.');
    }
    const row = {
      name: i.name.trim(),
      kind: i.kind,
      workflow_id: i.kind === 'workflow' ? i.workflow_id!.toLowerCase() : null,
      inputs: canonicalJson(template),
      danger: i.danger,
      description: i.description?.trim() || null,
    };
    const s = this.store;
    this.reg.transaction(() => {
      const clash = s.actionByName(row.name);
      if (clash && clash.id !== i.id) throw new VigilError('VALIDATION_FAILED', `An action named "${row.name}" exists already.`);
      if (i.id !== undefined) {
        const old = s.action(i.id);
        if (!old) throw new VigilError('NOT_FOUND', `Containment action ${i.id} does not exist.`);
        s.updateAction(i.id, { ...row, updated_at: at });
        s.hooks.audit().append({ actor: handle, action: 'containment.action_changed', entity: ACTION_ENTITY, entityId: row.name, old: pick(old), new: row, at });
      } else {
        s.insertAction({ ...row, created_by: handle, created_at: at, updated_at: at });
        s.hooks.audit().append({ actor: handle, action: 'containment.action_added', entity: ACTION_ENTITY, entityId: row.name, new: row, at });
      }
    });
    return this.actions();
  }

  deleteAction(id: number, at = Date.now()): ContainmentActionView[] {
    const { handle } = this.requireAdmin();
    const s = this.store;
    this.reg.transaction(() => {
      const old = s.action(id);
      if (!old) throw new VigilError('NOT_FOUND', `Containment action ${id} does not exist.`);
      s.deleteAction(id);
      s.hooks.audit().append({ actor: handle, action: 'containment.action_removed', entity: ACTION_ENTITY, entityId: old.name, old: pick(old), at });
    });
    return this.actions();
  }

  // ---------------------------------------------------------------- a finding's containment

  /** Why this workstation's analyst may not ask for containment of the finding now (null: they may). */
  gate(n: number): { ok: boolean; code: ErrorCode | null; message: string | null } {
    try {
      checkRequestGate(this.reg, n);
      return { ok: true, code: null, message: null };
    } catch (e) {
      if (isVigilError(e)) return { ok: false, code: e.code, message: e.message };
      throw e;
    }
  }

  state(id: string, now = Date.now()): ContainmentFindingState {
    const n = Number(id.slice(4));
    const rec = this.reg.finding(n);
    if (!rec) throw new VigilError('NOT_FOUND', `Finding ${id} does not exist in this workspace.`);
    this.escalateOverdue(now);
    const severity = rec.row.severity as Severity;
    const roster = trustedRoster(this.reg);
    return {
      finding_id: rec.row.finding_id,
      gate: this.gate(n),
      actions: this.store.actions().map((a) => {
        const needs = secondKeyNeeded(a.kind, a.danger as Danger, severity);
        const danger = maxDanger(a.danger as Danger, severity);
        return { id: a.id, name: a.name, kind: a.kind, danger: a.danger as Danger, needs_second_key: needs, approver_roles: [...APPROVER_ROLES[danger]] };
      }),
      requests: this.store.requests(n).map((r) => requestView(r)),
      approvers: this.store.approverKeys().map((k) => ({ handle: k.handle, key_id: k.key_id, role: roster ? (findKey(roster, k.key_id)?.analyst.role ?? null) : null })),
    };
  }

  /**
   * Ask for an action on a signed finding. The requester signs the request (workflow and resolved
   * inputs included); it runs at once when no second key is needed, else it waits for one.
   */
  request(i: { id: string; action: number; reason: string }, now = Date.now()): ContainmentFindingState {
    const n = Number(i.id.slice(4));
    if (!this.reg.finding(n)) throw new VigilError('NOT_FOUND', `Finding ${i.id} does not exist in this workspace.`);
    const { roster, signoff, me } = checkRequestGate(this.reg, n);
    const action = this.store.action(i.action);
    if (!action) throw new VigilError('NOT_FOUND', `Containment action ${i.action} does not exist; an admin configures actions in Settings.`);
    const rec = this.reg.finding(n)!;
    const severity = rec.row.severity as Severity;
    const reason = i.reason.trim();
    const inputs = resolveTemplate(parseTemplate(action.inputs), this.mappingContext(n, rec, signoff, me.handle, reason));
    const needs = secondKeyNeeded(action.kind, action.danger as Danger, severity);
    const danger = maxDanger(action.danger as Danger, severity);
    const actionId = `ctn-${randomUUID()}`;
    const file = createApprovalRequest(
      {
        workspace_id: this.reg.workspaceId,
        finding_id: fid(n),
        severity,
        action_id: actionId,
        action_kind: actionKindOf(action.kind),
        danger,
        action_target: action.kind === 'workflow' ? `${action.name} (workflow ${action.workflow_id})` : `${action.name} (Datadog incident)`,
        action_params: { action: action.name, kind: action.kind, workflow_id: action.workflow_id, inputs },
        reason,
        requested_by: me.handle,
        signoff: signoff.record,
        requested_at: now,
      },
      me.key,
    );
    // The second check: the request about to be stored verifies against the roster.
    const v = verifyApprovalRequest(file, roster, { now, signoff: signoff.record, allowPending: true });
    if (!v.valid) throw new VigilError('SIGNATURE_INVALID', `The containment request does not verify (${v.reason}): ${v.message}`);
    const s = this.store;
    this.reg.transaction(() => {
      const rowId = s.insertRequest({
        finding_id: n,
        action_id: actionId,
        action_name: action.name,
        kind: action.kind,
        danger,
        severity,
        needs_second_key: needs ? 1 : 0,
        request_record: JSON.stringify(file.request),
        approval_record: null,
        state: needs ? 'awaiting_approval' : 'queued',
        requested_by: me.handle,
        requested_at: now,
        expires_at: Date.parse(v.request.expires_at),
        approved_by: null,
        approved_at: null,
        queued_at: null,
        escalated_at: null,
        escalated_to: null,
        instance_id: null,
        instance_status: null,
        incident_id: null,
        evidence_id: null,
        last_error: null,
        last_error_code: null,
        updated_at: now,
      });
      s.hooks.audit().append({
        actor: me.handle,
        action: 'containment.requested',
        entity: 'finding',
        entityId: fid(n),
        field: 'containment',
        new: { request: rowId, action: action.name, action_id: actionId, danger, needs_second_key: needs, expires_at: v.request.expires_at, inputs },
        reason,
        at: now,
      });
      if (!needs) this.queueRun(s.request(rowId)!, me.handle, now);
    });
    if (!needs) this.o.enqueued();
    this.o.emit([fid(n)]);
    return this.state(fid(n), now);
  }

  private mappingContext(n: number, rec: NonNullable<ReturnType<Register['finding']>>, so: { analyst: string; signature_sha256: string }, requester: string, reason: string): MappingContext {
    const r = rec.row;
    const finding: Record<FindingRef, string | number | null> = {
      id: r.finding_id,
      title: r.title,
      severity: r.severity,
      status: r.status,
      technique: r.mitre_technique ?? null,
      tactic: r.mitre_tactic ?? null,
      signal_id: r.dd_signal_id,
      blast_radius: r.blast_radius ?? null,
      recommended_action: r.recommended_action ?? null,
      risk_score: r.risk_score ?? null,
      revision: rec.decision_revision,
    };
    return { finding, entities: this.store.entities(n), signoff: { analyst: so.analyst, signature_sha256: so.signature_sha256 }, requester, reason, workspace: this.reg.workspaceId };
  }

  /** Inside a transaction: the run goes to the outbox with the status change and its audit entry. */
  private queueRun(row: ContainmentRequestRow, actor: string, at: number): void {
    const s = this.store;
    s.updateRequest(row.id, { state: 'queued', queued_at: at, updated_at: at });
    s.enqueue(
      [
        {
          kind: CONTAINMENT_OUTBOX_KIND,
          target: fid(row.finding_id),
          // Its own stream: a stuck case write must not hold a containment back, nor the reverse.
          stream: `containment:${row.action_id}`,
          // Only the request's id: what runs comes from the signed request, re-verified at drain time.
          payload: { request: row.id, action_id: row.action_id },
          idempotencyKey: `${this.reg.workspaceId}:${row.action_id}:run`,
        },
      ],
      at,
    );
    const status = this.reg.finding(row.finding_id)!.row.status;
    if (status !== 'containing') {
      const note = `Containment queued in Vigil: ${row.action_name} (${row.action_id}), asked by ${row.requested_by}.`;
      if (this.o.datadogConfigured?.()) mirrorStatus(this.reg, row.finding_id, 'containing', note, actor, at);
      s.hooks.updateFinding(row.finding_id, { status: 'containing' }, actor, at, `containment: ${row.action_name}`);
    }
    s.hooks.audit().append({ actor, action: 'containment.queued', entity: 'finding', entityId: fid(row.finding_id), field: 'containment', new: { request: row.id, action: row.action_name, action_id: row.action_id }, at });
  }

  // ---------------------------------------------------------------- approvals

  private waiting(requestId: number, now: number): ContainmentRequestRow {
    const row = this.store.request(requestId);
    if (!row) throw new VigilError('NOT_FOUND', `Containment request ${requestId} does not exist.`);
    if (row.state !== 'awaiting_approval' || now >= row.expires_at) {
      if (row.state === 'expired' || (row.state === 'awaiting_approval' && now >= row.expires_at)) {
        throw new VigilError('APPROVAL_EXPIRED', `The approval deadline of ${fid(row.finding_id)}'s ${row.action_name} passed at ${iso(row.expires_at)}; ask again.`);
      }
      throw new VigilError('VALIDATION_FAILED', `This request is ${row.state.replace('_', ' ')}, not waiting for an approval.`);
    }
    return row;
  }

  /** A second analyst at this workstation approves with their own key, unlocked by their passphrase. */
  async approveLocal(i: { request: number; handle: string; passphrase: string }, now = Date.now()): Promise<ContainmentFindingState> {
    const handle = parseOrThrow(Handle, i.handle, 'approver handle');
    const row = this.waiting(i.request, now);
    if (handle === row.requested_by) {
      throw new VigilError('SELF_APPROVAL', `${handle} asked for this action and cannot approve it: a second, different analyst must.`);
    }
    const me = this.reg.signingKey();
    if (me && me.handle === handle) {
      throw new VigilError('VALIDATION_FAILED', `${handle} is this workstation's analyst: approve from the request file on another workstation, or let the colleague approve here with their own key.`);
    }
    const roster = trustedRoster(this.reg);
    if (!roster) throw new VigilError('ROSTER_UNTRUSTED', 'No trusted team roster: an approval cannot be checked.');
    const keys = this.store.approverKeysOf(handle);
    if (keys.length === 0) throw new VigilError('KEY_MISSING', `${handle} has no key on this workstation; enrol them under Settings → Containment first.`);
    const inRoster = keys.find((k) => findKey(roster, k.key_id)?.analyst.handle === handle);
    if (!inRoster) throw new VigilError('ROLE_NOT_PERMITTED', `${handle}'s key on this workstation is not in the team roster; a lead must add it.`);
    const role = findKey(roster, inRoster.key_id)!.analyst.role;
    if (!mayApprove(role, row.danger as Danger)) {
      throw new VigilError('ROLE_NOT_PERMITTED', `${handle} is ${aRole(role)}; a ${row.danger} action needs one of: ${APPROVER_ROLES[row.danger as Danger].join(', ')}.`);
    }
    const key = await unsealKey(inRoster.sealed_private_key, i.passphrase, { workspaceId: this.reg.workspaceId, handle, keyId: inRoster.key_id });
    let approved;
    try {
      approved = approveRequest(approvalFileOf(row), { handle, privateKey: key }, { roster, now });
    } catch (e) {
      throw isVigilError(e) && e.code === 'VALIDATION_FAILED' ? new VigilError('APPROVAL_INVALID', e.message) : e;
    }
    return this.accept(row, approved, 'this workstation', now);
  }

  /** An approval file from the second analyst's workstation. */
  importApproval(text: string, now = Date.now()): ContainmentFindingState {
    const file = parseApprovalFile(text);
    const roster = trustedRoster(this.reg);
    if (!roster) throw new VigilError('ROSTER_UNTRUSTED', 'No trusted team roster: an approval cannot be checked.');
    const pre = verifyApprovalRequest(file, roster, { now, allowPending: true });
    if (!pre.valid) throw refusal(pre.reason, `The approval file does not verify (${pre.part}: ${pre.reason}): ${pre.message}`);
    const row = this.store.requestByActionId(pre.request.action_id);
    if (!row || !sameRecord(row.request_record, file.request)) {
      throw new VigilError('APPROVAL_INVALID', `The approval file answers request ${pre.request.action_id}, which is not a request of this workspace.`);
    }
    this.waiting(row.id, now);
    return this.accept(row, file, 'an approval file', now);
  }

  /** Verify an approved file against the stored request and the finding's sign-off; then queue the run. */
  private accept(row: ContainmentRequestRow, file: unknown, via: string, now: number): ContainmentFindingState {
    const roster = trustedRoster(this.reg);
    if (!roster) throw new VigilError('ROSTER_UNTRUSTED', 'No trusted team roster: an approval cannot be checked.');
    const { signoff } = checkRequestGate(this.reg, row.finding_id);
    const f = file as { request: unknown; approval?: unknown };
    if (!sameRecord(row.request_record, f.request)) throw new VigilError('APPROVAL_INVALID', 'The approval answers a different request.');
    const v = verifyApprovalRequest(file, roster, { now, signoff: signoff.record });
    if (!v.valid) throw refusal(v.reason, `The approval does not verify (${v.part}: ${v.reason}): ${v.message}`);
    if (v.approver === v.requester) throw new VigilError('SELF_APPROVAL', `${v.requester} cannot approve their own request.`);
    const s = this.store;
    this.reg.transaction(() => {
      const fresh = s.request(row.id)!;
      if (fresh.state !== 'awaiting_approval') throw new VigilError('VALIDATION_FAILED', `This request is ${fresh.state.replace('_', ' ')} already.`);
      s.updateRequest(row.id, { approval_record: JSON.stringify(f.approval), approved_by: v.approver, approved_at: Date.parse(v.approval!.approved_at), updated_at: now });
      s.hooks.audit().append({
        actor: v.approver!,
        action: 'containment.approved',
        entity: 'finding',
        entityId: fid(row.finding_id),
        field: 'containment',
        new: { request: row.id, action: row.action_name, action_id: row.action_id, approver: v.approver, requester: v.requester, via },
        at: now,
      });
      this.queueRun(s.request(row.id)!, v.approver!, now);
    });
    this.o.enqueued();
    this.o.emit([fid(row.finding_id)]);
    return this.state(fid(row.finding_id), now);
  }

  /** The request as a small signed file for the second analyst's workstation. */
  exportRequest(requestId: number): { text: string; filename: string } {
    const row = this.store.request(requestId);
    if (!row) throw new VigilError('NOT_FOUND', `Containment request ${requestId} does not exist.`);
    const file = approvalFileOf({ request_record: row.request_record, approval_record: null });
    return { text: exportApprovalFile(file as never), filename: `vigil-approval-${fid(row.finding_id)}-${row.action_id}.json` };
  }

  /**
   * On the approver's workstation: this workstation's analyst approves a request file someone
   * else signed, and gets the approved file back to send to them.
   */
  approveFile(text: string, now = Date.now()): { text: string; filename: string } {
    const file = parseApprovalFile(text);
    if (!this.reg.roster()) throw new VigilError('ROSTER_MISSING', 'Import the team roster first: the request is checked against it.');
    const roster = trustedRoster(this.reg);
    if (!roster) throw new VigilError('ROSTER_UNTRUSTED', 'The stored team roster no longer verifies; import a roster a lead signed.');
    const me = rosterMember(this.reg, roster);
    const pre = verifyApprovalRequest(file, roster, { now, allowPending: true });
    if (!pre.valid) throw refusal(pre.reason, `The request file does not verify (${pre.part}: ${pre.reason}): ${pre.message}`);
    if (pre.request.requested_by.handle === me.handle) throw new VigilError('SELF_APPROVAL', `You (${me.handle}) asked for this action; a second, different analyst must approve it.`);
    if (!mayApprove(me.role as never, pre.request.danger)) {
      throw new VigilError('ROLE_NOT_PERMITTED', `${me.handle} is ${aRole(me.role)}; a ${pre.request.danger} action needs one of: ${APPROVER_ROLES[pre.request.danger].join(', ')}.`);
    }
    let approved;
    try {
      approved = approveRequest(file, { handle: me.handle, privateKey: me.key }, { roster, now });
    } catch (e) {
      throw isVigilError(e) && e.code === 'VALIDATION_FAILED' ? new VigilError('APPROVAL_INVALID', e.message) : e;
    }
    this.reg.appendAudit({
      actor: me.handle,
      action: 'containment.approval_given',
      entity: 'approval',
      entityId: pre.request.action_id,
      new: { finding_id: pre.request.finding_id, workspace_id: pre.request.workspace_id, requester: pre.request.requested_by.handle, danger: pre.request.danger, target: pre.request.action_target },
      at: now,
    });
    return { text: exportApprovalFile(approved), filename: `vigil-approved-${pre.request.finding_id}-${pre.request.action_id}.json` };
  }

  // ---------------------------------------------------------------- deadlines

  /**
   * Requests whose approval deadline passed: expired, and handed to the roster's leads (status,
   * audit entry, notice). Returns the findings touched.
   */
  escalateOverdue(now = Date.now()): string[] {
    const overdue = this.store.overdue(now);
    if (overdue.length === 0) return [];
    const roster = trustedRoster(this.reg);
    const leads = roster ? roster.analysts.filter((a) => a.role === 'lead').map((a) => a.handle) : [];
    const s = this.store;
    this.reg.transaction(() => {
      for (const r of overdue) {
        s.updateRequest(r.id, { state: 'expired', escalated_at: now, escalated_to: JSON.stringify(leads), updated_at: now });
        s.hooks.audit().append({
          actor: 'system:containment',
          action: 'containment.escalated',
          entity: 'finding',
          entityId: fid(r.finding_id),
          field: 'containment',
          new: { request: r.id, action: r.action_name, action_id: r.action_id, expired_at: iso(r.expires_at), deadline_minutes: APPROVAL_DEADLINE_MINUTES[r.severity as Severity], escalated_to: leads },
          reason: `No second analyst approved within ${APPROVAL_DEADLINE_MINUTES[r.severity as Severity]} minutes.`,
          at: now,
        });
      }
    });
    const changed = [...new Set(overdue.map((r) => fid(r.finding_id)))];
    this.o.emit(changed);
    return changed;
  }

  // ---------------------------------------------------------------- second analysts on this workstation

  approvers(): ApproverView[] {
    const roster = trustedRoster(this.reg);
    return this.store.approverKeys().map((k) => ({
      handle: k.handle,
      name: k.name,
      key_id: k.key_id,
      public_key: k.public_key,
      created_at: new Date(k.created_at).toISOString(),
      role: roster ? (findKey(roster, k.key_id)?.analyst.role ?? null) : null,
    }));
  }

  /** A colleague makes a key here, sealed by their own passphrase; a lead then adds it to the roster. */
  async enrolApprover(i: { handle: string; name: string; passphrase: string }, actor: string, now = Date.now()): Promise<ApproverView[]> {
    const handle = parseOrThrow(Handle, i.handle, 'analyst handle');
    const me = this.reg.analystKey();
    if (me && me.handle === handle) throw new VigilError('VALIDATION_FAILED', `${handle} is this workstation's own analyst; a second analyst is someone else.`);
    const key = generateAnalystKey();
    const sealed = await sealKey(key, i.passphrase, { workspaceId: this.reg.workspaceId, handle }, this.o.scrypt);
    const s = this.store;
    this.reg.transaction(() => {
      s.insertApproverKey({ key_id: key.keyId, handle, name: i.name.trim(), public_key: key.publicKey, sealed_private_key: sealed, created_by: actor, created_at: now });
      s.hooks.audit().append({ actor, action: 'custody.approver_enrolled', entity: 'analyst', entityId: handle, new: { key_id: key.keyId, public_key: key.publicKey, name: i.name.trim() }, at: now });
    });
    return this.approvers();
  }
}

/** The stored signed request and one read from a file are the same record (key order aside). */
function sameRecord(stored: string, other: unknown): boolean {
  const a = JSON.parse(stored) as Record<string, unknown>;
  const b = (typeof other === 'object' && other !== null ? other : {}) as Record<string, unknown>;
  return ['payload', 'signature', 'key_id', 'algorithm'].every((k) => typeof a[k] === 'string' && a[k] === b[k]) && Object.keys(b).length === Object.keys(a).length;
}

function refusal(reason: string, message: string): VigilError {
  if (reason === 'self_approval') return new VigilError('SELF_APPROVAL', message);
  if (reason === 'expired' || reason === 'approved_after_expiry') return new VigilError('APPROVAL_EXPIRED', message);
  if (reason === 'role_not_permitted') return new VigilError('ROLE_NOT_PERMITTED', message);
  return new VigilError('APPROVAL_INVALID', message);
}

function pick(a: ContainmentActionRow) {
  return { name: a.name, kind: a.kind, workflow_id: a.workflow_id, inputs: a.inputs, danger: a.danger, description: a.description };
}

function actionView(a: ContainmentActionRow): ContainmentActionView {
  const template = JSON.parse(a.inputs) as Record<string, never>;
  return {
    id: a.id,
    name: a.name,
    kind: a.kind,
    workflow_id: a.workflow_id,
    inputs: JSON.stringify(template, null, 2),
    refs: templateRefs(template),
    danger: a.danger as Danger,
    description: a.description,
    updated_at: new Date(a.updated_at).toISOString(),
  };
}

export function requestView(r: ContainmentRequestRow): ContainmentRequestView {
  const req = JSON.parse(JSON.parse(r.request_record).payload as string) as { reason: string; action_params?: { workflow_id?: string | null; inputs?: Record<string, unknown> } };
  return {
    id: r.id,
    action_id: r.action_id,
    action_name: r.action_name,
    kind: r.kind,
    danger: r.danger as Danger,
    severity: r.severity as Severity,
    needs_second_key: r.needs_second_key === 1,
    state: r.state,
    reason: req.reason,
    requested_by: r.requested_by,
    requested_at: iso(r.requested_at)!,
    expires_at: iso(r.expires_at)!,
    deadline_minutes: APPROVAL_DEADLINE_MINUTES[r.severity as Severity],
    approved_by: r.approved_by,
    approved_at: iso(r.approved_at),
    escalated_at: iso(r.escalated_at),
    escalated_to: r.escalated_to ? (JSON.parse(r.escalated_to) as string[]) : [],
    workflow_id: req.action_params?.workflow_id ?? null,
    inputs: req.action_params?.inputs ?? {},
    instance_id: r.instance_id,
    instance_status: r.instance_status,
    incident_id: r.incident_id,
    evidence_id: r.evidence_id,
    error: r.last_error_code ? { code: r.last_error_code, message: r.last_error ?? '' } : null,
  };
}

export type { Roster };
