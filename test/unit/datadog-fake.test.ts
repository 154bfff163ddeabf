// The fake Datadog itself, spoken to with plain fetch: does it behave like the recordings say?
// (The client tests trust it; this keeps it honest.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { example, recordedPage1Signals, recordedPaginationSignals, timestampFromSignalId } from '../fakes/datadog/fixtures';
import { FAKE_API_KEY, FAKE_APP_KEY, type FakeDatadog, RECORDED_PROJECT_ID, RECORDED_WORKFLOW_ID, startFakeDatadog } from '../fakes/datadog/server';

let dd: FakeDatadog;
let clock: number;
beforeEach(async () => {
  clock = Date.parse('2022-04-12T13:59:55Z');
  dd = await startFakeDatadog({ signals: recordedPaginationSignals(), now: () => clock });
});
afterEach(async () => {
  await dd.close();
});

const KEYS = { 'DD-API-KEY': FAKE_API_KEY, 'DD-APPLICATION-KEY': FAKE_APP_KEY };
async function req(method: string, path: string, body?: unknown, headers: Record<string, string> = KEYS) {
  const res = await fetch(dd.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> };
}
const search = (body: unknown) => req('POST', '/api/v2/security_monitoring/signals/search', body);
const window = { from: '2022-04-12T13:00:00Z', to: '2022-04-12T14:00:00Z' };

describe('auth', () => {
  it('checks DD-API-KEY and DD-APPLICATION-KEY on v2 and only the API key on validate', async () => {
    expect((await search({})).status).toBe(200);
    const partial: Record<string, string>[] = [{}, { 'DD-API-KEY': FAKE_API_KEY }, { 'DD-API-KEY': 'x', 'DD-APPLICATION-KEY': FAKE_APP_KEY }];
    for (const h of partial) {
      const bad = await req('POST', '/api/v2/security_monitoring/signals/search', {}, h);
      expect([bad.status, bad.json]).toEqual([403, { errors: ['Forbidden'] }]);
    }
    expect(await req('GET', '/api/v1/validate', undefined, { 'DD-API-KEY': FAKE_API_KEY })).toMatchObject({ status: 200, json: { valid: true } });
    expect((await req('GET', '/api/v1/validate', undefined, {})).json).toEqual(example('validate.403-no-key.response.json'));
    expect((await req('GET', '/api/v1/validate', undefined, { 'DD-API-KEY': 'nope' })).json).toEqual(example('validate.403-invalid-key.response.json'));
    dd.simulateWrongSite(FAKE_API_KEY);
    expect((await req('GET', '/api/v1/validate', undefined, KEYS)).status).toBe(403);
  });

  it('records requests without the keys', async () => {
    await search({ page: { limit: 1 } });
    const r = dd.requests[0]!;
    expect(r).toMatchObject({ method: 'POST', hasApiKey: true, hasAppKey: true, body: { page: { limit: 1 } }, status: 200 });
    expect(JSON.stringify(r)).not.toContain(FAKE_API_KEY);
    expect(JSON.stringify(r)).not.toContain(FAKE_APP_KEY);
  });

  it('denies a missing permission with 403', async () => {
    dd.state.deniedPermissions.add('cases_write');
    expect((await req('POST', '/api/v2/cases', {})).status).toBe(403);
    expect((await req('GET', '/api/v2/cases')).status).toBe(200);
  });
});

