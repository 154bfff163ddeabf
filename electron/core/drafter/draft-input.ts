// Everything a drafter may see about a finding, assembled from the register: the signal, its Splunk
// evidence and the related findings. The input hash covers exactly this, so an unchanged finding is
// never drafted twice by the same drafter.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical-json';
import type { Severity } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import type { Register } from '../register/register';
import type { Drafter, DraftInput } from './types';

const MAX_SAMPLES = 3;
const MAX_SPLUNK_ROWS = 50;

export function buildDraftInput(reg: Register, findingId: number): DraftInput {
  const f = reg.finding(findingId);
  if (!f) throw new VigilError('NOT_FOUND', `Finding FND-${findingId} does not exist.`);
  const payload = f.signal.payload as { attributes?: { message?: string; tags?: string[]; timestamp?: string; attributes?: Record<string, unknown>; custom?: Record<string, unknown> } };
  const a = payload.attributes ?? {};
  const custom = a.attributes ?? a.custom ?? {};
  const { samples, ...attributes } = custom as { samples?: unknown };
  const entities = Array.isArray(custom['entities']) ? (custom['entities'] as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  const splunk = reg
    .evidence(findingId)
    .filter((e) => e.kind === 'splunk_results')
    .slice(-3)
    .map((e) => {
      const meta = (e.meta ? JSON.parse(e.meta) : {}) as { saved_search?: string; spl?: string; result_count?: number };
      const t = JSON.parse(e.content) as { fields?: string[]; rows?: Record<string, unknown>[] };
      return {
        evidence_id: e.id,
        saved_search: meta.saved_search ?? '',
        spl: meta.spl ?? '',
        result_count: meta.result_count ?? t.rows?.length ?? 0,
        fields: t.fields ?? [],
        rows: (t.rows ?? []).slice(0, MAX_SPLUNK_ROWS),
      };
    });
  return {
    finding: {
      finding_id: f.row.finding_id,
      title: f.row.title,
      severity: f.row.severity,
      status: f.row.status,
      source: f.row.source,
      dd_signal_id: f.row.dd_signal_id,
    },
    signal: {
      rule_name: f.signal.rule_name,
      rule_type: f.signal.rule_type,
      timestamp: new Date(f.signal.ts).toISOString(),
      message: a.message ?? '',
      tags: [...new Set(a.tags ?? [])],
      entities,
      attributes: attributes as Record<string, unknown>,
      samples: Array.isArray(samples) ? samples.slice(0, MAX_SAMPLES) : [],
    },
    splunk,
    related: reg.relatedFindings(findingId).map((r) => ({ ...r, severity: r.severity as Severity })),
  };
}

/** What makes a draft the same draft: the input, the drafter and its prompt version. */
export function draftInputHash(input: DraftInput, drafter: Pick<Drafter, 'identity' | 'promptVersion'>): string {
  // The finding's own status moves as it is worked; it does not change what the evidence says.
  const { status: _status, ...finding } = input.finding;
  return createHash('sha256')
    .update(canonicalJson({ input: { ...input, finding }, drafter: drafter.identity, prompt: drafter.promptVersion }))
    .digest('hex');
}
