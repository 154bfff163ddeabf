// Containment behind the gate, through the one dispatcher, against the fake Datadog: an action runs
// only on a finding signed at its current revision; a critical finding (or a dangerous action)
// waits for a second, different analyst — on this machine with their own sealed key, or through a
// signed file — before its deadline; the run leaves through the outbox, exactly once, with the
// inputs the requester signed, and its instance status becomes evidence. The drain re-verifies:
// a crafted outbox row, a tampered approval or a revised finding runs nothing.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as custody from '../../electron/core/custody';
import { dispatch } from '../../electron/core/dispatch';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import { canonicalJson } from '../../shared/canonical-json';
import type { ApproverView, ContainmentActionView, ContainmentFindingState } from '../../shared/containment';
import type { FindingDetail, QueuePage } from '../../shared/domain';
import { FAKE_API_KEY, FAKE_APP_KEY, RECORDED_WORKFLOW_ID, startFakeDatadog, type FakeDatadog } from '../fakes/datadog/server';
import { tempDir } from '../support/workspace';

const PASS = 'containment test passphrase';
const LEE_PASS = 'lee has her own passphrase';
const KAI_PASS = 'kai has another passphrase';
const DAY = 86_400_000;
const NOT_BEFORE = new Date(Date.now() - 2 * DAY).toISOString();
const ISOLATE_WF = '5b1f3c2e-8d4a-4e6b-9c1d-2a3b4c5d6e7f';

let t: ReturnType<typeof tempDir>;
let ws: Workspace;
let dd: FakeDatadog;
let h: ReturnType<Workspace['handlers']>;
/** The lead's key lives in this test process, as on the lead's own workstation. */
const lead = custody.generateAnalystKey();

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(h, channel, input);
  if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.value as T;
}

async function refused(channel: string, input: unknown, code: string): Promise<string> {
  const r = await dispatch(h, channel, input);
  expect(r.ok, `${channel} should have been refused with ${code}`).toBe(false);
  if (r.ok) return '';
  expect(r.error.code, r.error.message).toBe(code);
  return r.error.message;
}

function runsReachingDatadog(): { path: string; body: unknown }[] {
  return dd.requests.filter((r) => r.method === 'POST' && /^\/api\/v2\/workflows\/[^/]+\/instances$/.test(r.path)).map((r) => ({ path: r.path, body: r.body }));
}

type Member = { handle: string; name: string; role: 'analyst' | 'lead' | 'admin'; key: { key_id: string; public_key: string } };

function rosterText(version: number, members: Member[]): string {
  const r = custody.createRoster({
    team: 'blue',
    version,
    issued_at: new Date(Date.now() - DAY + version * 1000).toISOString(),
    analysts: [
      { handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: NOT_BEFORE }] },
      ...members.map((m) => ({ handle: m.handle, name: m.name, role: m.role, keys: [{ ...m.key, not_before: NOT_BEFORE }] })),
    ],
  });
  return custody.exportRoster(custody.signRoster(r, 'diego.ramos', lead));
}

interface Team {
  amara: Member;
  lee: Member;
  kai: Member;
}

/** amara (this workstation, admin), lee (lead) and kai (analyst) enrolled here with their own passphrases. */
async function setUpTeam(amaraRole: Member['role'] = 'admin'): Promise<Team> {
  await call('custody.createKey', { handle: 'amara.okafor', name: 'Amara Okafor' });
  const k = ws.reg().analystKey()!;
  await call('containment.enrolApprover', { handle: 'lee.chen', name: 'Lee Chen', passphrase: LEE_PASS });
  const approvers = await call<ApproverView[]>('containment.enrolApprover', { handle: 'kai.osei', name: 'Kai Osei', passphrase: KAI_PASS });
  const keyOf = (handle: string) => {
    const a = approvers.find((x) => x.handle === handle)!;
    return { key_id: a.key_id, public_key: a.public_key };
  };
  const team: Team = {
    amara: { handle: 'amara.okafor', name: 'Amara Okafor', role: amaraRole, key: { key_id: k.key_id, public_key: k.public_key } },
    lee: { handle: 'lee.chen', name: 'Lee Chen', role: 'lead', key: keyOf('lee.chen') },
    kai: { handle: 'kai.osei', name: 'Kai Osei', role: 'analyst', key: keyOf('kai.osei') },
  };
  await call('custody.importRoster', { text: rosterText(1, [team.amara, team.lee, team.kai]), pinKeyId: lead.keyId });
  return team;
}

