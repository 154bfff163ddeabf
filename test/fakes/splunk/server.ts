// A loopback splunkd for tests, written from shared/reference/splunk (README + examples), not from
// the client: Bearer auth, entity envelopes, saved searches addressable only in their namespace,
// jobs that take several polls, v1 vs v2 search endpoints by version, version-specific results
// shapes, count/offset paging, and injectable faults.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Faults, LOGIN_PAGE_HTML, RECORDED_503_BODY, UNAUTHENTICATED_BODY } from './faults';
import { createJob, jobContent, pollJob, type FakeJob, type JobTiming } from './jobs';
import { TEST_TOKEN, TEST_USER, seedHistory, seedSavedSearches, type FakeSavedSearch, type HistoryRow } from './seed';

export type FakeSplunkVersion = '9.1.2' | '8.2.0' | '5.0.0';

export interface FakeSplunkOptions {
  version?: FakeSplunkVersion;
  /** Serve HTTPS with this key/cert (PEM). */
  tls?: { key: string; cert: string };
}

export interface RecordedRequest {
  method: string;
  /** Raw (still percent-encoded) path. */
  path: string;
  query: Record<string, string>;
  /** Form fields of a POST body. */
  form: Record<string, string>;
  authorization: string | undefined;
  contentType: string | undefined;
}

export interface FakeSplunkState extends JobTiming {
  version: string;
  /** `cloud` on Splunk Cloud; absent on Enterprise. */
  instanceType: string | undefined;
  /** Valid tokens and the user each belongs to. */
  tokens: Map<string, string>;
  savedSearches: FakeSavedSearch[];
  history: HistoryRow[];
  jobs: Map<string, FakeJob>;
  /** sids cancelled through control action=cancel, in order. */
  cancelled: string[];
  /** Cap on one results page (limits.conf [restapi] maxresultrows). */
  maxResultRows: number;
}

