// A workspace connected to the fake Datadog and the fake Splunk: settings, sync, Splunk context as
// evidence, and outbound writes that wait out an outage and reach Datadog exactly once.
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as custody from '../../electron/core/custody';
import { dispatch } from '../../electron/core/dispatch';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Register } from '../../electron/core/register/register';
import { Workspace } from '../../electron/core/workspace';
import type { FindingDetail, SourcesSettings } from '../../shared/domain';
import { FAKE_API_KEY, FAKE_APP_KEY, RECORDED_PROJECT_ID, startFakeDatadog, type FakeDatadog, type SearchSignal } from '../fakes/datadog/server';
import { startFakeSplunk, type FakeSplunk } from '../fakes/splunk/server';
import { FAKE_NOW, TEST_TOKEN } from '../fakes/splunk/seed';
import { tempDir } from '../support/workspace';

const PASS = 'sources test passphrase';
let t: ReturnType<typeof tempDir>;
let ws: Workspace;
let dd: FakeDatadog;
let sp: FakeSplunk;
let h: ReturnType<Workspace['handlers']>;

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(h, channel, input);
  if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.value as T;
}

function demoSignals(n: number): SearchSignal[] {
  return generateDemoSignals({ count: n, seed: 11, now: new Date(Date.now() - 60_000), spanDays: 10 }) as unknown as SearchSignal[];
}

beforeEach(async () => {
  t = tempDir();
  dd = await startFakeDatadog({ signals: demoSignals(120) });
  sp = await startFakeSplunk({ version: '9.1.2' });
  // A saved search over the signal's host, and prior activity for the hosts the demo uses.
  sp.state.savedSearches.push({ name: 'Vigil - prior activity', owner: 'admin', app: 'search', sharing: 'global', search: 'search index=* host="$host$" | table _time host user src_ip action' });
  const hosts = new Set<string>();
  for (const s of dd.state.signals) {
    const ents = ((s.attributes as { attributes?: { entities?: string[] } }).attributes?.entities ?? []) as string[];
    for (const e of ents) if (e.startsWith('host:')) hosts.add(e.slice(5));
  }
  for (const host of hosts) {
    for (let i = 0; i < 3; i++) sp.state.history.push({ _time: new Date(FAKE_NOW - (i + 1) * 86_400_000).toISOString(), host, user: 'alice', src_ip: '192.0.2.44', action: 'success' });
  }
  ws = new Workspace({
    version: 'test',
    statePath: join(t.dir, 'state.json'),
    demoPath: join(t.dir, 'demo.vigil'),
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    demoSignals: 10,
    actor: 'local:analyst',
    sourceTimers: false,
    clientOverrides: { sleep: async () => undefined, maxRetries: 2 },
  });
  h = ws.handlers();
  // A fresh, empty workspace (not the demo): create it through the register, then open it.
  const reg = await Register.create(join(t.dir, 'team.vigil'), { passphrase: PASS }, { scrypt: FAST_SCRYPT_FOR_TESTS });
  reg.close();
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(t.dir, 'state.json'), JSON.stringify({ workspacePath: join(t.dir, 'team.vigil'), idleLockMinutes: 15 }));
  ws = new Workspace({ ...(ws as unknown as { opts: ConstructorParameters<typeof Workspace>[0] }).opts });
  h = ws.handlers();
  await call('vault.unlock', { passphrase: PASS });
});

afterEach(async () => {
  ws.dispose();
  await dd.close();
  await sp.close();
  t.cleanup();
});

async function connect(): Promise<SourcesSettings> {
  await call('settings.saveDatadog', { site: 'https://app.datadoghq.eu/', baseUrl: dd.url, apiKey: FAKE_API_KEY, appKey: FAKE_APP_KEY, projectId: RECORDED_PROJECT_ID });
  return call<SourcesSettings>('settings.saveSplunk', { url: sp.url, token: TEST_TOKEN, savedSearch: 'Vigil - prior activity' });
}

