// What a finding change means for Datadog: the outbox rows an analyst's edit produces. Built here,
// written by the register in the same transaction as the edit.
import { randomUUID } from 'node:crypto';
import type { FindingStatus, Priority } from '../../../shared/domain';
import type { FindingRecord } from '../register/findings';
import type { OutboxItem } from '../register/source-stores';

/** Vigil's workflow states folded onto Datadog's three case statuses. */
export function caseStatusFor(s: FindingStatus): 'OPEN' | 'IN_PROGRESS' | 'CLOSED' {
  if (s === 'new' || s === 'drafted') return 'OPEN';
  if (s === 'contained' || s === 'closed') return 'CLOSED';
  return 'IN_PROGRESS';
}

/** …and onto a signal's triage state. */
export function triageFor(s: FindingStatus): { state: 'open' | 'under_review' | 'archived'; archiveReason?: string } {
  if (s === 'new') return { state: 'open' };
  if (s === 'contained') return { state: 'archived', archiveReason: 'remediated' };
  if (s === 'closed') return { state: 'archived', archiveReason: 'investigated_case_opened' };
  return { state: 'under_review' };
}

/** A marker that finds the case again if Datadog created it but the answer was lost. */
export function caseMarker(workspaceId: string, findingId: number): string {
  return `vigil-${workspaceId.replace(/-/g, '').slice(0, 12)}-fnd-${findingId}`;
}

export interface OutboundContext {
  workspaceId: string;
  /** the finding already has a case, or a create is already queued */
  hasCase: boolean;
  caseProject: { projectId: string; typeId?: string } | null;
  /** Datadog user uuid of an analyst handle, when known */
  datadogUser: (handle: string) => string | null;
}

export interface FindingChange {
  status?: FindingStatus;
  priority?: Priority;
  assignee?: string | null;
  comment?: string;
  reason?: string;
  actor: string;
}

export function outboundFor(before: FindingRecord, change: FindingChange, ctx: OutboundContext): OutboxItem[] {
  const id = Number(before.row.finding_id.slice(4));
  const stream = before.row.finding_id;
  const target = before.row.finding_id;
  const signalId = before.row.dd_signal_id;
  const items: OutboxItem[] = [];
  const once = (kind: OutboxItem['kind'], payload: Record<string, unknown>, key = `${ctx.workspaceId}:${target}:${kind}:${randomUUID()}`) =>
    items.push({ kind, target, stream, payload, idempotencyKey: key });

  if (change.status && change.status !== before.row.status) {
    const t = triageFor(change.status);
    once('signal.state', { signalId, state: t.state, ...(t.archiveReason ? { archiveReason: t.archiveReason } : {}), comment: change.reason ?? `Vigil ${target}: ${change.status}` });
  }
  if (change.assignee !== undefined && change.assignee !== before.row.assignee) {
    const uuid = change.assignee ? ctx.datadogUser(change.assignee) : '';
    if (uuid !== null) once('signal.assignee', { signalId, uuid });
  }
  if (ctx.caseProject) {
    if (!ctx.hasCase) {
      const marker = caseMarker(ctx.workspaceId, id);
      // One create per finding, ever: the key is fixed, so a second enqueue is a no-op.
      once(
        'case.create',
        {
          findingId: id,
          signalId,
          marker,
          title: `[${target}] ${before.row.title}`.slice(0, 250),
          description: `Opened from Vigil finding ${target} (${before.row.severity}).\n\nVigil reference: ${marker}`,
          priority: change.priority ?? before.row.priority,
          projectId: ctx.caseProject.projectId,
          ...(ctx.caseProject.typeId ? { typeId: ctx.caseProject.typeId } : {}),
        },
        `${ctx.workspaceId}:${target}:case.create`,
      );
    }
    if (change.status && change.status !== before.row.status) once('case.status', { findingId: id, status: caseStatusFor(change.status) });
    if (change.priority && change.priority !== before.row.priority) once('case.priority', { findingId: id, priority: change.priority });
    if (change.assignee !== undefined && change.assignee !== before.row.assignee) {
      const uuid = change.assignee ? ctx.datadogUser(change.assignee) : null;
      if (uuid) once('case.assign', { findingId: id, assigneeId: uuid });
      else once('case.comment', { findingId: id, text: change.assignee ? `Assigned in Vigil to ${change.assignee}.` : 'Unassigned in Vigil.' });
    }
    if (change.comment) once('case.comment', { findingId: id, text: `${change.actor}: ${change.comment}` });
  }
  return items;
}
