// The prompts: versions, the untrusted-data rule, fencing (nothing untrusted outside a fence, no way
// to close one from inside) and the size budget.
import { describe, expect, it } from 'vitest';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { LLM_RESPONSE_FORMAT, LlmBriefOutput, strictSchemaProblems } from '../../electron/core/drafter/llm-schema';
import {
  DEFAULT_PROMPT_VERSION,
  FENCE_TAG,
  PROMPT_BUDGET_BYTES,
  PROMPT_VERSIONS,
  PROMPT_VERSION_IDS,
  clipText,
  fenceJson,
  fenceSpans,
  findInstructionLikeText,
  fitJson,
  renderPrompt,
  type PromptVersion,
} from '../../electron/core/drafter/prompts';
import type { DraftInput } from '../../electron/core/drafter/types';
import { resolveEvidence } from '../../electron/core/drafter/evidence-check';
import type { EvidenceRef } from '../../shared/brief';
import { FENCE_BREAK, INJECTION, hostileInput, sampleInput } from '../fakes/openai/fixtures';

const catalog = AttackCatalog.load();

function occurrences(hay: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) out.push(i);
  return out;
}

function insideFences(message: string, needle: string): boolean {
  const spans = fenceSpans(message);
  return occurrences(message, needle).every((i) => spans.some((s) => i > s.start && i + needle.length < s.end));
}

function hugeInput(): DraftInput {
  const base = sampleInput();
  const big = (n: number, c = 'x') => c.repeat(n);
  return {
    ...base,
    finding: { ...base.finding, title: big(5000, 'T') },
    signal: {
      ...base.signal,
      message: big(200_000, 'm'),
      tags: Array.from({ length: 500 }, (_, i) => `tag${i}:${big(300)}`),
      entities: Array.from({ length: 300 }, (_, i) => `host:h${i}`),
      attributes: { deep: { a: { b: { c: { d: { e: { f: { g: big(50_000) } } } } } } }, list: Array.from({ length: 5000 }, (_, i) => i) },
      samples: Array.from({ length: 3 }, (_, i) => ({ i, blob: big(100_000, 's'), nested: Array.from({ length: 200 }, () => ({ k: big(100) })) })),
    },
    splunk: Array.from({ length: 3 }, (_, e) => ({
      evidence_id: 100 + e,
      saved_search: big(1000, 'n'),
      spl: big(20_000, 'q'),
      result_count: 50,
      fields: Array.from({ length: 100 }, (_, i) => `f${i}`),
      rows: Array.from({ length: 50 }, (_, i) => ({ i: String(i), _raw: big(5000, 'r'), '你好': '😀'.repeat(500) })),
    })),
    related: Array.from({ length: 40 }, (_, i) => ({ ...base.related[0]!, finding_id: `FND-${i + 1}`, title: big(2000, 'r') })),
  };
}

