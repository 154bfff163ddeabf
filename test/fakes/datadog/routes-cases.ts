// /api/v2/cases*: JSON:API in and out, `application/vnd.api+json`, 201 on create, every update a
// POST to a sub-resource (README §3). Case creation has no idempotency in Datadog, and none here:
// state.casesCreated counts what a retry storm would have made.
import { randomUUID } from 'node:crypto';
import { checkV2Auth, type FakeRequest, isObject, iso, json, JSONAPI_TYPE, jsonApiError, type Reply } from './http';
import { CASE_STATUS_NAMES, CASE_TYPES, FAKE_USER, type FakeCase, type FakeDatadogState } from './state';

const PRIORITIES = ['NOT_DEFINED', 'P1', 'P2', 'P3', 'P4', 'P5'];
const STATUS_GROUP: Record<string, [group: string, name: string]> = {
  OPEN: ['SG_OPEN', 'Open'],
  IN_PROGRESS: ['SG_IN_PROGRESS', 'In Progress'],
  CLOSED: ['SG_CLOSED', 'Closed'],
};

export function casesRoute(state: FakeDatadogState, req: FakeRequest): Reply | null {
  if (!req.path.startsWith('/api/v2/cases')) return null;
  const keys = { apiKey: state.apiKey, appKey: state.appKey, wrongSite: state.wrongSiteApiKeys, denied: state.deniedPermissions };
  if (req.path === '/api/v2/cases' && req.method === 'POST') return checkV2Auth(req, keys, 'cases_write') ?? create(state, req);
  if (req.path === '/api/v2/cases' && req.method === 'GET') return checkV2Auth(req, keys, 'cases_read') ?? search(state, req);
  const m = /^\/api\/v2\/cases\/([^/]+)(?:\/([a-z]+))?$/.exec(req.path);
  if (!m) return null;
  const id = decodeURIComponent(m[1]!);
  const sub = m[2];
  if (!sub && req.method === 'GET') return checkV2Auth(req, keys, 'cases_read') ?? withCase(state, id, (c) => caseReply(state, c));
  const write = checkV2Auth(req, keys, 'cases_write');
  if (sub === 'insights' && req.method === 'PUT') return write ?? withCase(state, id, (c) => addInsights(state, c, req));
  if (req.method !== 'POST' || !sub) return null;
  const handler = {
    status: setStatus,
    priority: setPriority,
    assign: assign,
    unassign: unassign,
    comment: comment,
    archive: archive,
  }[sub];
  if (!handler) return null;
  return write ?? withCase(state, id, (c) => handler(state, c, req));
}

function withCase(state: FakeDatadogState, id: string, f: (c: FakeCase) => Reply): Reply {
  const c = state.cases.get(id);
  // Recorded: 404 {"errors":[{"code":"resource_not_found","title":"case not found"}]}
  return c ? f(c) : jsonApiError(404, [{ code: 'resource_not_found', title: 'case not found' }]);
}

function dataOf(req: FakeRequest): { type: unknown; attributes: Record<string, unknown>; relationships: Record<string, unknown> } | null {
  const data = isObject(req.body) ? req.body['data'] : undefined;
  if (!isObject(data)) return null;
  return {
    type: data['type'],
    attributes: isObject(data['attributes']) ? data['attributes'] : {},
    relationships: isObject(data['relationships']) ? data['relationships'] : {},
  };
}

const badRequest = (detail?: string) =>
  jsonApiError(400, [{ status: '400', title: 'Bad Request', ...(detail ? { detail } : {}) }]);

function typeCheck(d: { type: unknown }): Reply | null {
  return d.type === 'case' ? null : badRequest(`got type ${JSON.stringify(d.type ?? '')} expected one of "case"`);
}

function create(state: FakeDatadogState, req: FakeRequest): Reply {
  const d = dataOf(req);
  if (!d) return badRequest();
  const bad = typeCheck(d);
  if (bad) return bad;
  const title = d.attributes['title'];
  const typeId = d.attributes['type_id'];
  if (typeof title !== 'string' || !title.trim()) return badRequest('title is required'); // fake's wording
  if (typeof typeId !== 'string') return badRequest('type_id is required'); // fake's wording
  const priority = d.attributes['priority'] ?? 'NOT_DEFINED';
  if (typeof priority !== 'string' || !PRIORITIES.includes(priority)) return badRequest(`invalid priority ${String(priority)}`);
  const project = relId(d.relationships['project']);
  const assignee = d.relationships['assignee'];
  if (isObject(assignee) && isObject(assignee['data']) && assignee['data']['type'] !== 'user') {
    return badRequest(`got type ${JSON.stringify(assignee['data']['type'])} expected one of "user"`); // recorded wording
  }
  if (!project.id || !state.projects.has(project.id)) {
    return jsonApiError(404, [{ code: 'resource_not_found', title: 'project not found' }]); // recorded
  }
  const c = state.newCase({
    title,
    description: typeof d.attributes['description'] === 'string' ? d.attributes['description'] : '',
    status: 'OPEN',
    priority,
    typeId,
    projectId: project.id,
    assigneeId: relId(assignee).id,
    createdAt: iso(req.now),
  });
  return caseReply(state, c, 201, { omitGroup: true });
}