/** The team as the register holds it now (roles as in setUpTeam). */
async function teamFromRegister(): Promise<Team> {
  const me = ws.reg().analystKey()!;
  const approvers = await call<ApproverView[]>('containment.approvers');
  const keyOf = (handle: string) => {
    const a = approvers.find((x) => x.handle === handle)!;
    return { key_id: a.key_id, public_key: a.public_key };
  };
  return {
    amara: { handle: 'amara.okafor', name: 'Amara Okafor', role: 'analyst', key: { key_id: me.key_id, public_key: me.public_key } },
    lee: { handle: 'lee.chen', name: 'Lee Chen', role: 'lead', key: keyOf('lee.chen') },
    kai: { handle: 'kai.osei', name: 'Kai Osei', role: 'analyst', key: keyOf('kai.osei') },
  };
}

async function connectDatadog(): Promise<void> {
  await call('settings.saveDatadog', { site: 'datadoghq.eu', baseUrl: dd.url, apiKey: FAKE_API_KEY, appKey: FAKE_APP_KEY });
}

async function drafted(severity: 'critical' | 'medium'): Promise<string> {
  const page = await call<QueuePage>('queue.page', { filter: { status: ['drafted'] }, limit: 50 });
  const row = page.rows.find((r) => (severity === 'critical' ? r.severity === 'critical' : r.severity !== 'critical'));
  if (row) return row.finding_id;
  // The demo has no drafted finding of that severity: make one, through the audited path.
  const other = page.rows.find((r) => !usedIds.has(r.finding_id))!;
  ws.reg().updateFinding(Number(other.finding_id.slice(4)), { severity }, 'test', { reason: 'test set-up' });
  return other.finding_id;
}
const usedIds = new Set<string>();

async function signedFinding(severity: 'critical' | 'medium'): Promise<string> {
  const id = await drafted(severity);
  usedIds.add(id);
  await call('finding.signOff', { id });
  return id;
}

async function drain(): Promise<void> {
  await ws.sources().kick(true);
}

async function addIsolateAction(danger: string, inputs = '{"hosts": "$entities.host", "finding": "$finding.id", "note": "Isolate for ${finding.id} (${finding.severity})"}'): Promise<ContainmentActionView> {
  const list = await call<ContainmentActionView[]>('containment.saveAction', { name: `Isolate host (${danger})`, kind: 'workflow', workflow_id: ISOLATE_WF, inputs, danger });
  return list.find((a) => a.name === `Isolate host (${danger})`)!;
}

beforeEach(async () => {
  t = tempDir();
  dd = await startFakeDatadog({ workflowPollsBeforeDone: 2 });
  dd.addWorkflow(ISOLATE_WF, { terminalKind: 'SUCCEEDED', terminalDisplayName: 'Succeeded', outputs: { isolated: true } });
  ws = new Workspace({
    version: 'test',
    statePath: join(t.dir, 'state.json'),
    demoPath: join(t.dir, 'demo.vigil'),
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    demoSignals: 80,
    demoTeam: false,
    actor: 'local:analyst',
    sourceTimers: false,
    clientOverrides: { sleep: async () => undefined, maxRetries: 1 },
  });
  h = ws.handlers();
  usedIds.clear();
  await call('workspace.openDemo', { passphrase: PASS });
});

afterEach(async () => {
  ws.dispose();
  await dd.close();
  t.cleanup();
});

