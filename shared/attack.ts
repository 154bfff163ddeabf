// The ATT&CK tagging view's contract types: the tactic matrix, a finding's tags with the drafter's
// suggestions and every kept decision, setting the technique, and Navigator layer export.
import { z } from 'zod';
import { FindingId, QueueFilter, TacticId, TechniqueId } from './domain';
import { NavigatorLayer } from './navigator-layer';

/** Tactics in kill-chain order as columns; each technique with its sub-techniques (ids), names once. */
export const AttackMatrix = z.object({
  version: z.string(),
  domain: z.string(),
  tactics: z.array(
    z.object({
      id: z.string(),
      shortname: z.string(),
      name: z.string(),
      techniques: z.array(z.object({ id: z.string(), subtechniques: z.array(z.string()) })),
    }),
  ),
  /** technique id → name, for every id the matrix lists */
  names: z.record(z.string(), z.string()),
});
export type AttackMatrix = z.infer<typeof AttackMatrix>;

export const TechniqueRef = z.object({ id: z.string(), name: z.string().nullable(), tactics: z.array(z.string()) });
export type TechniqueRef = z.infer<typeof TechniqueRef>;

export const TechniqueSuggestion = z.object({
  id: z.string(),
  name: z.string().nullable(),
  tactic: z.string().nullable(),
  /** the drafter's technique, one of its secondary techniques, or a MITRE tag on the Datadog signal */
  source: z.enum(['drafter', 'drafter_secondary', 'signal']),
  /** the brief's confidence (0–1) for the drafter's technique; null where none was given */
  confidence: z.number().nullable(),
  drafted_by: z.string().nullable(),
  /** the brief's claims that name this technique, as evidence for it */
  evidence: z.array(z.object({ text: z.string(), verified: z.boolean() })),
  /** what the id means in the loaded catalog */
  status: z.enum(['active', 'revoked', 'deprecated', 'unknown']),
  replaced_by: z.string().nullable(),
});
export type TechniqueSuggestion = z.infer<typeof TechniqueSuggestion>;

export const TechniqueDecisionView = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  kind: z.enum(['confirm', 'override', 'set']),
  technique: z.string(),
  tactic: z.string().nullable(),
  secondary: z.array(z.string()),
  previous_technique: z.string().nullable(),
  suggested_technique: z.string().nullable(),
  suggested_confidence: z.number().nullable(),
  reason: z.string().nullable(),
  decision_revision: z.number().int(),
});
export type TechniqueDecisionView = z.infer<typeof TechniqueDecisionView>;

export const TaggingView = z.object({
  finding_id: FindingId,
  status: z.string(),
  decision_revision: z.number().int(),
  /** a sign-off covers the current revision: a change makes a new revision needing a new sign-off */
  signed: z.boolean(),
  technique: TechniqueRef.nullable(),
  tactic: z.object({ id: z.string(), shortname: z.string().nullable(), name: z.string().nullable() }).nullable(),
  secondary: z.array(TechniqueRef),
  suggestions: z.array(TechniqueSuggestion),
  /** every kept decision, oldest first */
  decisions: z.array(TechniqueDecisionView),
});
export type TaggingView = z.infer<typeof TaggingView>;

export const MAX_SECONDARY_TECHNIQUES = 10;

export const SetTechniqueInput = z
  .object({
    id: FindingId,
    /** the primary technique; with confirm and without it, the drafter's suggestion */
    technique: TechniqueId.optional(),
    /** which of the technique's tactics it is tagged under; default keeps a fitting one */
    tactic: TacticId.optional(),
    /** the full new list of secondary techniques; absent keeps the current ones */
    secondary: z.array(TechniqueId).max(MAX_SECONDARY_TECHNIQUES).optional(),
    /** required when the technique differs from the drafter's suggestion */
    reason: z.string().trim().max(2000).optional(),
    /** confirm the drafter's technique (a technique given must then be the suggested one) */
    confirm: z.boolean().optional(),
    /** on a signed finding a change must say so: it makes a new revision that needs a new sign-off */
    newRevision: z.boolean().optional(),
  })
  .strict();
export type SetTechniqueInput = z.input<typeof SetTechniqueInput>;

/** One finding, or every finding a queue filter matches (an empty filter: the whole register). */
export const NavigatorLayerInput = z
  .object({ id: FindingId.optional(), filter: QueueFilter.optional() })
  .strict()
  .refine((i) => (i.id === undefined) !== (i.filter === undefined), 'give either a finding id or a queue filter, not both');

export const NavigatorLayerExport = z.object({
  /** a suggested file name */
  filename: z.string(),
  layer: NavigatorLayer,
  /** findings the layer covers */
  findings: z.number().int(),
});
export type NavigatorLayerExport = z.infer<typeof NavigatorLayerExport>;
