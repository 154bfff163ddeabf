// Sign-off through the workspace: a key for this workstation, a roster a lead signed (pinned on
// first import), a signed decision that stays read-only, a new revision that needs a new sign-off,
// and tampering with the stored sign-off or its evidence caught on the next read.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as custody from '../../electron/core/custody';
import { dispatch } from '../../electron/core/dispatch';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import type { CustodyStatus, SignoffReceipt } from '../../shared/custody';
import type { FindingDetail, QueuePage } from '../../shared/domain';
import { tempDir } from '../support/workspace';

const PASS = 'signoff test passphrase';
const DAY = 86_400_000;
let t: ReturnType<typeof tempDir>;
let ws: Workspace;
let h: ReturnType<Workspace['handlers']>;
const lead = custody.generateAnalystKey();
const outsider = custody.generateAnalystKey();
/** Fixed once: key history (not_before) must read the same in every roster version. */
const NOT_BEFORE = new Date(Date.now() - 2 * DAY).toISOString();

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

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? 'none';
  }
  throw new Error('expected a throw');
}

/** A roster naming the lead and this workstation's analyst, signed by the lead. */
function roster(version: number, me: { handle: string; key_id: string; public_key: string }, extra: custody.RosterAnalyst[] = [], issuedAt = Date.now() - DAY + version * 1000): string {
  const notBefore = NOT_BEFORE;
  const r = custody.createRoster({
    team: 'blue',
    version,
    issued_at: new Date(issuedAt).toISOString(),
    analysts: [
      { handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: notBefore }] },
      { handle: me.handle, name: 'Amara Okafor', role: 'analyst', keys: [{ key_id: me.key_id, public_key: me.public_key, not_before: notBefore }] },
      ...extra,
    ],
  });
  return custody.exportRoster(custody.signRoster(r, 'diego.ramos', lead));
}

async function draftedFindings(n: number): Promise<string[]> {
  const page = await call<QueuePage>('queue.page', { filter: { status: ['drafted'] }, limit: n });
  expect(page.rows.length).toBe(n);
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
    demoSignals: 80,
    demoTeam: false,
    actor: 'local:analyst',
    sourceTimers: false,
  });
  h = ws.handlers();
  await call('workspace.openDemo', { passphrase: PASS });
});

afterEach(() => {
  ws.dispose();
  t.cleanup();
});

/** Key, roster (pinned), and a finding with a note as evidence, ready to sign. */
async function setUp(): Promise<{ me: { handle: string; key_id: string; public_key: string }; text: string }> {
  const status = await call<CustodyStatus>('custody.createKey', { handle: 'amara.okafor', name: 'Amara Okafor' });
  expect(status.me?.handle).toBe('amara.okafor');
  const row = ws.reg().analystKey()!;
  const me = { handle: row.handle, key_id: row.key_id, public_key: row.public_key };
  const text = roster(1, me);
  await call('custody.importRoster', { text, pinKeyId: lead.keyId });
  return { me, text };
}

describe('custody setup', () => {
  it('creates a key (public half only over the contract) and pins the first roster', async () => {
    expect(await call<CustodyStatus>('custody.status')).toEqual({ role: null, me: null, roster: null });
    await refused('finding.signOff', { id: 'FND-1' }, 'KEY_MISSING');
    const status = await call<CustodyStatus>('custody.createKey', { handle: 'amara.okafor', name: 'Amara Okafor' });
    const row = ws.reg().analystKey()!;
    expect(status.me).toEqual({ handle: 'amara.okafor', key_id: row.key_id, public_key: row.public_key });
    const priv = ws.reg().signingKey()!.key.privateKeyPkcs8;
    expect(JSON.stringify(status)).not.toContain(priv.toString('base64url'));
    await refused('finding.signOff', { id: 'FND-1' }, 'ROSTER_MISSING');

    const me = { handle: row.handle, key_id: row.key_id, public_key: row.public_key };
    const text = roster(1, me);
    // The first roster needs a pin, and the pin must be the key that signed it.
    expect(await refused('custody.importRoster', { text }, 'ROSTER_UNTRUSTED')).toMatch(/fingerprint/);
    await refused('custody.importRoster', { text, pinKeyId: outsider.keyId }, 'ROSTER_UNTRUSTED');
    const after = await call<CustodyStatus>('custody.importRoster', { text, pinKeyId: lead.keyId });
    expect(after.roster).toEqual({ team: 'blue', version: 1, signer: { handle: 'diego.ramos', key_id: lead.keyId }, trusted: true });
    expect(await call('custody.exportRoster')).toEqual({ text });

    // Later versions follow the trusted one: signed by its lead they import without a pin…
    const v2 = roster(2, me, [{ handle: 'lee.chen', name: 'Lee Chen', role: 'analyst', keys: [] }]);
    expect((await call<CustodyStatus>('custody.importRoster', { text: v2 })).roster).toMatchObject({ version: 2, trusted: true });
    // …one signed only by a newcomer calling themselves lead does not.
    const forged = custody.signRoster(
      custody.createRoster({
        team: 'blue',
        version: 3,
        issued_at: new Date().toISOString(),
        analysts: [{ handle: 'mallory', name: 'Mallory', role: 'lead', keys: [{ key_id: outsider.keyId, public_key: outsider.publicKey, not_before: new Date(Date.now() - DAY).toISOString() }] }],
      }),
      'mallory',
      outsider,
    );
    await refused('custody.importRoster', { text: custody.exportRoster(forged) }, 'ROSTER_UNTRUSTED');
    // An old version again is refused too (rosters only move forward).
    await refused('custody.importRoster', { text }, 'ROSTER_UNTRUSTED');
    expect((await call<CustodyStatus>('custody.status')).roster?.version).toBe(2);
    expect(ws.reg().verifyAudit().ok).toBe(true);
  });
});

