// /api/v2/workflows/{id}/instances*: run (200, not 201) and poll. An instance answers IN_PROGRESS
// for the workflow's first `pollsBeforeDone` GETs, then its terminal kind. Only IN_PROGRESS and
// CANCELED are recorded; the default SUCCEEDED is the fake's stand-in for "some other terminal kind".
import { randomUUID } from 'node:crypto';
import { checkV2Auth, type FakeRequest, isObject, iso, json, jsonApiError, type Reply, UUID_RE } from './http';
import { FAKE_USER, type FakeDatadogState, type FakeInstance, type FakeWorkflow } from './state';

export function workflowsRoute(state: FakeDatadogState, req: FakeRequest): Reply | null {
  const m = /^\/api\/v2\/workflows\/([^/]*)\/instances(?:\/([^/]+))?$/.exec(req.path);
  if (!m) return null;
  const keys = { apiKey: state.apiKey, appKey: state.appKey, wrongSite: state.wrongSiteApiKeys, denied: state.deniedPermissions };
  const workflowId = decodeURIComponent(m[1]!);
  const instanceId = m[2] === undefined ? null : decodeURIComponent(m[2]);
  if (instanceId === null && req.method === 'POST') return checkV2Auth(req, keys, 'workflows_run') ?? run(state, req, workflowId);
  if (instanceId !== null && req.method === 'GET') return checkV2Auth(req, keys, 'workflows_read') ?? poll(state, req, workflowId, instanceId);
  return null;
}

function lookup(state: FakeDatadogState, workflowId: string): { wf: FakeWorkflow } | { error: Reply } {
  if (!UUID_RE.test(workflowId)) {
    // Recorded for an empty id: value <no value> is invalid for field workflow_id
    return { error: jsonApiError(400, [{ code: 'INVALID_FIELD_VALUE', detail: `value ${workflowId || '<no value>'} is invalid for field workflow_id` }], 'application/json') };
  }
  const wf = state.workflows.get(workflowId);
  return wf ? { wf } : { error: jsonApiError(404, [{ code: 'WORKFLOW_NOT_FOUND', detail: 'workflow not found' }], 'application/json') };
}

function run(state: FakeDatadogState, req: FakeRequest, workflowId: string): Reply {
  const found = lookup(state, workflowId);
  if ('error' in found) return found.error;
  const meta = isObject(req.body) ? req.body['meta'] : undefined;
  const payload = isObject(meta) ? (meta['payload'] ?? {}) : {};
  const inst: FakeInstance = { id: randomUUID(), workflowId, payload, polls: 0, startedAt: iso(req.now), endedAt: null };
  state.instances.set(inst.id, inst);
  return json(200, { data: { attributes: {}, id: inst.id, type: 'instances' }, meta: { workflowId } });
}

function poll(state: FakeDatadogState, req: FakeRequest, workflowId: string, instanceId: string): Reply {
  const found = lookup(state, workflowId);
  if ('error' in found) return found.error;
  const { wf } = found;
  const inst = state.instances.get(instanceId);
  if (!inst || inst.workflowId !== workflowId) {
    return jsonApiError(404, [{ code: 'INSTANCE_NOT_FOUND', detail: `instance ${instanceId} not found` }], 'application/json');
  }
  inst.polls += 1;
  const done = inst.polls > wf.pollsBeforeDone;
  if (done && !inst.endedAt) inst.endedAt = iso(req.now);
  const actingUser = { userEmail: FAKE_USER.email, userName: FAKE_USER.name, userUuid: FAKE_USER.id };
  return json(200, {
    data: {
      attributes: {
        ...(inst.endedAt ? { endTimestamp: inst.endedAt } : {}),
        instanceStatus: done ? { detailsKind: wf.terminalKind, displayName: wf.terminalDisplayName } : { detailsKind: 'IN_PROGRESS', displayName: 'Running' },
        outputs: done ? wf.outputs : {},
        source: { api: { actingUser } },
        startTimestamp: inst.startedAt,
        stepStateAssociations: [],
        trigger: inst.payload,
      },
      id: inst.id,
      relationships: { workflow: { data: { id: workflowId, type: 'workflows' } } },
      type: 'instances',
    },
    meta: { outputsTooBig: false, sourceTooBig: false, triggerTooBig: false },
  });
}