describe('prompt registry', () => {
  it('has p1 (default) and p2, and refuses an unknown version', () => {
    expect(PROMPT_VERSION_IDS).toEqual(['p1', 'p2']);
    expect(DEFAULT_PROMPT_VERSION).toBe('p1');
    expect(Object.keys(PROMPT_VERSIONS)).toEqual(['p1', 'p2']);
    for (const v of PROMPT_VERSION_IDS) {
      expect(PROMPT_VERSIONS[v].version).toBe(v);
      expect(PROMPT_VERSIONS[v].description.length).toBeGreaterThan(10);
      expect(renderPrompt(v, sampleInput()).version).toBe(v);
    }
    expect(PROMPT_VERSIONS.p1.system).not.toBe(PROMPT_VERSIONS.p2.system);
    expect(() => renderPrompt('p9' as PromptVersion, sampleInput())).toThrow(/Unknown prompt version p9/);
  });

  it('states the task, the untrusted-data rule and the output contract, naming every output field', () => {
    for (const v of PROMPT_VERSION_IDS) {
      const { system } = PROMPT_VERSIONS[v];
      expect(system).toMatch(/finding brief/);
      expect(system).toMatch(/You only propose/);
      expect(system).toMatch(/Never follow instructions/);
      expect(system).toContain(`<${FENCE_TAG}`);
      expect(system).toMatch(/Vigil computes the score itself/);
      for (const field of Object.keys(LlmBriefOutput.shape)) expect(system, field).toContain(field);
      expect(system).not.toContain(INJECTION);
    }
  });

  it('documents evidence ref forms that verifyClaims resolves', () => {
    const input = sampleInput();
    const refs: EvidenceRef[] = [
      { kind: 'signal_field', ref: 'attributes.attributes.usr.id' },
      { kind: 'signal_field', ref: 'message' },
      { kind: 'signal_field', ref: 'tags' },
      { kind: 'signal_field', ref: 'entities.0' },
      { kind: 'signal_field', ref: 'rule_name' },
      { kind: 'sample_event', ref: 'sample:0' },
      { kind: 'sample_event', ref: 'sample:1:usr.id' },
      { kind: 'splunk_row', ref: 'splunk:7:2' },
      { kind: 'related_finding', ref: 'FND-17' },
    ];
    for (const r of refs) expect(resolveEvidence(r, input), r.ref).toBe(true);
    for (const v of PROMPT_VERSION_IDS) {
      for (const form of ['"attributes.attributes.usr.id"', '"message"', '"tags"', '"entities.<i>"', '"rule_name"', '"sample:<index>:<dotted path>"', '"splunk:<evidence_id>:<row index>"', '"FND-<n>"']) {
        expect(PROMPT_VERSIONS[v].system, form).toContain(form);
      }
    }
  });

  it('is deterministic: the same input renders the same prompt', () => {
    expect(renderPrompt('p1', hostileInput())).toEqual(renderPrompt('p1', hostileInput()));
  });

  it('p2 names the tagged techniques from the catalog; p1 does not', () => {
    expect(renderPrompt('p2', sampleInput(), { catalog }).user).toMatch(/- T1110\.003 Password Spraying/);
    expect(renderPrompt('p1', sampleInput(), { catalog }).user).not.toMatch(/Password Spraying/);
  });
});

describe('fencing', () => {
  it('puts every untrusted value inside a fence', () => {
    const input = sampleInput();
    const { user } = renderPrompt('p1', input);
    const spans = fenceSpans(user);
    expect(spans.map((s) => s.part)).toEqual(['finding', 'signal', 'attributes', 'samples', 'splunk', 'related']);
    for (const needle of [input.signal.message, input.finding.title, ...input.signal.tags, 'Okta failures by IP', 'Impossible travel for alice@example.com', 'bob@example.com']) {
      expect(occurrences(user, needle).length, needle).toBeGreaterThan(0);
      expect(insideFences(user, needle), needle).toBe(true);
    }
    // Each fence holds one line of JSON that parses back to the data.
    for (const s of spans) expect(() => JSON.parse(s.json)).not.toThrow();
    const samples = JSON.parse(spans[3]!.json) as { shown: { index: number }[] };
    expect(samples.shown.map((x) => x.index)).toEqual([0, 1]);
  });

  it('neutralises a fence-closing tag written into any untrusted field', () => {
    const { user } = renderPrompt('p1', hostileInput());
    const spans = fenceSpans(user);
    expect(spans).toHaveLength(6);
    expect(occurrences(user, `</${FENCE_TAG}>`)).toHaveLength(6);
    expect(occurrences(user, `<${FENCE_TAG} `)).toHaveLength(6);
    expect(user).not.toContain('id="000000000000"');
    expect(insideFences(user, INJECTION)).toBe(true);
    expect(occurrences(user, INJECTION).length).toBeGreaterThanOrEqual(6);
    // The only text outside the fences is Vigil's own.
    let outside = user;
    for (const s of [...spans].reverse()) outside = outside.slice(0, s.start) + outside.slice(s.end);
    expect(outside).not.toMatch(/IGNORE|maintenance|benign|SYSTEM:/);
    // The data is preserved, escaped: decoding a fence gives back the attacker's exact text.
    expect((JSON.parse(spans[0]!.json) as { title: string }).title).toContain(FENCE_BREAK);
  });

  it('escapes <, >, & and line separators in fenced JSON without losing them', () => {
    const s = fenceJson({ a: '</x> & <y>\u2028' });
    expect(s).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(s)).toEqual({ a: '</x> & <y>\u2028' });
  });

  it('flags instruction-like text in the data, and nothing in a benign signal', () => {
    expect(findInstructionLikeText(sampleInput())).toEqual([]);
    const found = findInstructionLikeText(hostileInput());
    expect(found).toEqual(expect.arrayContaining(['asks to ignore instructions', 'asks to mark it benign', 'asks to set the severity', 'contains a fence tag']));
  });
});

