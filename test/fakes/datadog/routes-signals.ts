// /api/v2/security_monitoring/signals*: search (POST), list (GET), get, triage PATCHes.
// Paging reproduces the recorded walk exactly: the cursor is base64url({"after":"<last id>"}) with
// no padding (the recorded cursors decode to that), every non-empty page carries meta.page.after —
// the last one too — and the page after the last is `{"data":[]}` with no meta or links.
import { compileSignalQuery, QuerySyntaxError } from './query';
import { checkV2Auth, type FakeRequest, isObject, json, legacyError, type Reply } from './http';
import { FAKE_USER, type FakeDatadogState, type SearchSignal, type TriageMeta } from './state';

const BASE = '/api/v2/security_monitoring/signals';
const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 1000;
const STATES = ['open', 'under_review', 'archived'];
const ARCHIVE_REASONS = [
  'none', 'false_positive', 'testing_or_maintenance', 'remediated', 'investigated_case_opened',
  'true_positive_benign', 'true_positive_malicious', 'other',
];
/** GET shape carries severity as an int; the recording shows info → 0, the rest is the fake's choice. */
const SEVERITY_INT: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function isSignalsPath(path: string): boolean {
  return path === BASE || path.startsWith(`${BASE}/`);
}

export function signalsRoute(state: FakeDatadogState, req: FakeRequest): Reply | null {
  const keys = { apiKey: state.apiKey, appKey: state.appKey, wrongSite: state.wrongSiteApiKeys, denied: state.deniedPermissions };
  if (req.path === `${BASE}/search` && req.method === 'POST') {
    const parsed = fromBody(req.body);
    return checkV2Auth(req, keys, 'security_monitoring_signals_read') ?? ('error' in parsed ? parsed.error : search(state, req, parsed, 'search'));
  }
  if (req.path === BASE && req.method === 'GET') {
    return checkV2Auth(req, keys, 'security_monitoring_signals_read') ?? search(state, req, fromQuery(req.query), 'list');
  }
  const one = new RegExp(`^${BASE}/([^/]+)$`).exec(req.path);
  if (one && req.method === 'GET') {
    return checkV2Auth(req, keys, 'security_monitoring_signals_read') ?? getSignal(state, decodeURIComponent(one[1]!), req.now);
  }
  const triage = new RegExp(`^${BASE}/([^/]+)/(state|assignee|incidents)$`).exec(req.path);
  if (triage && req.method === 'PATCH') {
    return (
      checkV2Auth(req, keys, 'security_monitoring_signals_write') ??
      patchTriage(state, req, decodeURIComponent(triage[1]!), triage[2] as 'state' | 'assignee' | 'incidents')
    );
  }
  return null;
}

interface SearchParams {
  query?: unknown;
  from?: unknown;
  to?: unknown;
  cursor?: unknown;
  limit?: unknown;
  sort?: unknown;
}

function fromBody(body: unknown): SearchParams | { error: Reply } {
  if (body === undefined) return {};
  if (!isObject(body)) return { error: legacyError(400, 'Invalid request body') };
  const filter = isObject(body['filter']) ? body['filter'] : {};
  const page = isObject(body['page']) ? body['page'] : {};
  return { query: filter['query'], from: filter['from'], to: filter['to'], cursor: page['cursor'], limit: page['limit'], sort: body['sort'] };
}

function fromQuery(q: URLSearchParams): SearchParams {
  const get = (k: string) => q.get(k) ?? undefined;
  const limit = get('page[limit]');
  return {
    query: get('filter[query]'),
    from: get('filter[from]'),
    to: get('filter[to]'),
    cursor: get('page[cursor]'),
    limit: limit === undefined ? undefined : Number(limit),
    sort: get('sort'),
  };
}

const searchCache = new WeakMap<FakeDatadogState, { key: string; all: SearchSignal[]; position: Map<string, number> }>();

