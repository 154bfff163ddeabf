// What an analyst's edit of a finding means, checked before anything is written: which status moves
// are allowed by hand, what a block waits for, and that a severity change says why. Pure: the
// workspace applies the patch through the register's audited update.
import type { FindingUpdateInput } from '../../shared/domain';
import { VigilError } from '../../shared/errors';
import { manualMoveRefusal, MIN_REASON_CHARS } from '../../shared/triage';
import type { FindingPatch, FindingRecord } from './register/findings';
import type { z } from 'zod';

type UpdateInput = z.output<typeof FindingUpdateInput>;

export function triagePatch(current: FindingRecord, i: UpdateInput): FindingPatch {
  const id = current.row.finding_id;
  const from = current.row.status;
  const to = i.status ?? from;
  if (i.status !== undefined) {
    const refusal = manualMoveRefusal(from, i.status);
    if (refusal) throw new VigilError(i.status === 'signed' ? 'SIGNOFF_REQUIRED' : 'STATUS_TRANSITION_REFUSED', `${id}: ${refusal}`);
  }
  if (to === 'blocked' && from !== 'blocked' && !i.awaiting) {
    throw new VigilError('REASON_REQUIRED', `${id}: say what the blocked finding is waiting for (information, a person, a system).`);
  }
  if (i.awaiting !== undefined && to !== 'blocked') {
    throw new VigilError('VALIDATION_FAILED', `${id}: only a blocked finding waits for something; set the status to blocked with it.`);
  }
  const severityChanges = i.severity !== undefined && i.severity !== current.row.severity;
  if (severityChanges && (i.reason ?? '').length < MIN_REASON_CHARS) {
    throw new VigilError('REASON_REQUIRED', `${id}: raising or lowering severity (${current.row.severity} → ${i.severity}) needs a reason; it is kept in the severity history.`);
  }
  return {
    ...(i.status !== undefined ? { status: i.status } : {}),
    ...(i.priority !== undefined ? { priority: i.priority } : {}),
    ...(i.assignee !== undefined ? { assignee: i.assignee || null } : {}),
    ...(i.awaiting !== undefined ? { awaiting: i.awaiting } : {}),
    ...(i.severity !== undefined ? { severity: i.severity } : {}),
    ...(i.mitigation_plan !== undefined ? { mitigation_plan: i.mitigation_plan || null } : {}),
    ...(i.recommended_action !== undefined ? { recommended_action: i.recommended_action || null } : {}),
    ...(i.blast_radius !== undefined ? { blast_radius: i.blast_radius || null } : {}),
  };
}