describe('configuring containment actions', () => {
  it('only an admin of the roster configures actions, and the input mapping is checked', async () => {
    await setUpTeam('analyst');
    expect(await refused('containment.saveAction', { name: 'Isolate', kind: 'workflow', workflow_id: ISOLATE_WF, inputs: '{"h": "$entity.host"}', danger: 'low' }, 'ROLE_NOT_PERMITTED')).toMatch(/only an admin/);
    const team = await teamFromRegister();
    await call('custody.importRoster', { text: rosterText(2, [{ ...team.amara, role: 'admin' }, team.lee, team.kai]) });
    const bad = async (inputs: string, pattern: RegExp) =>
      expect(await refused('containment.saveAction', { name: 'x', kind: 'workflow', workflow_id: ISOLATE_WF, inputs, danger: 'low' }, 'VALIDATION_FAILED')).toMatch(pattern);
    await bad('{"user": "$entity.user", "x": "$process.env.HOME"}', /not a reference Vigil knows/);
    await bad('{"user": "${constructor.constructor}"}', /not a reference Vigil knows/);
    await bad('not json', /not valid JSON/);
    await bad('["$finding.id"]', /must be a JSON object/);
    await bad('{}', /names no inputs/);
    // A workflow action needs its id; the id must look like one (the contract says so).
    await refused('containment.saveAction', { name: 'x', kind: 'workflow', inputs: '{"a": 1}', danger: 'low' }, 'VALIDATION_FAILED');
    await refused('containment.saveAction', { name: 'x', kind: 'workflow', workflow_id: 'rm -rf', inputs: '{"a": 1}', danger: 'low' }, 'VALIDATION_FAILED');
    const a = await addIsolateAction('low');
    expect(a).toMatchObject({ kind: 'workflow', workflow_id: ISOLATE_WF, danger: 'low' });
    expect(a.refs).toEqual(['$entities.host', '$finding.id', '$finding.severity']);
    const audit = ws.reg().auditFor('containment_action', a.name);
    expect(audit.map((e) => e.action)).toEqual(['containment.action_added']);
    expect(audit[0]!.actor).toBe('amara.okafor');
  });
});