describe('signals', () => {
  it('pages exactly like the recording: same cursors, an after on the last data page, then {"data":[]}', async () => {
    const body = { filter: { ...window, query: 'security:attack status:high' }, page: { limit: 2 }, sort: 'timestamp' };
    const p1 = await search(body);
    const rec = example<{ meta: unknown; links: { next: string } }>('signals-search.page1.response.json');
    expect(p1.json['meta']).toEqual(rec.meta);
    expect(p1.json['data']).toEqual(recordedPage1Signals());
    expect((p1.json['links'] as { next: string }).next).toContain('filter%5Bfrom%5D=now-15m');
    const p2 = await search({ ...body, page: { limit: 2, cursor: (rec.meta as { page: { after: string } }).page.after } });
    expect((p2.json['data'] as unknown[]).length).toBe(1);
    const after2 = (p2.json['meta'] as { page: { after: string } }).page.after;
    expect(after2).toBe(example<{ page: { cursor: string } }>('signals-search.page3-last.request.json').page.cursor);
    const p3 = await search({ ...body, page: { limit: 2, cursor: after2 } });
    expect(p3.text).toBe('{"data":[]}');
  });

  it('filters by query, window and sorts both ways', async () => {
    const ids = async (b: unknown) => ((await search(b)).json['data'] as { id: string }[]).map((s) => s.id);
    const all = recordedPaginationSignals().map((s) => s.id);
    expect(await ids({ filter: window, sort: 'timestamp' })).toEqual(all);
    expect(await ids({ filter: window, sort: '-timestamp' })).toEqual([...all].reverse());
    expect(await ids({ filter: { ...window, query: '*' } })).toHaveLength(3);
    expect(await ids({ filter: { ...window, query: 'source:runtime-security-agent' } })).toHaveLength(3);
    expect(await ids({ filter: { ...window, query: 'source:cloudtrail' } })).toHaveLength(0);
    expect(await ids({ filter: { ...window, query: 'status:low OR status:high' } })).toHaveLength(3);
    expect(await ids({ filter: { ...window, query: '-status:high' } })).toHaveLength(0);
    expect(await ids({ filter: { ...window, query: 'kube_cluster_name:drampa' } })).toEqual([all[0]]);
    expect(await ids({ filter: { ...window, query: '@workflow.rule.type:"Workload Security"' } })).toHaveLength(3);
    expect(await ids({ filter: { from: '2022-04-12T13:54:02.300Z', to: window.to }, sort: 'timestamp' })).toEqual(all.slice(1));
    // Default window is now-15m..now, like the API.
    expect(await ids({})).toHaveLength(3);
    clock += 3_600_000;
    expect(await ids({})).toHaveLength(0);
  });

  it('enforces page limits (default 10, max 1000) and answers 400 in the legacy family', async () => {
    const over = await search({ filter: window, page: { limit: 1001 } });
    expect(over.status).toBe(400);
    expect(over.json['errors']).toEqual([expect.any(String)]);
    expect((await search({ filter: window, page: { limit: 1000 } })).status).toBe(200);
    dd.addSignals(
      ...Array.from({ length: 12 }, (_, i) => ({ ...recordedPage1Signals()[0]!, id: `TEST${i}`, attributes: { ...recordedPage1Signals()[0]!.attributes, timestamp: '2022-04-12T13:30:00Z' } })),
    );
    expect((((await search({ filter: window })).json['data']) as unknown[]).length).toBe(10);
  });

  it('GET list carries the 2025 meta and the security_analytics rate-limit headers', async () => {
    const q = new URLSearchParams({ 'filter[from]': '2025-03-28T09:48:05+00:00', 'filter[to]': '2025-03-28T10:48:05+00:00', 'filter[query]': '*', sort: '-timestamp' });
    const r = await req('GET', `/api/v2/security_monitoring/signals?${q}`);
    expect(r.json).toMatchObject({ data: [], meta: { status: 'done' } });
    expect(r.headers.get('x-ratelimit-name')).toBe('security_analytics');
    expect(r.headers.get('x-ratelimit-limit')).toBe('1000');
    expect(r.headers.get('x-ratelimit-period')).toBe('10');
    expect(Number(r.headers.get('x-ratelimit-reset'))).toBe(5); // 13:59:55 → window ends at 14:00:00
    expect((await req('GET', '/api/v2/cases')).headers.get('x-ratelimit-name')).toBeNull();
  });

  it('runs out of its bucket like Datadog: 429 with the reset in seconds', async () => {
    await dd.close();
    dd = await startFakeDatadog({ rateLimit: { limit: 2, periodSec: 10 }, now: () => clock });
    expect((await search({})).status).toBe(200);
    expect((await search({})).headers.get('x-ratelimit-remaining')).toBe('0');
    const third = await search({});
    expect([third.status, third.headers.get('x-ratelimit-reset')]).toEqual([429, '5']);
    clock += 5_000;
    expect((await search({})).status).toBe(200);
  });

  it('GET one signal uses the GET shape; unknown is the recorded 404', async () => {
    const id = recordedPage1Signals()[0]!.id;
    const r = await req('GET', `/api/v2/security_monitoring/signals/${id}`);
    const a = (r.json['data'] as { attributes: Record<string, unknown> }).attributes;
    expect(a['custom']).toEqual(recordedPage1Signals()[0]!.attributes.attributes);
    expect(a).not.toHaveProperty('attributes');
    expect(a['severity']).toBe(3);
    const missing = await req('GET', '/api/v2/security_monitoring/signals/nope');
    expect([missing.status, missing.json]).toEqual([404, example('signal-get.404.response.json')]);
  });

  it('triage PATCHes answer signal_metadata and show up in later searches', async () => {
    const id = recordedPage1Signals()[0]!.id;
    const r = await req('PATCH', `/api/v2/security_monitoring/signals/${id}/state`, { data: { attributes: { state: 'archived', archive_reason: 'false_positive' } } });
    const recorded = example<{ data: { attributes: Record<string, unknown> } }>('signal-state.response.json');
    const data = r.json['data'] as { type: string; id: string; attributes: Record<string, unknown> };
    expect(data.type).toBe('signal_metadata');
    expect(Object.keys(data.attributes).sort()).toEqual(Object.keys(recorded.data.attributes).sort());
    expect(data.attributes).toMatchObject({ state: 'archived', archive_reason: 'false_positive', assignee: { id: -1, name: 'Unassigned', uuid: '' } });
    const found = await search({ filter: { ...window, query: '@workflow.triage.state:archived' } });
    expect((found.json['data'] as { id: string }[]).map((s) => s.id)).toEqual([id]);
    expect((await req('PATCH', '/api/v2/security_monitoring/signals/nope/assignee', { data: { attributes: { assignee: { uuid: '' } } } })).status).toBe(404);
    expect((await req('PATCH', `/api/v2/security_monitoring/signals/${id}/state`, { data: { attributes: { state: 'closed' } } })).status).toBe(400);
  });

  it('updateSignal revises a stored signal', async () => {
    const id = recordedPage1Signals()[0]!.id;
    dd.updateSignal(id, { status: 'critical' });
    expect((await search({ filter: { ...window, query: 'status:critical' } })).json['data']).toHaveLength(1);
    expect(new Date(timestampFromSignalId(id)).toISOString()).toBe('2022-04-12T13:54:02.099Z');
  });
});

