// Signal sync through the production Datadog client against the loopback fake.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import type { Register } from '../../electron/core/register/register';
import { createDatadogClient } from '../../electron/core/sources/datadog/client';
import { SignalSync, type SyncProgress } from '../../electron/core/sources/datadog/signal-sync';
import { FAKE_API_KEY, FAKE_APP_KEY, startFakeDatadog, type FakeDatadog, type SearchSignal } from '../fakes/datadog/server';
import { newRegister, tempDir, TEST_PASSPHRASE } from '../support/workspace';

const root = resolve(import.meta.dirname, '../..');
let t: ReturnType<typeof tempDir>;
let reg: Register;
let dd: FakeDatadog;

function signals(n: number, seed = 5): SearchSignal[] {
  // Recent enough to fall inside the first sync's 30-day lookback.
  return generateDemoSignals({ count: n, seed, now: new Date(Date.now() - 60_000), spanDays: 20 }) as unknown as SearchSignal[];
}

function client(extra: Partial<Parameters<typeof createDatadogClient>[0]> = {}) {
  return createDatadogClient({ baseUrl: dd.url, apiKey: FAKE_API_KEY, appKey: FAKE_APP_KEY, sleep: async () => undefined, ...extra });
}

function count(sql: string): number {
  return (reg.unsafeHandle().prepare(sql).get() as { n: number }).n;
}

beforeEach(async () => {
  t = tempDir();
  reg = await newRegister(t.dir);
});
afterEach(async () => {
  if (!reg.closed) reg.close();
  await dd?.close();
  t.cleanup();
});