function search(state: FakeDatadogState, req: FakeRequest, params: SearchParams, shape: 'search' | 'list'): Reply {
  // Error texts below are the fake's own: no 400 for these is recorded.
  const limit = params.limit === undefined ? DEFAULT_LIMIT : params.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return legacyError(400, `page[limit] must be an integer between 1 and ${MAX_LIMIT}`);
  }
  const sort = params.sort ?? '-timestamp';
  if (sort !== 'timestamp' && sort !== '-timestamp') return legacyError(400, `invalid sort "${String(sort)}"`);
  const from = parseTime(params.from, req.now - 15 * 60_000, req.now);
  const to = parseTime(params.to, req.now, req.now);
  if (from === null || to === null) return legacyError(400, 'invalid filter[from] or filter[to]');
  let matches: (s: SearchSignal) => boolean;
  try {
    matches = compileSignalQuery(typeof params.query === 'string' ? params.query : undefined);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return legacyError(400, e.message);
    throw e;
  }

  const dir = sort === 'timestamp' ? 1 : -1;
  // One result list per (query, window, sort, data version): the pages of one walk share it, so a
  // 100,000-signal walk costs the fake one sort, not one per page.
  const key = JSON.stringify([params.query ?? null, from, to, sort, state.signalsVersion, state.signals.length]);
  let all: SearchSignal[];
  let position: Map<string, number>;
  if (searchCache.get(state)?.key === key) ({ all, position } = searchCache.get(state)!);
  else {
    all = state.signals
      .map((s) => ({ s, ts: Date.parse(s.attributes.timestamp) }))
      .filter(({ s, ts }) => ts >= from && ts <= to && matches(s))
      .sort((a, b) => dir * (a.ts - b.ts) || (a.s.id < b.s.id ? -1 : a.s.id > b.s.id ? 1 : 0))
      .map(({ s }) => s);
    position = new Map(all.map((s, i) => [s.id, i]));
    searchCache.set(state, { key, all, position });
  }

  let start = 0;
  if (params.cursor !== undefined && params.cursor !== null && params.cursor !== '') {
    const after = decodeCursor(params.cursor);
    const idx = after === null ? -1 : (position.get(after) ?? -1);
    if (idx < 0) return legacyError(400, 'invalid page cursor');
    start = idx + 1;
  }
  // Serialised at once into the reply body (json()), so the stored signals need no copy.
  const page = all.slice(start, start + limit);
  const listMeta = { elapsed: 3, request_id: `pddv1-fake-${req.now}`, status: 'done' };

  if (page.length === 0) return json(200, shape === 'search' ? { data: [] } : { data: [], meta: listMeta });

  const after = encodeCursor(page[page.length - 1]!.id);
  // Recorded: links.next is a GET URL whose window has become now-15m..now — a trap for clients that follow it.
  const next = new URL(`${req.baseUrl}${BASE}`);
  next.searchParams.set('sort', sort);
  next.searchParams.set('filter[to]', 'now');
  next.searchParams.set('page[cursor]', after);
  next.searchParams.set('filter[from]', 'now-15m');
  if (typeof params.query === 'string') next.searchParams.set('filter[query]', params.query);
  next.searchParams.set('page[limit]', String(limit));
  const meta = shape === 'search' ? { page: { after } } : { page: { after }, ...listMeta };
  return json(200, { meta, data: page, links: { next: next.toString() } });
}

export function encodeCursor(afterId: string): string {
  return Buffer.from(JSON.stringify({ after: afterId })).toString('base64url');
}

function decodeCursor(cursor: unknown): string | null {
  if (typeof cursor !== 'string') return null;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return isObject(v) && typeof v['after'] === 'string' ? v['after'] : null;
  } catch {
    return null;
  }
}

