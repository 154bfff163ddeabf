// The drain side of containment: one queued run through the Datadog client. Nothing in the outbox
// row is trusted but the request id: the workflow and its inputs come from the requester's signed
// request, and every signature the run needs is verified again here, against the register and the
// roster as they are now (a row written by hand, a request whose finding was revised, an approver
// dropped from the roster: none of them runs). A workflow run is not idempotent, so its instance id
// is stored before polling starts; a later drain resumes polling instead of starting a second run,
// and a failure that may have reached Datadog is parked for a person instead of retried.
import { canonicalJson } from '../../../shared/canonical-json';
import { isVigilError, VigilError, type ErrorCode } from '../../../shared/errors';
import type { Severity } from '../../../shared/severity';
import type { Danger } from '../custody';
import type { ContainmentRequestRow } from '../register/containment-store';
import type { Register } from '../register/register';
import type { OutboxRow } from '../register/source-stores';
import type { DatadogClient } from '../sources/datadog/client';
import type { IncidentSeverity } from '../sources/datadog/incidents';
import { verifyForRun } from './gate';
import { mirrorStatus } from './mirror';

/** How long the drain follows a workflow instance, and how often it asks. */
export interface PollOptions {
  intervalMs?: number;
  timeoutMs?: number;
}

/** Failures after which the run certainly did not start: safe to retry. */
const NOT_STARTED = new Set<ErrorCode>(['SOURCE_UNREACHABLE', 'SOURCE_RATE_LIMITED', 'CANCELLED']);

const INCIDENT_SEVERITY: Readonly<Record<Severity, IncidentSeverity>> = { critical: 'SEV-1', high: 'SEV-2', medium: 'SEV-3', low: 'SEV-4', info: 'SEV-5' };

/** A failure the outbox must not retry on its own. */
export function permanent(e: VigilError): VigilError {
  return Object.assign(e, { permanent: true });
}

const fid = (n: number) => `FND-${n}`;

export async function deliverContainment(reg: Register, client: DatadogClient, row: OutboxRow, signal?: AbortSignal, poll: PollOptions = {}): Promise<void> {
  const store = reg.containment();
  let payload: { request?: unknown; action_id?: unknown };
  try {
    payload = JSON.parse(row.payload) as typeof payload;
  } catch {
    throw permanent(new VigilError('SIGNATURE_INVALID', 'The containment outbox row is not readable; nothing was run.'));
  }
  const req = typeof payload.request === 'number' ? store.request(payload.request) : null;
  if (!req || req.action_id !== payload.action_id || `${reg.workspaceId}:${req.action_id}:run` !== row.idempotency_key) {
    throw permanent(new VigilError('SIGNATURE_INVALID', `The outbox row ${row.idempotency_key} names no queued containment request of this workspace; nothing was run.`));
  }
  // Finished before its outbox row was marked (a crash in between): only the marking is left.
  if ((req.state === 'succeeded' || req.state === 'failed') && (req.instance_id || req.incident_id)) {
    reg.outboxSent(row, Date.now());
    return;
  }
  if (req.state !== 'queued' && req.state !== 'running') {
    throw permanent(new VigilError('SIGNATURE_INVALID', `The containment request ${req.action_id} is ${req.state}, not queued; nothing was run.`));
  }

  let run;
  try {
    run = verifyForRun(reg, req, store.actionByName(req.action_name)?.danger as Danger | undefined ?? null);
  } catch (e) {
    const err = isVigilError(e) ? e : new VigilError('INTERNAL', 'The containment request could not be verified.');
    finish(reg, req, { state: 'refused', error: err });
    throw permanent(err);
  }

  const o = signal ? { signal } : undefined;
  if (run.kind === 'incident') {
    const inputs = run.inputs as { title?: unknown; customer_impacted?: unknown; customer_impact_scope?: unknown };
    let incident;
    try {
      incident = await client.createIncident(
        {
          title: String(inputs.title ?? `${run.request.finding_id}`),
          severity: INCIDENT_SEVERITY[run.request.severity],
          customerImpacted: inputs.customer_impacted === true,
          ...(typeof inputs.customer_impact_scope === 'string' ? { customerImpactScope: inputs.customer_impact_scope } : {}),
        },
        o,
      );
    } catch (e) {
      throw maybeStarted(reg, req, e);
    }
    const content = canonicalJson({ kind: 'datadog_incident', action: req.action_name, action_id: req.action_id, incident_id: incident.id, public_id: incident.publicId, title: incident.title, response: incident.raw });
    finish(reg, req, { state: 'succeeded', incidentId: incident.id, status: 'DECLARED', evidence: { title: `Datadog incident ${incident.publicId ?? incident.id} (${req.action_name})`, content, meta: { kind: 'incident', incident_id: incident.id, public_id: incident.publicId, action: req.action_name, action_id: req.action_id, approver: run.approver } } });
    reg.outboxSent(row, Date.now());
    return;
  }

  const workflowId = run.workflowId!;
  let instanceId = req.instance_id;
  if (!instanceId) {
    try {
      instanceId = await client.runWorkflow(workflowId, run.inputs, o);
    } catch (e) {
      throw maybeStarted(reg, req, e);
    }
    const at = Date.now();
    const id = instanceId;
    reg.transaction(() => {
      store.updateRequest(req.id, { state: 'running', instance_id: id, instance_status: 'IN_PROGRESS', updated_at: at });
      store.hooks.audit().append({ actor: 'system:outbox', action: 'containment.started', entity: 'finding', entityId: fid(req.finding_id), field: 'containment', new: { request: req.id, action: req.action_name, workflow_id: workflowId, instance_id: id }, at });
    });
  }
  // Transient polling failures go back to the outbox; the next drain resumes here, never re-runs.
  const inst = await client.waitForWorkflowInstance(workflowId, instanceId, { ...(signal ? { signal } : {}), ...(poll.intervalMs !== undefined ? { intervalMs: poll.intervalMs } : {}), ...(poll.timeoutMs !== undefined ? { timeoutMs: poll.timeoutMs } : {}) });
  const content = canonicalJson({ kind: 'datadog_workflow_instance', action: req.action_name, action_id: req.action_id, workflow_id: workflowId, instance_id: instanceId, status: inst.status, display_name: inst.displayName, outputs: inst.outputs ?? null, instance: inst.raw });
  const ok = inst.status === 'SUCCEEDED';
  finish(reg, req, {
    state: ok ? 'succeeded' : 'failed',
    status: inst.status,
    ...(ok ? {} : { error: new VigilError('SOURCE_BAD_REQUEST', `The workflow instance ended ${inst.displayName ?? inst.status}.`) }),
    evidence: { title: `Workflow run ${req.action_name}: ${inst.displayName ?? inst.status}`, content, meta: { kind: 'workflow', workflow_id: workflowId, instance_id: instanceId, status: inst.status, action: req.action_name, action_id: req.action_id, approver: run.approver } },
  });
  reg.outboxSent(row, Date.now());
}

