import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FindingBrief } from '../../shared/brief';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import type { DraftInput, Drafter, DraftResult } from '../../electron/core/drafter/types';
import { EvalSetError, evalCommand, formatEvalReport, macroF1Parent, parseEvalSet, percentile, runEval, type EvalItem, type EvalReport } from '../../electron/core/eval';

const catalog = AttackCatalog.load();
const root = join(__dirname, '..', '..');

function sig(id: string): Record<string, unknown> {
  return {
    id,
    type: 'signal',
    attributes: {
      timestamp: '2026-10-01T00:00:00.000Z',
      status: 'medium',
      message: 'test',
      tags: ['source:test'],
      attributes: { title: `rule ${id}`, entities: [], workflow: { rule: { id: 'r', name: `rule ${id}`, type: 'Log Detection' } } },
    },
  };
}

/** Answers from a table keyed by the Datadog signal id; "throw" makes the draft fail. */
class StubDrafter implements Drafter {
  readonly kind = 'llm' as const;
  readonly promptVersion: string;
  readonly identity: string;
  readonly model = 'stub-model';
  readonly calls: string[] = [];
  constructor(
    readonly answers: Record<string, string>,
    name = 'p1',
  ) {
    this.promptVersion = name;
    this.identity = `stub@${name}`;
  }
  async draft(input: DraftInput): Promise<DraftResult> {
    const id = input.finding.dd_signal_id;
    this.calls.push(id);
    const answer = this.answers[id];
    if (answer === undefined || answer === 'throw') throw new Error(`no answer for ${id}`);
    const brief = { technique: { id: answer, name: 'x', tactic_id: null, tactic_name: null }, confidence: 0.5 } as unknown as FindingBrief;
    return { brief, usage: { tokensIn: 100, tokensOut: 10 }, retries: 0, latencyMs: 1 };
  }
}

// expected        predicted     exact  parent
// T1110.003       T1110.003     yes    yes
// T1110           T1110.001     no     yes
// T1059.004       T1059         no     yes
// T1078.004       T1110         no     no
// T1562.008       T9999         no     no   (invalid id)
// T1486           (error)       no     no
// T1059.001       T1086         no     no   (revoked id: invalid)
const EXPECTED: [string, string, string][] = [
  ['s1', 'T1110.003', 'T1110.003'],
  ['s2', 'T1110', 'T1110.001'],
  ['s3', 'T1059.004', 'T1059'],
  ['s4', 'T1078.004', 'T1110'],
  ['s5', 'T1562.008', 'T9999'],
  ['s6', 'T1486', 'throw'],
  ['s7', 'T1059.001', 'T1086'],
];
const SET_TEXT = EXPECTED.map(([id, exp]) => JSON.stringify({ id: `case-${id}`, signal: sig(id), expected: { technique: exp }, note: 'hand-made' })).join('\n') + '\n';
const ANSWERS = Object.fromEntries(EXPECTED.map(([id, , pred]) => [id, pred]));
const cost = (_m: string | null, u: { tokensIn: number; tokensOut: number }) => u.tokensIn * 0.001 + u.tokensOut * 0.01;

