// The production Datadog client against the fake Datadog: paging, retries, error mapping, writes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VigilError } from '../../shared/errors';
import { createDatadogClient, type DatadogClientConfig, type WaitInfo } from '../../electron/core/sources/datadog';
import { example, recordedPage1Signals, recordedPaginationSignals } from '../fakes/datadog/fixtures';
import { FAKE_API_KEY, FAKE_APP_KEY, type FakeDatadog, RECORDED_PROJECT_ID, RECORDED_WORKFLOW_ID, startFakeDatadog } from '../fakes/datadog/server';

const SEARCH = '/api/v2/security_monitoring/signals/search';
const WINDOW = { from: new Date('2022-04-12T13:00:00Z'), to: new Date('2022-04-12T14:00:00Z') };
const SIGNAL_ID = 'AQAAAYAeDXzzSJUmQwAAAABBWUFlRFh6ekFBQnpOV2hGMTdVRzF3QUE';

let dd: FakeDatadog;
let sleeps: number[];
let waits: WaitInfo[];

beforeEach(async () => {
  dd = await startFakeDatadog({ signals: recordedPaginationSignals() });
  sleeps = [];
  waits = [];
});
afterEach(async () => {
  await dd.close();
});

/** A client on the fake whose waits are recorded and instant. */
function client(over: Partial<DatadogClientConfig> = {}) {
  return createDatadogClient({
    baseUrl: dd.url,
    apiKey: FAKE_API_KEY,
    appKey: FAKE_APP_KEY,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw new Error('aborted');
    },
    onWait: (w) => waits.push(w),
    ...over,
  });
}

async function failure(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected a VigilError');
}

function search(c: ReturnType<typeof client>, cursor: string | null = null) {
  return c.searchSignalsPage({ query: 'security:attack status:high', ...WINDOW, limit: 2, sort: 'timestamp', cursor });
}

function expectNoSecrets(e: VigilError, ...secrets: string[]) {
  const surfaces = [e.message, String(e), JSON.stringify(e), e.stack ?? '', String((e as { cause?: unknown }).cause ?? '')];
  for (const s of secrets) for (const text of surfaces) expect(text).not.toContain(s);
}

