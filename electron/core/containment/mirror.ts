// Containment's status changes reach Datadog like any other change of a finding: the signal's triage
// state (under review while containing, archived as remediated once contained) and, with a case
// project set, the case status and a comment. Written in the same transaction as the change.
import type { FindingStatus } from '../../../shared/domain';
import { outboundFor } from '../outbox/outbound';
import type { Register } from '../register/register';

/** The settings keys the sources service keeps the case project under (sources-service.ts). */
const CASE_PROJECT = 'datadog.case_project_id';
const CASE_TYPE = 'datadog.case_type_id';

/** Inside a transaction, before the status changes: queue its copy for Datadog. */
export function mirrorStatus(reg: Register, findingId: number, status: FindingStatus, note: string, actor: string, at: number): void {
  const before = reg.finding(findingId);
  if (!before || before.row.status === status) return;
  const projectId = reg.setting(CASE_PROJECT);
  const typeId = reg.setting(CASE_TYPE);
  const items = outboundFor(before, { status, reason: note, ...(projectId ? { comment: note } : {}), actor }, {
    workspaceId: reg.workspaceId,
    hasCase: reg.findingCase(findingId) !== null,
    caseProject: projectId ? { projectId, ...(typeId ? { typeId } : {}) } : null,
    datadogUser: (h) => reg.datadogUserOf(h),
  });
  reg.containment().enqueue(items, at);
}