/** A failure of the starting call. Retry only when the run certainly did not start. */
function maybeStarted(reg: Register, req: ContainmentRequestRow, e: unknown): unknown {
  if (!isVigilError(e)) return e;
  if (NOT_STARTED.has(e.code)) return e;
  const uncertain = e.code === 'SOURCE_TIMEOUT' || e.code === 'SOURCE_UNAVAILABLE' || e.code === 'SOURCE_BAD_RESPONSE';
  const err = new VigilError(e.code, uncertain ? `${e.message} It may have started in Datadog: check there before asking again.` : e.message);
  finish(reg, req, { state: 'failed', error: err });
  return permanent(err);
}

interface Outcome {
  state: 'succeeded' | 'failed' | 'refused';
  status?: string;
  incidentId?: string;
  error?: VigilError;
  evidence?: { title: string; content: string; meta: Record<string, unknown> };
}

/** The request's end, its evidence, and the finding's status, in one transaction with their audit entries. */
function finish(reg: Register, req: ContainmentRequestRow, out: Outcome): void {
  const store = reg.containment();
  const at = Date.now();
  reg.transaction(() => {
    let evidenceId: number | null = null;
    if (out.evidence) {
      const ev = store.addEvidence(req.finding_id, { kind: 'workflow_run', ...out.evidence }, 'system:outbox', at);
      evidenceId = ev.id;
      store.hooks.audit().append({ actor: 'system:outbox', action: 'evidence.added', entity: 'finding', entityId: fid(req.finding_id), field: 'evidence', new: { id: ev.id, kind: 'workflow_run', title: out.evidence.title, sha256: ev.sha256 }, at });
    }
    store.updateRequest(req.id, {
      state: out.state,
      ...(out.status !== undefined ? { instance_status: out.status } : {}),
      ...(out.incidentId !== undefined ? { incident_id: out.incidentId } : {}),
      ...(evidenceId !== null ? { evidence_id: evidenceId } : {}),
      last_error: out.error?.message ?? null,
      last_error_code: out.error?.code ?? null,
      updated_at: at,
    });
    store.hooks.audit().append({
      actor: 'system:outbox',
      action: out.state === 'succeeded' ? 'containment.completed' : out.state === 'refused' ? 'containment.refused' : 'containment.failed',
      entity: 'finding',
      entityId: fid(req.finding_id),
      field: 'containment',
      new: { request: req.id, action: req.action_name, action_id: req.action_id, status: out.status ?? null, evidence: evidenceId, ...(out.error ? { code: out.error.code, message: out.error.message } : {}) },
      at,
    });
    // The finding moves with its runs: contained once one succeeded and none is still on its way,
    // back to signed when the last one in flight did not succeed.
    const f = reg.finding(req.finding_id);
    if (f && f.row.status === 'containing' && store.inFlight(req.finding_id) === 0) {
      const anySucceeded = store.requests(req.finding_id).some((r) => r.state === 'succeeded');
      const status = anySucceeded ? 'contained' : 'signed';
      mirrorStatus(reg, req.finding_id, status, `Containment ${req.action_name} ${out.state} in Vigil${out.status ? ` (${out.status})` : ''}.`, 'system:outbox', at);
      store.hooks.updateFinding(req.finding_id, { status }, 'system:outbox', at, `containment ${req.action_name}: ${out.state}`);
    }
  });
}