describe('cases', () => {
  const create = (title: string, projectId = RECORDED_PROJECT_ID) =>
    req('POST', '/api/v2/cases', {
      data: {
        type: 'case',
        attributes: { title, type_id: '00000000-0000-0000-0000-000000000001', priority: 'NOT_DEFINED' },
        relationships: { project: { data: { id: projectId, type: 'project' } } },
      },
    });

  it('creates with 201 and application/vnd.api+json, in the recorded shape', async () => {
    const r = await create('Security breach investigation');
    expect(r.status).toBe(201);
    expect(r.headers.get('content-type')).toBe('application/vnd.api+json');
    const rec = example<{ data: { attributes: Record<string, unknown>; relationships: Record<string, unknown> } }>('case-create.response.json');
    const d = r.json['data'] as { attributes: Record<string, unknown>; relationships: Record<string, unknown> };
    expect(Object.keys(d.attributes).sort()).toEqual(Object.keys(rec.data.attributes).sort());
    expect(dd.state.casesCreated).toBe(1);
  });

  it('answers the recorded JSON:API errors', async () => {
    expect((await create('x', '00000000-0000-0000-0000-000000000000')).json).toEqual(example('case-create.404.response.json'));
    expect((await req('GET', '/api/v2/cases/9daaa414-8843-46e2-8360-c36d3713285f')).json).toEqual(example('case-get.404.response.json'));
    const { data } = (await create('y')).json as { data: { id: string } };
    expect((await req('POST', `/api/v2/cases/${data.id}/status`, { data: { type: 'case', attributes: { status: 'OPENED' } } })).json).toEqual(example('case-status.400.response.json'));
    expect((await req('POST', `/api/v2/cases/${data.id}/comment`, { data: { type: 'case', attributes: { comment: '' } } })).json).toEqual(example('case-comment.400.response.json'));
    const userx = await req('POST', '/api/v2/cases', {
      data: { type: 'case', attributes: { title: 't', type_id: '00000000-0000-0000-0000-000000000001' }, relationships: { assignee: { data: { id: 'u', type: 'userx' } }, project: { data: { id: RECORDED_PROJECT_ID, type: 'project' } } } },
    });
    expect(userx.json).toEqual(example('case-create.400.response.json'));
  });

  it('pages search results with the recorded meta (size = items in page, total = pages)', async () => {
    for (const t of ['one', 'two', 'three']) await create(t);
    const p1 = await req('GET', '/api/v2/cases?page[size]=2&page[number]=1');
    const p2 = await req('GET', '/api/v2/cases?page[size]=2&page[number]=2');
    expect(p1.json['meta']).toEqual(example<{ meta: unknown }>('cases-search.page1.response.json').meta);
    expect(p2.json['meta']).toEqual(example<{ meta: unknown }>('cases-search.page2.response.json').meta);
    expect(((await req('GET', '/api/v2/cases?filter=two')).json['data'] as unknown[]).length).toBe(1);
    expect((await req('GET', '/api/v2/cases?page[size]=101')).status).toBe(400);
  });
});