describe('signal search paging', () => {
  it('walks the recorded three pages: 2 signals, 1 signal, then an empty page, re-sending the same filter', async () => {
    const c = client();
    const sizes: number[] = [];
    const all: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page = await search(c, cursor);
      sizes.push(page.signals.length);
      all.push(...page.signals);
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 1, 0]);

    const bodies = dd.requestsTo(`POST ${SEARCH}`).map((r) => r.body as { page: { cursor?: string } });
    expect(bodies).toHaveLength(3);
    // The cursors the client echoes back are byte-for-byte the recorded ones.
    expect(bodies[1]!.page.cursor).toBe(example<{ page: { cursor: string } }>('signals-search.page2.request.json').page.cursor);
    expect(bodies[2]!.page.cursor).toBe(example<{ page: { cursor: string } }>('signals-search.page3-last.request.json').page.cursor);
    // Same filter and sort on every page; the official client drops milliseconds from dates.
    for (const b of bodies) {
      expect(b).toMatchObject({
        filter: { from: '2022-04-12T13:00:00Z', to: '2022-04-12T14:00:00Z', query: 'security:attack status:high' },
        page: { limit: 2 },
        sort: 'timestamp',
      });
    }
    // The first page's meta is the recorded one.
    const recorded = example<{ meta: unknown }>('signals-search.page1.response.json');
    const first = await search(c);
    expect(first.nextCursor).toBe((recorded.meta as { page: { after: string } }).page.after);
    expect(all).toHaveLength(3);
  });

  it('returns signals as the raw JSON received, not the client models', async () => {
    const page = await search(client());
    expect(page.signals).toEqual(recordedPage1Signals());
    const s = page.signals[0] as { attributes: Record<string, unknown> };
    expect(typeof s.attributes['timestamp']).toBe('string');
    expect(s.attributes['status']).toBe('high'); // the model would hide this in additionalProperties
    expect(s.attributes).not.toHaveProperty('additionalProperties');
    expect(page.rateLimit).toMatchObject({ name: 'security_analytics', limit: 1000, periodSec: 10 });
  });

  it('stops when a page has data but no meta.page.after', async () => {
    dd.faults.next(SEARCH, { kind: 'status', status: 200, body: { data: recordedPage1Signals() } });
    const page = await search(client());
    expect(page.signals).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it('stops on an empty page even if it carries a cursor', async () => {
    dd.faults.next(SEARCH, { kind: 'status', status: 200, body: { data: [], meta: { page: { after: 'eyJhZnRlciI6IngifQ' } } } });
    expect((await search(client())).nextCursor).toBeNull();
  });

  it('widens a sub-second window to whole seconds rather than losing its edges', async () => {
    await client().searchSignalsPage({
      query: '*',
      from: new Date('2022-04-12T13:54:02.099Z'),
      to: new Date('2022-04-12T13:54:02.513Z'),
      limit: 10,
      sort: '-timestamp',
    });
    expect(dd.requestsTo(`POST ${SEARCH}`)[0]!.body).toMatchObject({ filter: { from: '2022-04-12T13:54:02Z', to: '2022-04-12T13:54:03Z' } });
  });

  it('refuses a page size above 1000 before calling Datadog', async () => {
    const e = await failure(client().searchSignalsPage({ query: '*', ...WINDOW, limit: 1001, sort: 'timestamp' }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(dd.requests).toHaveLength(0);
  });
});

describe('retries', () => {
  it('waits X-RateLimit-Reset seconds after a 429, reports it, then succeeds', async () => {
    dd.faults.rateLimited(SEARCH, 2);
    const page = await search(client());
    expect(page.signals).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
    expect(waits).toEqual([{ reason: 'rate_limited', waitMs: 2000, attempt: 1, operation: 'search signals' }]);
    expect(dd.requestsTo(`POST ${SEARCH}`).map((r) => r.status)).toEqual([429, 200]);
  });

  it('caps a single wait at maxWaitMs', async () => {
    dd.faults.rateLimited(SEARCH, 120);
    await search(client({ maxWaitMs: 5_000 }));
    expect(sleeps).toEqual([5_000]);
  });

  it('gives up with SOURCE_RATE_LIMITED once the retry cap is reached', async () => {
    dd.faults.always(SEARCH, { kind: 'rate_limit', resetSeconds: 1, body: true });
    const e = await failure(search(client({ maxRetries: 3 })));
    expect(e.code).toBe('SOURCE_RATE_LIMITED');
    expect(e.message).toContain('security_analytics');
    expect(dd.requestsTo(`POST ${SEARCH}`)).toHaveLength(4);
    expect(sleeps).toEqual([1000, 1000, 1000]);
  });

  it('retries 500 twice with growing jittered backoff, then succeeds', async () => {
    dd.faults.serverError(SEARCH, 500, 2);
    const page = await search(client());
    expect(page.signals).toHaveLength(2);
    expect(waits.map((w) => w.reason)).toEqual(['server_error', 'server_error']);
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[0]).toBeLessThanOrEqual(1000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[1]).toBeLessThanOrEqual(2000);
  });

  it('maps an HTML 502 that never clears to SOURCE_UNAVAILABLE, without the HTML', async () => {
    dd.faults.always(SEARCH, { kind: 'html', status: 502 });
    const e = await failure(search(client({ maxRetries: 2 })));
    expect(e.code).toBe('SOURCE_UNAVAILABLE');
    expect(e.message).toContain('502');
    expect(e.message).not.toMatch(/<|nginx|Bad Gateway/);
    expect(dd.requestsTo(`POST ${SEARCH}`)).toHaveLength(3);
  });

  it('retries a connection reset, and reports SOURCE_UNREACHABLE if it persists', async () => {
    dd.faults.next(SEARCH, { kind: 'reset' }, 1).next(SEARCH, { kind: 'reset', phase: 'mid_body', rst: true }, 1);
    expect((await search(client())).signals).toHaveLength(2);
    expect(waits.map((w) => w.reason)).toEqual(['network', 'network']);

    dd.faults.always(SEARCH, { kind: 'reset', rst: true });
    const e = await failure(search(client({ maxRetries: 2 })));
    expect(e.code).toBe('SOURCE_UNREACHABLE');
    expect(e.message).toMatch(/ECONNRESET|closed/);
  });

  it('treats malformed JSON in a 200 as SOURCE_BAD_RESPONSE and does not retry it', async () => {
    dd.faults.next(SEARCH, { kind: 'malformed_json' });
    const e = await failure(search(client()));
    expect(e.code).toBe('SOURCE_BAD_RESPONSE');
    expect(dd.requestsTo(`POST ${SEARCH}`)).toHaveLength(1);
  });

  it('treats an HTML page with status 200 as SOURCE_BAD_RESPONSE', async () => {
    dd.faults.next(SEARCH, { kind: 'status', status: 200, contentType: 'text/html', body: '<html><body>Sign in to the Wi-Fi</body></html>' });
    const e = await failure(search(client()));
    expect(e.code).toBe('SOURCE_BAD_RESPONSE');
    expect(e.message).toContain('HTML');
    expect(e.message).not.toContain('Wi-Fi');
  });

  it('times out a slow answer with SOURCE_TIMEOUT (headers or body)', async () => {
    dd.faults.next(SEARCH, { kind: 'delay', ms: 2_000 });
    const e = await failure(search(client({ timeoutMs: 100 })));
    expect(e.code).toBe('SOURCE_TIMEOUT');
    dd.faults.next(SEARCH, { kind: 'delay', ms: 2_000, phase: 'body' });
    expect((await failure(search(client({ timeoutMs: 100 })))).code).toBe('SOURCE_TIMEOUT');
  });

  it('reports SOURCE_UNREACHABLE when nothing listens', async () => {
    const url = dd.url;
    await dd.close();
    const e = await failure(createDatadogClient({ baseUrl: url, apiKey: FAKE_API_KEY, appKey: FAKE_APP_KEY, maxRetries: 1, sleep: async () => {} }).getSignal(SIGNAL_ID));
    expect(e.code).toBe('SOURCE_UNREACHABLE');
    expect(e.message).toContain('ECONNREFUSED');
    dd = await startFakeDatadog();
  });
});

describe('cancellation', () => {
  it('an AbortSignal stops a request in flight with CANCELLED', async () => {
    dd.faults.next(SEARCH, { kind: 'delay', ms: 5_000 });
    const ac = new AbortController();
    const p = client({ signal: ac.signal }).searchSignalsPage({ query: '*', ...WINDOW, limit: 2, sort: 'timestamp' });
    setTimeout(() => ac.abort(), 50);
    const started = Date.now();
    expect((await failure(p)).code).toBe('CANCELLED');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a per-call signal cuts a rate-limit wait short', async () => {
    dd.faults.rateLimited(SEARCH, 30);
    const ac = new AbortController();
    const c = createDatadogClient({ baseUrl: dd.url, apiKey: FAKE_API_KEY, appKey: FAKE_APP_KEY, onWait: () => setTimeout(() => ac.abort(), 20) });
    const e = await failure(c.searchSignalsPage({ query: '*', ...WINDOW, limit: 2, sort: 'timestamp' }, { signal: ac.signal }));
    expect(e.code).toBe('CANCELLED');
  });
});

describe('credentials and permissions', () => {
  const BAD_KEY = 'badapikey0123456789abcdef01234567';

  it('a wrong API key is SOURCE_AUTH_FAILED naming the site, and the key appears nowhere', async () => {
    const c = client({ site: 'datadoghq.eu', apiKey: BAD_KEY });
    const v = await c.validate();
    expect(v).toEqual({
      ok: false,
      code: 'SOURCE_AUTH_FAILED',
      message: 'The API key was rejected by datadoghq.eu. Check the key, and that it belongs to this site.',
    });
    // On a v2 call Datadog only says 403; the client asks /validate which key is at fault.
    const e = await failure(search(c));
    expect(e.code).toBe('SOURCE_AUTH_FAILED');
    expectNoSecrets(e, BAD_KEY, FAKE_APP_KEY);
    expect(dd.requestsTo('GET /api/v1/validate').every((r) => r.hasApiKey && !r.hasAppKey)).toBe(true);
  });

  it('a valid API key without the read permission is SOURCE_FORBIDDEN naming security_monitoring_signals_read', async () => {
    await dd.close();
    dd = await startFakeDatadog({ signals: recordedPaginationSignals(), deniedPermissions: ['security_monitoring_signals_read'] });
    const e = await failure(search(client()));
    expect(e.code).toBe('SOURCE_FORBIDDEN');
    expect(e.message).toContain('security_monitoring_signals_read');
    expectNoSecrets(e, FAKE_API_KEY, FAKE_APP_KEY);
  });

  it('a wrong application key is SOURCE_FORBIDDEN too (Datadog cannot tell them apart)', async () => {
    const e = await failure(client({ appKey: 'wrongappkey0123456789abcdef0123456789ab' }).setSignalState(SIGNAL_ID, 'open'));
    expect(e.code).toBe('SOURCE_FORBIDDEN');
    expect(e.message).toContain('security_monitoring_signals_write');
    expectNoSecrets(e, FAKE_API_KEY, 'wrongappkey0123456789abcdef0123456789ab');
  });

  it('carries the server detail of a JSON:API 400 into SOURCE_BAD_REQUEST', async () => {
    const c = client();
    const { id } = await c.createCase({ title: 't', description: '', priority: 'P4', projectId: RECORDED_PROJECT_ID, signalId: SIGNAL_ID });
    dd.faults.next(`POST /api/v2/cases/${id}/status`, { kind: 'status', status: 400, body: example('case-status.400.response.json'), contentType: 'application/vnd.api+json' });
    const e = await failure(c.updateCaseStatus(id, 'CLOSED'));
    expect(e.code).toBe('SOURCE_BAD_REQUEST');
    expect(e.message).toContain('invalid status OPENED. Must be one of NOT_STARTED');
  });

  it('never lets a key into a message, even when the server echoes it', async () => {
    dd.faults.next(SEARCH, { kind: 'status', status: 400, body: { errors: [`bad key ${FAKE_API_KEY} and ${FAKE_APP_KEY}`] } });
    const e = await failure(search(client()));
    expect(e.code).toBe('SOURCE_BAD_REQUEST');
    expect(e.message).toContain('[redacted]');
    expectNoSecrets(e, FAKE_API_KEY, FAKE_APP_KEY);
  });

  it('does not follow a redirect, so the keys never travel to another host', async () => {
    const elsewhere = await startFakeDatadog();
    try {
      dd.faults.next(SEARCH, { kind: 'status', status: 307, headers: { location: `${elsewhere.url}${SEARCH}` }, body: '' });
      const e = await failure(search(client()));
      expect(e.code).toBe('SOURCE_BAD_RESPONSE');
      expect(e.message).toContain('redirect');
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('testConnection reports each check', async () => {
    expect(await client({ site: 'datadoghq.eu' }).testConnection()).toEqual({
      ok: true,
      site: 'datadoghq.eu',
      checks: [
        { name: 'api_key', ok: true, message: 'The API key is valid for datadoghq.eu.' },
        { name: 'app_key', ok: true, message: 'The application key is accepted.' },
        { name: 'signals_read', ok: true, message: 'Security signals can be read.' },
      ],
    });
    const r = await client({ appKey: 'wrongappkey0123456789abcdef0123456789ab' }).testConnection();
    expect(r.ok).toBe(false);
    expect(r.checks.map((x) => [x.name, x.ok, x.code])).toEqual([
      ['api_key', true, undefined],
      ['app_key', false, 'SOURCE_FORBIDDEN'],
      ['signals_read', false, 'SOURCE_FORBIDDEN'],
    ]);
    const limited = await client({ appKey: '' }).testConnection();
    expect(limited.checks[1]).toMatchObject({ name: 'app_key', ok: false, code: 'SOURCE_NOT_CONFIGURED' });
  });

  it('testConnection can tell a key from another site (SOURCE_WRONG_SITE)', async () => {
    const us = await startFakeDatadog({ apiKey: 'uskey0123456789abcdef0123456789ab' });
    try {
      dd.simulateWrongSite('uskey0123456789abcdef0123456789ab');
      const c = client({
        site: 'https://app.datadoghq.eu/',
        apiKey: 'uskey0123456789abcdef0123456789ab',
        siteBaseUrl: (site) => (site === 'datadoghq.com' ? us.url : 'http://127.0.0.1:9'),
      });
      const r = await c.testConnection({ probeOtherSites: true });
      expect(r.checks[0]).toMatchObject({ name: 'api_key', ok: false, code: 'SOURCE_WRONG_SITE' });
      expect(r.checks[0]!.message).toContain('datadoghq.com');
      const plain = await c.testConnection();
      expect(plain.checks[0]).toMatchObject({ code: 'SOURCE_AUTH_FAILED' });
    } finally {
      await us.close();
    }
  });
});

describe('signals: get and triage', () => {
  it('gets a signal in the GET shape, and maps 404 to SOURCE_NOT_FOUND', async () => {
    const s = (await client().getSignal(SIGNAL_ID)) as { id: string; attributes: Record<string, unknown> };
    expect(s.id).toBe(SIGNAL_ID);
    expect(s.attributes['custom']).toHaveProperty('workflow');
    const e = await failure(client().getSignal('AQAAAnotthere'));
    expect(e.code).toBe('SOURCE_NOT_FOUND');
    expect(e.message).toContain('Signal not found');
  });

  it('sends the recorded triage request bodies and reads the signal_metadata answers', async () => {
    const c = client();
    const st = await c.setSignalState(SIGNAL_ID, 'open', 'none');
    expect(dd.requests.at(-1)!.body).toEqual(example('signal-state.request.json'));
    expect(st).toMatchObject({ signalId: SIGNAL_ID, state: 'open', archiveReason: 'none', assignee: { uuid: '' }, incidentIds: [] });

    await c.setSignalAssignee(SIGNAL_ID, '');
    expect(dd.requests.at(-1)!.body).toEqual(example('signal-assignee.request.json'));

    const inc = await c.setSignalIncidents(SIGNAL_ID, [2066]);
    expect(dd.requests.at(-1)!.body).toEqual(example('signal-incidents.request.json'));
    expect(inc.incidentIds).toEqual([2066]);

    const archived = await c.setSignalState(SIGNAL_ID, 'archived', 'false_positive', 'benign scanner');
    expect(dd.requests.at(-1)!.body).toEqual({
      data: { attributes: { state: 'archived', archive_reason: 'false_positive', archive_comment: 'benign scanner' } },
    });
    expect(archived).toMatchObject({ state: 'archived', archiveReason: 'false_positive', archiveComment: 'benign scanner' });
    expect(dd.requests.at(-1)!.method).toBe('PATCH');
  });

  it('rejects unknown triage values locally', async () => {
    const e = await failure(client().setSignalState(SIGNAL_ID, 'closed' as 'open'));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(dd.requests).toHaveLength(0);
  });
});

describe('cases', () => {
  const params = {
    title: 'PAM configuration modified on drampa',
    description: 'Opened by Vigil.\n\nvigil-FND-42-7f3a9c01',
    priority: 'P2' as const,
    projectId: RECORDED_PROJECT_ID,
    signalId: SIGNAL_ID,
  };

  it('creates a case, then attaches the signal as a SECURITY_SIGNAL insight', async () => {
    const created = await client().createCase(params);
    expect(created).toMatchObject({ title: params.title, priority: 'P2', status: 'OPEN', signalLinked: true, projectId: RECORDED_PROJECT_ID });
    expect(created.key).toMatch(/^DDFC-\d+$/);
    expect(created.insights).toEqual([{ type: 'SECURITY_SIGNAL', ref: `/security?event=${SIGNAL_ID}`, resourceId: SIGNAL_ID }]);
    expect(dd.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /api/v2/cases 201',
      `PUT /api/v2/cases/${created.id}/insights 200`,
    ]);
    const createBody = dd.requests[0]!.body as { data: Record<string, unknown> };
    // Same JSON:API skeleton as the recorded create.
    const recorded = example<{ data: Record<string, unknown> }>('case-create.request.json');
    expect(Object.keys(createBody.data).sort()).toEqual(Object.keys(recorded.data).filter((k) => k !== 'relationships').concat('relationships').sort());
    expect(createBody.data).toMatchObject({
      type: 'case',
      attributes: { title: params.title, priority: 'P2', type_id: '00000000-0000-0000-0000-000000000001', description: params.description },
      relationships: { project: { data: { id: RECORDED_PROJECT_ID, type: 'project' } } },
    });
    expect(dd.requests[1]!.body).toEqual({
      data: { type: 'case', attributes: { insights: [{ type: 'SECURITY_SIGNAL', ref: `/security?event=${SIGNAL_ID}`, resource_id: SIGNAL_ID }] } },
    });
    expect(dd.state.casesCreated).toBe(1);
  });

  it('reports an unknown project as SOURCE_NOT_FOUND with the server detail', async () => {
    const e = await failure(client().createCase({ ...params, projectId: '00000000-0000-0000-0000-0000000000ff' }));
    expect(e.code).toBe('SOURCE_NOT_FOUND');
    expect(e.message).toContain('project not found');
  });

  it('never repeats a create that may have reached Datadog, but does repeat one that was rate limited', async () => {
    dd.faults.serverError('POST /api/v2/cases', 502, 5);
    expect((await failure(client().createCase(params))).code).toBe('SOURCE_UNAVAILABLE');
    expect(dd.requestsTo('POST /api/v2/cases')).toHaveLength(1);
    dd.faults.clear();

    dd.faults.rateLimited('POST /api/v2/cases', 1);
    await client().createCase(params);
    expect(dd.requestsTo('POST /api/v2/cases')).toHaveLength(3);
    expect(dd.state.casesCreated).toBe(1);
  });

  it('after an ambiguous create (reset mid-answer) the outbox finds the case by its marker instead of duplicating it', async () => {
    dd.faults.next('POST /api/v2/cases', { kind: 'reset', phase: 'mid_body' });
    const c = client();
    const e = await failure(c.createCase(params));
    expect(e.code).toBe('SOURCE_UNREACHABLE');
    expect(dd.state.casesCreated).toBe(1);

    const found = await c.findCaseByMarker('vigil-FND-42-7f3a9c01');
    expect(found).toMatchObject({ title: params.title, insights: [] });
    await c.addSignalToCase(found!.id, SIGNAL_ID);
    expect(dd.state.casesCreated).toBe(1);
    expect(dd.requestsTo('GET /api/v2/cases')[0]!.query).toMatchObject({ filter: 'vigil-FND-42-7f3a9c01', 'page[number]': '1' });
    expect(await c.findCaseByMarker('vigil-FND-43-00000000')).toBeNull();
    expect((await failure(c.findCaseByMarker('has:colon'))).code).toBe('VALIDATION_FAILED');
  });

  it('status, priority, assignment and comments send the recorded request bodies', async () => {
    const c = client();
    const { id } = await c.createCase(params);
    const cases = `/api/v2/cases/${id}`;
    const last = () => dd.requests.at(-1)!;

    expect(await c.updateCaseStatus(id, 'IN_PROGRESS')).toMatchObject({ status: 'IN_PROGRESS', statusName: 'In Progress' });
    expect([last().path, last().body]).toEqual([`${cases}/status`, example('case-status.request.json')]);

    expect(await c.updateCasePriority(id, 'P3')).toMatchObject({ priority: 'P3' });
    expect([last().path, last().body]).toEqual([`${cases}/priority`, example('case-priority.request.json')]);

    const assignee = '06fe1d45-8040-47eb-b161-837f416635e7';
    expect(await c.assignCase(id, assignee)).toMatchObject({ assigneeId: assignee });
    expect([last().path, last().body]).toEqual([`${cases}/assign`, example('case-assign.request.json')]);

    const { cellId } = await c.commentCase(id, 'Hello World !');
    expect(cellId).toMatch(/^[0-9a-f-]{36}$/);
    expect([last().path, last().body]).toEqual([`${cases}/comment`, example('case-comment.request.json')]);

    expect((await failure(c.getCase('9daaa414-8843-46e2-8360-c36d3713285f'))).message).toContain('case not found');
  });
});

describe('workflows and incidents', () => {
  it('runs a workflow with the recorded body and polls it to a terminal state', async () => {
    const c = client();
    const instanceId = await c.runWorkflow(RECORDED_WORKFLOW_ID, { input: 'value' });
    expect(dd.requests.at(-1)!.body).toEqual(example('workflow-instance-create.request.json'));
    const seen: string[] = [];
    const done = await c.waitForWorkflowInstance(RECORDED_WORKFLOW_ID, instanceId, { intervalMs: 1_000, onPoll: (i) => seen.push(i.status) });
    expect(seen).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED']);
    expect(done).toMatchObject({ instanceId, status: 'SUCCEEDED', done: true, outputs: {} });
    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('maps an unknown workflow to SOURCE_NOT_FOUND and stops waiting at the budget', async () => {
    const c = client();
    const e = await failure(c.runWorkflow('00000000-0000-4000-8000-000000000000', {}));
    expect(e.code).toBe('SOURCE_NOT_FOUND');
    expect(e.message).toContain('workflow not found');

    dd.addWorkflow('11111111-1111-4111-8111-111111111111', { pollsBeforeDone: 100 });
    const iid = await c.runWorkflow('11111111-1111-4111-8111-111111111111', {});
    const t = await failure(c.waitForWorkflowInstance('11111111-1111-4111-8111-111111111111', iid, { intervalMs: 1_000, timeoutMs: 3_000 }));
    expect(t.code).toBe('SOURCE_TIMEOUT');
  });

  it('declares an incident (201) and returns its public id', async () => {
    const inc = await client().createIncident({ title: 'Credential stuffing on login', severity: 'SEV-2', customerImpacted: false });
    expect(inc).toMatchObject({ title: 'Credential stuffing on login', publicId: 1 });
    expect(dd.requests.at(-1)!.body).toEqual({
      data: {
        type: 'incidents',
        attributes: { title: 'Credential stuffing on login', customer_impacted: false, fields: { severity: { type: 'dropdown', value: 'SEV-2' } } },
      },
    });
  });
});
