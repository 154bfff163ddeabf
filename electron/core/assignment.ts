// The assignment channels: read the rules with who is on call, save them (a lead or admin on the
// roster; anyone on a workstation with no roster yet, which is a team of one), and apply them now to
// findings still new and unassigned.
import { AssignmentConfig, onCallAt, type AssignmentApplyResult, type AssignmentStatus } from '../../shared/assignment';
import { QueueQuery } from '../../shared/domain';
import { VigilError } from '../../shared/errors';
import { ASSIGNMENT_ROLES } from './custody';
import { hasRole, requireRole } from './permissions';
import type { Register } from './register/register';

const APPLY_LIMIT = 10_000;

export function assignmentStatus(reg: Register, now = Date.now()): AssignmentStatus {
  const config = reg.assignment();
  const who = config.rotation ? onCallAt(config.rotation, now) : null;
  return {
    config,
    on_call: who ? { handle: who.handle, until: new Date(who.until).toISOString(), next: who.next } : null,
    may_edit: hasRole(reg, ASSIGNMENT_ROLES),
  };
}

export function saveAssignment(reg: Register, input: unknown, actor: string): AssignmentStatus {
  requireRole(reg, ASSIGNMENT_ROLES, 'change the assignment rules');
  const parsed = AssignmentConfig.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new VigilError('VALIDATION_FAILED', `Assignment rules: ${first?.path.join('.') || 'config'}: ${first?.message ?? 'invalid'}`);
  }
  reg.setAssignment(parsed.data, actor);
  return assignmentStatus(reg);
}

/** Apply the rules now to findings that are new and unassigned (newest first, up to a cap). */
export function applyAssignmentNow(reg: Register): AssignmentApplyResult {
  const ids: number[] = [];
  for (let offset = 0; ids.length < APPLY_LIMIT; offset += 500) {
    const page = reg.queuePage(QueueQuery.parse({ filter: { status: ['new'], assignee: [''] }, sort: { field: 'finding_id', dir: 'desc' }, offset, limit: 500 }));
    for (const r of page.rows) ids.push(Number(r.finding_id.slice(4)));
    if (page.rows.length < 500) break;
  }
  const done = reg.applyAssignment(ids);
  return { assigned: done.map((d) => ({ id: `FND-${d.id}`, handle: d.handle, why: d.why })), considered: ids.length };
}
