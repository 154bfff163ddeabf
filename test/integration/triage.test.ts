// Triage through the workspace, as the renderer (or a crafted IPC message) would drive it: which
// status moves a person may make, what a block waits for, severity changes with their reason and
// history, decision edits on a signed finding only as a new revision; and the demo team (roster,
// this workstation's key, findings signed with each analyst's own key) verifying end to end.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_APPROVER, DEMO_TEAM, DEMO_WORKSTATION_ANALYST } from '../../electron/core/demo/demo-workspace';
import type { ContainmentFindingState } from '../../shared/containment';
import { dispatch } from '../../electron/core/dispatch';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import type { AssignmentStatus } from '../../shared/assignment';
import type { CustodyStatus, SignoffReceipt } from '../../shared/custody';
import type { FindingDetail, FindingStatus, QueuePage } from '../../shared/domain';
import { MANUAL_TRANSITIONS } from '../../shared/triage';
import { tempDir } from '../support/workspace';

let t: ReturnType<typeof tempDir>;
let ws: Workspace;
let h: ReturnType<Workspace['handlers']>;

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(h, channel, input);
  if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.value as T;
}

async function refused(channel: string, input: unknown, code: string): Promise<string> {
  const r = await dispatch(h, channel, input);
  expect(r.ok, `${channel} should have been refused`).toBe(false);
  if (r.ok) return '';
  expect(r.error.code).toBe(code);
  return r.error.message;
}

async function withStatus(status: FindingStatus, n = 1): Promise<string[]> {
  const page = await call<QueuePage>('queue.page', { filter: { status: [status] }, limit: n });
  expect(page.rows.length, `demo findings in ${status}`).toBe(n);
  return page.rows.map((r) => r.finding_id);
}

beforeEach(async () => {
  t = tempDir();
  ws = new Workspace({
    version: 'test',
    statePath: join(t.dir, 'state.json'),
    demoPath: join(t.dir, 'demo.vigil'),
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    demoSignals: 200,
    actor: 'local:analyst',
    sourceTimers: false,
  });
  h = ws.handlers();
  await call('workspace.openDemo', { passphrase: 'triage test passphrase' });
});

afterEach(() => {
  ws.dispose();
  t.cleanup();
});

describe('status moves by hand', () => {
  it('refuses the statuses only an act reaches, and moves outside the table', async () => {
    const [id] = await withStatus('drafted');
    expect(await refused('finding.update', { id, status: 'signed' }, 'SIGNOFF_REQUIRED')).toMatch(/sign-off/);
    expect(await refused('finding.update', { id, status: 'containing' }, 'STATUS_TRANSITION_REFUSED')).toMatch(/containment gate/);
    expect(await refused('finding.update', { id, status: 'contained' }, 'STATUS_TRANSITION_REFUSED')).toMatch(/containment gate/);
    const [signed] = await withStatus('signed');
    expect(await refused('finding.update', { id: signed, status: 'in_review' }, 'STATUS_TRANSITION_REFUSED')).toMatch(/allowed: closed/);
    const [running] = await withStatus('containing');
    expect(await refused('finding.update', { id: running, status: 'closed' }, 'STATUS_TRANSITION_REFUSED')).toMatch(/in progress/);
    // Nothing was written by any refusal.
    const d = await call<FindingDetail>('finding.get', { id: signed });
    expect(d.finding.status).toBe('signed');
  });

  it('allows every move in the table (closing and reopening)', async () => {
    const [id] = await withStatus('in_review');
    for (const to of MANUAL_TRANSITIONS.in_review.filter((s) => s !== 'blocked')) {
      const fresh = (await call<FindingDetail>('finding.get', { id })).finding.status;
      if (!MANUAL_TRANSITIONS[fresh].includes(to)) continue;
      const d = await call<FindingDetail>('finding.update', { id, status: to });
      expect(d.finding.status).toBe(to);
    }
    const reopened = await call<FindingDetail>('finding.update', { id, status: 'in_review', reason: 'new evidence from the owner' });
    expect(reopened.finding.status).toBe('in_review');
  });
});