describe('workflows and incidents', () => {
  it('runs with 200, polls IN_PROGRESS then terminal, and answers the recorded 404', async () => {
    const run = await req('POST', `/api/v2/workflows/${RECORDED_WORKFLOW_ID}/instances`, example('workflow-instance-create.request.json'));
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ data: { attributes: {}, type: 'instances' }, meta: { workflowId: RECORDED_WORKFLOW_ID } });
    const iid = (run.json['data'] as { id: string }).id;
    const kinds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const g = await req('GET', `/api/v2/workflows/${RECORDED_WORKFLOW_ID}/instances/${iid}`);
      kinds.push((g.json['data'] as { attributes: { instanceStatus: { detailsKind: string } } }).attributes.instanceStatus.detailsKind);
    }
    expect(kinds).toEqual(['IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED']);
    const unknown = await req('GET', `/api/v2/workflows/00000000-0000-4000-8000-000000000000/instances/${iid}`);
    expect([unknown.status, unknown.json]).toEqual([404, example('workflow-instance-get.404.response.json')]);
    expect((await req('POST', '/api/v2/workflows//instances', {})).json).toEqual(example('workflow-instance-create.400.response.json'));
  });

  it('creates incidents with 201', async () => {
    const r = await req('POST', '/api/v2/incidents', example('incident-create.request.json'));
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ data: { type: 'incidents', attributes: { public_id: 1, customer_impacted: false, state: 'resolved' } } });
  });
});

describe('faults', () => {
  it('serves each fault kind to the matching requests only, the requested number of times', async () => {
    dd.faults.serverError('POST /api/v2/security_monitoring/signals/search', 503, 2);
    expect((await req('GET', '/api/v2/cases')).status).toBe(200);
    expect([(await search({})).status, (await search({})).status, (await search({})).status]).toEqual([503, 503, 200]);

    dd.faults.rateLimited('/api/v2/security_monitoring/*', 7);
    const limited = await search({});
    expect([limited.status, limited.headers.get('x-ratelimit-reset'), limited.json]).toEqual([429, '7', { errors: ['Rate limit exceeded'] }]);

    dd.faults.next(/cases$/, { kind: 'html' });
    const html = await req('GET', '/api/v2/cases');
    expect([html.status, html.headers.get('content-type'), html.text.startsWith('<html>')]).toEqual([502, 'text/html', true]);

    dd.faults.next('/api/v2/security_monitoring/signals/search', { kind: 'malformed_json' });
    const bad = await search({ filter: window });
    expect(bad.status).toBe(200);
    expect(bad.json).toBeUndefined();

    dd.faults.next('/api/v2/security_monitoring/signals/search', { kind: 'reset' });
    await expect(search({})).rejects.toThrow();
    dd.faults.next('/api/v2/security_monitoring/signals/search', { kind: 'reset', phase: 'mid_body', rst: true });
    await expect(search({ filter: window })).rejects.toThrow();
    expect(dd.faults.pending()).toBe(0);
    expect(dd.requests.filter((r) => r.fault).map((r) => r.fault)).toEqual(['status', 'status', 'rate_limit', 'html', 'malformed_json', 'reset', 'reset']);
  });

  it('a slow answer can be slow before the headers or in the body', async () => {
    dd.faults.next('/api/v1/validate', { kind: 'delay', ms: 150 }).next('/api/v1/validate', { kind: 'delay', ms: 150, phase: 'body' });
    for (let i = 0; i < 2; i++) {
      const t = Date.now();
      expect((await req('GET', '/api/v1/validate')).status).toBe(200);
      expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    }
  });

  it('a held answer leaves when the test opens the gate, and an aborted one frees the request', async () => {
    let open!: () => void;
    const until = new Promise<void>((r) => (open = r));
    dd.faults.next('/api/v1/validate', { kind: 'hold', until });
    let answered = false;
    const held = req('GET', '/api/v1/validate').then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 200));
    expect(answered).toBe(false);
    open();
    expect((await held).status).toBe(200);

    dd.faults.next('/api/v1/validate', { kind: 'hold', until: new Promise(() => undefined) });
    const ac = new AbortController();
    const aborted = fetch(dd.url + '/api/v1/validate', { headers: KEYS, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await expect(aborted).rejects.toThrow();
    // The fake is not stuck on the abandoned request.
    expect((await req('GET', '/api/v1/validate')).status).toBe(200);
  });
});
