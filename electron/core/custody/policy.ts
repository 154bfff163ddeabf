// Who may do what with a key, written as plain tables so a reviewer (or an auditor) reads the whole
// policy in one screen and a change to it is a one-line diff. Verifiers consult these tables at
// verification time, against the roster in force then: a demoted lead's pending approvals stop
// counting as soon as the new roster is imported.
import type { ActionKind } from '../../../shared/brief';
import { SEVERITIES, type Severity } from '../../../shared/severity';
import { z } from 'zod';

export const ROLES = ['analyst', 'lead', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** How much harm an action does if it is wrong. Same scale as severity, so nobody learns a second one. */
export const DANGERS = SEVERITIES;
export const Danger = z.enum(DANGERS);
export type Danger = z.infer<typeof Danger>;

/** Every analyst signs their own decisions; the roster is what limits who is an analyst at all. */
export const SIGNOFF_ROLES: readonly Role[] = ['analyst', 'lead', 'admin'];

/** Anyone who may sign off may ask for a second key. */
export const REQUESTER_ROLES: readonly Role[] = ['analyst', 'lead', 'admin'];

/**
 * Who may sign a roster. Only leads: the roster decides who everyone else is, and admins run the
 * installation, not the team's trust.
 */
export const ROSTER_SIGNER_ROLES: readonly Role[] = ['lead'];

/**
 * Who may change the workspace's connections (Datadog, Splunk, the LLM endpoint): where signals come
 * from and where finding data goes is an installation decision, the admins'.
 */
export const CONNECTION_ROLES: readonly Role[] = ['admin'];

/** Who may change the assignment rules and the on-call rotation. */
export const ASSIGNMENT_ROLES: readonly Role[] = ['lead', 'admin'];

/** Who may give the second key, by the danger of the action. Never the requester (checked apart). */
export const APPROVER_ROLES: Readonly<Record<Danger, readonly Role[]>> = {
  info: ['analyst', 'lead', 'admin'],
  low: ['analyst', 'lead', 'admin'],
  medium: ['analyst', 'lead', 'admin'],
  high: ['analyst', 'lead', 'admin'],
  critical: ['lead', 'admin'],
};

/** Which actions need a second human key before they leave through the outbox. */
export const SECOND_KEY_REQUIRED: Readonly<Record<ActionKind, readonly Danger[]>> = {
  contain: ['critical'],
  escalate: [],
  investigate: [],
  suppress: [],
  close: [],
};

/**
 * How long a requester may give an approver, by the finding's severity. Short for critical: an
 * approval is consent to act on the situation as it was, and a critical situation moves fast.
 */
export const APPROVAL_DEADLINE_MINUTES: Readonly<Record<Severity, number>> = {
  critical: 60,
  high: 720,
  medium: 1440,
  low: 1440,
  info: 1440,
};

/** Tolerated clock difference between two analysts' machines for "signed in the future" checks. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Who may export (and so sign) an evidence bundle: leads. A bundle speaks for the team to an
 * auditor, like the roster does; an analyst's own sign-offs travel inside it.
 */
export const EXPORT_ROLES: readonly Role[] = ['lead'];

export function mayExport(role: Role): boolean {
  return EXPORT_ROLES.includes(role);
}

export function maySignOff(role: Role): boolean {
  return SIGNOFF_ROLES.includes(role);
}

export function mayRequest(role: Role): boolean {
  return REQUESTER_ROLES.includes(role);
}

export function maySignRoster(role: Role): boolean {
  return ROSTER_SIGNER_ROLES.includes(role);
}

export function mayApprove(role: Role, danger: Danger): boolean {
  return APPROVER_ROLES[danger].includes(role);
}

export function needsSecondKey(kind: ActionKind, danger: Danger): boolean {
  return SECOND_KEY_REQUIRED[kind].includes(danger);
}

export function approvalDeadlineMs(severity: Severity): number {
  return APPROVAL_DEADLINE_MINUTES[severity] * 60_000;
}

/** "an analyst", "a lead", "an admin": a role as the messages name it. */
export function aRole(role: string): string {
  return `${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role}`;
}
