// `vigil eval --set FILE.jsonl [--offline] [--prompt VERSION] [--compare VERSION] [--json]`.
// Exit codes: 0 the run completed, 1 it could not run (no LLM configured, every draft failed),
// 2 the set file is missing or has bad lines (nothing is run then).
import { readFileSync } from 'node:fs';
import { isVigilError } from '../../../shared/errors';
import type { AttackCatalog } from '../attack/catalog';
import { OfflineDrafter } from '../drafter/offline-drafter';
import { DEFAULT_PROMPT_VERSION } from '../drafter/prompts';
import type { Drafter } from '../drafter/types';
import { EvalSetError, parseEvalSet } from './eval-set';
import { formatEvalReport } from './format';
import { runEval, type EvalCostFn } from './run-eval';

export interface EvalCommandArgs {
  set: string;
  offline: boolean;
  prompt?: string;
  /** a prompt version, or "offline" to compare against the offline drafter */
  compare?: string;
  json: boolean;
}

export interface EvalCommandDeps {
  catalog: AttackCatalog;
  /** the LLM drafter for a prompt version; absent when no LLM is configured */
  makeLlmDrafter?: (promptVersion: string) => Drafter;
  out: (s: string) => void;
  /** USD per draft usage (defaults to pricing.ts list prices) */
  cost?: EvalCostFn;
  concurrency?: number;
  signal?: AbortSignal;
}

const NOT_CONFIGURED = 'set OPENAI_BASE_URL/OPENAI_API_KEY/VIGIL_MODEL or use --offline';

export async function evalCommand(args: EvalCommandArgs, deps: EvalCommandDeps): Promise<number> {
  const fail = (code: string, message: string, extra: Record<string, unknown> = {}) => {
    deps.out(args.json ? JSON.stringify({ error: { code, message, ...extra } }) : `vigil eval: ${code}: ${message}`);
  };

  let text: string;
  try {
    text = readFileSync(args.set, 'utf8');
  } catch (e) {
    fail('NOT_FOUND', `cannot read the eval set ${args.set}: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  let set;
  try {
    set = parseEvalSet(text, { catalog: deps.catalog, source: args.set });
  } catch (e) {
    if (e instanceof EvalSetError) {
      fail(e.code, e.message, { issues: e.issues });
      return 2;
    }
    throw e;
  }

  const llm = (version: string): Drafter | null => {
    if (!deps.makeLlmDrafter) {
      fail('SOURCE_NOT_CONFIGURED', `no LLM configured: ${NOT_CONFIGURED}`);
      return null;
    }
    return deps.makeLlmDrafter(version);
  };
  let drafter: Drafter | null;
  if (args.offline) drafter = new OfflineDrafter(deps.catalog);
  else drafter = llm(args.prompt ?? DEFAULT_PROMPT_VERSION);
  if (!drafter) return 1;
  let compare: Drafter | undefined;
  if (args.compare !== undefined) {
    const c = args.compare === 'offline' ? new OfflineDrafter(deps.catalog) : llm(args.compare);
    if (!c) return 1;
    compare = c;
  }

  try {
    const report = await runEval({
      set,
      drafter,
      ...(compare ? { compare } : {}),
      catalog: deps.catalog,
      ...(deps.cost ? { cost: deps.cost } : {}),
      ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    deps.out(args.json ? JSON.stringify(report) : formatEvalReport(report));
    const allFailed = report.n > 0 && report.errors === report.n;
    return allFailed ? 1 : 0;
  } catch (e) {
    if (isVigilError(e)) {
      fail(e.code, e.message);
      return 1;
    }
    throw e;
  }
}
