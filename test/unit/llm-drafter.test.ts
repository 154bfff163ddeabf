// The LLM drafter end to end: the real OpenAI SDK against the loopback fake. Covers the happy path
// (catalog names, Vigil's risk score, verified/unverified claims), the catalog checks (unknown →
// one re-ask, revoked → successor, deprecated → note), malformed answers, transport failures and
// their stable codes, usage and cost, and prompt injection through every untrusted field.
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { LlmDrafter, type LlmDrafterConfig } from '../../electron/core/drafter/llm-drafter';
import { LLM_RESPONSE_FORMAT, strictSchemaProblems } from '../../electron/core/drafter/llm-schema';
import { costUsd } from '../../electron/core/drafter/pricing';
import { fenceSpans } from '../../electron/core/drafter/prompts';
import { FindingBrief } from '../../shared/brief';
import { isVigilError, type VigilError } from '../../shared/errors';
import { RISK_FORMULA, riskScore } from '../../shared/risk';
import { FENCE_BREAK, INJECTION, goodAnswer, hostileInput, sampleInput } from '../fakes/openai/fixtures';
import { FAKE_OPENAI_KEY, startFakeOpenAI, type ChatRequestBody, type FakeOpenAI } from '../fakes/openai/server';

const catalog = AttackCatalog.load();
let fake: FakeOpenAI;
let sleeps: number[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.reset();
  sleeps = [];
});

function drafter(over: Partial<LlmDrafterConfig> = {}): LlmDrafter {
  return new LlmDrafter({
    baseUrl: fake.url,
    apiKey: FAKE_OPENAI_KEY,
    model: 'gpt-4.1-mini',
    catalog,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...over,
  });
}

async function failure(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    if (isVigilError(e)) return e;
    throw e;
  }
  throw new Error('expected the draft to fail');
}

const chatBodies = () => fake.chatRequests().map((r) => r.body as ChatRequestBody);
const userMessages = (b: ChatRequestBody) => b.messages.filter((m) => m.role === 'user').map((m) => String(m.content));