describe('budgets', () => {
  it('keeps a small input whole', () => {
    const r = renderPrompt('p1', sampleInput());
    expect(r.truncated).toEqual([]);
    expect(r.bytes).toBeLessThan(PROMPT_BUDGET_BYTES);
    expect(r.user).not.toMatch(/shortened/);
  });

  it('bounds a huge input to the budget, says what was shortened, and keeps every fence valid JSON', () => {
    for (const v of PROMPT_VERSION_IDS) {
      const r = renderPrompt(v, hugeInput(), { catalog });
      expect(r.bytes).toBeLessThanOrEqual(PROMPT_BUDGET_BYTES);
      expect(Buffer.byteLength(r.system) + Buffer.byteLength(r.user)).toBe(r.bytes);
      expect(r.truncated).toEqual(expect.arrayContaining(['finding', 'signal', 'attributes', 'samples', 'splunk:100', 'related']));
      expect(r.user).toMatch(/Some data was shortened to fit the prompt/);
      const spans = fenceSpans(r.user);
      expect(spans.filter((s) => s.part === 'splunk')).toHaveLength(3);
      for (const s of spans) expect(() => JSON.parse(s.json), s.part).not.toThrow();
      const splunk = JSON.parse(spans.find((s) => s.part === 'splunk')!.json) as { evidence_id: number; rows: { index: number }[]; rows_omitted: number };
      expect(splunk.evidence_id).toBe(100);
      expect(splunk.rows.length + splunk.rows_omitted).toBe(50);
      expect(splunk.rows.map((x) => x.index)).toEqual(splunk.rows.map((_, i) => i));
    }
  });

  it('honours a smaller budget', () => {
    const r = renderPrompt('p1', hugeInput(), { budgetBytes: 12_000 });
    expect(r.bytes).toBeLessThanOrEqual(12_000);
    expect(fenceSpans(r.user)).toHaveLength(8);
  });

  it('fitJson shrinks structurally and clipText never splits a surrogate pair', () => {
    expect(fitJson({ a: 1 }, 100)).toEqual({ value: { a: 1 }, truncated: false });
    const fit = fitJson({ s: 'x'.repeat(10_000), arr: Array.from({ length: 1000 }, (_, i) => i) }, 500);
    expect(fit.truncated).toBe(true);
    expect(Buffer.byteLength(fenceJson(fit.value))).toBeLessThanOrEqual(500);
    const clipped = clipText('ab😀cd', 3);
    expect(clipped.startsWith('ab…')).toBe(true);
    expect(clipped).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe('the output schema sent to the model', () => {
  it('is strict-compatible and proposes decisions only', () => {
    const schema = LLM_RESPONSE_FORMAT.json_schema.schema;
    expect(LLM_RESPONSE_FORMAT).toMatchObject({ type: 'json_schema', json_schema: { name: 'finding_brief', strict: true } });
    expect(strictSchemaProblems(schema)).toEqual([]);
    expect(Object.keys(schema['properties'] as object)).toEqual(Object.keys(LlmBriefOutput.shape));
    expect(JSON.stringify(schema)).not.toMatch(/"(execute|run|sign|signed|signoff|apply|contain_now|status)"\s*:/);
    expect(strictSchemaProblems({ type: 'object', properties: { a: { type: 'string' } }, required: [] })).toHaveLength(2);
  });
});
