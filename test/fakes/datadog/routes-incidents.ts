// POST /api/v2/incidents → 201 (README §5). The answer keeps the recorded skeleton (public_id,
// severity/state as dropdown fields, timestamps); the 400 wordings are the fake's own.
import { randomUUID } from 'node:crypto';
import { checkV2Auth, type FakeRequest, isObject, iso, json, jsonApiError, type Reply } from './http';
import { FAKE_USER, type FakeDatadogState } from './state';

export function incidentsRoute(state: FakeDatadogState, req: FakeRequest): Reply | null {
  if (req.path !== '/api/v2/incidents' || req.method !== 'POST') return null;
  const keys = { apiKey: state.apiKey, appKey: state.appKey, wrongSite: state.wrongSiteApiKeys, denied: state.deniedPermissions };
  return checkV2Auth(req, keys, 'incident_write') ?? create(state, req);
}

function create(state: FakeDatadogState, req: FakeRequest): Reply {
  const bad = (detail: string) => jsonApiError(400, [{ status: '400', title: 'Bad Request', detail }], 'application/json');
  const data = isObject(req.body) ? req.body['data'] : undefined;
  if (!isObject(data) || data['type'] !== 'incidents') return bad('data.type must be "incidents"');
  const a = isObject(data['attributes']) ? data['attributes'] : {};
  if (typeof a['title'] !== 'string' || !a['title']) return bad('title is required');
  if (typeof a['customer_impacted'] !== 'boolean') return bad('customer_impacted is required');
  if (a['customer_impacted'] && typeof a['customer_impact_scope'] !== 'string') return bad('customer_impact_scope is required when customer_impacted');
  const fields = isObject(a['fields']) ? a['fields'] : {};
  const pick = (k: string, dflt: string) => {
    const f = fields[k];
    return isObject(f) && typeof f['value'] === 'string' ? f['value'] : dflt;
  };
  const severity = pick('severity', 'UNKNOWN');
  const st = pick('state', 'active');
  const id = randomUUID();
  const publicId = state.nextIncidentPublicId();
  const now = iso(req.now);
  const user = { data: { type: 'users', id: FAKE_USER.id, attributes: { uuid: FAKE_USER.id, handle: FAKE_USER.handle, email: FAKE_USER.email, name: FAKE_USER.name, icon: null } } };
  const response = {
    data: {
      type: 'incidents',
      id,
      attributes: {
        public_id: publicId,
        title: a['title'],
        resolved: st === 'resolved' ? now : null,
        customer_impact_scope: a['customer_impact_scope'] ?? null,
        customer_impacted: a['customer_impacted'],
        created: now,
        modified: now,
        detected: now,
        declared: now,
        severity,
        state: st,
        fields: { severity: { type: 'dropdown', value: severity }, state: { type: 'dropdown', value: st } },
        is_test: a['is_test'] === true,
        created_by: user,
        declared_by: user,
      },
      relationships: { created_by_user: { data: { type: 'users', id: FAKE_USER.id } }, commander_user: { data: null } },
    },
  };
  state.incidents.push({ id, publicId, body: req.body, response });
  return json(201, response);
}