describe('parseEvalSet', () => {
  it('parses valid lines, upper-cases labels and keeps line numbers across blank lines', () => {
    const items = parseEvalSet(`\n${SET_TEXT.replace('"T1486"', '"t1486"')}\n`, { catalog });
    expect(items).toHaveLength(7);
    expect(items[0]).toMatchObject({ line: 2, id: 'case-s1', note: 'hand-made', expected: { technique: 'T1110.003' } });
    expect(items[5]?.expected.technique).toBe('T1486');
  });

  it('reports every bad line with its number and runs nothing', () => {
    const text = [
      JSON.stringify({ signal: sig('a'), expected: { technique: 'T1110' } }),
      '{"signal": ',
      JSON.stringify({ signal: sig('b'), expected: { technique: 'T110' } }),
      JSON.stringify({ signal: { id: 'c', attributes: {} }, expected: { technique: 'T1110' } }),
      JSON.stringify({ signal: sig('d') }),
      JSON.stringify({ signal: sig('e'), expected: { technique: 'T1086' } }),
      JSON.stringify({ id: 'dup', signal: sig('f'), expected: { technique: 'T1110' } }),
      JSON.stringify({ id: 'dup', signal: sig('g'), expected: { technique: 'T1110' } }),
    ].join('\n');
    let err: unknown;
    try {
      parseEvalSet(text, { catalog, source: 'x.jsonl' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EvalSetError);
    const e = err as EvalSetError;
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.issues.map((i) => i.line)).toEqual([2, 3, 4, 5, 6, 8]);
    expect(e.message).toMatch(/^x\.jsonl: 6 bad lines; nothing was run\./);
    expect(e.message).toMatch(/line 2: not valid JSON/);
    expect(e.message).toMatch(/line 3: expected\.technique: must be an ATT&CK technique id/);
    expect(e.message).toMatch(/line 4: signal payload invalid at attributes\.timestamp/);
    expect(e.message).toMatch(/line 5: expected/);
    expect(e.message).toMatch(/line 6: expected\.technique T1086 is revoked .* label it T1059\.001/);
    expect(e.message).toMatch(/line 8: id "dup" is already used on line 7/);
  });

  it('refuses an empty set', () => {
    expect(() => parseEvalSet('\n\n')).toThrow(/no items/);
  });

  it('accepts the shipped sets and rejects the malformed smoke variant at line 3', () => {
    const read = (f: string) => readFileSync(join(root, 'test', 'eval', f), 'utf8');
    expect(parseEvalSet(read('signals.jsonl'), { catalog }).length).toBeGreaterThanOrEqual(120);
    expect(parseEvalSet(read('holdout.jsonl'), { catalog }).length).toBeGreaterThanOrEqual(30);
    expect(parseEvalSet(read('smoke.jsonl'), { catalog })).toHaveLength(5);
    expect(() => parseEvalSet(read('smoke-bad.jsonl'), { catalog })).toThrow(/line 3: expected\.technique/);
  });
});

describe('metrics', () => {
  it('computes exact and parent accuracy, macro-F1 by hand, invalid ids, errors, tokens and cost', async () => {
    const set = parseEvalSet(SET_TEXT, { catalog });
    const r = await runEval({ set, drafter: new StubDrafter(ANSWERS), catalog, cost });
    expect(r.n).toBe(7);
    expect(r.accuracy_exact).toBe(0.1429); // 1/7
    expect(r.accuracy_parent).toBe(0.4286); // 3/7
    // Classes (parents) in expected ∪ predicted: T1110 T1059 T1078 T1562 T1486 T9999 T1086.
    // T1110: support 2, predicted 3, tp 2 → F1 4/5; T1059: support 2, predicted 1, tp 1 → 2/3;
    // the other six classes score 0 → macro = (0.8 + 0.6667) / 7.
    expect(r.macro_f1_parent).toBe(Math.round(((0.8 + 2 / 3) / 7) * 10_000) / 10_000);
    expect(r.per_class.find((c) => c.class === 'T1110')).toMatchObject({ support: 2, predicted: 3, tp: 2, f1: 0.8 });
    expect(r.invalid_ids).toBe(2); // T9999 unknown, T1086 revoked
    expect(r.errors).toBe(1);
    expect(r.tokens_in).toBe(600);
    expect(r.tokens_out).toBe(60);
    expect(r.cost_usd).toBeCloseTo(1.2, 6);
    expect(r.items[5]).toMatchObject({ line: 6, id: 'case-s6', expected: 'T1486', predicted: null, correct_exact: false, correct_parent: false });
    expect(r.items[5]?.error).toMatch(/no answer for s6/);
    expect(r.items[1]).toMatchObject({ correct_exact: false, correct_parent: true, confidence: 0.5 });
    expect(r.latency_p95_ms).toBeGreaterThanOrEqual(r.latency_p50_ms);
    expect(r.drafter).toEqual({ identity: 'stub@p1', kind: 'llm', model: 'stub-model', prompt_version: 'p1' });
  });

  it('reports unknown cost as null', async () => {
    const set = parseEvalSet(SET_TEXT, { catalog });
    const r = await runEval({ set, drafter: new StubDrafter(ANSWERS), catalog, cost: () => null });
    expect(r.cost_usd).toBeNull();
  });

  it('has exact helpers: nearest-rank percentile and macro-F1', () => {
    expect(percentile([5, 1, 4, 2, 3], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([], 0.5)).toBe(0);
    const f = macroF1Parent([
      { expected: 'T1110.001', predicted: 'T1110.003' },
      { expected: 'T1059', predicted: null },
    ]);
    expect(f.macro).toBe(0.5);
  });

  it('runs items concurrently but reports them in set order', async () => {
    const set = parseEvalSet(SET_TEXT, { catalog });
    const r = await runEval({ set, drafter: new StubDrafter(ANSWERS), catalog, cost, concurrency: 3 });
    expect(r.items.map((x) => x.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('stops on cancellation', async () => {
    const set = parseEvalSet(SET_TEXT, { catalog });
    const ac = new AbortController();
    ac.abort();
    await expect(runEval({ set, drafter: new StubDrafter(ANSWERS), catalog, signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('compare', () => {
  it('reports both drafters side by side with B − A deltas', async () => {
    const set: EvalItem[] = parseEvalSet(SET_TEXT, { catalog });
    const better = { ...ANSWERS, s2: 'T1110', s4: 'T1078.004', s6: 'T1486' };
    const r: EvalReport = await runEval({ set, drafter: new StubDrafter(ANSWERS, 'p1'), compare: new StubDrafter(better, 'p2'), catalog, cost });
    expect(r.compare?.report.drafter.identity).toBe('stub@p2');
    expect(r.compare?.report.accuracy_exact).toBe(0.5714); // 4/7
    expect(r.compare?.deltas.accuracy_exact).toBe(0.4285);
    expect(r.compare?.deltas.errors).toBe(-1);
    expect(r.compare?.deltas.tokens_in).toBe(100);
    expect(r.compare?.disagreements).toBe(3);
    const text = formatEvalReport(r);
    expect(text).toMatch(/stub@p1 \[p1\]/);
    expect(text).toMatch(/stub@p2 \[p2\]/);
    expect(text).toMatch(/Δ \(B − A\)/);
    expect(text).toMatch(/accuracy \(exact\)\s+0\.1429\s+0\.5714\s+\+0\.4285/);
    expect(text).toMatch(/A and B disagree on 3 of 7 items/);
  });
});

describe('evalCommand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-eval-'));
  const setFile = join(dir, 'set.jsonl');
  writeFileSync(setFile, SET_TEXT);

  it('runs the offline drafter on the smoke set', async () => {
    const out: string[] = [];
    const code = await evalCommand({ set: join(root, 'test', 'eval', 'smoke.jsonl'), offline: true, json: true }, { catalog, out: (s) => out.push(s) });
    expect(code).toBe(0);
    const r = JSON.parse(out[0] ?? '{}') as EvalReport;
    expect(r.n).toBe(5);
    expect(r.drafter.identity).toBe('vigil/offline-drafter@2');
    expect(r.cost_usd).toBe(0);
    expect(r.accuracy_parent).toBeGreaterThan(0.5);
  });

  it('exits 2 on a bad line and drafts nothing', async () => {
    const out: string[] = [];
    let made = 0;
    const code = await evalCommand(
      { set: join(root, 'test', 'eval', 'smoke-bad.jsonl'), offline: false, json: false },
      {
        catalog,
        out: (s) => out.push(s),
        makeLlmDrafter: () => {
          made++;
          return new StubDrafter({});
        },
      },
    );
    expect(code).toBe(2);
    expect(made).toBe(0);
    expect(out.join('\n')).toMatch(/VALIDATION_FAILED: .*smoke-bad\.jsonl: 1 bad line; nothing was run\.\n\s+line 3: /);
  });

  it('exits 2 with a JSON error when the file is missing', async () => {
    const out: string[] = [];
    const code = await evalCommand({ set: join(dir, 'nope.jsonl'), offline: true, json: true }, { catalog, out: (s) => out.push(s) });
    expect(code).toBe(2);
    expect(JSON.parse(out[0] ?? '{}').error.code).toBe('NOT_FOUND');
  });

  it('says SOURCE_NOT_CONFIGURED when no LLM is configured and --offline is absent', async () => {
    const out: string[] = [];
    const code = await evalCommand({ set: setFile, offline: false, json: false }, { catalog, out: (s) => out.push(s) });
    expect(code).toBe(1);
    expect(out.join('\n')).toMatch(/SOURCE_NOT_CONFIGURED: .*set OPENAI_BASE_URL\/OPENAI_API_KEY\/VIGIL_MODEL or use --offline/);
  });

  it('compares two prompt versions, and offline against a prompt', async () => {
    const versions: string[] = [];
    const make = (v: string) => {
      versions.push(v);
      return new StubDrafter(ANSWERS, v);
    };
    const out: string[] = [];
    expect(await evalCommand({ set: setFile, offline: false, prompt: 'p1', compare: 'p2', json: true }, { catalog, makeLlmDrafter: make, out: (s) => out.push(s), cost })).toBe(0);
    expect(versions).toEqual(['p1', 'p2']);
    const r = JSON.parse(out[0] ?? '{}') as EvalReport;
    expect(r.drafter.prompt_version).toBe('p1');
    expect(r.compare?.report.drafter.prompt_version).toBe('p2');

    out.length = 0;
    expect(await evalCommand({ set: setFile, offline: true, compare: 'p2', json: false }, { catalog, makeLlmDrafter: make, out: (s) => out.push(s), cost })).toBe(0);
    expect(out[0]).toMatch(/vigil\/offline-drafter@2\s+stub@p2 \[p2\]/);
  });

  it('exits 1 when every draft failed', async () => {
    const out: string[] = [];
    const code = await evalCommand({ set: setFile, offline: false, prompt: 'p1', json: true }, { catalog, makeLlmDrafter: () => new StubDrafter({}), out: (s) => out.push(s) });
    expect(code).toBe(1);
    expect((JSON.parse(out[0] ?? '{}') as EvalReport).errors).toBe(7);
  });
});
