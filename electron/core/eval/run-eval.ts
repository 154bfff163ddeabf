// Runs a drafter (and optionally a second one) over a labelled set and scores its technique choice.
// Each item's draft input is the signal alone (signal-input.ts). Metrics:
//   accuracy_exact   predicted id == expected id
//   accuracy_parent  same parent technique (T1110.003 vs T1110 counts)
//   macro_f1_parent  F1 per parent-technique class present in expected ∪ predicted, averaged
//   invalid_ids      predictions that are not active ids of the catalog
// plus tokens, cost and latency. Errors count as wrong answers (and are listed).
import { parentTechniqueId } from '../../../shared/attack-ids';
import { VigilError, isVigilError } from '../../../shared/errors';
import { AttackCatalog } from '../attack/catalog';
import { costUsd } from '../drafter/pricing';
import type { Drafter, DraftUsage } from '../drafter/types';
import type { EvalItem } from './eval-set';
import { draftInputFromSignal } from './signal-input';

export type EvalCostFn = (model: string | null, usage: DraftUsage) => number | null;

export interface EvalItemResult {
  line: number;
  id?: string;
  expected: string;
  predicted: string | null;
  correct_exact: boolean;
  correct_parent: boolean;
  latency_ms: number;
  confidence?: number;
  error?: string;
}

