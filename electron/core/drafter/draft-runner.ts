// Runs drafters over findings: bounded concurrency, a timeout per draft, cancellation, no re-draft
// of an unchanged input, every attempt recorded (identity, model, prompt version, input hash,
// tokens, cost, latency, retries, error). A draft is a proposal: it fills the decision fields of a
// finding only while nobody has signed it, and moves `new` to `drafted`. Nothing a drafter returns
// can sign, contain or change a signed finding.
import { canonicalJson } from '../../../shared/canonical-json';
import type { FindingBrief } from '../../../shared/brief';
import type { FindingStatus } from '../../../shared/domain';
import { VigilError, isVigilError } from '../../../shared/errors';
import type { FindingPatch } from '../register/findings';
import type { Register } from '../register/register';
import { buildDraftInput, draftInputHash } from './draft-input';
import type { Drafter, DraftResult } from './types';

/** Statuses a draft may still shape. From `signed` on, the finding belongs to the people who signed it. */
/** Enough to keep a remote model busy without tripping typical per-key rate limits. */
export const DEFAULT_DRAFT_CONCURRENCY = 8;

export const DRAFTABLE: ReadonlySet<FindingStatus> = new Set(['new', 'drafted', 'in_review', 'blocked']);
const FALLBACK_CODES = new Set(['SOURCE_UNREACHABLE', 'SOURCE_TIMEOUT', 'SOURCE_UNAVAILABLE', 'SOURCE_RATE_LIMITED', 'SOURCE_NOT_CONFIGURED']);

export interface DraftRunOptions {
  concurrency?: number;
  timeoutMs?: number;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: DraftRunProgress) => void;
}

export interface DraftRunProgress {
  total: number;
  done: number;
  drafted: number;
  skipped: number;
  failed: number;
  fellBack: number;
  running: boolean;
}

export interface CostFn {
  (model: string | null, usage: { tokensIn: number; tokensOut: number }): number | null;
}

export function mitigationText(b: FindingBrief): string {
  const m = b.mitigation_plan;
  const list = (title: string, xs: string[]) => (xs.length ? `${title}:\n${xs.map((x, i) => `${i + 1}. ${x}`).join('\n')}` : '');
  return [list('Containment steps', m.containment_steps), `Timeline: ${m.timeline}`, list('Dependencies', m.dependencies), list('Blockers', m.blockers), `Residual risk: ${m.residual_risk}`]
    .filter(Boolean)
    .join('\n\n');
}

/** The finding fields a brief proposes. Severity stays the analyst's call (the brief keeps its own). */
export function patchFromBrief(b: FindingBrief, drafter: Drafter, status: FindingStatus): FindingPatch {
  return {
    mitre_technique: b.technique.id,
    mitre_tactic: b.technique.tactic_id,
    blast_radius: b.blast_radius.summary,
    blast_radius_count: b.blast_radius.count,
    recommended_action: `${b.recommended_action.kind}: ${b.recommended_action.text}`,
    risk_score: b.risk.score,
    risk_factors: b.risk.factors,
    mitigation_plan: mitigationText(b),
    drafted_by: drafter.identity,
    ...(status === 'new' ? { status: 'drafted' as const } : {}),
  };
}

export async function runDrafts(
  reg: Register,
  ids: readonly number[],
  drafter: Drafter,
  deps: { fallback?: Drafter; cost: CostFn },
  opts: DraftRunOptions = {},
): Promise<DraftRunProgress> {
  const p: DraftRunProgress = { total: ids.length, done: 0, drafted: 0, skipped: 0, failed: 0, fellBack: 0, running: true };
  const queue = [...ids];
  const emit = () => opts.onProgress?.({ ...p });
  emit();

  const one = async (id: number): Promise<void> => {
    const f = reg.finding(id);
    if (!f) return void p.failed++;
    const input = buildDraftInput(reg, id);
    const attempt = async (d: Drafter): Promise<'drafted' | 'skipped'> => {
      const hash = draftInputHash(input, d);
      if (!opts.force && reg.draftFor(id, hash, d.identity)) return 'skipped';
      const started = Date.now();
      const timeout = AbortSignal.timeout(opts.timeoutMs ?? 90_000);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      let res: DraftResult;
      try {
        res = await d.draft(input, { signal });
      } catch (e) {
        const err = isVigilError(e)
          ? e
          : timeout.aborted
            ? new VigilError('SOURCE_TIMEOUT', `The draft took longer than ${Math.round((opts.timeoutMs ?? 90_000) / 1000)} s.`)
            : new VigilError('INTERNAL', 'The drafter failed unexpectedly.');
        reg.recordDraft({
          finding_id: id,
          drafter: d.identity,
          model: d.model,
          prompt_version: d.promptVersion,
          input_hash: hash,
          output: null,
          tokens_in: null,
          tokens_out: null,
          cost_usd: null,
          latency_ms: Date.now() - started,
          retries: 0,
          error: `${err.code}: ${err.message}`,
          created_at: Date.now(),
        });
        throw err;
      }
      // Re-read: the finding may have been signed while the drafter was thinking.
      const now = reg.finding(id);
      const status = now?.row.status ?? f.row.status;
      reg.recordDraft(
        {
          finding_id: id,
          drafter: d.identity,
          model: d.model,
          prompt_version: d.promptVersion,
          input_hash: hash,
          output: canonicalJson(res.brief),
          tokens_in: res.usage.tokensIn,
          tokens_out: res.usage.tokensOut,
          cost_usd: deps.cost(d.model, res.usage),
          latency_ms: res.latencyMs,
          retries: res.retries,
          error: null,
          created_at: Date.now(),
        },
        DRAFTABLE.has(status) ? { patch: patchFromBrief(res.brief, d, status), actor: d.identity } : undefined,
      );
      return 'drafted';
    };
    try {
      const r = await attempt(drafter);
      if (r === 'skipped') p.skipped++;
      else p.drafted++;
    } catch (e) {
      if (opts.signal?.aborted) throw new VigilError('CANCELLED', 'Drafting cancelled.');
      // An outage (or no LLM) still gets the brief the signal itself supports.
      if (deps.fallback && isVigilError(e) && FALLBACK_CODES.has(e.code)) {
        try {
          const r = await attempt(deps.fallback);
          if (r === 'skipped') p.skipped++;
          else p.drafted++;
          p.fellBack++;
          return;
        } catch {
          // recorded as a failed draft above
        }
      }
      p.failed++;
    }
  };

  const workers = Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? DEFAULT_DRAFT_CONCURRENCY, ids.length)) }, async () => {
    for (;;) {
      if (opts.signal?.aborted) return;
      const id = queue.shift();
      if (id === undefined) return;
      try {
        await one(id);
      } catch (e) {
        if (isVigilError(e) && e.code === 'CANCELLED') return;
        p.failed++;
      } finally {
        p.done++;
        emit();
      }
    }
  });
  await Promise.all(workers);
  p.running = false;
  emit();
  if (opts.signal?.aborted && p.done < p.total) throw new VigilError('CANCELLED', `Drafting cancelled after ${p.done} of ${p.total}.`);
  return p;
}
