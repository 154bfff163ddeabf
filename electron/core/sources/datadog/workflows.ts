// Workflow Automation (README §4): start a containment workflow and follow it to the end.
// The 1.64 models for an instance are nearly empty, so status and outputs come from the raw JSON.
import { type client, v2 } from '@datadog/datadog-api-client';
import { z } from 'zod';
import { VigilError } from '../../../../shared/errors';
import { call, type CallContext, type CallOptions, combineSignals } from './call';
import type { Operation } from './operation';
import { cancelledError, type Sleep } from './retry';
import { expectShape } from './shape';
import { requireId, short } from './input';

export interface WorkflowInstance {
  instanceId: string;
  /** instanceStatus.detailsKind: IN_PROGRESS, CANCELED, SUCCEEDED, … ("" when Datadog sent none yet) */
  status: string;
  displayName: string | null;
  /** neither empty nor IN_PROGRESS — the only terminal rule the recordings support */
  done: boolean;
  outputs: unknown;
  raw: unknown;
}

export interface WaitForWorkflowOptions extends CallOptions {
  /** between polls; default 2 s */
  intervalMs?: number;
  /** overall; default 10 min */
  timeoutMs?: number;
  onPoll?: (instance: WorkflowInstance) => void;
}

const RunBody = z.looseObject({ data: z.looseObject({ id: z.string().min(1) }) });
const InstanceBody = z.looseObject({
  data: z.looseObject({
    id: z.string().optional(),
    attributes: z
      .looseObject({
        instanceStatus: z.looseObject({ detailsKind: z.string().nullish(), displayName: z.string().nullish() }).nullish(),
        outputs: z.unknown().optional(),
      })
      .nullish(),
  }),
});

const FORBIDDEN_HINT =
  'Workflow runs also need the application key registered for Actions API access (or an Action Connection).';

export function workflowsApi(ctx: CallContext, sleep: Sleep) {
  const api = (c: client.Configuration) => new v2.WorkflowAutomationApi(c);

  /** Starts the workflow with `payload` as its input parameters. Not retried once it may have arrived. */
  async function runWorkflow(workflowId: string, payload: Record<string, unknown>, opts?: CallOptions): Promise<string> {
    const id = requireId(workflowId, 'workflow id');
    const body: v2.WorkflowInstanceCreateRequest = { meta: { payload } };
    const op: Operation = {
      name: 'run the workflow',
      auth: 'api_and_app_key',
      permission: 'workflows_run',
      idempotent: false,
      subject: `Workflow ${short(id)}`,
      forbiddenHint: FORBIDDEN_HINT,
    };
    const { raw } = await call(ctx, op, (c) => api(c).createWorkflowInstance({ workflowId: id, body }), opts);
    return expectShape(RunBody, raw, op).data.id;
  }

  async function getWorkflowInstance(workflowId: string, instanceId: string, opts?: CallOptions): Promise<WorkflowInstance> {
    const wid = requireId(workflowId, 'workflow id');
    const iid = requireId(instanceId, 'workflow instance id');
    const op: Operation = {
      name: 'read the workflow instance',
      auth: 'api_and_app_key',
      permission: 'workflows_read',
      idempotent: true,
      subject: `Workflow ${short(wid)} or its instance ${short(iid)}`,
      forbiddenHint: FORBIDDEN_HINT,
    };
    const { raw } = await call(ctx, op, (c) => api(c).getWorkflowInstance({ workflowId: wid, instanceId: iid }), opts);
    const a = expectShape(InstanceBody, raw, op).data.attributes;
    const status = a?.instanceStatus?.detailsKind ?? '';
    return {
      instanceId: iid,
      status,
      displayName: a?.instanceStatus?.displayName ?? null,
      done: status !== '' && status !== 'IN_PROGRESS',
      outputs: a?.outputs ?? null,
      raw,
    };
  }

  /** Polls until the instance is done; SOURCE_TIMEOUT if it is still running after `timeoutMs`. */
  async function waitForWorkflowInstance(workflowId: string, instanceId: string, opts: WaitForWorkflowOptions = {}): Promise<WorkflowInstance> {
    const interval = opts.intervalMs ?? 2_000;
    const budget = opts.timeoutMs ?? 600_000;
    const signal = opts.signal;
    let elapsed = 0;
    for (;;) {
      const inst = await getWorkflowInstance(workflowId, instanceId, signal ? { signal } : undefined);
      opts.onPoll?.(inst);
      if (inst.done) return inst;
      // Counted in intervals rather than wall time so an injected sleep keeps tests instant.
      if (elapsed + interval > budget) {
        throw new VigilError(
          'SOURCE_TIMEOUT',
          `Workflow instance ${short(instanceId)} was still ${inst.displayName ?? inst.status ?? 'running'} after ${Math.round(budget / 1000)} s. It keeps running in Datadog; check it there.`,
        );
      }
      try {
        await sleep(interval, combineSignals(ctx.signal, signal));
      } catch (e) {
        if (ctx.signal?.aborted || signal?.aborted) throw cancelledError('waiting for the workflow');
        throw e;
      }
      if (ctx.signal?.aborted || signal?.aborted) throw cancelledError('waiting for the workflow');
      elapsed += interval;
    }
  }

  return { runWorkflow, getWorkflowInstance, waitForWorkflowInstance };
}