export interface FakeSplunk {
  url: string;
  state: FakeSplunkState;
  faults: Faults;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

export async function startFakeSplunk(opts: FakeSplunkOptions = {}): Promise<FakeSplunk> {
  const state: FakeSplunkState = {
    version: opts.version ?? '9.1.2',
    instanceType: undefined,
    tokens: new Map([[TEST_TOKEN, TEST_USER]]),
    savedSearches: seedSavedSearches(),
    history: seedHistory(),
    jobs: new Map(),
    cancelled: [],
    maxResultRows: 50_000,
    first204: true,
    queuedPolls: 1,
    runningPolls: 2,
  };
  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let url = '';

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, 500, { messages: [{ type: 'ERROR', text: String(e) }] });
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const bodyText = await readBody(req);
    const contentType = req.headers['content-type'];
    const form =
      method === 'POST' && (contentType ?? '').startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(bodyText))
        : {};
    const query = Object.fromEntries(u.searchParams);
    requests.push({ method, path: u.pathname, query, form, authorization: req.headers.authorization, contentType });

    const fault = faults.take(method, u.pathname);
    if (fault) {
      switch (fault.kind) {
        case 'reset':
          req.socket.destroy();
          return;
        case 'unavailable':
          return sendRaw(res, 503, 'application/json; charset=UTF-8', RECORDED_503_BODY);
        case 'malformed-json':
          return sendRaw(res, 200, 'application/json; charset=UTF-8', '{"links":{},"entry":[{"name":"server-info","content":{"version":');
        case 'html':
          return sendRaw(res, 200, 'text/html; charset=UTF-8', LOGIN_PAGE_HTML);
        case 'expired-token':
          return sendRaw(res, 401, 'application/json; charset=UTF-8', UNAUTHENTICATED_BODY);
        case 'slow':
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => (timers.delete(t), resolve()), fault.delayMs ?? 10_000);
            timers.add(t);
          });
          if (res.destroyed) return;
          break;
      }
    }

    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const user = auth?.[1] ? state.tokens.get(auth[1]) : undefined;
    if (!user) return sendRaw(res, 401, 'application/json; charset=UTF-8', UNAUTHENTICATED_BODY);

    const params = { ...query, ...form };
    // Without output_mode=json splunkd answers Atom/XML; so does the fake, so a client that forgets
    // the parameter fails here exactly as it would against a real server.
    if (params.output_mode !== 'json') {
      return sendRaw(res, 200, 'text/xml; charset=UTF-8', '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>fake</title></feed>');
    }

    const seg = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    route(method, seg, params, user, res);
  }

  function route(method: string, seg: string[], params: Record<string, string>, user: string, res: ServerResponse): void {
    // Strip the namespace prefix: /services/… or /servicesNS/<owner>/<app>/…
    let ns: { owner: string; app: string } | undefined;
    let rest: string[];
    if (seg[0] === 'services') rest = seg.slice(1);
    else if (seg[0] === 'servicesNS' && seg.length >= 3) {
      ns = { owner: seg[1] ?? '', app: seg[2] ?? '' };
      rest = seg.slice(3);
    } else return notFound(res);

    const [a, b, c, d] = rest;
    if (a === 'server' && b === 'info' && rest.length === 2 && method === 'GET') return serverInfo(res);
    if (a === 'saved' && b === 'searches') {
      if (rest.length === 2 && method === 'GET') return listSavedSearches(params, user, res);
      if (rest.length === 4 && d === 'dispatch' && method === 'POST' && c !== undefined) {
        return dispatch(ns, c, params, user, res);
      }
      return notFound(res);
    }
    if (a === 'search') {
      // search/jobs/… is v1; search/v2/jobs/… exists only from 9.0.2 on.
      const v2 = b === 'v2';
      const jobPath = v2 ? rest.slice(2) : rest.slice(1);
      if ((v2 ? c : b) !== 'jobs') return notFound(res);
      if (v2 && !supportsV2(state.version)) return notFound(res);
      const [, sid, sub] = jobPath;
      if (!sid) return send(res, 400, { messages: [{ type: 'ERROR', text: 'The fake creates jobs only through saved-search dispatch' }] });
      const job = state.jobs.get(sid);
      if (!job || job.user !== user) return send(res, 404, { messages: [{ type: 'ERROR', text: `Unknown sid.` }] });
      if (sub === undefined && method === 'GET') return jobStatus(job, res);
      if (sub === undefined && method === 'DELETE') return removeJob(job, res);
      if (sub === 'results' && jobPath.length === 3) {
        // v2 reads results with POST only, v1 with GET only (reference §3).
        if (method !== (v2 ? 'POST' : 'GET')) return send(res, 405, { messages: [{ type: 'ERROR', text: 'Method Not Allowed' }] });
        return results(job, params, res);
      }
      if (sub === 'control' && method === 'POST') return control(job, params, res);
      return notFound(res);
    }
    return notFound(res);
  }

  function envelope(origin: string, entries: Json[], paging?: { total: number; perPage: number; offset: number }): Json {
    return {
      links: {},
      origin: `${url}${origin}`,
      updated: new Date().toISOString(),
      generator: { build: 'fake0build', version: state.version },
      entry: entries,
      paging: paging ?? { total: entries.length, perPage: 30, offset: 0 },
      messages: [],
    };
  }

  function serverInfo(res: ServerResponse): void {
    const content: Json = {
      'eai:acl': null,
      build: 'fake0build',
      version: state.version,
      serverName: 'fake-sh-1',
      product_type: 'enterprise',
      os_name: 'Linux',
      guid: '00000000-0000-4000-8000-000000000001',
    };
    if (state.instanceType) content.instance_type = state.instanceType;
    send(
      res,
      200,
      envelope('/services/server/info', [
        {
          name: 'server-info',
          id: `${url}/services/server/info/server-info`,
          updated: '1970-01-01T00:00:00+00:00',
          links: { alternate: '/services/server/info/server-info', list: '/services/server/info/server-info' },
          author: 'system',
          acl: acl('system', '', 'system'),
          content,
        },
      ]),
    );
  }

  function visible(s: FakeSavedSearch, user: string): boolean {
    return s.sharing !== 'user' || s.owner === user;
  }

  function listSavedSearches(params: Record<string, string>, user: string, res: ServerResponse): void {
    // `search=name=<v>` or a bare term: a loose, case-insensitive match with * wildcards.
    const filter = params.search?.replace(/^name=/, '');
    const re = filter ? new RegExp(filter.split('*').map(escapeRe).join('.*'), 'i') : undefined;
    const all = state.savedSearches.filter((s) => visible(s, user) && (!re || re.test(s.name)));
    const count = Number(params.count ?? 30);
    const offset = Number(params.offset ?? 0);
    const page = count === 0 ? all.slice(offset) : all.slice(offset, offset + count);
    send(
      res,
      200,
      envelope(
        '/servicesNS/-/-/saved/searches',
        page.map((s) => {
          const path = `/servicesNS/${s.sharing === 'user' ? s.owner : 'nobody'}/${s.app}/saved/searches/${encodeURIComponent(s.name)}`;
          return {
            name: s.name,
            id: `${url}${path}`,
            updated: '2024-06-01T09:00:00+00:00',
            links: { alternate: path, list: path, dispatch: `${path}/dispatch`, history: `${path}/history` },
            author: s.owner,
            acl: acl(s.owner, s.app, s.sharing),
            content: {
              search: s.search,
              description: s.description ?? '',
              disabled: s.disabled ?? false,
              is_scheduled: false,
              'dispatch.earliest_time': s.earliest ?? '',
              'dispatch.latest_time': s.latest ?? '',
              'dispatch.ttl': '2p',
              'action.email': false,
              'eai:acl': null,
            },
          };
        }),
        { total: all.length, perPage: count, offset },
      ),
    );
  }

  function dispatch(
    ns: { owner: string; app: string } | undefined,
    name: string,
    params: Record<string, string>,
    user: string,
    res: ServerResponse,
  ): void {
    // Found only in its own namespace: owner (or nobody when shared) and app (any app when global).
    const s = state.savedSearches.find(
      (x) =>
        x.name === name &&
        visible(x, user) &&
        ns !== undefined &&
        (ns.owner === x.owner || (x.sharing !== 'user' && ns.owner === 'nobody')) &&
        (ns.app === x.app || (x.sharing === 'global' && ns.app !== '-')),
    );
    if (!s) return send(res, 404, { messages: [{ type: 'ERROR', text: `Could not find object id=${name}` }] });
    const job = createJob(user, s, params, state.history);
    if ('error' in job) return send(res, 400, { messages: [{ type: 'FATAL', text: job.error }] });
    state.jobs.set(job.sid, job);
    send(res, 201, { sid: job.sid });
  }

  function jobStatus(job: FakeJob, res: ServerResponse): void {
    const view = pollJob(job, state);
    if (view.kind === 'not-ready') return sendRaw(res, 204, undefined, '');
    const path = `/services/search/jobs/${encodeURIComponent(job.sid)}`;
    send(
      res,
      200,
      envelope(path, [
        {
          name: job.savedSearch.search,
          id: `${url}${path}`,
          updated: new Date().toISOString(),
          links: { alternate: path, results: `${path}/results`, control: `${path}/control` },
          published: new Date().toISOString(),
          author: job.user,
          acl: acl(job.user, job.savedSearch.app, 'global'),
          content: jobContent(job, view),
        },
      ]),
    );
  }

  function results(job: FakeJob, params: Record<string, string>, res: ServerResponse): void {
    // Before DONE, /results has nothing to give (the client should use results_preview).
    if (!isDone(job)) return sendRaw(res, 204, undefined, '');
    const count = Number(params.count ?? 100);
    const offset = Number(params.offset ?? 0);
    const size = count === 0 ? state.maxResultRows : Math.min(count, state.maxResultRows);
    const page = job.rows.slice(offset, offset + size);
    const modern = !state.version.startsWith('5.');
    if (!job.rows.length) {
      // Splunk 5 answers an empty set with no body at all; later versions with an empty `results`.
      if (!modern) return sendRaw(res, 200, 'application/json; charset=UTF-8', '');
      return send(res, 200, { preview: false, init_offset: 0, messages: [], results: [] });
    }
    if (!modern) {
      return send(res, 200, {
        preview: false,
        init_offset: offset,
        messages: [
          { type: 'DEBUG', text: 'base lispy: [ AND index::auth ]' },
          { type: 'DEBUG', text: `search context: user="${job.user}", app="${job.savedSearch.app}", bs-pathname="/opt/splunk/etc"` },
        ],
        results: page,
      });
    }
    send(res, 200, {
      preview: false,
      init_offset: offset,
      messages: [],
      fields: job.fields.map((name) => (name.startsWith('_') ? { name } : { name, type: 'str' })),
      results: page,
      highlighted: {},
    });
  }

  function isDone(job: FakeJob): boolean {
    // Peek without advancing: DONE once it has been polled past the running phase.
    const k = job.polls - (state.first204 ? 1 : 0);
    return !job.failure && k > state.queuedPolls + state.runningPolls;
  }

  function control(job: FakeJob, params: Record<string, string>, res: ServerResponse): void {
    const action = params.action;
    if (action === 'cancel') {
      state.jobs.delete(job.sid);
      state.cancelled.push(job.sid);
      return send(res, 200, { messages: [{ type: 'INFO', text: 'Search job cancelled.' }] });
    }
    if (['pause', 'unpause', 'finalize', 'touch', 'setttl', 'setpriority', 'enablepreview', 'disablepreview'].includes(action ?? '')) {
      return send(res, 200, { messages: [{ type: 'INFO', text: `Search job ${action}.` }] });
    }
    send(res, 400, { messages: [{ type: 'ERROR', text: `Unknown action: ${action ?? ''}` }] });
  }

  function removeJob(job: FakeJob, res: ServerResponse): void {
    state.jobs.delete(job.sid);
    send(res, 200, { messages: [{ type: 'INFO', text: 'Search job cancelled.' }] });
  }

  const server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createHttpServer(handler);
  // A TLS client that refuses our certificate hangs up mid-handshake; that is the test, not an error.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    state,
    faults,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function supportsV2(version: string): boolean {
  const [maj = 0, min = 0, patch = 0] = version.split('.').map(Number);
  return maj > 9 || (maj === 9 && (min > 0 || patch >= 2));
}

function acl(owner: string, app: string, sharing: string): Json {
  return {
    app,
    can_list: true,
    can_write: true,
    modifiable: true,
    owner,
    perms: { read: ['*'], write: ['admin', 'power'] },
    removable: false,
    sharing,
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function notFound(res: ServerResponse): void {
  send(res, 404, { messages: [{ type: 'ERROR', text: 'Not Found' }] });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, 'application/json; charset=UTF-8', JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, contentType: string | undefined, body: string): void {
  if (res.destroyed || res.headersSent) return;
  if (contentType) res.setHeader('content-type', contentType);
  res.writeHead(status);
  res.end(status === 204 ? undefined : body);
}
