// The finding brief: what a drafter (the LLM or the offline one) proposes for a finding, each claim
// tied to its evidence. Decision fields only — nothing in a brief can sign, contain or act.
import { z } from 'zod';
import { RiskFactors } from './risk';
import { Severity } from './severity';

export const ACTION_KINDS = ['escalate', 'contain', 'investigate', 'suppress', 'close'] as const;
export const ActionKind = z.enum(ACTION_KINDS);
export type ActionKind = z.infer<typeof ActionKind>;

/**
 * Where a claim's support lives. ref syntax:
 *  signal_field   — a dotted path in the signal payload, e.g. "attributes.attributes.usr.id"
 *  sample_event   — "sample:<index>" (optionally ":<dotted path>")
 *  splunk_row     — "splunk:<evidence id>:<row index>"
 *  related_finding — "FND-<n>"
 */
export const EvidenceRef = z.object({
  kind: z.enum(['signal_field', 'sample_event', 'splunk_row', 'related_finding']),
  ref: z.string().min(1).max(300),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;

export const Claim = z.object({
  text: z.string().min(1).max(1500),
  evidence: z.array(EvidenceRef).max(12),
  /** set by Vigil, never by the model: true only when every ref resolves to real evidence */
  verified: z.boolean(),
});
export type Claim = z.infer<typeof Claim>;

export const MitigationPlan = z.object({
  containment_steps: z.array(z.string().max(500)).max(20),
  timeline: z.string().max(500),
  dependencies: z.array(z.string().max(300)).max(20),
  blockers: z.array(z.string().max(300)).max(20),
  residual_risk: z.string().max(800),
});
export type MitigationPlan = z.infer<typeof MitigationPlan>;

export const BlastEntity = z.object({ type: z.string().max(60), value: z.string().max(300) });

export const FindingBrief = z.object({
  technique: z.object({
    id: z.string().regex(/^T\d{4}(?:\.\d{3})?$/),
    name: z.string(),
    tactic_id: z.string().regex(/^TA\d{4}$/).nullable(),
    tactic_name: z.string().nullable(),
  }),
  secondary_techniques: z.array(z.string().regex(/^T\d{4}(?:\.\d{3})?$/)).max(5),
  severity: Severity,
  blast_radius: z.object({ entities: z.array(BlastEntity).max(100), count: z.number().int().min(0), summary: z.string().max(500) }),
  recommended_action: z.object({ kind: ActionKind, text: z.string().max(1000) }),
  risk: z.object({ factors: RiskFactors, score: z.number().int().min(0).max(100), formula: z.string() }),
  mitigation_plan: MitigationPlan,
  related_findings: z.array(z.object({ finding_id: z.string().regex(/^FND-\d+$/), shared: z.array(BlastEntity).max(20), reason: z.string().max(300) })).max(20),
  confidence: z.number().min(0).max(1),
  claims: z.array(Claim).max(30),
  /** what Vigil changed or noticed while validating the draft (revoked technique replaced, …) */
  notes: z.array(z.string().max(500)).max(20),
});
export type FindingBrief = z.infer<typeof FindingBrief>;

/** A draft as the Drafts panel lists it. */
export const DraftView = z.object({
  id: z.number().int(),
  finding_id: z.string(),
  drafter: z.string(),
  model: z.string().nullable(),
  prompt_version: z.string().nullable(),
  input_hash: z.string(),
  tokens_in: z.number().int().nullable(),
  tokens_out: z.number().int().nullable(),
  cost_usd: z.number().nullable(),
  latency_ms: z.number().int().nullable(),
  retries: z.number().int(),
  error: z.string().nullable(),
  created_at: z.string(),
});
export type DraftView = z.infer<typeof DraftView>;