function relId(rel: unknown): { id: string | null } {
  const data = isObject(rel) ? rel['data'] : undefined;
  return { id: isObject(data) && typeof data['id'] === 'string' ? data['id'] : null };
}

function touched(c: FakeCase, req: FakeRequest): void {
  c.modifiedAt = iso(req.now);
}

function setStatus(state: FakeDatadogState, c: FakeCase, req: FakeRequest): Reply {
  const d = dataOf(req);
  if (!d) return badRequest();
  const st = d.attributes['status'];
  if (typeof st !== 'string' || !CASE_STATUS_NAMES.includes(st)) {
    // Recorded wording, "Generic Error" title and all.
    return jsonApiError(400, [{ title: 'Generic Error', detail: `invalid status ${String(st)}. Must be one of ${CASE_STATUS_NAMES.join(', ')}` }]);
  }
  c.status = st;
  c.closedAt = st === 'CLOSED' ? iso(req.now) : null;
  touched(c, req);
  return caseReply(state, c);
}

function setPriority(state: FakeDatadogState, c: FakeCase, req: FakeRequest): Reply {
  const p = dataOf(req)?.attributes['priority'];
  if (typeof p !== 'string' || !PRIORITIES.includes(p)) return badRequest(`invalid priority ${String(p)}`);
  c.priority = p;
  touched(c, req);
  return caseReply(state, c);
}

function assign(state: FakeDatadogState, c: FakeCase, req: FakeRequest): Reply {
  const a = dataOf(req)?.attributes['assignee_id'];
  if (typeof a !== 'string' || !a) return badRequest('assignee_id is required');
  c.assigneeId = a;
  touched(c, req);
  return caseReply(state, c);
}

function unassign(state: FakeDatadogState, c: FakeCase, req: FakeRequest): Reply {
  c.assigneeId = null;
  touched(c, req);
  return caseReply(state, c);
}

function archive(state: FakeDatadogState, c: FakeCase, req: FakeRequest): Reply {
  c.archivedAt = iso(req.now);
  touched(c, req);
  return caseReply(state, c);
}

function comment(_state: FakeDatadogState, c: FakeCase, req: FakeRequest): Reply {
  const text = dataOf(req)?.attributes['comment'];
  // Recorded: an empty comment → {"errors":[{"status":"400","title":"Bad Request"}]}
  if (typeof text !== 'string' || !text) return badRequest();
  const cell = { id: randomUUID(), message: text, created_at: iso(req.now) };
  c.comments.push(cell);
  return json(
    200,
    {
      data: [
        {
          id: cell.id,
          type: 'timeline_cell',
          attributes: {
            author: { type: 'USER', content: { ID: FAKE_USER.id, name: FAKE_USER.name, email: FAKE_USER.email, handle: FAKE_USER.handle, active: true } },
            cell_content: { message: text },
            content: JSON.stringify({ message: text }),
            created_at: cell.created_at,
            type: 'COMMENT',
          },
        },
      ],
    },
    JSONAPI_TYPE,
  );
}

function addInsights(state: FakeDatadogState, c: FakeCase, req: FakeRequest): Reply {
  const d = dataOf(req);
  if (!d) return badRequest();
  const bad = typeCheck(d);
  if (bad) return bad;
  const list = d.attributes['insights'];
  if (!Array.isArray(list) || list.length === 0 || list.length > 100) return badRequest('insights must hold 1 to 100 items');
  for (const i of list) {
    if (!isObject(i) || typeof i['type'] !== 'string' || typeof i['ref'] !== 'string' || typeof i['resource_id'] !== 'string') {
      return badRequest('each insight needs type, ref and resource_id');
    }
    // Whether Datadog de-duplicates a re-added insight is not recorded; the fake does, by type + resource.
    if (!c.insights.some((x) => x.type === i['type'] && x.resource_id === i['resource_id'])) {
      c.insights.push({ type: i['type'], ref: i['ref'], resource_id: i['resource_id'] });
    }
  }
  touched(c, req);
  return caseReply(state, c);
}