describe('LlmDrafter: a good answer', () => {
  it('becomes a valid FindingBrief with catalog names, Vigil-computed risk and verified/unverified claims', async () => {
    fake.script.push(goodAnswer());
    const d = drafter();
    const res = await d.draft(sampleInput());

    expect(() => FindingBrief.parse(res.brief)).not.toThrow();
    const b = res.brief;
    expect(b.technique).toEqual({ id: 'T1110.003', name: 'Password Spraying', tactic_id: 'TA0006', tactic_name: 'Credential Access' });
    expect(b.secondary_techniques).toEqual(['T1078']);
    expect(b.severity).toBe('high');
    expect(b.risk.factors).toEqual({ impact: 4, likelihood: 0.8, control_effectiveness: 0.25, exposure: 1 });
    expect(b.risk.score).toBe(riskScore(b.risk.factors));
    expect(b.risk.score).toBe(48);
    expect(b.risk.formula).toBe(RISK_FORMULA);
    expect(b.claims.map((c) => c.verified)).toEqual([true, true, true, true, false, false]);
    expect(b.related_findings).toEqual([{ finding_id: 'FND-17', shared: [{ type: 'user', value: 'alice@example.com' }], reason: 'Shares user:alice@example.com' }]);
    expect(b.blast_radius.count).toBe(3);
    expect(b.notes).toEqual([]);

    expect(d.identity).toBe('vigil/llm-drafter@p1 (gpt-4.1-mini)');
    expect(d.kind).toBe('llm');
    expect(res.retries).toBe(0);
    expect(res.latencyMs).toBeGreaterThanOrEqual(0);

    // What went on the wire: one request, strict json_schema built from the model-output schema, temperature 0, Bearer key.
    const [req] = fake.chatRequests();
    expect(fake.chatRequests()).toHaveLength(1);
    expect(req!.authorization).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
    const body = req!.body!;
    expect(body.model).toBe('gpt-4.1-mini');
    expect(body.temperature).toBe(0);
    expect(body.response_format?.type).toBe('json_schema');
    expect(body.response_format?.json_schema?.name).toBe('finding_brief');
    expect(body.response_format?.json_schema?.strict).toBe(true);
    expect(strictSchemaProblems(body.response_format?.json_schema?.schema)).toEqual([]);
    expect(body.messages.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('keeps only related findings and blast-radius entities that exist in the input, saying so in notes', async () => {
    const a = goodAnswer({
      related_finding_ids: ['FND-17', 'FND-999'],
      blast_radius: { entities: [{ type: 'ip', value: '203.0.113.7' }, { type: 'host', value: 'dc01.corp.invalid' }], summary: 's' },
    });
    fake.script.push(a);
    const { brief } = await drafter().draft(sampleInput());
    expect(brief.related_findings.map((r) => r.finding_id)).toEqual(['FND-17']);
    expect(brief.blast_radius.entities).toEqual([{ type: 'ip', value: '203.0.113.7' }]);
    expect(brief.notes.join('\n')).toMatch(/FND-999/);
    expect(brief.notes.join('\n')).toMatch(/dc01\.corp\.invalid/);
  });

  it('works with prompt version p2, the default responder and a reasoning model (no temperature)', async () => {
    const d = drafter({ promptVersion: 'p2', model: 'o4-mini' });
    const res = await d.draft(sampleInput());
    expect(d.identity).toBe('vigil/llm-drafter@p2 (o4-mini)');
    expect(res.brief.technique.id).toBe('T1110.003');
    const body = chatBodies()[0]!;
    expect(body).not.toHaveProperty('temperature');
    expect(String(body.messages[0]!.content)).toMatch(/HOW TO WORK/);
    expect(String(body.messages[1]!.content)).toMatch(/T1110\.003 Password Spraying/);
  });
});

describe('LlmDrafter: ATT&CK ids are checked against the catalog', () => {
  it('re-asks once for an unknown id and accepts a valid second answer (2 requests, 1 retry)', async () => {
    fake.script.use((req) => (req.index === 0 ? goodAnswer({ technique_id: 'T9999' }) : goodAnswer()));
    const res = await drafter().draft(sampleInput());
    expect(fake.chatRequests()).toHaveLength(2);
    expect(res.retries).toBe(1);
    expect(res.brief.technique.id).toBe('T1110.003');
    const second = chatBodies()[1]!;
    expect(second.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(userMessages(second).at(-1)).toMatch(/T9999/);
    expect(userMessages(second).at(-1)).toMatch(/valid Enterprise ATT&CK/);
    expect(res.brief.notes.join('\n')).toMatch(/unknown ATT&CK ids \(T9999\)/);
  });

  it('fails with SOURCE_BAD_RESPONSE when the id is still unknown after the re-ask', async () => {
    fake.script.use(() => goodAnswer({ technique_id: 'T9999' }));
    const e = await failure(drafter().draft(sampleInput()));
    expect(e.code).toBe('SOURCE_BAD_RESPONSE');
    expect(e.message).toMatch(/unknown ATT&CK ids \(T9999\)/);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('drops a secondary id that stays unknown, with a note', async () => {
    fake.script.use(() => goodAnswer({ secondary_technique_ids: ['T1078', 'T9998'] }));
    const res = await drafter().draft(sampleInput());
    expect(res.brief.secondary_techniques).toEqual(['T1078']);
    expect(res.brief.notes.join('\n')).toMatch(/Dropped unknown secondary ATT&CK id T9998/);
  });

  it('replaces a revoked id by its successor and keeps a deprecated one, each with a note', async () => {
    expect(catalog.resolve('T1066').status).toBe('revoked');
    expect(catalog.resolve('T1064').status).toBe('deprecated');
    fake.script.push(goodAnswer({ technique_id: 'T1066', secondary_technique_ids: ['T1064', 'T1088'] }));
    const { brief } = await drafter().draft(sampleInput());
    expect(brief.technique.id).toBe('T1027.005');
    expect(brief.technique.name).toBe(catalog.technique('T1027.005')!.name);
    expect(brief.secondary_techniques).toEqual(['T1064', 'T1548.002']);
    const notes = brief.notes.join('\n');
    expect(notes).toMatch(/T1066 .*revoked; replaced by its successor T1027\.005/);
    expect(notes).toMatch(/T1064 .*deprecated/);
    expect(notes).toMatch(/T1088 .*revoked; replaced by its successor T1548\.002/);
    expect(fake.chatRequests()).toHaveLength(1);
  });
});

describe('LlmDrafter: malformed answers', () => {
  it('re-asks once on non-JSON content, then fails with SOURCE_BAD_RESPONSE', async () => {
    fake.faults.add('malformed-content');
    const e = await failure(drafter().draft(sampleInput()));
    expect(e.code).toBe('SOURCE_BAD_RESPONSE');
    expect(e.message).toMatch(/not valid JSON/);
    expect(fake.chatRequests()).toHaveLength(2);
    expect(userMessages(chatBodies()[1]!).at(-1)).toMatch(/could not be used: the answer was not valid JSON/);
  });

  it('recovers when the re-ask returns a valid answer (schema violation first)', async () => {
    fake.faults.add('schema-violation', { times: 1 });
    const res = await drafter().draft(sampleInput());
    expect(res.retries).toBe(1);
    expect(fake.chatRequests()).toHaveLength(2);
    expect(userMessages(chatBodies()[1]!).at(-1)).toMatch(/did not match the schema/);
  });

  it('treats a refusal and a cut-off answer as unusable', async () => {
    fake.faults.add('refusal', { times: 1 });
    fake.faults.add('length', { times: 1 });
    const e = await failure(drafter().draft(sampleInput()));
    expect(e.code).toBe('SOURCE_BAD_RESPONSE');
    expect(e.message).toMatch(/cut off/);
  });

  it('refuses an HTML page from a proxy with SOURCE_BAD_RESPONSE', async () => {
    fake.faults.add('html');
    const e = await failure(drafter().draft(sampleInput()));
    expect(e.code).toBe('SOURCE_BAD_RESPONSE');
    expect(e.message).toMatch(/text instead of JSON/);
  });
});

describe('LlmDrafter: transport failures map to stable codes', () => {
  it('honours retry-after on 429 and succeeds (retries = 1, the wait comes from the header)', async () => {
    fake.faults.add('rate-limit', { times: 1, retryAfterSec: 2 });
    const res = await drafter().draft(sampleInput());
    expect(res.retries).toBe(1);
    expect(sleeps).toEqual([2000]);
    expect(fake.chatRequests()).toHaveLength(2);
  });

  it('caps a long retry-after and gives up with SOURCE_RATE_LIMITED after maxRetries', async () => {
    fake.faults.add('rate-limit', { retryAfterSec: 120 });
    const e = await failure(drafter({ maxRetries: 2, maxRetryDelayMs: 5000 }).draft(sampleInput()));
    expect(e.code).toBe('SOURCE_RATE_LIMITED');
    expect(sleeps).toEqual([5000, 5000]);
    expect(fake.chatRequests()).toHaveLength(3);
  });

  it('does not retry an exhausted quota', async () => {
    fake.faults.add('quota');
    const e = await failure(drafter().draft(sampleInput()));
    expect(e.code).toBe('SOURCE_RATE_LIMITED');
    expect(e.message).toMatch(/quota/);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('retries 5xx with backoff, then SOURCE_UNAVAILABLE', async () => {
    fake.faults.add('unavailable', { times: 2 });
    const ok = await drafter().draft(sampleInput());
    expect(ok.retries).toBe(2);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]!).toBeGreaterThan(sleeps[0]!);

    fake.faults.clear();
    fake.requests.length = 0;
    fake.faults.add('server-error');
    const e = await failure(drafter().draft(sampleInput()));
    expect(e.code).toBe('SOURCE_UNAVAILABLE');
    expect(fake.chatRequests()).toHaveLength(4); // 1 + maxRetries (3)
  });

  it('times out a slow endpoint with SOURCE_TIMEOUT and does not retry it', async () => {
    fake.faults.add('slow', { delayMs: 3000 });
    const t0 = Date.now();
    const e = await failure(drafter({ timeoutMs: 250 }).draft(sampleInput()));
    expect(e.code).toBe('SOURCE_TIMEOUT');
    expect(e.message).toMatch(/did not answer within 0\.3 s/);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('maps an aborted signal to CANCELLED, and a runner deadline (TimeoutError) to SOURCE_TIMEOUT', async () => {
    fake.faults.add('slow', { delayMs: 3000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    expect((await failure(drafter().draft(sampleInput(), { signal: ac.signal }))).code).toBe('CANCELLED');
    expect((await failure(drafter().draft(sampleInput(), { signal: AbortSignal.timeout(100) }))).code).toBe('SOURCE_TIMEOUT');
    const pre = new AbortController();
    pre.abort();
    expect((await failure(drafter().draft(sampleInput(), { signal: pre.signal }))).code).toBe('CANCELLED');
  });

  it('a wrong key is SOURCE_AUTH_FAILED, not retried, and the key is nowhere in the message', async () => {
    const key = 'sk-proj-WRONGwrongWRONG1234567890';
    const e = await failure(drafter({ apiKey: key }).draft(sampleInput()));
    expect(e.code).toBe('SOURCE_AUTH_FAILED');
    expect(e.message).not.toContain(key);
    expect(e.message).not.toContain('WRONG');
    expect(JSON.stringify(e.toJSON())).not.toContain(key);
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('redacts a key the server echoes in a 400 and keeps the server message', async () => {
    fake.faults.add('bad-request', { message: `Invalid 'messages[1].content': string too long (key ${FAKE_OPENAI_KEY}).` });
    const e = await failure(drafter().draft(sampleInput()));
    expect(e.code).toBe('SOURCE_BAD_REQUEST');
    expect(e.message).toMatch(/string too long/);
    expect(e.message).not.toContain(FAKE_OPENAI_KEY);
    expect(e.message).toContain('[redacted]');
  });

  it('an unknown model is SOURCE_NOT_FOUND naming the model', async () => {
    const strict = await startFakeOpenAI({ models: ['gpt-4.1'] });
    try {
      const e = await failure(drafter({ baseUrl: strict.url, model: 'gpt-nope' }).draft(sampleInput()));
      expect(e.code).toBe('SOURCE_NOT_FOUND');
      expect(e.message).toContain('"gpt-nope"');
    } finally {
      await strict.close();
    }
  });

  it('a refused connection is SOURCE_UNREACHABLE after retries; a reset is retried', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const e = await failure(drafter({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 1 }).draft(sampleInput()));
    expect(e.code).toBe('SOURCE_UNREACHABLE');
    expect(e.message).toMatch(/connection refused/);
    expect(sleeps).toHaveLength(1);

    fake.faults.add('reset', { times: 1 });
    fake.faults.add('truncated-body', { times: 1 });
    const res = await drafter().draft(sampleInput());
    expect(res.retries).toBe(2);
  });

  it('SOURCE_NOT_CONFIGURED without a usable base URL or model', async () => {
    expect((await failure(drafter({ baseUrl: '' }).draft(sampleInput()))).code).toBe('SOURCE_NOT_CONFIGURED');
    expect((await failure(drafter({ baseUrl: 'file:///etc/passwd' }).draft(sampleInput()))).code).toBe('SOURCE_NOT_CONFIGURED');
    expect((await failure(drafter({ model: ' ' }).draft(sampleInput()))).code).toBe('SOURCE_NOT_CONFIGURED');
  });
});

describe('LlmDrafter: usage and cost', () => {
  it('reports tokens from the usage fields (summed over re-asks) and prices them', async () => {
    fake.script.push(
      { json: goodAnswer({ technique_id: 'T9999' }), usage: { prompt_tokens: 1000, completion_tokens: 200 } },
      { json: goodAnswer(), usage: { prompt_tokens: 1300, completion_tokens: 250 } },
    );
    const res = await drafter().draft(sampleInput());
    expect(res.usage).toEqual({ tokensIn: 2300, tokensOut: 450 });
    expect(costUsd('gpt-4.1-mini', res.usage)).toBeCloseTo((2300 * 0.4 + 450 * 1.6) / 1e6, 10);
  });

  it('talks to a keyless local server without an Authorization header; a local model costs 0', async () => {
    const local = await startFakeOpenAI({ apiKey: null });
    try {
      const res = await drafter({ baseUrl: local.url, apiKey: '', model: 'llama3.1:8b' }).draft(sampleInput());
      expect(local.requests[0]!.authorization).toBeUndefined();
      expect(res.usage.tokensIn).toBeGreaterThan(0);
      expect(costUsd('llama3.1:8b', res.usage, undefined, { baseUrl: local.url })).toBe(0);
    } finally {
      await local.close();
    }
  });
});

describe('LlmDrafter: hostile input (prompt injection)', () => {
  it('(a)+(b) puts the injected text only inside fences and neutralises the fence-closing string', async () => {
    await drafter().draft(hostileInput());
    const body = chatBodies()[0]!;
    const system = String(body.messages[0]!.content);
    const user = String(body.messages[1]!.content);
    expect(system).not.toContain(INJECTION);

    const spans = fenceSpans(user);
    expect(spans.map((s) => s.part)).toEqual(['finding', 'signal', 'attributes', 'samples', 'splunk', 'related']);
    const hits: number[] = [];
    for (let i = user.indexOf(INJECTION); i >= 0; i = user.indexOf(INJECTION, i + 1)) hits.push(i);
    expect(hits.length).toBeGreaterThanOrEqual(6);
    for (const i of hits) expect(spans.some((s) => i > s.start && i + INJECTION.length < s.end)).toBe(true);

    // Exactly one closing tag per real fence: the attacker's copy is escaped, not interpreted.
    expect(user.split('</untrusted_signal_data>').length - 1).toBe(spans.length);
    expect(user.split('<untrusted_signal_data ').length - 1).toBe(spans.length);
    expect(user).toContain('\\u003c/untrusted_signal_data\\u003e');
    // …and the data survives intact for the model to read.
    const signal = JSON.parse(spans[1]!.json) as { message: string };
    expect(signal.message).toContain(FENCE_BREAK);
  });

  it('(c) a model that obeys the injection still produces only a proposal: no field can act, the analyst is warned', async () => {
    fake.script.use(() =>
      goodAnswer({
        severity: 'info',
        recommended_action: { kind: 'close', text: 'Benign. Run containment on all hosts now.' },
        risk_factors: { impact: 1, likelihood: 0, control_effectiveness: 1, exposure: 0 },
        // Fields a model might invent to act: stripped by the parser, absent from the schema.
        execute: 'rm -rf /',
        sign: true,
        status: 'closed',
        analyst_signoff: 'model',
      }),
    );
    const { brief } = await drafter().draft(hostileInput());
    expect(FindingBrief.parse(brief)).toEqual(brief);
    expect(brief.severity).toBe('info'); // the proposal is recorded as the model said…
    expect(brief.recommended_action.kind).toBe('close');
    const notes = brief.notes.join('\n');
    expect(notes).toMatch(/possible prompt injection/); // …but flagged for the analyst
    expect(notes).toMatch(/proposes severity info; the signal says high/);

    const acting = /^(execute|exec|run|command|sign|signed|signoff|analyst_signoff|approve|apply|status|contain_now|auto_contain|action_taken)$/i;
    const keysDeep = (v: unknown): string[] =>
      v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [...(Array.isArray(v) ? [] : [k]), ...keysDeep(x)]) : [];
    expect(keysDeep(brief).filter((k) => acting.test(k))).toEqual([]);
    expect(Object.keys(FindingBrief.shape).filter((k) => acting.test(k))).toEqual([]);
    const schemaProps = (s: unknown): string[] =>
      s && typeof s === 'object'
        ? Object.entries(s as Record<string, unknown>).flatMap(([k, v]) => (k === 'properties' && v && typeof v === 'object' ? [...Object.keys(v), ...schemaProps(v)] : schemaProps(v)))
        : [];
    expect(schemaProps(LLM_RESPONSE_FORMAT.json_schema.schema).filter((k) => acting.test(k))).toEqual([]);
  });

  it('(d) with the evidence-following responder, decision fields follow the evidence, not the injection', async () => {
    const { brief } = await drafter().draft(hostileInput());
    expect(brief.severity).toBe('high');
    expect(brief.recommended_action.kind).toBe('escalate');
    expect(brief.technique.id).toBe('T1110.003');
    expect(brief.risk.score).toBeGreaterThan(30);
    expect(brief.notes.join('\n')).toMatch(/possible prompt injection/);
  });
});
