// A loopback Datadog for tests: plain node:http on 127.0.0.1, a random port, the endpoints Vigil
// uses, shaped after the recorded traffic in shared/reference/datadog (README §8 checklist), with
// X-RateLimit-* on the signals bucket, request recording and fault injection.
//
//   const dd = await startFakeDatadog({ signals: recordedPaginationSignals() });
//   dd.faults.rateLimited('/api/v2/security_monitoring/signals/search', 2);   // next search → 429, Reset: 2
//   dd.faults.next('POST /api/v2/cases', { kind: 'reset', phase: 'mid_body' });
//   createDatadogClient({ baseUrl: dd.url, apiKey: FAKE_API_KEY, appKey: FAKE_APP_KEY });
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Fault, FaultQueue } from './faults';
import { type FakeRequest, json, legacyError, type Reply } from './http';
import { casesRoute } from './routes-cases';
import { incidentsRoute } from './routes-incidents';
import { isSignalsPath, signalsRoute } from './routes-signals';
import { validateRoute } from './routes-validate';
import { workflowsRoute } from './routes-workflows';
import { FakeDatadogState, type FakePermission, type FakeWorkflow, RECORDED_WORKFLOW_ID, type SearchSignal } from './state';

export { FaultQueue, type Fault, type RequestMatcher } from './faults';
export { FakeDatadogState, RECORDED_PROJECT_ID, RECORDED_WORKFLOW_ID, type SearchSignal } from './state';
export { encodeCursor } from './routes-signals';

export const FAKE_API_KEY = 'fakeapikey0123456789abcdef0123456';
export const FAKE_APP_KEY = 'fakeappkey0123456789abcdef0123456789abcd';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** lowercase names; DD-API-KEY, DD-APPLICATION-KEY and Authorization are left out */
  headers: Record<string, string>;
  /** parsed JSON, or the raw text when not JSON, undefined when empty */
  body: unknown;
  hasApiKey: boolean;
  hasAppKey: boolean;
  /** the fault applied to this request, if any */
  fault: Fault['kind'] | null;
  /** status sent, null when the connection was dropped first */
  status: number | null;
}

export interface FakeDatadogOptions {
  apiKey?: string;
  appKey?: string;
  signals?: SearchSignal[];
  deniedPermissions?: FakePermission[];
  /** X-RateLimit-* for the security_analytics bucket; recorded 2025: 1000 per 10 s */
  rateLimit?: { limit?: number; periodSec?: number };
  /** the recorded workflow is always there; these defaults apply to it and to addWorkflow */
  workflowPollsBeforeDone?: number;
  workflowTerminalKind?: string;
  /** clock, ms since epoch */
  now?: () => number;
}

export interface FakeDatadog {
  url: string;
  close(): Promise<void>;
  state: FakeDatadogState;
  faults: FaultQueue;
  requests: RecordedRequest[];
  addSignals(...signals: SearchSignal[]): void;
  /** merge into attributes (one level deep), or mutate with a function — e.g. to revise a signal */
  updateSignal(id: string, patch: Partial<SearchSignal['attributes']> | ((s: SearchSignal) => void)): void;
  addWorkflow(id: string, wf?: Partial<FakeWorkflow>): void;
  /** this API key now answers like a key from another Datadog site (validate 403, v2 403) */
  simulateWrongSite(apiKey: string): void;
  /** recorded requests whose "METHOD path" matches, e.g. requestsTo('POST /api/v2/cases') */
  requestsTo(methodAndPath: string): RecordedRequest[];
}