describe('sources in a workspace', () => {
  it('stores connections with secrets only in the register, never in what the renderer sees', async () => {
    const s = await connect();
    expect(s.datadog).toMatchObject({ configured: true, site: 'datadoghq.eu', hasApiKey: true, hasAppKey: true, query: 'security:attack' });
    expect(s.splunk).toMatchObject({ configured: true, hasToken: true, savedSearch: 'Vigil - prior activity' });
    const visible = JSON.stringify([s, await call('settings.get'), await call('app.info'), await call('sync.status'), await call('outbox.status')]);
    for (const secret of [FAKE_API_KEY, FAKE_APP_KEY, TEST_TOKEN]) expect(visible).not.toContain(secret);
    // Nothing plaintext on disk either: not in the state file, not in the database or its WAL.
    for (const f of readdirSync(t.dir)) {
      const raw = readFileSync(join(t.dir, f));
      for (const secret of [FAKE_API_KEY, FAKE_APP_KEY, TEST_TOKEN]) expect(raw.includes(Buffer.from(secret)), `${secret} in ${f}`).toBe(false);
    }
  });

  it('test connection says exactly what is wrong', async () => {
    await connect();
    expect(await call('connection.test', { source: 'datadog' })).toMatchObject({ ok: true });
    expect(await call('connection.test', { source: 'splunk' })).toMatchObject({ ok: true });
    await call('settings.saveDatadog', { site: 'datadoghq.eu', baseUrl: dd.url, apiKey: 'wrong-key-0000000000000000000000' });
    const bad = await call<{ ok: boolean; checks: { name: string; code?: string; message: string }[] }>('connection.test', { source: 'datadog' });
    expect(bad.ok).toBe(false);
    expect(bad.checks.find((c) => c.name === 'api_key')).toMatchObject({ ok: false, code: 'SOURCE_AUTH_FAILED' });
    expect(JSON.stringify(bad)).not.toContain('wrong-key-0000000000000000000000');
    await call('settings.saveSplunk', { url: sp.url, token: 'expired-or-revoked-token-000000', savedSearch: 'Vigil - prior activity' });
    const sbad = await call<{ ok: boolean; checks: { code?: string }[] }>('connection.test', { source: 'splunk' });
    expect(sbad.ok).toBe(false);
    expect(sbad.checks.some((c) => c.code === 'SOURCE_AUTH_FAILED')).toBe(true);
  });

  it('syncs, opens findings, and attaches Splunk context as evidence with SPL, sid, window and sha256', async () => {
    await connect();
    await call('sync.start');
    await ws.sources().whenSynced();
    const status = await call<{ phase: string; inserted: number }>('sync.status');
    expect(status).toMatchObject({ phase: 'done', inserted: 120 });
    const page = await call<{ total: number; rows: { finding_id: string }[] }>('queue.page', { sort: { field: 'finding_id', dir: 'asc' }, limit: 500 });
    expect(page.total).toBe(120);
    // Context runs in the background for the new findings; wait for it to settle.
    for (let i = 0; i < 200; i++) {
      const pending = ws.reg().pendingContext(1000).length + (ws.reg().unsafeHandle().prepare("SELECT count(*) AS n FROM context_requests WHERE state = 'running'").get() as { n: number }).n;
      if (pending === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const withHost = page.rows.map((r) => r.finding_id);
    let found: FindingDetail | null = null;
    for (const id of withHost) {
      const d = await call<FindingDetail>('finding.get', { id });
      if (d.evidence.some((e) => e.kind === 'splunk_results' && (e.table?.rows.length ?? 0) > 0)) {
        found = d;
        break;
      }
    }
    expect(found).not.toBeNull();
    const ev = found!.evidence.find((e) => e.kind === 'splunk_results')!;
    expect(ev.meta).toMatchObject({ saved_search: 'Vigil - prior activity', earliest: '-30d', latest: 'now', spl: expect.stringContaining('$host$') });
    expect(ev.meta!['sid']).toBeTruthy();
    expect(ev.meta!['result_count']).toBe(ev.table!.rows.length);
    expect(ev.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(found!.finding.splunk_search).toBe('Vigil - prior activity');
    expect(found!.context).toMatchObject({ state: 'done', error: null });
    expect(found!.history.some((x) => x.action === 'evidence.added')).toBe(true);
  });

  it('re-checks the workspace window for signals changed in Datadog after they fired, with its own status', async () => {
    await connect();
    const saved = await call<SourcesSettings>('settings.saveDatadog', { site: 'datadoghq.eu', baseUrl: dd.url, recheckDays: 12 });
    expect(saved.datadog.recheckDays).toBe(12);
    await call('sync.start');
    await ws.sources().whenSynced();
    const before = await call<{ highWater: string; lastRecheckAt: string | null; mode: string }>('sync.status');
    expect(before).toMatchObject({ mode: 'incremental', lastRecheckAt: null });
    // Up to date and never re-checked: the minute timer would start the re-check now.
    await ws.sources().syncIfDue();
    expect(ws.sources().syncStatus()).toMatchObject({ running: true, mode: 'recheck' });
    await ws.sources().whenSynced();
    expect(ws.sources().syncStatus()).toMatchObject({ mode: 'recheck', phase: 'done', revised: 0, inserted: 0 });
    const old = dd.state.signals.find((x) => Date.now() - Date.parse(String(x.attributes.timestamp)) > 2 * 86_400_000)!;
    dd.updateSignal(old.id, (x) => {
      const wf = (x.attributes as unknown as { attributes: { workflow: { triage: Record<string, unknown> } } }).attributes.workflow;
      wf.triage = { ...wf.triage, state: 'under_review', assignee: { id: '00000000-0000-0000-0000-000000000042', name: 'Nadia Haddad' } };
    });
    await call('sync.start');
    await ws.sources().whenSynced();
    const mark = await call<{ highWater: string }>('sync.status');
    expect(mark).toMatchObject({ mode: 'incremental', revised: 0 });

    const started = await call<{ running: boolean; mode: string }>('sync.recheck');
    expect(started).toMatchObject({ running: true, mode: 'recheck' });
    await ws.sources().whenSynced();
    const after = await call<{ mode: string; phase: string; revised: number; inserted: number; signals: number; highWater: string; lastRecheckAt: string | null; recheckFrom: string | null }>('sync.status');
    expect(after).toMatchObject({ mode: 'recheck', phase: 'done', revised: 1, inserted: 0, signals: 120, recheckResumable: false });
    expect(after.highWater).toBe(mark.highWater);
    expect(Date.now() - Date.parse(after.recheckFrom!)).toBeGreaterThanOrEqual(12 * 86_400_000);
    expect(after.lastRecheckAt).not.toBeNull();
    const revs = ws.reg().unsafeHandle().prepare('SELECT count(*) AS n FROM signal_revisions r JOIN signals s ON s.id = r.signal_id WHERE s.dd_signal_id = ?').get(old.id) as { n: number };
    expect(revs.n).toBe(2);
    // The minute timer starts the next re-check only a day after this one.
    await ws.sources().syncIfDue();
    expect(ws.sources().syncStatus().running).toBe(false);
    await expect(call('sync.recheck', { days: 31 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(call('settings.saveDatadog', { site: 'datadoghq.eu', recheckDays: -1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('with the daily re-check off, the minute timer starts none and Re-check by hand reads the default window', async () => {
    await connect();
    await call('settings.saveDatadog', { site: 'datadoghq.eu', baseUrl: dd.url, recheckDays: 0 });
    await call('sync.start');
    await ws.sources().whenSynced();
    await ws.sources().syncIfDue();
    expect(ws.sources().syncStatus().running).toBe(false);
    expect(await call('sync.recheck')).toMatchObject({ running: true, mode: 'recheck' });
    await ws.sources().whenSynced();
    const s = await call<{ phase: string; recheckFrom: string }>('sync.status');
    expect(s.phase).toBe('done');
    expect(Math.round((Date.now() - Date.parse(s.recheckFrom)) / 86_400_000)).toBe(7);
  });

  it('a Splunk failure is shown on the finding, nothing crashes, and a retry works', async () => {
    await connect();
    await call('settings.saveSplunk', { url: sp.url, savedSearch: 'No such search' });
    await call('sync.start');
    await ws.sources().whenSynced();
    const d = await call<FindingDetail>('finding.fetchContext', { id: 'FND-1' });
    expect(d.context).toMatchObject({ state: 'failed', error: { code: 'SOURCE_NOT_FOUND' } });
    expect(d.context.error!.message).toMatch(/No such search/);
    await call('settings.saveSplunk', { url: sp.url, savedSearch: 'Broken SPL' });
    const bad = await call<FindingDetail>('finding.fetchContext', { id: 'FND-1' });
    expect(bad.context).toMatchObject({ state: 'failed', error: { code: 'SOURCE_BAD_REQUEST' } });
    expect(bad.context.error!.message).toMatch(/Unable to parse the search/);
    await call('settings.saveSplunk', { url: sp.url, savedSearch: 'Vigil - prior activity' });
    const ok = await call<FindingDetail>('finding.fetchContext', { id: 'FND-1' });
    expect(ok.context.state).toBe('done');
  });

  it('writes made offline wait in the outbox and reach Datadog exactly once when it returns', async () => {
    await connect();
    await call('sync.start');
    await ws.sources().whenSynced();
    // The network goes away.
    dd.faults.always('*', { kind: 'reset', phase: 'before_headers', rst: true });
    const d = await call<FindingDetail>('finding.update', { id: 'FND-3', status: 'in_review', assignee: 'amara.okafor', reason: 'taking it' });
    expect(d.finding).toMatchObject({ status: 'in_review', assignee: 'amara.okafor' }); // the local change is there at once
    await ws.sources().kick();
    expect(ws.sources().getConnectivity()).toBe('offline');
    await call('finding.update', { id: 'FND-3', priority: 'P1', reason: 'customer data' });
    await call('finding.comment', { id: 'FND-3', text: 'Confirmed with the account owner.' });
    const waiting = await call<{ pending: number; lastError: string | null }>('outbox.status');
    expect(waiting.pending).toBeGreaterThanOrEqual(5);
    expect(waiting.lastError).toBeTruthy();
    expect(dd.state.casesCreated).toBe(0);
    // They survive a restart (lock and unlock reopen the register).
    await call('vault.lock');
    await call('vault.unlock', { passphrase: PASS });
    expect((await call<{ pending: number }>('outbox.status')).pending).toBe(waiting.pending);
    // The network returns; the probe notices and the outbox drains.
    dd.faults.clear();
    await ws.sources().probe();
    await ws.sources().kick(true);
    const after = await call<{ pending: number; failed: number }>('outbox.status');
    expect(after).toMatchObject({ pending: 0, failed: 0 });
    expect(dd.state.casesCreated).toBe(1);
    const detail = await call<FindingDetail>('finding.get', { id: 'FND-3' });
    expect(detail.datadogCase).not.toBeNull();
    const c = dd.state.cases.get(detail.datadogCase!.id)!;
    expect(c).toBeDefined();
    const delivered = (what: string) => dd.requestsTo(what).filter((r) => r.status !== null && r.status < 300);
    expect(delivered(`POST /api/v2/cases/${detail.datadogCase!.id}/priority`)).toHaveLength(1);
    // the assignee (no Datadog user known for amara.okafor) and the note, as comments
    expect(delivered(`POST /api/v2/cases/${detail.datadogCase!.id}/comment`)).toHaveLength(2);
    expect(delivered(`POST /api/v2/cases/${detail.datadogCase!.id}/status`)).toHaveLength(1);
    expect(delivered(`PATCH /api/v2/security_monitoring/signals/${detail.finding.dd_signal_id}/state`)).toHaveLength(1);
    // Draining again sends nothing new.
    await ws.sources().kick(true);
    expect(dd.state.casesCreated).toBe(1);
  });

  it('a case whose create answer was lost is found by its marker, not created twice', async () => {
    await connect();
    await call('sync.start');
    await ws.sources().whenSynced();
    dd.faults.next('POST /api/v2/cases', { kind: 'reset', phase: 'mid_body' }, 1);
    await call('finding.update', { id: 'FND-5', status: 'in_review' });
    await ws.sources().kick(true);
    await ws.sources().probe();
    await ws.sources().kick(true);
    expect((await call<{ pending: number; failed: number }>('outbox.status'))).toMatchObject({ pending: 0, failed: 0 });
    expect(dd.state.casesCreated).toBe(1);
  });

  it('a sign-off reaches Datadog through the outbox: the signal under review and a case comment naming key and signature', async () => {
    await connect();
    await call('sync.start');
    await ws.sources().whenSynced();
    await call('finding.update', { id: 'FND-4', status: 'in_review', reason: 'reviewing' });
    await ws.sources().kick(true);
    // This workstation's key and a lead-signed roster naming it.
    const lead = custody.generateAnalystKey();
    const me = await call<{ me: { handle: string; key_id: string; public_key: string } }>('custody.createKey', { handle: 'amara.okafor', name: 'Amara Okafor' });
    const notBefore = new Date(Date.now() - 86_400_000).toISOString();
    const roster = custody.createRoster({
      team: 'blue',
      version: 1,
      issued_at: notBefore,
      analysts: [
        { handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: notBefore }] },
        { handle: 'amara.okafor', name: 'Amara Okafor', role: 'analyst', keys: [{ key_id: me.me.key_id, public_key: me.me.public_key, not_before: notBefore }] },
      ],
    });
    await call('custody.importRoster', { text: custody.exportRoster(custody.signRoster(roster, 'diego.ramos', lead)), pinKeyId: lead.keyId });
    // Offline at the moment of signing: the sign-off is local at once, its copy waits.
    dd.faults.always('*', { kind: 'reset', phase: 'before_headers', rst: true });
    const receipt = await call<{ key_id: string; signature_sha256: string }>('finding.signOff', { id: 'FND-4' });
    expect((await call<{ pending: number }>('outbox.status')).pending).toBeGreaterThanOrEqual(2);
    dd.faults.clear();
    await ws.sources().probe();
    await ws.sources().kick(true);
    expect(await call<{ pending: number; failed: number }>('outbox.status')).toMatchObject({ pending: 0, failed: 0 });
    const detail = await call<FindingDetail>('finding.get', { id: 'FND-4' });
    const caseId = detail.datadogCase!.id;
    const delivered = (what: string) => dd.requestsTo(what).filter((r) => r.status !== null && r.status < 300);
    const comments = delivered(`POST /api/v2/cases/${caseId}/comment`).map((r) => JSON.stringify(r.body ?? ''));
    expect(comments.some((c) => c.includes(receipt.key_id) && c.includes(receipt.signature_sha256))).toBe(true);
    expect(delivered(`PATCH /api/v2/security_monitoring/signals/${detail.finding.dd_signal_id}/state`).length).toBeGreaterThanOrEqual(2);
  });
});