describe('sign-off', () => {
  it('signs a drafted finding; the receipt verifies and the finding shows it', async () => {
    const { me } = await setUp();
    const [id] = await draftedFindings(1);
    await call('finding.comment', { id, text: 'Checked with the host owner: not a test.' });
    // The demo's draft already changed the decision once: revision 1.
    const rev = (await call<FindingDetail>('finding.get', { id })).finding.decision_revision;
    expect(rev).toBe(1);
    const receipt = await call<SignoffReceipt>('finding.signOff', { id });
    expect(receipt).toMatchObject({ finding_id: id, key_id: me.key_id, revision: rev });
    expect(receipt.signature_sha256).toMatch(/^[0-9a-f]{64}$/);

    const d = await call<FindingDetail>('finding.get', { id });
    expect(d.finding).toMatchObject({ status: 'signed', analyst_signoff: 'amara.okafor', signed_at: receipt.signed_at, decision_revision: rev });
    expect(d.signoffs).toEqual([
      { analyst: 'amara.okafor', key_id: me.key_id, signed_at: receipt.signed_at, revision: rev, signature_sha256: receipt.signature_sha256, valid: true, reason: null, stale: false },
    ]);
    expect(d.history.find((e) => e.action === 'finding.signed')?.new).toEqual({ key_id: me.key_id, signature_sha256: receipt.signature_sha256, revision: rev });
    expect(d.history.some((e) => e.action === 'finding.updated' && e.field === 'analyst_signoff' && e.new === 'amara.okafor')).toBe(true);

    // The stored record itself verifies with custody alone, and binds the evidence hashes.
    const n = Number(id!.slice(4));
    const row = ws.reg().signoffRows(n)[0]!;
    const verdict = custody.verifySignoff({ payload: row.payload, signature: row.signature, key_id: row.key_id, algorithm: row.algorithm }, custody.parseRoster(ws.reg().roster()!.text), {
      expect: { finding_id: id, workspace_id: ws.reg().workspaceId, revision: rev },
    });
    expect(verdict.valid).toBe(true);
    if (verdict.valid) {
      expect(verdict.payload.evidence.map((e) => e.id)).toEqual(d.evidence.map((e) => e.id));
      expect(verdict.payload.decision.mitre_technique).toBe(d.finding.mitre_technique);
    }
    expect(custody.signoffSignatureSha256(row)).toBe(receipt.signature_sha256);

    // Signed once per revision; the status cannot be set to signed by hand either.
    await refused('finding.signOff', { id }, 'FINDING_SIGNED');
    const [other] = await draftedFindings(1);
    await refused('finding.update', { id: other, status: 'signed' }, 'SIGNOFF_REQUIRED');
    expect(ws.reg().verifyAudit().ok).toBe(true);
  });

  it('a signed decision is read-only; a new revision reopens it and the old sign-off goes stale', async () => {
    await setUp();
    const [id] = await draftedFindings(1);
    const n = Number(id!.slice(4));
    const first = await call<SignoffReceipt>('finding.signOff', { id });
    const before = ws.reg().finding(n)!;
    const rev = before.decision_revision;
    expect(first.revision).toBe(rev);
    const severity = before.row.severity === 'critical' ? 'low' : 'critical';

    expect(codeOf(() => ws.reg().updateFinding(n, { severity }, 'amara.okafor'))).toBe('FINDING_SIGNED');
    expect(codeOf(() => ws.reg().updateFinding(n, { secondary_techniques: ['T1078'] }, 'amara.okafor'))).toBe('FINDING_SIGNED');
    expect(ws.reg().finding(n)!.row).toEqual(before.row);
    // Fields outside the decision stay editable.
    ws.reg().updateFinding(n, { assignee: 'amara.okafor' }, 'amara.okafor');

    ws.reg().updateFinding(n, { severity }, 'amara.okafor', { newRevision: true, reason: 'blast radius larger than drafted' });
    let d = await call<FindingDetail>('finding.get', { id });
    expect(d.finding).toMatchObject({ severity, status: 'in_review', decision_revision: rev + 1, analyst_signoff: null, signed_at: null });
    expect(d.signoffs).toHaveLength(1);
    expect(d.signoffs[0]).toMatchObject({ revision: rev, valid: true, stale: true, signature_sha256: first.signature_sha256 });
    expect(d.history.some((e) => e.action === 'finding.revised' && e.old === rev && e.new === rev + 1)).toBe(true);

    // Edits before the new sign-off make further revisions without ceremony.
    ws.reg().updateFinding(n, { secondary_techniques: ['T1078', 'T1110.003'] }, 'amara.okafor');
    const second = await call<SignoffReceipt>('finding.signOff', { id });
    expect(second.revision).toBe(rev + 2);
    d = await call<FindingDetail>('finding.get', { id });
    expect(d.finding.secondary_techniques).toEqual(['T1078', 'T1110.003']);
    expect(d.signoffs.map((s) => [s.revision, s.valid, s.stale])).toEqual([
      [rev, true, true],
      [rev + 2, true, false],
    ]);
  });

  it('a draft never changes a finding signed at its current revision', async () => {
    await setUp();
    const [id] = await draftedFindings(1);
    const n = Number(id!.slice(4));
    await call('finding.signOff', { id });
    // Even with its status moved on (closed), the signed decision is not the drafter's to change.
    await call('finding.update', { id, status: 'closed', reason: 'benign after review' });
    const before = ws.reg().finding(n)!.row;
    ws.reg().recordDraft(
      { finding_id: n, drafter: 'test', model: null, prompt_version: null, input_hash: 'h', output: '{}', tokens_in: null, tokens_out: null, cost_usd: null, latency_ms: 1, retries: 0, error: null, created_at: Date.now() },
      { patch: { severity: before.severity === 'info' ? 'high' : 'info', recommended_action: 'close: benign' }, actor: 'test' },
    );
    expect(ws.reg().finding(n)!.row).toEqual(before);
  });

  it('detects a stored sign-off altered after the fact', async () => {
    await setUp();
    const [id] = await draftedFindings(1);
    await call('finding.signOff', { id });
    const db = ws.reg().unsafeHandle();
    // Sign-offs are immutable by trigger; an attacker with the key drops the trigger first.
    expect(() => db.prepare("UPDATE signoffs SET analyst = 'x'").run()).toThrow(/immutable/);
    db.exec('DROP TRIGGER signoffs_no_update');
    db.prepare(`UPDATE signoffs SET payload = replace(payload, '"status":"signed"', '"status":"closed"')`).run();
    const d = await call<FindingDetail>('finding.get', { id });
    expect(d.signoffs[0]).toMatchObject({ valid: false, reason: 'signature_mismatch' });
  });

  it('evidence that no longer matches its hash refuses a sign-off and breaks an existing one', async () => {
    await setUp();
    const [a, b] = await draftedFindings(2);
    await call('finding.comment', { id: a, text: 'first note' });
    await call('finding.comment', { id: b, text: 'second note' });
    const db = ws.reg().unsafeHandle();
    const evidenceOf = (id: string) => (db.prepare('SELECT id FROM evidence WHERE finding_id = ? ORDER BY id DESC').get(Number(id.slice(4))) as { id: number }).id;

    // Altered before signing: refused, nothing stored.
    db.prepare('UPDATE evidence SET content = ? WHERE id = ?').run('edited note', evidenceOf(a!));
    expect(await refused('finding.signOff', { id: a }, 'EVIDENCE_MISMATCH')).toMatch(/evidence \d+/);
    expect(ws.reg().signoffRows(Number(a!.slice(4)))).toEqual([]);
    expect((await call<FindingDetail>('finding.get', { id: a })).finding.status).toBe('drafted');

    // Altered after signing, hash column included: the next read says so.
    await call('finding.signOff', { id: b });
    db.prepare("UPDATE evidence SET content = 'edited', sha256 = ? WHERE id = ?").run(custody.sha256Hex(Buffer.from('edited')), evidenceOf(b!));
    const d = await call<FindingDetail>('finding.get', { id: b });
    expect(d.signoffs[0]).toMatchObject({ valid: false, reason: 'evidence_mismatch' });
  });
});