export interface EvalClassScore {
  /** parent technique id */
  class: string;
  support: number;
  predicted: number;
  tp: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalRun {
  drafter: { identity: string; kind: 'llm' | 'offline'; model: string | null; prompt_version: string };
  n: number;
  accuracy_exact: number;
  accuracy_parent: number;
  macro_f1_parent: number;
  invalid_ids: number;
  tokens_in: number;
  tokens_out: number;
  /** null when the price of the model is unknown */
  cost_usd: number | null;
  latency_p50_ms: number;
  latency_p95_ms: number;
  errors: number;
  items: EvalItemResult[];
  per_class: EvalClassScore[];
}

export type EvalDeltas = Pick<
  EvalRun,
  'accuracy_exact' | 'accuracy_parent' | 'macro_f1_parent' | 'invalid_ids' | 'tokens_in' | 'tokens_out' | 'latency_p50_ms' | 'latency_p95_ms' | 'errors'
> & { cost_usd: number | null };

export interface EvalReport extends EvalRun {
  /** the second drafter's run and `compare − this` for each metric */
  compare?: { report: EvalRun; deltas: EvalDeltas; disagreements: number };
}

export interface RunEvalOptions {
  set: readonly EvalItem[];
  drafter: Drafter;
  compare?: Drafter;
  /** items drafted at once (default 1 for offline drafters, 4 otherwise) */
  concurrency?: number;
  signal?: AbortSignal;
  /** for invalid-id counting; the shipped catalog when absent */
  catalog?: AttackCatalog;
  /** USD for a draft's usage; pricing.ts defaults when absent (unknown model → null) */
  cost?: EvalCostFn;
  onProgress?: (done: number, total: number) => void;
}

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function parentOf(id: string): string {
  return parentTechniqueId(id) ?? id.toUpperCase();
}

/** Nearest-rank percentile (p in 0…1) of the values; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? 0;
}

/** Per-class and macro-averaged F1 over parent techniques; a failed item is a miss for its expected class. */
export function macroF1Parent(pairs: readonly { expected: string; predicted: string | null }[]): { macro: number; perClass: EvalClassScore[] } {
  const classes = new Set<string>();
  for (const p of pairs) {
    classes.add(parentOf(p.expected));
    if (p.predicted !== null) classes.add(parentOf(p.predicted));
  }
  const perClass: EvalClassScore[] = [];
  for (const c of [...classes].sort()) {
    let tp = 0;
    let support = 0;
    let predicted = 0;
    for (const p of pairs) {
      const e = parentOf(p.expected) === c;
      const q = p.predicted !== null && parentOf(p.predicted) === c;
      if (e) support++;
      if (q) predicted++;
      if (e && q) tp++;
    }
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = support + predicted > 0 ? (2 * tp) / (support + predicted) : 0;
    perClass.push({ class: c, support, predicted, tp, precision: r4(precision), recall: r4(recall), f1: r4(f1) });
  }
  const macro = perClass.length > 0 ? perClass.reduce((a, x) => a + (2 * x.tp) / (x.support + x.predicted), 0) / perClass.length : 0;
  return { macro: r4(macro), perClass };
}

interface RawResult {
  predicted: string | null;
  latency: number;
  usage: DraftUsage;
  confidence?: number;
  error?: string;
}

async function draftOne(drafter: Drafter, item: EvalItem, signal: AbortSignal | undefined): Promise<RawResult> {
  let t0 = performance.now();
  try {
    // Only the drafter is timed: building the input is the harness's work.
    const input = draftInputFromSignal(item.signal, item.line);
    t0 = performance.now();
    const res = await drafter.draft(input, signal ? { signal } : undefined);
    return { predicted: res.brief.technique.id.toUpperCase(), latency: performance.now() - t0, usage: res.usage, confidence: res.brief.confidence };
  } catch (e) {
    if (signal?.aborted) throw new VigilError('CANCELLED', 'The eval run was cancelled.');
    const message = isVigilError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    return { predicted: null, latency: performance.now() - t0, usage: { tokensIn: 0, tokensOut: 0 }, error: message.slice(0, 500) };
  }
}

function summarise(drafter: Drafter, set: readonly EvalItem[], raw: readonly RawResult[], catalog: AttackCatalog, cost: EvalCostFn): EvalRun {
  const items: EvalItemResult[] = set.map((item, i) => {
    const r = raw[i] as RawResult;
    const exp = item.expected.technique;
    const out: EvalItemResult = {
      line: item.line,
      expected: exp,
      predicted: r.predicted,
      correct_exact: r.predicted === exp,
      correct_parent: r.predicted !== null && parentOf(r.predicted) === parentOf(exp),
      latency_ms: r3(r.latency),
    };
    if (item.id !== undefined) out.id = item.id;
    if (r.confidence !== undefined) out.confidence = r.confidence;
    if (r.error !== undefined) out.error = r.error;
    return out;
  });
  const n = items.length;
  const f1 = macroF1Parent(items);
  let tokensIn = 0;
  let tokensOut = 0;
  let usd: number | null = 0;
  for (const r of raw) {
    tokensIn += r.usage.tokensIn;
    tokensOut += r.usage.tokensOut;
    const c = cost(drafter.model, r.usage);
    usd = usd === null || c === null ? null : usd + c;
  }
  const latencies = items.map((x) => x.latency_ms);
  return {
    drafter: { identity: drafter.identity, kind: drafter.kind, model: drafter.model, prompt_version: drafter.promptVersion },
    n,
    accuracy_exact: n ? r4(items.filter((x) => x.correct_exact).length / n) : 0,
    accuracy_parent: n ? r4(items.filter((x) => x.correct_parent).length / n) : 0,
    macro_f1_parent: f1.macro,
    invalid_ids: items.filter((x) => x.predicted !== null && catalog.resolve(x.predicted).status !== 'active').length,
    tokens_in: tokensIn,
    tokens_out: tokensOut,
    cost_usd: usd === null ? null : Math.round(usd * 1e6) / 1e6,
    latency_p50_ms: r3(percentile(latencies, 0.5)),
    latency_p95_ms: r3(percentile(latencies, 0.95)),
    errors: items.filter((x) => x.error !== undefined).length,
    items,
    per_class: f1.perClass,
  };
}

function deltas(a: EvalRun, b: EvalRun): EvalDeltas {
  return {
    accuracy_exact: r4(b.accuracy_exact - a.accuracy_exact),
    accuracy_parent: r4(b.accuracy_parent - a.accuracy_parent),
    macro_f1_parent: r4(b.macro_f1_parent - a.macro_f1_parent),
    invalid_ids: b.invalid_ids - a.invalid_ids,
    tokens_in: b.tokens_in - a.tokens_in,
    tokens_out: b.tokens_out - a.tokens_out,
    cost_usd: a.cost_usd === null || b.cost_usd === null ? null : Math.round((b.cost_usd - a.cost_usd) * 1e6) / 1e6,
    latency_p50_ms: r3(b.latency_p50_ms - a.latency_p50_ms),
    latency_p95_ms: r3(b.latency_p95_ms - a.latency_p95_ms),
    errors: b.errors - a.errors,
  };
}

/** Drafts every item (with both drafters when comparing) and scores the technique choices. */
export async function runEval(opts: RunEvalOptions): Promise<EvalReport> {
  const { set, drafter, compare, signal } = opts;
  const catalog = opts.catalog ?? AttackCatalog.load();
  const cost: EvalCostFn = opts.cost ?? ((model, usage) => costUsd(model, usage));
  const allOffline = drafter.kind === 'offline' && (!compare || compare.kind === 'offline');
  const concurrency = Math.max(1, Math.min(64, Math.floor(opts.concurrency ?? (allOffline ? 1 : 4))));
  const a: RawResult[] = new Array(set.length);
  const b: RawResult[] = new Array(set.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      if (signal?.aborted) throw new VigilError('CANCELLED', 'The eval run was cancelled.');
      const i = next++;
      if (i >= set.length) return;
      const item = set[i] as EvalItem;
      a[i] = await draftOne(drafter, item, signal);
      if (compare) b[i] = await draftOne(compare, item, signal);
      done++;
      opts.onProgress?.(done, set.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, set.length)) }, worker));

  const report: EvalReport = summarise(drafter, set, a, catalog, cost);
  if (compare) {
    const other = summarise(compare, set, b, catalog, cost);
    const disagreements = report.items.filter((x, i) => x.predicted !== other.items[i]?.predicted).length;
    report.compare = { report: other, deltas: deltas(report, other), disagreements };
  }
  return report;
}