describe('blocked, awaiting something', () => {
  it('needs what is awaited, keeps it while blocked, clears it (with history) when unblocked', async () => {
    const [id] = await withStatus('in_review');
    await refused('finding.update', { id, status: 'blocked' }, 'REASON_REQUIRED');
    await refused('finding.update', { id, awaiting: 'the owner' }, 'VALIDATION_FAILED');
    let d = await call<FindingDetail>('finding.update', { id, status: 'blocked', awaiting: 'forensics image from IT' });
    expect(d.finding.status).toBe('blocked');
    expect(d.finding.awaiting).toBe('forensics image from IT');
    // What is awaited can be updated while blocked.
    d = await call<FindingDetail>('finding.update', { id, awaiting: 'forensics image from IT (ticket IT-4411)' });
    expect(d.finding.awaiting).toBe('forensics image from IT (ticket IT-4411)');
    d = await call<FindingDetail>('finding.update', { id, status: 'in_review', reason: 'image received' });
    expect(d.finding.awaiting).toBeNull();
    const awaited = d.history.filter((e) => e.field === 'awaiting').map((e) => [e.old, e.new]);
    expect(awaited).toEqual([
      [null, 'forensics image from IT'],
      ['forensics image from IT', 'forensics image from IT (ticket IT-4411)'],
      ['forensics image from IT (ticket IT-4411)', null],
    ]);
  });

  it('the demo blocks findings with what they wait for', async () => {
    const [id] = await withStatus('blocked');
    const d = await call<FindingDetail>('finding.get', { id });
    expect(d.finding.awaiting).toMatch(/^awaiting /);
  });
});

describe('severity with a reason', () => {
  it('needs a reason, and keeps every change with it in the history', async () => {
    const [id] = await withStatus('in_review');
    const before = (await call<FindingDetail>('finding.get', { id })).finding.severity;
    const up = before === 'critical' ? 'high' : 'critical';
    await refused('finding.update', { id, severity: up }, 'REASON_REQUIRED');
    await refused('finding.update', { id, severity: up, reason: 'bad' }, 'REASON_REQUIRED');
    await call('finding.update', { id, severity: up, reason: 'the account is a domain admin' });
    const d = await call<FindingDetail>('finding.update', { id, severity: before, reason: 'admin rights were removed last week' });
    const changes = d.history.filter((e) => e.field === 'severity').map((e) => [e.old, e.new, e.reason, e.actor]);
    expect(changes).toEqual([
      [before, up, 'the account is a domain admin', 'local:analyst'],
      [up, before, 'admin rights were removed last week', 'local:analyst'],
    ]);
  });

  it('on a signed finding is a new revision, only when asked for', async () => {
    const [id] = await withStatus('signed');
    const d0 = await call<FindingDetail>('finding.get', { id });
    const rev = d0.finding.decision_revision;
    const other = d0.finding.severity === 'low' ? 'medium' : 'low';
    expect(await refused('finding.update', { id, severity: other, reason: 'scope was smaller than drafted' }, 'FINDING_SIGNED')).toMatch(/new revision/);
    await refused('finding.update', { id, mitigation_plan: 'rotate keys' }, 'FINDING_SIGNED');
    const d = await call<FindingDetail>('finding.update', { id, severity: other, reason: 'scope was smaller than drafted', newRevision: true });
    expect(d.finding.decision_revision).toBe(rev + 1);
    expect(d.finding.status).toBe('in_review');
    expect(d.signoffs.length).toBeGreaterThan(0);
    expect(d.signoffs.every((s) => s.stale && s.valid)).toBe(true);
  });

  it('mitigation plan and recommended action are editable decision fields', async () => {
    const [id] = await withStatus('in_review');
    const d = await call<FindingDetail>('finding.update', { id, mitigation_plan: '1. Revoke sessions\n2. Rotate keys', recommended_action: 'contain: revoke sessions' });
    expect(d.finding.mitigation_plan).toBe('1. Revoke sessions\n2. Rotate keys');
    expect(d.finding.recommended_action).toBe('contain: revoke sessions');
    expect(d.history.some((e) => e.field === 'mitigation_plan' && e.actor === 'local:analyst')).toBe(true);
  });
});

