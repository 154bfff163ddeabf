// The risk score, written down once so the drafter, the case view and an auditor read the same
// formula. Every factor is kept beside the score.
import { z } from 'zod';

export const RiskFactors = z.object({
  /** 1 (informational) … 5 (critical business impact) */
  impact: z.number().min(1).max(5),
  /** 0 … 1: how likely the activity is malicious and real */
  likelihood: z.number().min(0).max(1),
  /** 0 … 1: how much existing controls already blunt it */
  control_effectiveness: z.number().min(0).max(1),
  /** 0 … 1: how reachable the affected assets are (internet-facing, production, privileged) */
  exposure: z.number().min(0).max(1),
});
export type RiskFactors = z.infer<typeof RiskFactors>;

export const RISK_FORMULA =
  'risk = round(100 × (impact / 5) × likelihood × (1 − control_effectiveness) × (0.5 + 0.5 × exposure))';

export function riskScore(f: RiskFactors): number {
  return Math.round(100 * (f.impact / 5) * f.likelihood * (1 - f.control_effectiveness) * (0.5 + 0.5 * f.exposure));
}
