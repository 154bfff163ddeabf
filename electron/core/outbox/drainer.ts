// Drains the outbox: each due row, in order within its finding, through the Datadog client. A
// transient failure (offline, 429, 5xx) waits with backoff; a permanent one (bad key, missing
// permission, rejected request) is parked as failed for a person to look at. A case create that
// may have reached Datadog is looked up by its marker before it is tried again, so a retry never
// makes a second case.
import { VigilError, isVigilError, type ErrorCode } from '../../../shared/errors';
import type { Register } from '../register/register';
import type { OutboxRow } from '../register/source-stores';
import type { DatadogClient } from '../sources/datadog/client';
import { deliverContainment } from '../containment/deliver';

const TRANSIENT = new Set<ErrorCode>(['SOURCE_UNREACHABLE', 'SOURCE_TIMEOUT', 'SOURCE_RATE_LIMITED', 'SOURCE_UNAVAILABLE', 'CANCELLED']);
export const OFFLINE_CODES = new Set<ErrorCode>(['SOURCE_UNREACHABLE', 'SOURCE_TIMEOUT']);
const BAD_RESPONSE_RETRIES = 5;

export function backoffMs(attempts: number): number {
  return Math.min(30 * 60_000, 5_000 * 2 ** Math.min(attempts, 10));
}

export interface DrainResult {
  sent: number;
  retrying: number;
  failed: number;
  /** the network looked down: stop draining until connectivity returns */
  offline: boolean;
}

export async function drainOutbox(
  reg: Register,
  client: DatadogClient,
  opts: { now?: () => number; limit?: number; signal?: AbortSignal } = {},
): Promise<DrainResult> {
  const now = opts.now ?? Date.now;
  const out: DrainResult = { sent: 0, retrying: 0, failed: 0, offline: false };
  // Rows are re-read each round: sending one can unblock the next in its stream.
  for (let round = 0; round < 100; round++) {
    const rows = reg.outboxDue(now(), opts.limit ?? 20);
    if (rows.length === 0) break;
    for (const row of rows) {
      if (opts.signal?.aborted) return out;
      try {
        await deliver(reg, client, row, opts.signal);
        out.sent++;
      } catch (e) {
        const code: ErrorCode = isVigilError(e) ? e.code : 'INTERNAL';
        const message = isVigilError(e) ? e.message : 'Unexpected failure while sending to Datadog.';
        // A containment run that may have reached Datadog (or failed its re-verification) is never retried on its own.
        const permanent = (e as { permanent?: unknown } | null)?.permanent === true;
        const transient = !permanent && (TRANSIENT.has(code) || (code === 'SOURCE_BAD_RESPONSE' && row.attempts + 1 < BAD_RESPONSE_RETRIES));
        reg.outboxNotSent(row, { code, message }, transient ? now() + backoffMs(row.attempts) : null);
        if (transient) out.retrying++;
        else out.failed++;
        if (OFFLINE_CODES.has(code)) {
          out.offline = true;
          return out;
        }
      }
    }
  }
  return out;
}

async function deliver(reg: Register, client: DatadogClient, row: OutboxRow, signal?: AbortSignal): Promise<void> {
  const p = JSON.parse(row.payload) as Record<string, unknown>;
  const o = signal ? { signal } : undefined;
  const caseOf = (findingId: number) => {
    const c = reg.findingCase(findingId);
    // Stream order makes the create land first; a missing case means the create was parked as failed.
    if (!c) throw new VigilError('SOURCE_NOT_FOUND', `FND-${findingId} has no Datadog case yet: its case creation did not succeed.`);
    return c.case_id;
  };
  switch (row.kind) {
    case 'signal.state':
      await client.setSignalState(String(p['signalId']), p['state'] as never, p['archiveReason'] as never, p['comment'] as string | undefined, o);
      break;
    case 'signal.assignee':
      await client.setSignalAssignee(String(p['signalId']), String(p['uuid'] ?? ''), o);
      break;
    case 'case.create': {
      const findingId = Number(p['findingId']);
      // A previous attempt may have created it before its answer was lost.
      const existing = row.attempts > 0 ? await client.findCaseByMarker(String(p['marker']), o) : null;
      const c =
        existing ??
        (await client.createCase(
          {
            title: String(p['title']),
            description: String(p['description']),
            priority: p['priority'] as never,
            projectId: String(p['projectId']),
            ...(p['typeId'] ? { typeId: String(p['typeId']) } : {}),
            signalId: String(p['signalId']),
          },
          o,
        ));
      reg.outboxSent(row, Date.now(), { findingCase: { findingId, caseId: c.id, caseKey: c.key ?? null } });
      return;
    }
    case 'case.status':
      await client.updateCaseStatus(caseOf(Number(p['findingId'])), p['status'] as never, o);
      break;
    case 'case.priority':
      await client.updateCasePriority(caseOf(Number(p['findingId'])), p['priority'] as never, o);
      break;
    case 'case.assign':
      await client.assignCase(caseOf(Number(p['findingId'])), String(p['assigneeId']), o);
      break;
    case 'case.comment':
      await client.commentCase(caseOf(Number(p['findingId'])), String(p['text']), o);
      break;
    case 'containment.run':
      // Re-verifies every signature the run needs before anything leaves, and marks the row itself.
      await deliverContainment(reg, client, row, signal);
      return;
  }
  reg.outboxSent(row, Date.now());
}