describe('signal sync', () => {
  it('pages through every signal once, then re-runs incrementally without duplicates', async () => {
    dd = await startFakeDatadog({ signals: signals(2_345) });
    const progress: SyncProgress[] = [];
    const first = await new SignalSync(reg, client(), { query: 'security:attack', pageSize: 1000, actor: 'sync', onProgress: (p) => progress.push(p) }).run();
    expect(first).toMatchObject({ phase: 'done', inserted: 2_345, signals: 2_345, pages: 4 }); // 1000, 1000, 345, then the empty page
    expect(progress.map((p) => p.pages)).toEqual([0, 1, 2, 3, 4]);
    expect(count('SELECT count(*) AS n FROM findings')).toBe(2_345);
    expect(reg.syncState('datadog')).toMatchObject({ status: 'idle', cursor: null });
    const searches = dd.requestsTo('POST /api/v2/security_monitoring/signals/search');
    expect(searches.map((r) => (r.body as { page?: { limit?: number } }).page?.limit)).toEqual([1000, 1000, 1000, 1000]);

    const again = await new SignalSync(reg, client(), { query: 'security:attack', pageSize: 1000, actor: 'sync' }).run();
    expect(again.inserted).toBe(0);
    expect(count('SELECT count(*) AS n FROM findings')).toBe(2_345);
    expect(count('SELECT count(DISTINCT dd_signal_id) AS n FROM signals')).toBe(2_345);
  });

  it('a signal that changed gets a new revision; a new one opens a finding', async () => {
    const seed = signals(50);
    dd = await startFakeDatadog({ signals: seed });
    await new SignalSync(reg, client(), { query: '*', pageSize: 20, actor: 'sync', overlapMs: 30 * 24 * 3600_000 }).run();
    const last = seed[seed.length - 1]!;
    dd.updateSignal(last.id, { message: '%%%\nUpdated by Datadog\n%%%' });
    dd.addSignals(...signals(1, 99));
    const r = await new SignalSync(reg, client(), { query: '*', pageSize: 20, actor: 'sync', overlapMs: 30 * 24 * 3600_000 }).run();
    expect(r).toMatchObject({ inserted: 1, revised: 1 });
    expect(count("SELECT count(*) AS n FROM signal_revisions")).toBe(52);
  });

  it('waits out a 429 honouring X-RateLimit-Reset, and reports the wait', async () => {
    dd = await startFakeDatadog({ signals: signals(300) });
    dd.faults.rateLimited('POST /api/v2/security_monitoring/signals/search', 2, 1);
    const waits: number[] = [];
    const sync = new SignalSync(reg, client({ onWait: (w) => { waits.push(w.waitMs); sync.noteWait(w.waitMs); } }), { query: '*', pageSize: 100, actor: 'sync' });
    const r = await sync.run();
    expect(waits).toEqual([2000]);
    expect(r).toMatchObject({ phase: 'done', inserted: 300, waits: 1, waitMs: 2000 });
  });

  it('quarantines a malformed signal while the rest of the page lands', async () => {
    const good = signals(30);
    const bad = structuredClone(good[5]!);
    bad.id = 'MALFORMED-0001';
    bad.attributes.status = 'apocalyptic';
    dd = await startFakeDatadog({ signals: [...good, bad] });
    const r = await new SignalSync(reg, client(), { query: '*', pageSize: 50, actor: 'sync' }).run();
    expect(r).toMatchObject({ inserted: 30, quarantined: 1 });
    const q = reg.unsafeHandle().prepare('SELECT dd_signal_id, reason FROM quarantine').all() as { dd_signal_id: string; reason: string }[];
    expect(q).toEqual([{ dd_signal_id: 'MALFORMED-0001', reason: expect.stringMatching(/severity "apocalyptic"/) }]);
  });

  it('a failure keeps the cursor; the next run resumes from the page that did not land', async () => {
    dd = await startFakeDatadog({ signals: signals(500) });
    // Third request fails for good (more 500s than the client retries).
    let calls = 0;
    dd.faults.next((req) => req.method === 'POST' && req.path.endsWith('/signals/search') && ++calls >= 3, { kind: 'status', status: 500 }, 20);
    await expect(new SignalSync(reg, client({ maxRetries: 2 }), { query: '*', pageSize: 100, actor: 'sync' }).run()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    const mid = reg.syncState('datadog');
    expect(mid).toMatchObject({ status: 'failed', pages: 2, lastErrorCode: 'SOURCE_UNAVAILABLE' });
    expect(mid.cursor).not.toBeNull();
    dd.faults.clear();
    const r = await new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'sync' }).run();
    expect(r.resumed).toBe(true);
    expect(count('SELECT count(*) AS n FROM findings')).toBe(500);
  });

  it('a signal triaged in Datadog long after it fired: the incremental sync cannot see it, the re-check revises it and leaves the high-water mark alone', async () => {
    const seed = signals(300);
    dd = await startFakeDatadog({ signals: seed });
    await new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'sync' }).run();
    const oldest = [...seed].sort((a, b) => Date.parse(String(a.attributes.timestamp)) - Date.parse(String(b.attributes.timestamp)))[0]!;
    expect(Date.now() - Date.parse(String(oldest.attributes.timestamp))).toBeGreaterThan(24 * 3600_000);
    // Another analyst archives it in Datadog, through the same API Vigil writes with.
    await client().setSignalState(oldest.id, 'archived', 'false_positive', 'benign scanner');
    const revisionsOf = () => (reg.unsafeHandle().prepare('SELECT count(*) AS n FROM signal_revisions r JOIN signals s ON s.id = r.signal_id WHERE s.dd_signal_id = ?').get(oldest.id) as { n: number }).n;

    const incremental = await new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'sync' }).run();
    expect(incremental).toMatchObject({ inserted: 0, revised: 0 });
    expect(revisionsOf()).toBe(1);
    const mark = reg.syncState('datadog').highWater;

    const now = Date.now();
    const re = await new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'recheck', recheck: { from: now - 30 * 24 * 3600_000, to: now } }).run();
    expect(re).toMatchObject({ phase: 'done', inserted: 0, revised: 1, unchanged: 299, signals: 300 });
    expect(revisionsOf()).toBe(2);
    const triage = reg.unsafeHandle().prepare('SELECT triage_state FROM signals WHERE dd_signal_id = ?').get(oldest.id) as { triage_state: string };
    expect(triage.triage_state).toBe('archived');
    // The incremental sync's window is untouched; the re-check keeps its own state.
    expect(reg.syncState('datadog').highWater).toBe(mark);
    expect(reg.syncState('datadog:recheck')).toMatchObject({ status: 'idle', cursor: null, windowFrom: now - 30 * 24 * 3600_000, windowTo: now });
    expect(count('SELECT count(*) AS n FROM findings')).toBe(300);
    expect(reg.verifyAudit().ok).toBe(true);
  });

  it('an interrupted re-check resumes its own window from the page that did not land', async () => {
    dd = await startFakeDatadog({ signals: signals(400) });
    await new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'sync' }).run();
    const now = Date.now();
    const window = { from: now - 30 * 24 * 3600_000, to: now };
    let calls = 0;
    dd.faults.next((req) => req.method === 'POST' && req.path.endsWith('/signals/search') && ++calls >= 3, { kind: 'status', status: 500 }, 20);
    await expect(new SignalSync(reg, client({ maxRetries: 2 }), { query: '*', pageSize: 100, actor: 'recheck', recheck: window }).run()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    const mid = reg.syncState('datadog:recheck');
    expect(mid).toMatchObject({ status: 'failed', pages: 2, windowFrom: window.from, windowTo: window.to });
    expect(mid.cursor).not.toBeNull();
    expect(reg.syncState('datadog')).toMatchObject({ status: 'idle', cursor: null });
    dd.faults.clear();
    // Asked later for a shorter window, the interrupted one finishes first.
    const r = await new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'recheck', recheck: { from: Date.now() - 86_400_000, to: Date.now() } }).run();
    expect(r).toMatchObject({ resumed: true, phase: 'done', pages: 5, inserted: 0 });
    expect(reg.syncState('datadog:recheck')).toMatchObject({ status: 'idle', cursor: null, windowFrom: window.from });
    await expect(new SignalSync(reg, client(), { query: '*', actor: 'recheck', recheck: { from: now, to: now - 1 } }).run()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('a resume whose saved cursor Datadog no longer accepts reads the window again from its start', async () => {
    dd = await startFakeDatadog({ signals: signals(350) });
    let calls = 0;
    dd.faults.next((req) => req.method === 'POST' && req.path.endsWith('/signals/search') && ++calls >= 3, { kind: 'status', status: 500 }, 20);
    await expect(new SignalSync(reg, client({ maxRetries: 2 }), { query: '*', pageSize: 100, actor: 'sync' }).run()).rejects.toMatchObject({ code: 'SOURCE_UNAVAILABLE' });
    expect(reg.syncState('datadog').cursor).not.toBeNull();
    dd.faults.clear();
    // The saved cursor has expired: the resume's first request, which carries it, is refused (400).
    dd.faults.next('POST /api/v2/security_monitoring/signals/search', { kind: 'status', status: 400, body: { errors: ['Invalid page cursor'] } }, 1);
    const progress: SyncProgress[] = [];
    const r = await new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'sync', onProgress: (p) => progress.push(p) }).run();
    expect(r).toMatchObject({ phase: 'done', resumed: true, pages: 5, signals: 350, inserted: 150, unchanged: 200 });
    expect(progress.some((p) => p.pages === 0)).toBe(true);
    expect(count('SELECT count(*) AS n FROM findings')).toBe(350);
    expect(reg.syncState('datadog')).toMatchObject({ status: 'idle', cursor: null });
    const searches = dd.requestsTo('POST /api/v2/security_monitoring/signals/search').map((q) => (q.body as { page?: { cursor?: string } }).page?.cursor ?? null);
    expect(searches.at(-6)).not.toBeNull(); // the refused resume
    expect(searches.at(-5)).toBeNull(); // the window again from its start
    // A request the server refuses for another reason still fails (no loop).
    dd.faults.always('POST /api/v2/security_monitoring/signals/search', { kind: 'status', status: 400, body: { errors: ['Invalid query'] } });
    await expect(new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'sync' }).run()).rejects.toMatchObject({ code: 'SOURCE_BAD_REQUEST' });
  });

  it('a sync killed with SIGKILL mid-run resumes; every signal is present exactly once', async () => {
    dd = await startFakeDatadog({ signals: signals(1_200) });
    dd.faults.always('POST /api/v2/security_monitoring/signals/search', { kind: 'delay', ms: 150, phase: 'headers' });
    const path = reg.path;
    reg.close();
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/sync-child.ts'), path, dd.url, '100', FAKE_API_KEY, FAKE_APP_KEY], {
      cwd: root,
      env: { ...process.env, VIGIL_PASSPHRASE: TEST_PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (/page 4 /.test(out)) {
          child.kill('SIGKILL');
          res();
        }
      });
      child.on('exit', () => rej(new Error(`child exited before it was killed: ${out} ${err}`)));
    });
    await new Promise((r) => child.once('exit', r));
    expect(out).not.toContain('done');
    dd.faults.clear();
    const { Register } = await import('../../electron/core/register/register');
    reg = await Register.open(path, { passphrase: TEST_PASSPHRASE });
    const before = count('SELECT count(*) AS n FROM findings');
    expect(before).toBeGreaterThanOrEqual(400);
    expect(before).toBeLessThan(1_200);
    const r = await new SignalSync(reg, client(), { query: '*', pageSize: 100, actor: 'sync' }).run();
    expect(r.resumed).toBe(true);
    expect(count('SELECT count(*) AS n FROM findings')).toBe(1_200);
    expect(count('SELECT count(DISTINCT dd_signal_id) AS n FROM findings')).toBe(1_200);
    expect(reg.verifyAudit().ok).toBe(true);
  });
});