/** GET /api/v2/cases: page[size] (default 10, max 100), page[number] from 1, filter, sort[field], sort[asc]. */
function search(state: FakeDatadogState, req: FakeRequest): Reply {
  const size = Number(req.query.get('page[size]') ?? 10);
  const number = Math.max(1, Number(req.query.get('page[number]') ?? 1));
  if (!Number.isInteger(size) || size < 1 || size > 100) return badRequest('page[size] must be between 1 and 100');
  if (!Number.isInteger(number)) return badRequest('page[number] must be an integer');
  const field = req.query.get('sort[field]') ?? 'created_at';
  if (!['created_at', 'priority', 'status'].includes(field)) return badRequest(`invalid sort field ${field}`);
  const asc = req.query.get('sort[asc]') === 'true';
  const matches = compileCaseFilter(req.query.get('filter') ?? '');
  const key = (c: FakeCase) => (field === 'created_at' ? c.createdAt : field === 'priority' ? c.priority : c.status);
  const all = [...state.cases.values()]
    .filter(matches)
    .sort((a, b) => (asc ? 1 : -1) * (key(a).localeCompare(key(b)) || a.publicId - b.publicId));
  const page = all.slice((number - 1) * size, number * size);
  return json(
    200,
    {
      data: page.map((c) => caseJson(c, { forSearch: true })),
      // Recorded: page.size is the count in *this* page and page.total the number of pages.
      meta: { total_cases: all.length, page: { current: number, size: page.length, total: Math.ceil(all.length / size) } },
      included: [userJson()],
    },
    JSONAPI_TYPE,
  );
}

/** Free text matches title/description/key; `status:open`, `priority:p1` match those fields. */
function compileCaseFilter(filter: string): (c: FakeCase) => boolean {
  const terms = filter.match(/"[^"]*"|\S+/g) ?? [];
  return (c) =>
    terms.every((raw) => {
      const t = raw.replace(/^"|"$/g, '').toLowerCase();
      const facet = /^(status|priority):(.+)$/.exec(t);
      if (facet) return (facet[1] === 'status' ? c.status : c.priority).toLowerCase() === facet[2];
      return `${c.title}\n${c.description}\n${c.key}`.toLowerCase().includes(t);
    });
}

function caseReply(_state: FakeDatadogState, c: FakeCase, status = 200, o: { omitGroup?: boolean } = {}): Reply {
  const included = [userJson()];
  if (c.assigneeId && c.assigneeId !== FAKE_USER.id) included.push(userJson(c.assigneeId));
  return json(status, { data: caseJson(c, o), included }, JSONAPI_TYPE);
}

function caseJson(c: FakeCase, o: { forSearch?: boolean; omitGroup?: boolean } = {}): unknown {
  const [group, name] = STATUS_GROUP[c.status] ?? ['SG_OPEN', c.status];
  const user = { data: { id: FAKE_USER.id, type: 'user' } };
  return {
    id: c.id,
    type: 'case',
    attributes: {
      ...(c.archivedAt ? { archived_at: c.archivedAt } : {}),
      attributes: {},
      ...(c.closedAt ? { closed_at: c.closedAt } : {}),
      comment_count: c.comments.length,
      created_at: c.createdAt,
      ...(o.forSearch
        ? { created_by_author: { type: 'USER', content: { ID: FAKE_USER.id, name: FAKE_USER.name, email: FAKE_USER.email, handle: FAKE_USER.handle, active: true } } }
        : {}),
      creation_source: 'MANUAL',
      custom_attributes: {},
      description: c.description,
      insights: c.insights,
      internal_id: c.id,
      key: c.key,
      merge_status: 'NOT_MERGED',
      ...(c.modifiedAt ? { modified_at: c.modifiedAt } : {}),
      priority: c.priority,
      public_id: String(c.publicId),
      status: c.status,
      ...(o.omitGroup ? {} : { status_group: group }),
      status_name: name,
      title: c.title,
      type: CASE_TYPES[c.typeId] ?? 'STANDARD',
      type_id: c.typeId,
    },
    relationships: {
      ...(c.assigneeId ? { assignee: { data: { id: c.assigneeId, type: 'user' } } } : {}),
      created_by: user,
      ...(c.modifiedAt ? { modified_by: user } : {}),
      project: { data: { id: c.projectId, type: 'project' } },
    },
  };
}

function userJson(id: string = FAKE_USER.id): unknown {
  const me = id === FAKE_USER.id;
  return {
    id,
    type: 'user',
    attributes: { active: me, email: me ? FAKE_USER.email : `${id}@example.invalid`, handle: me ? FAKE_USER.handle : `${id}@example.invalid`, name: me ? FAKE_USER.name : '' },
  };
}