/** ISO dates, epoch ms, `now`, `now-15m` (s/m/h/d/w). */
function parseTime(v: unknown, fallback: number, now: number): number | null {
  if (v === undefined || v === null || v === '') return fallback;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const rel = /^now(?:-(\d+)([smhdw]))?$/.exec(v);
  if (rel) {
    const unit = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 }[rel[2] as 's'] ?? 0;
    return now - Number(rel[1] ?? 0) * unit;
  }
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** GET /signals/{id}: custom data moves to attributes.custom and internal fields appear (recorded 2022-09). */
function getSignal(state: FakeDatadogState, id: string, now: number): Reply {
  const s = state.findSignal(id);
  if (!s) return legacyError(404, 'Signal not found');
  const { attributes: custom, ...rest } = structuredClone(s.attributes);
  const ts = Date.parse(s.attributes.timestamp);
  return json(200, {
    data: {
      id: s.id,
      type: 'signal',
      attributes: {
        ...rest,
        custom: custom ?? {},
        severity: SEVERITY_INT[String(s.attributes.status)] ?? 0,
        event_id: s.id.slice(-24),
        event_tracker_id: s.id,
        version: 1,
        discovery_timestamp: Number.isNaN(ts) ? now : ts,
        triggering_log_timestamp: s.attributes.timestamp,
        searchable: { title: (custom?.['title'] as string | undefined) ?? '' },
        gated: {},
        tag: {},
        'datadog.index': 'signal',
      },
    },
  });
}

function patchTriage(state: FakeDatadogState, req: FakeRequest, id: string, what: 'state' | 'assignee' | 'incidents'): Reply {
  const s = state.findSignal(id);
  if (!s) return legacyError(404, 'Signal not found');
  const data = isObject(req.body) ? req.body['data'] : undefined;
  const attrs = isObject(data) ? data['attributes'] : undefined;
  if (!isObject(attrs)) return legacyError(400, 'data.attributes is required');
  const t = state.triageOf(s, req.now);

  if (what === 'state') {
    const st = attrs['state'];
    if (typeof st !== 'string' || !STATES.includes(st)) return legacyError(400, `invalid state ${JSON.stringify(st)}`);
    const reason = attrs['archive_reason'];
    if (reason !== undefined && (typeof reason !== 'string' || !ARCHIVE_REASONS.includes(reason))) {
      return legacyError(400, `invalid archive_reason ${JSON.stringify(reason)}`);
    }
    t.state = st;
    t.archive_reason = typeof reason === 'string' ? reason : 'none';
    if (typeof attrs['archive_comment'] === 'string') t.archive_comment = attrs['archive_comment'];
    else delete t.archive_comment;
  } else if (what === 'assignee') {
    const a = attrs['assignee'];
    const uuid = isObject(a) ? a['uuid'] : undefined;
    if (typeof uuid !== 'string') return legacyError(400, 'assignee.uuid is required');
    t.assignee = uuid === '' ? { id: -1, name: 'Unassigned', uuid: '' } : { id: FAKE_USER.numericId + 1, name: null, uuid, handle: `${uuid}@example.invalid` };
  } else {
    const ids = attrs['incident_ids'];
    if (!Array.isArray(ids) || !ids.every((n) => Number.isInteger(n))) return legacyError(400, 'incident_ids must be a list of integers');
    t.incident_ids = ids as number[];
  }
  t.state_update_timestamp = req.now;
  state.reflectTriage(s, t);
  return json(200, triageBody(s.id, t, req.now));
}

function triageBody(id: string, t: TriageMeta, now: number): unknown {
  return {
    data: {
      attributes: {
        incident_ids: t.incident_ids,
        state_update_user: {
          handle: FAKE_USER.handle,
          uuid: FAKE_USER.id,
          name: null,
          id: FAKE_USER.numericId,
          icon: 'https://secure.gravatar.com/avatar/00000000000000000000000000000000?s=48&d=retro',
        },
        assignee: t.assignee,
        state: t.state,
        archive_reason: t.archive_reason,
        ...(t.archive_comment !== undefined
          ? { archive_comment: t.archive_comment, archive_comment_timestamp: now, archive_comment_user: { uuid: FAKE_USER.id, handle: FAKE_USER.handle } }
          : {}),
        state_update_timestamp: t.state_update_timestamp,
      },
      type: 'signal_metadata',
      id,
    },
  };
}
