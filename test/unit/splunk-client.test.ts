// The Splunk client against the loopback fake: endpoint choice per version, the saved-search flow,
// polling, paging, result shapes, and every failure mapped to its stable error code.
import { afterEach, describe, expect, it } from 'vitest';
import { VigilError } from '../../shared/errors';
import { SplunkClient, type SplunkConfig } from '../../electron/core/sources/splunk';
import { startFakeSplunk, type FakeSplunk, type FakeSplunkOptions } from '../fakes/splunk/server';
import { generateSelfSigned, testCert, writePemFile } from '../fakes/splunk/cert';
import { BAD_SPL_MESSAGE, TEST_TOKEN } from '../fakes/splunk/seed';

/** Virtual time: sleeps return at once but advance the clock the job deadline is measured on. */
function virtualTime() {
  let t = 1_700_000_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      t += ms;
      await new Promise((r) => setImmediate(r));
      signal?.throwIfAborted();
    },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fake(opts?: FakeSplunkOptions): Promise<FakeSplunk> {
  const f = await startFakeSplunk(opts);
  cleanups.push(() => f.close());
  return f;
}

function client(f: FakeSplunk, over: Partial<SplunkConfig> = {}) {
  const clock = virtualTime();
  const c = new SplunkClient({ baseUrl: f.url, token: TEST_TOKEN, sleep: clock.sleep, now: clock.now, ...over });
  cleanups.push(() => c.close());
  return Object.assign(c, { clock });
}

async function failure(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected a failure');
}

const paths = (f: FakeSplunk) => f.requests.map((r) => `${r.method} ${r.path}`);

describe('search API by server version', () => {
  it('Splunk 9.1.2: v2 job endpoints, results by POST with form parameters', async () => {
    const f = await fake({ version: '9.1.2' });
    const c = client(f);
    const run = await c.runSavedSearch('Auth history', { args: { user: 'alice' } });

    expect(await c.serverInfo()).toMatchObject({ version: '9.1.2', serverName: 'fake-sh-1', searchApi: 'v2' });
    const jobReqs = f.requests.filter((r) => r.path.includes('/jobs'));
    expect(jobReqs.length).toBeGreaterThan(0);
    expect(jobReqs.every((r) => r.path.startsWith('/services/search/v2/jobs/'))).toBe(true);
    const results = f.requests.filter((r) => r.path.endsWith('/results'));
    expect(results.map((r) => r.method)).toEqual(results.map(() => 'POST'));
    expect(results[0]?.form).toMatchObject({ count: '1000', offset: '0' });
    expect(results[0]?.path).toBe(`/services/search/v2/jobs/${run.sid}/results`);
    // Every call: Bearer token and JSON output; every POST: a form body.
    expect(f.requests.every((r) => r.authorization === `Bearer ${TEST_TOKEN}` && r.query.output_mode === 'json')).toBe(true);
    expect(f.requests.filter((r) => r.method === 'POST').every((r) => r.contentType === 'application/x-www-form-urlencoded')).toBe(true);
  });

  it('Splunk 8.2.0: v1 job endpoints, results by GET with query parameters', async () => {
    const f = await fake({ version: '8.2.0' });
    const c = client(f);
    const run = await c.runSavedSearch('Auth history', { args: { user: 'carol' } });

    expect(run.rows.length).toBeGreaterThan(0);
    expect(paths(f).some((p) => p.includes('/v2/'))).toBe(false);
    const results = f.requests.filter((r) => r.path.endsWith('/results'));
    expect(results[0]).toMatchObject({ method: 'GET', path: `/services/search/jobs/${run.sid}/results` });
    expect(results[0]?.query).toMatchObject({ count: '1000', offset: '0', output_mode: 'json' });
  });

  it('asks server/info once per client and reuses the choice', async () => {
    const f = await fake();
    const c = client(f);
    await c.runSavedSearch('Auth history', { args: { user: 'carol' } });
    await c.runSavedSearch('Auth history', { args: { user: 'bob' } });
    expect(paths(f).filter((p) => p === 'GET /services/server/info')).toHaveLength(1);
  });
});

