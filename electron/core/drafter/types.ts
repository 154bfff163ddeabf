// What every drafter gets and gives. The input is data only: signal text, log samples and Splunk
// rows are untrusted and reach an LLM fenced as data, never as instructions.
import type { FindingBrief } from '../../../shared/brief';
import type { Severity } from '../../../shared/domain';

export interface DraftSplunkEvidence {
  evidence_id: number;
  saved_search: string;
  spl: string;
  result_count: number;
  fields: string[];
  /** the first rows only (the prompt has a budget) */
  rows: Record<string, unknown>[];
}

export interface DraftRelated {
  finding_id: string;
  title: string;
  severity: Severity;
  status: string;
  mitre_technique: string | null;
  created_at: string;
  /** the entities it shares with this finding */
  shared: { type: string; value: string }[];
}

export interface DraftInput {
  finding: { finding_id: string; title: string; severity: Severity; status: string; source: string | null; dd_signal_id: string };
  signal: {
    rule_name: string | null;
    rule_type: string | null;
    timestamp: string;
    message: string;
    tags: string[];
    entities: string[];
    /** custom attributes of the signal, as Datadog sent them (search shape attributes.attributes) */
    attributes: Record<string, unknown>;
    /** triggering log samples, trimmed */
    samples: unknown[];
  };
  splunk: DraftSplunkEvidence[];
  related: DraftRelated[];
}

export interface DraftUsage {
  tokensIn: number;
  tokensOut: number;
}

export interface DraftResult {
  brief: FindingBrief;
  usage: DraftUsage;
  retries: number;
  latencyMs: number;
}

export interface Drafter {
  /** who wrote it: "vigil/offline-drafter@2" or "vigil/llm-drafter@p2 (gpt-4.1-mini)" — the drafted_by value */
  readonly identity: string;
  readonly kind: 'llm' | 'offline';
  readonly model: string | null;
  readonly promptVersion: string;
  draft(input: DraftInput, opts?: { signal?: AbortSignal }): Promise<DraftResult>;
}