describe('the demo team', () => {
  it('holds a lead-signed roster, this workstation key, and verifiable sign-offs by the analysts', async () => {
    const custody = await call<CustodyStatus>('custody.status');
    expect(custody.me?.handle).toBe(DEMO_WORKSTATION_ANALYST);
    expect(custody.roster).toMatchObject({ team: DEMO_TEAM, version: 1, trusted: true });
    const signed = await withStatus('signed', 3);
    for (const id of signed) {
      const d = await call<FindingDetail>('finding.get', { id });
      expect(d.signoffs.length).toBe(1);
      expect(d.signoffs[0]).toMatchObject({ valid: true, stale: false, analyst: d.finding.analyst_signoff });
      expect(d.history.some((e) => e.action === 'finding.signed')).toBe(true);
    }
    // The team's assignment rules are the lead's: this analyst sees them and who is on call, but
    // cannot change them, however the request is crafted.
    const rules = await call<AssignmentStatus>('assignment.get');
    expect(rules.config.enabled).toBe(true);
    expect(rules.may_edit).toBe(false);
    expect(rules.on_call?.handle).toMatch(/^[a-z.]+$/);
    await refused('assignment.save', { config: { ...rules.config, enabled: false } }, 'ROLE_NOT_PERMITTED');
    await refused('assignment.save', { config: { enabled: true, rules: [], rotation: null, extra: 1 } }, 'VALIDATION_FAILED');
    expect((await call<AssignmentStatus>('assignment.get')).config.enabled).toBe(true);
    // New findings in the demo were assigned by the rules as they opened.
    const fresh = await call<QueuePage>('queue.page', { filter: { status: ['new'] }, limit: 200 });
    const cloud = fresh.rows.filter((r) => r.source === 'cloudtrail');
    expect(cloud.length).toBeGreaterThan(0);
    expect(cloud.every((r) => r.assignee === 'li.wei')).toBe(true);
    // Containment is set up too: the admin's actions, and the demo lead enrolled as a second
    // analyst on this workstation (sealed by the passphrase the README gives).
    const signedRows = (await call<QueuePage>('queue.page', { filter: { status: ['signed'] }, limit: 100 })).rows;
    let toContain = '';
    for (const r of signedRows) {
      const d = await call<FindingDetail>('finding.get', { id: r.finding_id });
      if (d.signal.entities.some((e) => e.startsWith('host:'))) {
        toContain = r.finding_id;
        break;
      }
    }
    expect(toContain, 'a signed demo finding with a host').not.toBe('');
    const state = await call<ContainmentFindingState>('containment.state', { id: toContain });
    expect(state.gate.ok).toBe(true);
    expect(state.actions.map((x) => x.name).sort()).toEqual(['Escalate to incident', 'Isolate host', 'Revoke user sessions']);
    expect(state.approvers).toEqual([expect.objectContaining({ handle: DEMO_APPROVER.handle, role: 'lead' })]);
    const isolate = state.actions.find((x) => x.name === 'Isolate host')!;
    expect(isolate.needs_second_key).toBe(true);
    let after = await call<ContainmentFindingState>('containment.request', { id: toContain, action: isolate.id, reason: 'beaconing to a known C2' });
    const req = after.requests.at(-1)!;
    expect(req.state).toBe('awaiting_approval');
    await refused('containment.approveLocal', { request: req.id, handle: DEMO_APPROVER.handle, passphrase: 'wrong passphrase' }, 'VAULT_KEY_INVALID');
    after = await call<ContainmentFindingState>('containment.approveLocal', { request: req.id, handle: DEMO_APPROVER.handle, passphrase: DEMO_APPROVER.passphrase });
    expect(after.requests.at(-1)).toMatchObject({ approved_by: DEMO_APPROVER.handle });
    expect((await call<FindingDetail>('finding.get', { id: toContain })).finding.status).toBe('containing');
    // And this workstation can sign at once.
    const [drafted] = await withStatus('in_review');
    const receipt = await call<SignoffReceipt>('finding.signOff', { id: drafted });
    expect(receipt.finding_id).toBe(drafted);
  });
});
