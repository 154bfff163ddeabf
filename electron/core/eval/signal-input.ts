// The draft input an eval item stands for: the signal alone, normalised the way sync normalises it
// and shaped the way the register hands findings to drafters (custom attributes without samples,
// the first three samples, deduplicated tags), with no Splunk evidence and no related findings.
import { normalizeSignal } from '../signals/normalize';
import type { DraftInput } from '../drafter/types';

const MAX_SAMPLES = 3;

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Throws VigilError('SIGNAL_INVALID') when the signal does not parse. */
export function draftInputFromSignal(raw: unknown, findingNumber: number): DraftInput {
  const n = normalizeSignal(raw);
  const a = obj(obj(raw)?.['attributes']) ?? {};
  const custom = obj(a['attributes']) ?? obj(a['custom']) ?? {};
  const { samples: _samples, ...attributes } = custom;
  return {
    finding: {
      finding_id: `FND-${findingNumber}`,
      title: n.title,
      severity: n.severity,
      status: 'new',
      source: n.source,
      dd_signal_id: n.ddId,
    },
    signal: {
      rule_name: n.ruleName,
      rule_type: n.ruleType,
      timestamp: new Date(n.ts).toISOString(),
      message: n.message,
      tags: n.tags,
      entities: n.entities,
      attributes,
      samples: n.samples.slice(0, MAX_SAMPLES),
    },
    splunk: [],
    related: [],
  };
}