describe('the gate', () => {
  it('refuses an unsigned finding with SIGNOFF_REQUIRED, and nothing reaches Datadog', async () => {
    // Before any key or roster exists the reason is still the missing sign-off.
    const early = await drafted('medium');
    expect((await call<ContainmentFindingState>('containment.state', { id: early })).gate).toMatchObject({ ok: false, code: 'SIGNOFF_REQUIRED' });
    await setUpTeam();
    await connectDatadog();
    const action = await addIsolateAction('low');
    const id = await drafted('medium');
    const state = await call<ContainmentFindingState>('containment.state', { id });
    expect(state.gate).toMatchObject({ ok: false, code: 'SIGNOFF_REQUIRED' });
    expect(state.gate.message).toMatch(/only on a signed finding/);
    expect(await refused('containment.request', { id, action: action.id, reason: 'contain it' }, 'SIGNOFF_REQUIRED')).toMatch(/not signed off/);
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);
    expect(ws.reg().containment().requests(Number(id.slice(4)))).toHaveLength(0);
  });

  it('runs a low-danger action on a signed, non-critical finding at once: one run, signed inputs, evidence, contained', async () => {
    await setUpTeam();
    await connectDatadog();
    const action = await addIsolateAction('low');
    const id = await signedFinding('medium');
    const n = Number(id.slice(4));
    const hosts = ws.reg().containment().entities(n)['host'] ?? [];
    const state = await call<ContainmentFindingState>('containment.request', { id, action: action.id, reason: 'stop the spread' });
    expect(state.requests).toHaveLength(1);
    expect(state.requests[0]).toMatchObject({ needs_second_key: false, requested_by: 'amara.okafor', inputs: { hosts, finding: id } });
    await drain();
    const runs = runsReachingDatadog();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.path).toBe(`/api/v2/workflows/${ISOLATE_WF}/instances`);
    const sev = ws.reg().finding(n)!.row.severity;
    expect(runs[0]!.body).toEqual({ meta: { payload: { hosts, finding: id, note: `Isolate for ${id} (${sev})` } } });
    // Polled until terminal: the fake answered IN_PROGRESS twice, then SUCCEEDED.
    const polls = dd.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/api/v2/workflows/${ISOLATE_WF}/instances/`));
    expect(polls).toHaveLength(3);
    const after = await call<ContainmentFindingState>('containment.state', { id });
    expect(after.requests[0]).toMatchObject({ state: 'succeeded', instance_status: 'SUCCEEDED' });
    const detail = await call<FindingDetail>('finding.get', { id });
    expect(detail.finding.status).toBe('contained');
    const ev = detail.evidence.find((e) => e.id === after.requests[0]!.evidence_id)!;
    expect(ev.kind).toBe('workflow_run');
    expect(ev.meta).toMatchObject({ instance_id: after.requests[0]!.instance_id, status: 'SUCCEEDED', workflow_id: ISOLATE_WF });
    const stored = ws.reg().evidence(n).find((e) => e.id === ev.id)!;
    expect(custody.sha256Hex(Buffer.from(stored.content))).toBe(ev.sha256);
    // Every step attributed, in the history and the chain.
    const actions = detail.history.map((x) => `${x.action}:${x.field ?? ''}:${x.actor}`);
    expect(actions).toEqual(expect.arrayContaining(['containment.requested:containment:amara.okafor', 'containment.queued:containment:amara.okafor', 'containment.started:containment:system:outbox', 'containment.completed:containment:system:outbox']));
    expect(detail.history.filter((x) => x.field === 'status').map((x) => x.new)).toEqual(expect.arrayContaining(['containing', 'contained']));
    // The status changes were mirrored for Datadog through the outbox (signal triage state).
    const mirrored = ws.reg().unsafeHandle().prepare("SELECT payload FROM outbox WHERE kind = 'signal.state' AND target = ?").all(id) as { payload: string }[];
    expect(mirrored.map((m) => (JSON.parse(m.payload) as { state: string; archiveReason?: string }).archiveReason ?? (JSON.parse(m.payload) as { state: string }).state)).toEqual(['under_review', 'under_review', 'remediated']);
    // Drained again: nothing more leaves.
    await drain();
    expect(runsReachingDatadog()).toHaveLength(1);
    expect(ws.reg().verifyAudit().ok).toBe(true);
  });

  it('a critical finding alone is refused; self-approval and a mere analyst are refused; a second lead approves on this machine → exactly one run', async () => {
    await setUpTeam();
    await connectDatadog();
    const action = await addIsolateAction('low');
    const id = await signedFinding('critical');
    const state = await call<ContainmentFindingState>('containment.request', { id, action: action.id, reason: 'critical: isolate now' });
    const req = state.requests[0]!;
    expect(req).toMatchObject({ state: 'awaiting_approval', needs_second_key: true, deadline_minutes: 60, danger: 'critical' });
    expect(Date.parse(req.expires_at) - Date.parse(req.requested_at)).toBe(60 * 60_000);
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);
    expect((await call<FindingDetail>('finding.get', { id })).finding.status).toBe('signed');

    expect(await refused('containment.approveLocal', { request: req.id, handle: 'amara.okafor', passphrase: PASS }, 'SELF_APPROVAL')).toMatch(/cannot approve it/);
    expect(await refused('containment.approveLocal', { request: req.id, handle: 'kai.osei', passphrase: KAI_PASS }, 'ROLE_NOT_PERMITTED')).toMatch(/lead, admin/);
    await refused('containment.approveLocal', { request: req.id, handle: 'lee.chen', passphrase: 'not her passphrase' }, 'VAULT_KEY_INVALID');
    await refused('containment.approveLocal', { request: req.id, handle: 'nobody.here', passphrase: 'whatever123' }, 'KEY_MISSING');
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);

    const approved = await call<ContainmentFindingState>('containment.approveLocal', { request: req.id, handle: 'lee.chen', passphrase: LEE_PASS });
    expect(approved.requests[0]).toMatchObject({ state: 'queued', approved_by: 'lee.chen' });
    await drain();
    expect(runsReachingDatadog()).toHaveLength(1);
    await drain();
    expect(runsReachingDatadog()).toHaveLength(1);
    const detail = await call<FindingDetail>('finding.get', { id });
    expect(detail.finding.status).toBe('contained');
    const approval = detail.history.find((x) => x.action === 'containment.approved')!;
    expect(approval.actor).toBe('lee.chen');
    expect(approval.new).toMatchObject({ approver: 'lee.chen', requester: 'amara.okafor', via: 'this workstation' });
    // The passphrases never come back, nor the sealed keys.
    const visible = JSON.stringify([detail, approved, await call('containment.approvers')]);
    for (const p of [LEE_PASS, KAI_PASS]) expect(visible).not.toContain(p);
    expect(visible).not.toContain('sealed');
  });

  it('a dangerous action on a non-critical finding also waits for a second key', async () => {
    await setUpTeam();
    await connectDatadog();
    const action = await addIsolateAction('critical');
    const id = await signedFinding('medium');
    const s = await call<ContainmentFindingState>('containment.state', { id });
    expect(s.actions.find((a) => a.id === action.id)).toMatchObject({ needs_second_key: true, approver_roles: ['lead', 'admin'] });
    const r = await call<ContainmentFindingState>('containment.request', { id, action: action.id, reason: 'isolate' });
    expect(r.requests[0]!.state).toBe('awaiting_approval');
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);
  });
});

describe('the approval file', () => {
  it('travels to the lead and back; a tampered or self-signed file is refused; the genuine one runs once', async () => {
    const team = await setUpTeam();
    await connectDatadog();
    const action = await addIsolateAction('low');
    const id = await signedFinding('critical');
    const req = (await call<ContainmentFindingState>('containment.request', { id, action: action.id, reason: 'isolate the host' })).requests[0]!;
    const { text, filename } = await call<{ text: string; filename: string }>('containment.exportRequest', { request: req.id });
    expect(filename).toBe(`vigil-approval-${id}-${req.action_id}.json`);
    const roster = ws.reg().roster()!.roster;

    // On the lead's workstation: verified, then approved with the lead's own key.
    const approvedFile = custody.approveRequest(custody.parseApprovalFile(text), { handle: 'diego.ramos', privateKey: lead }, { roster });
    const good = custody.exportApprovalFile(approvedFile);

    // Tampered: the inputs the lead saw changed in the request → its signature breaks.
    const tampered = JSON.parse(good) as { request: { payload: string } };
    tampered.request.payload = tampered.request.payload.replace(id, 'FND-999999');
    expect(await refused('containment.importApproval', { text: JSON.stringify(tampered) }, 'APPROVAL_INVALID')).toMatch(/signature/);
    // Tampered approval signature.
    const badSig = JSON.parse(good) as { approval: { signature: string } };
    badSig.approval.signature = (badSig.approval.signature[0] === 'A' ? 'B' : 'A') + badSig.approval.signature.slice(1);
    await refused('containment.importApproval', { text: JSON.stringify(badSig) }, 'APPROVAL_INVALID');
    // Not a file at all.
    await refused('containment.importApproval', { text: '{"format":"nope"}' }, 'VALIDATION_FAILED');

    // Self-approval crafted by hand (the library refuses to make one): amara signs an approval of her own request.
    const me = ws.reg().signingKey()!;
    const reqPayload = JSON.parse(JSON.parse(text).request.payload as string) as Record<string, string> & { requested_by: { handle: string } };
    const selfPayload = {
      type: custody.APPROVAL_TYPE,
      finding_id: id,
      action_id: req.action_id,
      action_kind: 'contain',
      danger: 'critical',
      requested_by: 'amara.okafor',
      approver: { handle: 'amara.okafor', key_id: me.key.keyId },
      signoff_signature_sha256: reqPayload['signoff_signature_sha256'],
      expires_at: reqPayload['expires_at'],
      approved_at: new Date().toISOString(),
      request_sha256: custody.sha256Hex(Buffer.from(JSON.parse(text).request.payload as string)),
    };
    const selfRec = custody.signCanonical(Buffer.from(canonicalJson(selfPayload)), me.key, me.key.keyId);
    const selfFile = { ...JSON.parse(text), approval: selfRec };
    await refused('containment.importApproval', { text: JSON.stringify(selfFile) }, 'SELF_APPROVAL');
    // On this workstation, amara cannot approve a request file addressed to her team either: it is hers.
    await refused('containment.approveFile', { text }, 'SELF_APPROVAL');
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);

    const after = await call<ContainmentFindingState>('containment.importApproval', { text: good });
    expect(after.requests[0]).toMatchObject({ state: 'queued', approved_by: 'diego.ramos' });
    // Imported twice: refused, still one run.
    await refused('containment.importApproval', { text: good }, 'VALIDATION_FAILED');
    await drain();
    expect(runsReachingDatadog()).toHaveLength(1);
    expect(team.amara.role).toBe('admin');
  });
});

describe('defence in depth at drain time', () => {
  it('a crafted outbox row for an unapproved request runs nothing', async () => {
    await setUpTeam();
    await connectDatadog();
    const action = await addIsolateAction('low');
    const id = await signedFinding('critical');
    const req = (await call<ContainmentFindingState>('containment.request', { id, action: action.id, reason: 'isolate' })).requests[0]!;
    const reg = ws.reg();
    // Someone with the register open writes the row the gate would have written after an approval.
    reg.transaction(() => reg.containment().updateRequest(req.id, { state: 'queued', queued_at: Date.now(), updated_at: Date.now() }));
    reg.enqueueOutbox([{ kind: 'containment.run', target: id, stream: 'x', payload: { request: req.id, action_id: req.action_id }, idempotencyKey: `${reg.workspaceId}:${req.action_id}:run` }], 'mallory');
    // …and one pointing at nothing, and one with a foreign key.
    reg.enqueueOutbox([{ kind: 'containment.run', target: id, stream: 'y', payload: { request: 999 }, idempotencyKey: 'forged-1' }], 'mallory');
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);
    const row = reg.containment().request(req.id)!;
    expect(row).toMatchObject({ state: 'refused', last_error_code: 'APPROVAL_REQUIRED' });
    const ob = await call<{ entries: { kind: string; state: string; lastErrorCode: string | null }[] }>('outbox.status');
    const runs = ob.entries.filter((e) => e.kind === 'containment.run');
    expect(runs.map((e) => `${e.state}:${e.lastErrorCode}`).sort()).toEqual(['failed:APPROVAL_REQUIRED', 'failed:SIGNATURE_INVALID']);
    // Retrying the failed rows does not change the answer.
    await call('outbox.retry');
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);
    expect((await call<FindingDetail>('finding.get', { id })).history.some((x) => x.action === 'containment.refused')).toBe(true);
  });

  it('a tampered stored approval, an approver dropped from the roster, or a revised finding: nothing runs', async () => {
    const team = await setUpTeam();
    // Datadog is connected only after the register was changed under the queued rows, so no drain
    // runs in between.
    const action = await addIsolateAction('low');
    const reg = ws.reg();
    const ask = async (id: string) => {
      const r = (await call<ContainmentFindingState>('containment.request', { id, action: action.id, reason: 'isolate' })).requests.at(-1)!;
      await call('containment.approveLocal', { request: r.id, handle: 'lee.chen', passphrase: LEE_PASS });
      return r.id;
    };
    const a = await signedFinding('critical');
    const b = await signedFinding('critical');
    const c = await signedFinding('medium');
    const c2 = await addIsolateAction('critical');
    const ra = await ask(a);
    const rb = await ask(b);
    const rc = (await call<ContainmentFindingState>('containment.request', { id: c, action: c2.id, reason: 'isolate' })).requests[0]!.id;
    await call('containment.approveLocal', { request: rc, handle: 'lee.chen', passphrase: LEE_PASS });

    // a: the stored approval's signature is altered.
    const stored = JSON.parse(reg.containment().request(ra)!.approval_record!) as { payload: string; signature: string; key_id: string };
    stored.signature = stored.signature.slice(0, -2) + (stored.signature.endsWith('AA') ? 'BA' : 'AA');
    reg.transaction(() => reg.containment().updateRequest(ra, { approval_record: JSON.stringify(stored) }));
    // b: the finding gets a new decision revision after the approval: its sign-off no longer covers it.
    reg.updateFinding(Number(b.slice(4)), { mitigation_plan: 'changed after approval' }, 'amara.okafor', { newRevision: true, reason: 'edit' });
    // c: lee is demoted to analyst before the drain (a critical action needs a lead or admin).
    await call('custody.importRoster', { text: rosterText(2, [team.amara, { ...team.lee, role: 'analyst' }, team.kai]) });

    await connectDatadog();
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);
    expect(reg.containment().request(ra)).toMatchObject({ state: 'refused', last_error_code: 'APPROVAL_INVALID' });
    expect(reg.containment().request(rb)).toMatchObject({ state: 'refused', last_error_code: 'SIGNOFF_REQUIRED' });
    expect(reg.containment().request(rc)).toMatchObject({ state: 'refused', last_error_code: 'APPROVAL_INVALID' });
    expect(reg.containment().request(rc)!.last_error).toMatch(/role_not_permitted.*lee\.chen is an analyst/);
    // A refused run puts the finding back where it was: signed, not containing.
    expect(reg.finding(Number(a.slice(4)))!.row.status).toBe('signed');
  });
});

describe('exactly one run through failures', () => {
  it('a run whose answer was lost is parked, never started twice; a refused start and an interrupted poll resume', async () => {
    await setUpTeam();
    const action = await addIsolateAction('low');
    const reg = ws.reg();
    const [a, b, c] = [await signedFinding('medium'), await signedFinding('medium'), await signedFinding('medium')];
    const instances = () => dd.state.instances.size;

    // a: Datadog starts the workflow but the answer is cut: it may have run, so it is not retried.
    await connectDatadog();
    dd.faults.next('POST /api/v2/workflows/*', { kind: 'malformed_json' }, 1);
    const ra = (await call<ContainmentFindingState>('containment.request', { id: a, action: action.id, reason: 'isolate' })).requests[0]!.id;
    await drain();
    expect(instances()).toBe(1);
    expect(reg.containment().request(ra)).toMatchObject({ state: 'failed', last_error_code: 'SOURCE_BAD_RESPONSE' });
    expect(reg.containment().request(ra)!.last_error).toMatch(/may have started in Datadog/);
    await call('outbox.retry');
    await drain();
    expect(instances()).toBe(1);
    expect(reg.finding(Number(a.slice(4)))!.row.status).toBe('signed');

    // b: the connection drops before Datadog saw the request: retried, and it runs once.
    dd.faults.next('POST /api/v2/workflows/*', { kind: 'reset', phase: 'before_headers' }, 3);
    const rb = (await call<ContainmentFindingState>('containment.request', { id: b, action: action.id, reason: 'isolate' })).requests[0]!.id;
    await drain();
    expect(instances()).toBe(1);
    expect(reg.containment().request(rb)!.state).toBe('queued');
    dd.faults.clear();
    await ws.sources().probe();
    await drain();
    expect(instances()).toBe(2);
    expect(reg.containment().request(rb)).toMatchObject({ state: 'succeeded', instance_status: 'SUCCEEDED' });

    // c: started, then polling fails: the next drain polls the same instance, it does not start another.
    dd.faults.next((r) => r.method === 'GET' && r.path.startsWith(`/api/v2/workflows/${ISOLATE_WF}/instances/`), { kind: 'status', status: 503 }, 4);
    const rc = (await call<ContainmentFindingState>('containment.request', { id: c, action: action.id, reason: 'isolate' })).requests[0]!.id;
    await drain();
    expect(instances()).toBe(3);
    expect(reg.containment().request(rc)).toMatchObject({ state: 'running', instance_status: 'IN_PROGRESS' });
    dd.faults.clear();
    await drain();
    expect(instances()).toBe(3);
    expect(reg.containment().request(rc)).toMatchObject({ state: 'succeeded', instance_status: 'SUCCEEDED' });
  });
});

describe('deadlines and escalation', () => {
  it('a missed deadline expires the request and escalates it to the leads; approving after it is refused', async () => {
    await setUpTeam();
    await connectDatadog();
    const action = await addIsolateAction('low');
    const id = await signedFinding('critical');
    const req = (await call<ContainmentFindingState>('containment.request', { id, action: action.id, reason: 'isolate' })).requests[0]!;
    const containment = ws.containment();
    expect(containment.escalateOverdue(Date.parse(req.expires_at) - 1)).toEqual([]);
    expect(containment.escalateOverdue(Date.parse(req.expires_at) + 1)).toEqual([id]);
    const after = (await call<ContainmentFindingState>('containment.state', { id })).requests[0]!;
    expect(after).toMatchObject({ state: 'expired', escalated_to: ['diego.ramos', 'lee.chen'] });
    const entry = (await call<FindingDetail>('finding.get', { id })).history.find((x) => x.action === 'containment.escalated')!;
    expect(entry.new).toMatchObject({ escalated_to: ['diego.ramos', 'lee.chen'], deadline_minutes: 60 });
    expect(entry.reason).toMatch(/60 minutes/);
    await refused('containment.approveLocal', { request: req.id, handle: 'lee.chen', passphrase: LEE_PASS }, 'APPROVAL_EXPIRED');
    // Only once.
    expect(containment.escalateOverdue(Date.parse(req.expires_at) + 60_000)).toEqual([]);
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);
  });
});

describe('escalation to a Datadog incident', () => {
  it('works the same way: signed finding, outbox, incident id stored as evidence', async () => {
    await setUpTeam();
    await connectDatadog();
    const list = await call<ContainmentActionView[]>('containment.saveAction', { name: 'Declare incident', kind: 'incident', inputs: '{"title": "${finding.id}: ${finding.title}"}', danger: 'medium' });
    const action = list.find((a) => a.kind === 'incident')!;
    const unsigned = await drafted('medium');
    await refused('containment.request', { id: unsigned, action: action.id, reason: 'escalate' }, 'SIGNOFF_REQUIRED');
    const id = await signedFinding('medium');
    await call('containment.request', { id, action: action.id, reason: 'escalate' });
    await drain();
    expect(dd.state.incidents).toHaveLength(1);
    const title = (await call<FindingDetail>('finding.get', { id })).finding.title;
    expect((dd.state.incidents[0]!.body as { data: { attributes: { title: string } } }).data.attributes.title).toBe(`${id}: ${title}`);
    const r = (await call<ContainmentFindingState>('containment.state', { id })).requests[0]!;
    expect(r).toMatchObject({ state: 'succeeded', incident_id: dd.state.incidents[0]!.id });
    const ev = (await call<FindingDetail>('finding.get', { id })).evidence.find((e) => e.id === r.evidence_id)!;
    expect(ev.meta).toMatchObject({ kind: 'incident', incident_id: dd.state.incidents[0]!.id });
    expect(runsReachingDatadog()).toHaveLength(0);
  });
});

describe('crafted IPC input', () => {
  it('cannot smuggle approval, state or a workflow through the contract, nor set the status by hand', async () => {
    await setUpTeam();
    await connectDatadog();
    const action = await addIsolateAction('low');
    const id = await signedFinding('critical');
    await refused('containment.request', { id, action: action.id, reason: 'x', approved: true }, 'VALIDATION_FAILED');
    await refused('containment.request', { id, action: action.id, reason: 'x', workflow_id: RECORDED_WORKFLOW_ID }, 'VALIDATION_FAILED');
    await refused('containment.request', { id, action: action.id }, 'VALIDATION_FAILED');
    await refused('containment.approveLocal', { request: 1, handle: 'lee.chen' }, 'VALIDATION_FAILED');
    await refused('containment.approveLocal', { request: 1, handle: 'Lee.Chen', passphrase: LEE_PASS }, 'VALIDATION_FAILED');
    const r = await dispatch(h, 'containment.run', { id });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    for (const status of ['containing', 'contained']) {
      const u = await dispatch(h, 'finding.update', { id, status });
      expect(u.ok).toBe(false);
    }
    const req = (await call<ContainmentFindingState>('containment.request', { id, action: action.id, reason: 'x' })).requests[0]!;
    // Approving a request that is not waiting, or twice, or one that does not exist.
    await refused('containment.approveLocal', { request: req.id + 100, handle: 'lee.chen', passphrase: LEE_PASS }, 'NOT_FOUND');
    await drain();
    expect(runsReachingDatadog()).toHaveLength(0);
  });
});
