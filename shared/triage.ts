// The finding's life as an analyst may move it by hand. Some statuses are reached only through
// their own act: signed through a sign-off with the analyst's key, containing and contained through
// the containment gate. The renderer offers exactly these moves; the core refuses any other.
import type { FindingStatus } from './domain';

/** Statuses only an act reaches (a sign-off, a containment run), never a status edit. */
export const ACT_ONLY_STATUSES: ReadonlySet<FindingStatus> = new Set<FindingStatus>(['signed', 'containing', 'contained']);

/**
 * Where an analyst may move a finding by hand from each status. A signed or contained finding may
 * be closed; reopening a closed one puts it back in review. A finding whose containment is running
 * waits for the run: the outcome moves it, not a person.
 */
export const MANUAL_TRANSITIONS: Readonly<Record<FindingStatus, readonly FindingStatus[]>> = {
  new: ['in_review', 'blocked', 'closed'],
  drafted: ['in_review', 'blocked', 'closed'],
  in_review: ['drafted', 'blocked', 'closed'],
  blocked: ['in_review', 'closed'],
  signed: ['closed'],
  containing: [],
  contained: ['closed'],
  closed: ['in_review'],
};

export function manualTargets(from: FindingStatus): readonly FindingStatus[] {
  return MANUAL_TRANSITIONS[from];
}

/** Why a hand move is refused, or null when it is allowed. */
export function manualMoveRefusal(from: FindingStatus, to: FindingStatus): string | null {
  if (from === to) return null;
  if (to === 'signed') return 'A finding becomes signed only through a sign-off with your analyst key, not by setting its status.';
  if (to === 'containing' || to === 'contained') return 'Containment runs through the containment gate (signed finding, approvals, outbox), not by setting the status.';
  if (from === 'containing') return 'A containment run is in progress; its outcome moves the finding.';
  if (!MANUAL_TRANSITIONS[from].includes(to)) {
    return `A ${from.replace('_', ' ')} finding cannot be moved to ${to.replace('_', ' ')} by hand (allowed: ${MANUAL_TRANSITIONS[from].join(', ') || 'none'}).`;
  }
  return null;
}

/** How long a reason for a severity change must be: a word is not a reason. */
export const MIN_REASON_CHARS = 5;