const HTML_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export async function startFakeDatadog(opts: FakeDatadogOptions = {}): Promise<FakeDatadog> {
  const now = opts.now ?? Date.now;
  const state = new FakeDatadogState({
    apiKey: opts.apiKey ?? FAKE_API_KEY,
    appKey: opts.appKey ?? FAKE_APP_KEY,
    rateLimit: { name: 'security_analytics', limit: opts.rateLimit?.limit ?? 1000, periodSec: opts.rateLimit?.periodSec ?? 10 },
  });
  state.signals.push(...structuredClone(opts.signals ?? []));
  for (const p of opts.deniedPermissions ?? []) state.deniedPermissions.add(p);
  const workflowDefaults = (wf: Partial<FakeWorkflow> = {}): FakeWorkflow => ({
    pollsBeforeDone: opts.workflowPollsBeforeDone ?? 2,
    terminalKind: opts.workflowTerminalKind ?? 'SUCCEEDED',
    terminalDisplayName: 'Succeeded',
    outputs: {},
    ...wf,
  });
  state.workflows.set(RECORDED_WORKFLOW_ID, workflowDefaults());

  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const bucket = { windowStart: -1, count: 0 };
  let baseUrl = '';

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  /** Calendar-aligned window (README §1): Reset counts down to the window's end, in seconds. */
  function rateLimitHeaders(forceExhausted: boolean, resetOverride?: number): { headers: Record<string, string>; allowed: boolean } {
    const { limit, periodSec, name } = state.rateLimit;
    const t = now() / 1000;
    const windowStart = Math.floor(t / periodSec) * periodSec;
    if (windowStart !== bucket.windowStart) {
      bucket.windowStart = windowStart;
      bucket.count = 0;
    }
    bucket.count += 1;
    const allowed = !forceExhausted && bucket.count <= limit;
    const reset = resetOverride ?? Math.max(0, Math.ceil(windowStart + periodSec - t));
    return {
      allowed,
      headers: {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-name': name,
        'x-ratelimit-period': String(periodSec),
        'x-ratelimit-remaining': String(forceExhausted ? 0 : Math.max(0, limit - bucket.count)),
        'x-ratelimit-reset': String(reset),
      },
    };
  }

  function route(req: FakeRequest): Reply {
    return (
      validateRoute(state, req) ??
      signalsRoute(state, req) ??
      casesRoute(state, req) ??
      workflowsRoute(state, req) ??
      incidentsRoute(state, req) ??
      legacyError(404, 'Not found')
    );
  }

  async function handle(inReq: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(inReq.url ?? '/', 'http://fake.invalid');
    const method = (inReq.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(inReq);
    const body = parseBody(rawBody);
    const header = (k: string) => {
      const v = inReq.headers[k];
      return Array.isArray(v) ? v[0] : v;
    };
    const rec: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(
        Object.entries(inReq.headers)
          .filter(([k]) => !['dd-api-key', 'dd-application-key', 'authorization'].includes(k))
          .map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
      ),
      body,
      hasApiKey: Boolean(header('dd-api-key')),
      hasAppKey: Boolean(header('dd-application-key')),
      fault: null,
      status: null,
    };
    requests.push(rec);

    const send = (reply: Reply) => {
      rec.status = reply.status;
      const buf = Buffer.from(reply.body, 'utf8');
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(buf.length) });
      res.end(buf);
    };

    const fault = faults.take(method, url.pathname);
    rec.fault = fault?.kind ?? null;
    const limited = isSignalsPath(url.pathname);

    // Infrastructure faults: answered before Datadog "does" anything.
    if (fault?.kind === 'rate_limit') {
      const rl = fault.headers === false ? {} : rateLimitHeaders(true, fault.resetSeconds ?? 1).headers;
      const reply = fault.body === false ? { status: 429, headers: { 'content-type': 'application/json', ...rl }, body: '' } : json(429, { errors: ['Rate limit exceeded'] }, 'application/json', rl);
      return send(reply);
    }
    if (fault?.kind === 'status') {
      const b = fault.body === undefined ? { errors: ['Internal Server Error'] } : fault.body;
      const text = typeof b === 'string' ? b : JSON.stringify(b);
      return send({ status: fault.status, headers: { 'content-type': fault.contentType ?? 'application/json', ...fault.headers }, body: text });
    }
    if (fault?.kind === 'html') return send({ status: fault.status ?? 502, headers: { 'content-type': 'text/html' }, body: HTML_502 });
    if (fault?.kind === 'reset' && (fault.phase ?? 'before_headers') === 'before_headers') {
      dropConnection(inReq, fault.rst === true);
      return;
    }
    if (fault?.kind === 'hold') {
      await Promise.race([fault.until.then(() => undefined, () => undefined), new Promise<void>((r) => res.once('close', () => r()))]);
      if (res.destroyed || inReq.socket.destroyed) return;
    }
    if (fault?.kind === 'delay' && (fault.phase ?? 'headers') === 'headers') {
      await wait(fault.ms);
      if (res.destroyed || inReq.socket.destroyed) return;
    }

    const fakeReq: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      body,
      apiKey: header('dd-api-key'),
      appKey: header('dd-application-key'),
      now: now(),
      baseUrl,
    };
    let reply: Reply;
    if (limited) {
      const rl = rateLimitHeaders(false);
      reply = rl.allowed ? route(fakeReq) : json(429, { errors: ['Rate limit exceeded'] });
      reply.headers = { ...reply.headers, ...rl.headers };
    } else {
      reply = route(fakeReq);
    }

    // Answer faults: the work above is done; only what reaches the client is broken.
    if (fault?.kind === 'malformed_json') {
      reply = { ...reply, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) };
    }
    if (fault?.kind === 'reset') {
      const buf = Buffer.from(reply.body, 'utf8');
      rec.status = reply.status;
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(buf.length) });
      res.write(buf.subarray(0, Math.floor(buf.length / 2)));
      await wait(10);
      dropConnection(inReq, fault.rst === true);
      return;
    }
    if (fault?.kind === 'delay' && fault.phase === 'body') {
      const buf = Buffer.from(reply.body, 'utf8');
      rec.status = reply.status;
      res.writeHead(reply.status, { ...reply.headers, 'content-length': String(buf.length) });
      res.flushHeaders();
      await wait(fault.ms);
      if (!res.destroyed) res.end(buf);
      return;
    }
    send(reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      // A bug in the fake must fail loudly, not look like a Datadog 500.
      console.error('fake datadog crashed', e);
      if (!res.headersSent) res.writeHead(599).end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    state,
    faults,
    requests,
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    addSignals(...signals) {
      state.signals.push(...structuredClone(signals));
      state.signalsVersion++;
    },
    updateSignal(id, patch) {
      const s = state.findSignal(id);
      if (!s) throw new Error(`fake datadog: no signal ${id}`);
      if (typeof patch === 'function') patch(s);
      else Object.assign(s.attributes, structuredClone(patch));
      state.signalsVersion++;
    },
    addWorkflow(id, wf) {
      state.workflows.set(id, workflowDefaults(wf));
    },
    simulateWrongSite(apiKey) {
      state.wrongSiteApiKeys.add(apiKey);
    },
    requestsTo(methodAndPath) {
      const [m, p] = methodAndPath.includes(' ') ? methodAndPath.split(/\s+/, 2) : [undefined, methodAndPath];
      return requests.filter((r) => (m === undefined || r.method === m) && r.path === p);
    },
  };
}

function dropConnection(req: IncomingMessage, rst: boolean): void {
  if (rst) req.socket.resetAndDestroy();
  else req.socket.destroy();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}
