// What a signal by itself supports: technique from its tags, severity from Datadog, blast radius from
// its entities, an action and a risk score from those. This is the floor the offline drafter stands
// on; the LLM drafter adds evidence-backed judgment on top.
import type { Severity } from '../../../shared/domain';
import { riskScore, type RiskFactors } from '../../../shared/risk';
import { blastRadiusText, type NormalizedSignal } from '../signals/normalize';

export const SIGNAL_BRIEF_DRAFTER = 'vigil/signal-brief@1';

export type ActionKind = 'escalate' | 'contain' | 'investigate' | 'suppress' | 'close';

export interface SignalBrief {
  mitre_technique: string | null;
  mitre_tactic: string | null;
  blast_radius: string | null;
  blast_radius_count: number;
  recommended_action: string;
  action_kind: ActionKind;
  risk_factors: RiskFactors;
  risk_score: number;
}

const IMPACT: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const URGENT_TACTICS = new Set(['TA0006', 'TA0003', 'TA0004', 'TA0040', 'TA0010', 'TA0008', 'TA0005']);
const PUBLIC_IP = /^(?!10\.|127\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)\d{1,3}(\.\d{1,3}){3}$/;

function entityValue(e: string): string {
  const i = e.indexOf(':');
  return i >= 0 ? e.slice(i + 1) : e;
}

export function signalBrief(n: NormalizedSignal, tacticFor?: (t: string) => string | null): SignalBrief {
  const technique = n.techniques[0] ?? null;
  const tactic = n.tactics[0] ?? (technique && tacticFor ? tacticFor(technique) : null);
  const publicIps = n.entities.filter((e) => PUBLIC_IP.test(entityValue(e)));
  const prod = n.tags.some((t) => t === 'env:prod' || t === 'env:production');
  // More distinct entities in one detection means a broader, less likely accidental pattern.
  const spread = n.entities.length;

  const factors: RiskFactors = {
    impact: IMPACT[n.severity],
    likelihood: Math.min(1, (technique ? 0.6 : 0.4) + (publicIps.length > 0 ? 0.2 : 0) + Math.min(0.2, spread * 0.05)),
    control_effectiveness: n.ruleType === 'Workload Security' ? 0.3 : 0.2,
    exposure: publicIps.length > 0 ? 1 : prod ? 0.7 : 0.4,
  };
  const round2 = (x: number) => Math.round(x * 100) / 100;
  factors.likelihood = round2(factors.likelihood);
  const score = riskScore(factors);

  const who = n.entities.slice(0, 2).map(entityValue).join(', ') || n.host || 'the affected assets';
  let kind: ActionKind;
  let text: string;
  if (n.severity === 'critical' || (n.severity === 'high' && tactic !== null && URGENT_TACTICS.has(tactic))) {
    kind = 'contain';
    text = `Contain ${who}: revoke sessions and rotate credentials involved, then confirm scope in the last 30 days of logs.`;
  } else if (n.severity === 'high') {
    kind = 'escalate';
    text = `Escalate to the on-call lead: high-severity ${n.ruleName ?? 'detection'} involving ${who}.`;
  } else if (n.severity === 'medium') {
    kind = 'investigate';
    text = `Investigate ${who}: review related activity over the last 30 days before deciding.`;
  } else if (n.severity === 'low') {
    kind = 'investigate';
    text = `Check whether ${who} is expected to do this; suppress the rule for it if so.`;
  } else {
    kind = 'close';
    text = 'Informational: no action beyond recording it.';
  }
  return {
    mitre_technique: technique,
    mitre_tactic: tactic,
    blast_radius: blastRadiusText(n.entities),
    blast_radius_count: n.entities.length,
    recommended_action: `${kind}: ${text}`,
    action_kind: kind,
    risk_factors: factors,
    risk_score: score,
  };
}
