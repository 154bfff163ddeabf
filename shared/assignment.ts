// Who gets a new finding. Rules are tried in order and the first match wins; a rule names an analyst
// or hands the finding to whoever is on call. The rotation is a list of handles and a shift length
// from a start time, so every desktop computes the same on-call analyst with no server.
import { z } from 'zod';
import { AnalystHandle } from './custody';
import { FindingId, TacticId } from './domain';
import { SEVERITIES, Severity } from './severity';

export const AssignTarget = z.discriminatedUnion('to', [
  z.object({ to: z.literal('analyst'), handle: AnalystHandle }).strict(),
  z.object({ to: z.literal('on_call') }).strict(),
]);
export type AssignTarget = z.infer<typeof AssignTarget>;

export const AssignmentRule = z
  .object({
    name: z.string().trim().min(1).max(120),
    /** Datadog log sources (exact, case-insensitive); empty matches any */
    sources: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    /** ATT&CK tactic ids; empty matches any */
    tactics: z.array(TacticId).max(14).default([]),
    /** the lowest severity the rule takes; absent takes any */
    min_severity: Severity.optional(),
    assign: AssignTarget,
  })
  .strict();
export type AssignmentRule = z.infer<typeof AssignmentRule>;

export const OnCallRotation = z
  .object({
    handles: z.array(AnalystHandle).min(1).max(100),
    shift_hours: z.number().int().min(1).max(24 * 28),
    /** when the first handle's first shift starts (ISO 8601) */
    starts_at: z.iso.datetime({ offset: true }),
  })
  .strict()
  .refine((r) => new Set(r.handles).size === r.handles.length, { message: 'a handle appears twice in the rotation', path: ['handles'] });
export type OnCallRotation = z.infer<typeof OnCallRotation>;

export const AssignmentConfig = z
  .object({
    enabled: z.boolean(),
    rules: z.array(AssignmentRule).max(200),
    rotation: OnCallRotation.nullable(),
    /** a finding no rule matches goes on call (when a rotation exists) */
    fallback_on_call: z.boolean().default(true),
  })
  .strict()
  .superRefine((c, ctx) => {
    c.rules.forEach((r, i) => {
      if (r.assign.to === 'on_call' && !c.rotation) {
        ctx.addIssue({ code: 'custom', path: ['rules', i, 'assign'], message: `rule "${r.name}" hands findings to the on-call analyst, but no rotation is set` });
      }
    });
  });
export type AssignmentConfig = z.infer<typeof AssignmentConfig>;
export type AssignmentConfigInput = z.input<typeof AssignmentConfig>;

export const EMPTY_ASSIGNMENT: AssignmentConfig = { enabled: false, rules: [], rotation: null, fallback_on_call: true };

export const AssignmentStatus = z.object({
  config: AssignmentConfig,
  /** who is on call now and until when; null without a rotation */
  on_call: z.object({ handle: AnalystHandle, until: z.string(), next: AnalystHandle }).nullable(),
  /** whether this workstation's analyst may change the rules (a lead or admin on the roster) */
  may_edit: z.boolean(),
});
export type AssignmentStatus = z.infer<typeof AssignmentStatus>;

export const AssignmentApplyResult = z.object({ assigned: z.array(z.object({ id: FindingId, handle: AnalystHandle, why: z.string() })), considered: z.number().int() });
export type AssignmentApplyResult = z.infer<typeof AssignmentApplyResult>;

// ------------------------------------------------------------------------------------------------
// The choice itself: pure, so the register, the settings preview and tests agree.

const RANK: Record<Severity, number> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/** The analyst on call at an instant, when their shift ends, and who comes next. */
export function onCallAt(r: OnCallRotation, at: number): { handle: string; until: number; next: string } {
  const start = Date.parse(r.starts_at);
  const shift = r.shift_hours * 3_600_000;
  const k = Math.floor((at - start) / shift);
  const n = r.handles.length;
  const i = ((k % n) + n) % n;
  return { handle: r.handles[i]!, until: start + (k + 1) * shift, next: r.handles[(i + 1) % n]! };
}

export interface AssignableFinding {
  source: string | null;
  tactic: string | null;
  severity: Severity;
}

export function ruleMatches(rule: AssignmentRule, f: AssignableFinding): boolean {
  if (rule.sources.length > 0 && !rule.sources.some((s) => s.toLowerCase() === (f.source ?? '').toLowerCase())) return false;
  if (rule.tactics.length > 0 && !rule.tactics.includes(f.tactic?.toUpperCase() ?? '')) return false;
  if (rule.min_severity && RANK[f.severity] < RANK[rule.min_severity]) return false;
  return true;
}

/** Who gets the finding and why (kept as the audit reason), or null when nobody does. */
export function chooseAssignee(c: AssignmentConfig, f: AssignableFinding, at: number): { handle: string; why: string } | null {
  if (!c.enabled) return null;
  for (const [i, rule] of c.rules.entries()) {
    if (!ruleMatches(rule, f)) continue;
    if (rule.assign.to === 'analyst') return { handle: rule.assign.handle, why: `assignment rule ${i + 1} "${rule.name}"` };
    if (!c.rotation) return null;
    const who = onCallAt(c.rotation, at);
    return { handle: who.handle, why: `assignment rule ${i + 1} "${rule.name}": on call until ${new Date(who.until).toISOString()}` };
  }
  if (c.fallback_on_call && c.rotation) {
    const who = onCallAt(c.rotation, at);
    return { handle: who.handle, why: `no rule matched: on call until ${new Date(who.until).toISOString()}` };
  }
  return null;
}