describe('saved searches', () => {
  it('dispatches in the entry’s own namespace with the 30-day window, args and no alert actions', async () => {
    const f = await fake();
    const c = client(f);
    const run = await c.runSavedSearch('Auth history', { args: { user: 'alice' } });

    const dispatch = f.requests.find((r) => r.path.endsWith('/dispatch'));
    // Shared at app level: addressed as nobody/<app>, name URL-encoded.
    expect(dispatch?.path).toBe('/servicesNS/nobody/search/saved/searches/Auth%20history/dispatch');
    expect(dispatch?.form).toEqual({
      'dispatch.earliest_time': '-30d',
      'dispatch.latest_time': 'now',
      'args.user': 'alice',
      trigger_actions: '0',
    });
    expect(run).toMatchObject({
      savedSearch: { name: 'Auth history', owner: 'admin', app: 'search' },
      spl: 'search index=auth user="$user$" | table _time user src_ip host action tags',
      args: { user: 'alice' },
      earliest: '-30d',
      latest: 'now',
    });
    expect(run.searchedFrom).toMatch(/^2024-05-31T12:00:00/);
    expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    // The rows are the ones the args selected.
    expect(run.rows.length).toBe(run.resultCount);
    expect(run.rows.every((r) => r.user === 'alice')).toBe(true);
    expect(f.state.jobs.get(run.sid)?.args).toEqual({ user: 'alice' });
  });

  it('addresses a private saved search under its owner, and honours a custom window', async () => {
    const f = await fake();
    const c = client(f);
    const run = await c.runSavedSearch('Host activity', { args: { host: 'vpn-gw' }, earliest: '-7d' });
    expect(f.requests.find((r) => r.path.endsWith('/dispatch'))?.path).toBe(
      '/servicesNS/analyst/security/saved/searches/Host%20activity/dispatch',
    );
    expect(run.fields).toEqual(['_time', 'host', 'user', 'src_ip', 'action']);
    expect(run.rows.every((r) => r.host === 'vpn-gw')).toBe(true);
    const month = await c.runSavedSearch('Host activity', { args: { host: 'vpn-gw' } });
    expect(month.resultCount).toBeGreaterThan(run.resultCount);
  });

  it('finds the exact entry and its ACL', async () => {
    const f = await fake();
    const s = await client(f).findSavedSearch('Source IP sightings');
    expect(s).toMatchObject({ owner: 'admin', app: 'security', sharing: 'global', disabled: false });
    const list = f.requests.find((r) => r.path === '/servicesNS/-/-/saved/searches');
    expect(list?.query).toMatchObject({ count: '0', search: 'name=Source IP sightings' });
  });

  it('unknown saved search → SOURCE_NOT_FOUND, also for another user’s private one', async () => {
    const f = await fake();
    const c = client(f);
    const e = await failure(c.runSavedSearch('No such search'));
    expect(e.code).toBe('SOURCE_NOT_FOUND');
    expect(e.message).toBe(`Saved search "No such search" was not found or is not shared with this token's user`);
    expect((await failure(c.findSavedSearch('Bob private'))).code).toBe('SOURCE_NOT_FOUND');
    expect(paths(f).some((p) => p.endsWith('/dispatch'))).toBe(false);
  });

  it('a dispatch outside the entry’s namespace is a 404 from Splunk → SOURCE_NOT_FOUND', async () => {
    const f = await fake();
    const c = client(f);
    const s = await c.findSavedSearch('Auth history');
    const e = await failure(c.dispatchSavedSearch({ ...s, app: 'other', sharing: 'user' }));
    expect(e.code).toBe('SOURCE_NOT_FOUND');
  });

  it('bad SPL → the job FAILS → SOURCE_BAD_REQUEST with Splunk’s text', async () => {
    const f = await fake();
    const e = await failure(client(f).runSavedSearch('Broken SPL'));
    expect(e.code).toBe('SOURCE_BAD_REQUEST');
    expect(e.message).toBe(BAD_SPL_MESSAGE);
  });

  it('refuses arg values that could rewrite the SPL, before dispatching', async () => {
    const f = await fake();
    const c = client(f);
    const e = await failure(c.runSavedSearch('Auth history', { args: { user: 'x" OR user="*' } }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(paths(f).some((p) => p.endsWith('/dispatch'))).toBe(false);
  });
});

describe('jobs and results', () => {
  it('polls through 204, QUEUED and RUNNING to DONE with a growing interval', async () => {
    const f = await fake();
    f.state.queuedPolls = 2;
    f.state.runningPolls = 3;
    const c = client(f, { pollIntervalMs: 400, maxPollIntervalMs: 1000 });
    const sid = await c.dispatchSavedSearch('Auth history', { args: { user: 'carol' } });
    const job = await c.waitForJob(sid);

    expect(job).toMatchObject({ sid, dispatchState: 'DONE', isDone: true });
    expect(job.resultCount).toBeGreaterThan(0);
    expect(job.runDuration).toBeGreaterThan(0);
    // 1 × 204, 2 × QUEUED, 3 × RUNNING, then DONE.
    expect(f.requests.filter((r) => r.method === 'GET' && r.path.endsWith(sid))).toHaveLength(7);
    expect(c.clock.sleeps).toEqual([400, 600, 900, 1000, 1000, 1000]);
  });

  it('reads results in pages until resultCount', async () => {
    const f = await fake();
    const c = client(f);
    const run = await c.runSavedSearch('Auth history', { args: { user: 'alice' }, count: 100 });
    const offsets = f.requests.filter((r) => r.path.endsWith('/results')).map((r) => Number(r.form.offset));

    expect(run.resultCount).toBeGreaterThan(300);
    expect(offsets).toEqual(Array.from({ length: Math.ceil(run.resultCount / 100) }, (_, i) => i * 100));
    expect(run.rows).toHaveLength(run.resultCount);
    expect(new Set(run.rows.map((r) => `${String(r._time)}|${String(r.host)}`)).size).toBe(run.rows.length);
    expect(run.fields).toEqual(['_time', 'user', 'src_ip', 'host', 'action', 'tags']);
    expect(run.truncated).toBe(false);
    // Multivalue fields stay arrays; absent fields stay absent.
    expect(run.rows.some((r) => Array.isArray(r.tags))).toBe(true);
    expect(run.rows.some((r) => !('src_ip' in r))).toBe(true);
  });

  it('stops at maxRows and says the result is truncated', async () => {
    const f = await fake();
    const run = await client(f).runSavedSearch('Auth history', { args: { user: 'alice' }, count: 100, maxRows: 250 });
    expect(run.rows).toHaveLength(250);
    expect(run.truncated).toBe(true);
    expect(f.requests.filter((r) => r.path.endsWith('/results')).map((r) => r.form.count)).toEqual(['100', '100', '50']);
  });

  it('Splunk 5 results shape: no `fields`, columns derived from rows, DEBUG messages dropped', async () => {
    const f = await fake({ version: '5.0.0' });
    const run = await client(f).runSavedSearch('Auth history', { args: { user: 'alice' }, count: 200 });
    expect(run.resultCount).toBeGreaterThan(200);
    expect(run.rows).toHaveLength(run.resultCount);
    expect(new Set(run.fields)).toEqual(new Set(['_time', 'user', 'src_ip', 'host', 'action', 'tags']));
    expect(run.messages).toEqual([]);
    expect(f.requests.filter((r) => r.path.endsWith('/results')).every((r) => r.method === 'GET')).toBe(true);
  });

  it.each(['9.1.2', '5.0.0'] as const)('empty result set on %s (empty `results` or an empty body)', async (version) => {
    const f = await fake({ version });
    const c = client(f);
    const run = await c.runSavedSearch('Auth history', { args: { user: 'nobody-here' } });
    expect(run).toMatchObject({ resultCount: 0, rows: [], fields: [], truncated: false });
    // Even when asked for rows that are not there, the empty page parses.
    const more = await c.results(run.sid, { resultCount: 5 });
    expect(more.rows).toEqual([]);
  });

  it('cancel of a job that is already gone is fine', async () => {
    const f = await fake();
    await expect(client(f).cancel('no-such-sid')).resolves.toBeUndefined();
  });
});

describe('failures', () => {
  it('expired token → SOURCE_AUTH_FAILED without the token anywhere', async () => {
    const f = await fake();
    f.faults.add('expired-token');
    const e = await failure(client(f).runSavedSearch('Auth history', { args: { user: 'alice' } }));
    expect(e.code).toBe('SOURCE_AUTH_FAILED');
    expect(e.message).toBe('The Splunk token was rejected (expired or revoked?)');
    expect(JSON.stringify(e.toJSON())).not.toContain(TEST_TOKEN);
    expect(String(e.stack)).not.toContain(TEST_TOKEN);
  });

  it('a token the server does not know → SOURCE_AUTH_FAILED', async () => {
    const f = await fake();
    const e = await failure(client(f, { token: 'revoked-token-value' }).serverInfo());
    expect(e.code).toBe('SOURCE_AUTH_FAILED');
    expect(e.message).not.toContain('revoked-token-value');
  });

  it('503 twice, then success: retried with backoff', async () => {
    const f = await fake();
    f.faults.add('unavailable', { times: 2 });
    const c = client(f);
    const run = await c.runSavedSearch('Auth history', { args: { user: 'carol' } });
    expect(run.rows.length).toBeGreaterThan(0);
    expect(paths(f).slice(0, 3)).toEqual(Array(3).fill('GET /services/server/info'));
    expect(c.clock.sleeps.slice(0, 2)).toEqual([500, 1000]);
  });

  it('persistent 503 → SOURCE_UNAVAILABLE with Splunk’s text', async () => {
    const f = await fake();
    f.faults.add('unavailable');
    const e = await failure(client(f).serverInfo());
    expect(e.code).toBe('SOURCE_UNAVAILABLE');
    expect(e.message).toContain('Failed to proxy call to member');
    expect(e.message).toContain('gave up after 4 attempts');
    expect(f.requests).toHaveLength(4);
  });

  it('job deadline → SOURCE_TIMEOUT, and the job is cancelled', async () => {
    const f = await fake();
    f.state.runningPolls = Infinity;
    const c = client(f, { maxWaitMs: 20_000 });
    const e = await failure(c.runSavedSearch('Auth history', { args: { user: 'alice' } }));
    expect(e.code).toBe('SOURCE_TIMEOUT');
    const sid = f.requests.find((r) => r.path.endsWith('/control'))?.path.split('/').at(-2);
    expect(sid).toBeDefined();
    expect(f.state.cancelled).toEqual([sid]);
    expect(f.requests.find((r) => r.path.endsWith('/control'))?.form).toEqual({ action: 'cancel' });
    expect(e.message).toContain('RUNNING');
  });

  it('slow answer past timeoutMs → SOURCE_TIMEOUT', async () => {
    const f = await fake();
    f.faults.add('slow', { delayMs: 5_000 });
    const started = Date.now();
    const e = await failure(client(f, { timeoutMs: 150 }).serverInfo());
    expect(e.code).toBe('SOURCE_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('malformed JSON → SOURCE_BAD_RESPONSE', async () => {
    const f = await fake();
    f.faults.add('malformed-json');
    const e = await failure(client(f).serverInfo());
    expect(e.code).toBe('SOURCE_BAD_RESPONSE');
    expect(e.message).toContain('malformed JSON');
  });

  it('an HTML page (Splunk Web, not the management port) → SOURCE_BAD_RESPONSE with a hint', async () => {
    const f = await fake();
    f.faults.add('html', { path: '/saved/searches' });
    const e = await failure(client(f).findSavedSearch('Auth history'));
    expect(e.code).toBe('SOURCE_BAD_RESPONSE');
    expect(e.message).toContain('8089');
  });

  it('a reset connection is retried for reads', async () => {
    const f = await fake();
    f.faults.add('reset', { times: 1 });
    await expect(client(f).serverInfo()).resolves.toMatchObject({ version: '9.1.2' });
    expect(f.requests).toHaveLength(2);
  });

  it('a connection that keeps resetting → SOURCE_UNREACHABLE', async () => {
    const f = await fake();
    f.faults.add('reset');
    expect((await failure(client(f).serverInfo())).code).toBe('SOURCE_UNREACHABLE');
  });

  it('a reset during dispatch is not replayed (it may have started a job)', async () => {
    const f = await fake();
    f.faults.add('reset', { path: '/dispatch' });
    const e = await failure(client(f).runSavedSearch('Auth history', { args: { user: 'alice' } }));
    expect(e.code).toBe('SOURCE_UNREACHABLE');
    expect(paths(f).filter((p) => p.endsWith('/dispatch'))).toHaveLength(1);
  });

  it('nothing listening → SOURCE_UNREACHABLE', async () => {
    const f = await startFakeSplunk();
    await f.close();
    const e = await failure(client(f, { maxRetries: 0 }).serverInfo());
    expect(e.code).toBe('SOURCE_UNREACHABLE');
    expect(e.message).toContain('ECONNREFUSED');
  });
});

describe('cancellation', () => {
  it('abort while polling → CANCELLED, and the job is cancelled on Splunk', async () => {
    const f = await fake();
    f.state.runningPolls = Infinity;
    const ac = new AbortController();
    const { sleep } = virtualTime();
    let n = 0;
    const c = client(f, {
      // The analyst gives up while the job is still running.
      sleep: async (ms, signal) => {
        if (++n === 4) ac.abort();
        await sleep(ms, signal);
      },
    });
    const e = await failure(c.runSavedSearch('Auth history', { args: { user: 'alice' }, signal: ac.signal }));
    expect(e.code).toBe('CANCELLED');
    expect(f.state.cancelled).toHaveLength(1);
  });

  it('abort during a slow request → CANCELLED at once', async () => {
    const f = await fake();
    f.faults.add('slow', { delayMs: 10_000 });
    const ac = new AbortController();
    const c = client(f, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const started = Date.now();
    const e = await failure(c.serverInfo());
    expect(e.code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an already aborted client sends nothing', async () => {
    const f = await fake();
    const e = await failure(client(f, { signal: AbortSignal.abort() }).serverInfo());
    expect(e.code).toBe('CANCELLED');
    expect(f.requests).toHaveLength(0);
  });
});

describe('TLS (always verified)', () => {
  const cert = testCert();

  it('a self-signed server without a CA file → SOURCE_TLS with a hint to set the CA file', async () => {
    const f = await fake({ tls: cert });
    const e = await failure(client(f).serverInfo());
    expect(e.code).toBe('SOURCE_TLS');
    expect(e.message).toMatch(/DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    expect(e.message).toContain('CA file');
    expect(f.requests).toHaveLength(0);
  });

  it(`with the CA file it works end to end (${cert.source} certificate)`, async () => {
    const f = await fake({ tls: cert });
    const ca = writePemFile(cert.cert);
    cleanups.push(ca.remove);
    const run = await client(f, { caFile: ca.path }).runSavedSearch('Auth history', { args: { user: 'carol' } });
    expect(run.rows.length).toBeGreaterThan(0);
  });

  // A second certificate, or one for another name, needs openssl; the fixture is a single cert.
  const openssl = cert.source === 'openssl';

  it.skipIf(!openssl)('a CA file for a different certificate still refuses the server', async () => {
    const other = generateSelfSigned();
    if (!other) throw new Error('openssl failed');
    const f = await fake({ tls: cert });
    const ca = writePemFile(other.cert);
    cleanups.push(ca.remove);
    expect((await failure(client(f, { caFile: ca.path }).serverInfo())).code).toBe('SOURCE_TLS');
  });

  it.skipIf(!openssl)('a certificate for another host name → SOURCE_TLS', async () => {
    const wrong = generateSelfSigned('DNS:splunk.example.com');
    if (!wrong) throw new Error('openssl failed');
    const f = await fake({ tls: wrong });
    const ca = writePemFile(wrong.cert);
    cleanups.push(ca.remove);
    const e = await failure(client(f, { caFile: ca.path }).serverInfo());
    expect(e.code).toBe('SOURCE_TLS');
    expect(e.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('a CA file that is missing or not PEM → SOURCE_NOT_CONFIGURED', async () => {
    const f = await fake({ tls: cert });
    expect((await failure(client(f, { caFile: '/nonexistent/ca.pem' }).serverInfo())).code).toBe('SOURCE_NOT_CONFIGURED');
    const junk = writePemFile('not a certificate');
    cleanups.push(junk.remove);
    const e = await failure(client(f, { caFile: junk.path }).serverInfo());
    expect(e.code).toBe('SOURCE_NOT_CONFIGURED');
    expect(e.message).toContain('PEM');
  });
});

describe('settings and testConnection', () => {
  it('refuses settings that cannot work', () => {
    const bad = (c: Partial<SplunkConfig>) => () => new SplunkClient({ baseUrl: 'https://splunk.example.com:8089', token: 't', ...c });
    expect(bad({ token: '' })).toThrow(expect.objectContaining({ code: 'SOURCE_NOT_CONFIGURED' }));
    expect(bad({ baseUrl: 'http://splunk.example.com:8089' })).toThrow(/https/);
    expect(bad({ baseUrl: 'splunk:8089/x y' })).toThrow(expect.objectContaining({ code: 'SOURCE_NOT_CONFIGURED' }));
    expect(bad({ baseUrl: 'https://admin:pw@splunk.example.com:8089' })).toThrow(/credentials/);
    expect(bad({})).not.toThrow();
  });

  it('all green, including the saved search', async () => {
    const f = await fake();
    const report = await client(f).testConnection({ savedSearch: 'Auth history' });
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['reachable', true],
      ['tls', true],
      ['token', true],
      ['saved_search', true],
    ]);
    expect(report.server?.searchApi).toBe('v2');
  });

  it('points at the token when it is rejected, and skips the saved-search check', async () => {
    const f = await fake();
    f.faults.add('expired-token');
    const report = await client(f).testConnection({ savedSearch: 'Auth history' });
    expect(report.ok).toBe(false);
    expect(report.checks).toEqual([
      { name: 'reachable', ok: true, message: expect.any(String) },
      { name: 'tls', ok: true, message: expect.any(String) },
      { name: 'token', ok: false, code: 'SOURCE_AUTH_FAILED', message: 'The Splunk token was rejected (expired or revoked?)' },
      { name: 'saved_search', ok: false, message: expect.stringContaining('Not checked') },
    ]);
  });

  it('points at TLS for an unknown certificate', async () => {
    const f = await fake({ tls: testCert() });
    const report = await client(f).testConnection();
    expect(report.checks.map((c) => [c.name, c.ok, c.code])).toEqual([
      ['reachable', true, undefined],
      ['tls', false, 'SOURCE_TLS'],
      ['token', false, undefined],
    ]);
  });

  it('points at reachability when nothing answers, and at the saved search when it is missing', async () => {
    const dead = await startFakeSplunk();
    await dead.close();
    const down = await client(dead, { maxRetries: 0 }).testConnection();
    expect(down.checks[0]).toMatchObject({ name: 'reachable', ok: false, code: 'SOURCE_UNREACHABLE' });

    const f = await fake();
    const missing = await client(f).testConnection({ savedSearch: 'Nope' });
    expect(missing.checks.at(-1)).toMatchObject({ name: 'saved_search', ok: false, code: 'SOURCE_NOT_FOUND' });
  });
});
