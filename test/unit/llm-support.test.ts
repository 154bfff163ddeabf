// Pricing, error helpers (redaction, retry-after parsing) and the fake endpoint's fidelity to the
// OpenAI API shape, checked with plain fetch so the SDK cannot paper over a difference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResetDuration, redact, retryAfterMs, endpointLabel } from '../../electron/core/drafter/llm-errors';
import { LLM_RESPONSE_FORMAT } from '../../electron/core/drafter/llm-schema';
import { renderPrompt } from '../../electron/core/drafter/prompts';
import { DEFAULT_PRICES, PriceTable, costUsd, isLocalEndpoint, mergePrices, priceFor } from '../../electron/core/drafter/pricing';
import { sampleInput } from '../fakes/openai/fixtures';
import { FAKE_OPENAI_KEY, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai/server';

describe('pricing', () => {
  it('prices known models, dated snapshots, overrides; unknown is null, local is free', () => {
    const usage = { tokensIn: 1_000_000, tokensOut: 500_000 };
    expect(costUsd('gpt-4.1', usage)).toBe(2 + 4);
    expect(costUsd('gpt-4.1-mini-2025-04-14', usage)).toBeCloseTo(0.4 + 0.8, 10);
    expect(costUsd('gpt-4o-mini', { tokensIn: 1234, tokensOut: 567 })).toBeCloseTo((1234 * 0.15 + 567 * 0.6) / 1e6, 12);
    expect(costUsd('my-azure-deployment', usage)).toBeNull();
    expect(costUsd(null, usage)).toBe(0);
    expect(costUsd('llama3.1:8b', usage, DEFAULT_PRICES, { baseUrl: 'http://127.0.0.1:11434/v1' })).toBe(0);
    expect(costUsd('qwen2.5', usage, DEFAULT_PRICES, { baseUrl: 'https://api.example.com/v1' })).toBeNull();
    const table = mergePrices(PriceTable.parse({ 'my-azure-deployment': { inputPerMTok: 1, outputPerMTok: 2 }, 'gpt-4.1': { inputPerMTok: 0, outputPerMTok: 0 } }));
    expect(costUsd('my-azure-deployment', usage, table)).toBe(2);
    expect(costUsd('gpt-4.1', usage, table)).toBe(0);
    expect(priceFor('gpt-4.1-mini', table)).toEqual(DEFAULT_PRICES['gpt-4.1-mini']);
    expect(() => PriceTable.parse({ x: { inputPerMTok: -1, outputPerMTok: 0 } })).toThrow();
  });

  it('knows local endpoints', () => {
    for (const u of ['http://localhost:11434/v1', 'http://127.0.0.1:8080/v1', 'http://[::1]:8000/v1', 'http://10.1.2.3/v1', 'http://192.168.1.20:8000/v1', 'http://172.20.0.2/v1', 'http://gpu.local/v1']) {
      expect(isLocalEndpoint(u), u).toBe(true);
    }
    for (const u of ['https://api.openai.com/v1', 'https://res.openai.azure.com/openai/v1', 'http://172.32.0.1/v1', 'not a url', '']) {
      expect(isLocalEndpoint(u), u).toBe(false);
    }
  });
});

describe('error helpers', () => {
  it('redacts the key and key-shaped strings, and bounds the text', () => {
    const key = 'sk-proj-abcdefghijklmnop';
    expect(redact(`bad key ${key} and sk-other1234567 and Bearer abcdefghijklmnop`, key)).toBe('bad key [redacted] and [redacted] and Bearer [redacted]');
    expect(redact('x'.repeat(1000), '', 50)).toHaveLength(51);
    expect(endpointLabel('https://user:pass@api.example.com:8443/v1?key=secret')).toBe('https://api.example.com:8443');
  });

  it('reads retry-after-ms, retry-after (seconds and date) and OpenAI reset headers', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(retryAfterMs(h({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after': new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString() }), Date.UTC(2030, 0, 1))).toBe(10_000);
    expect(retryAfterMs(h({ 'x-ratelimit-reset-requests': '6m0s' }))).toBe(360_000);
    expect(retryAfterMs(h({ 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '1.5s', 'x-ratelimit-reset-requests': '20ms' }))).toBe(1500);
    expect(retryAfterMs(h({}))).toBeNull();
    expect(parseResetDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseResetDuration('20ms')).toBe(20);
    expect(parseResetDuration('soon')).toBeNull();
  });
});

describe('fake OpenAI endpoint (raw HTTP)', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ models: ['gpt-4.1-mini', 'gpt-4.1'] });
  });
  afterAll(async () => {
    await fake.close();
  });
  const post = (body: unknown, key: string | null = FAKE_OPENAI_KEY) =>
    fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
  const prompt = renderPrompt('p1', sampleInput());
  const request = {
    model: 'gpt-4.1-mini',
    messages: [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ],
    response_format: LLM_RESPONSE_FORMAT,
    temperature: 0,
  };

  it('answers a chat.completion with JSON content and usage', async () => {
    fake.reset();
    const res = await post(request);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const body = (await res.json()) as Record<string, any>;
    expect(body).toMatchObject({ object: 'chat.completion', model: 'gpt-4.1-mini', choices: [{ index: 0, message: { role: 'assistant', refusal: null }, finish_reason: 'stop' }] });
    expect(body['id']).toMatch(/^chatcmpl-/);
    expect(typeof body['created']).toBe('number');
    const u = body['usage'];
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
    expect(u.prompt_tokens).toBeGreaterThan(100);
    const brief = JSON.parse(body['choices'][0].message.content);
    expect(brief.technique_id).toBe('T1110.003');
    expect(brief.severity).toBe('high');
    expect(fake.chatRequests()).toHaveLength(1);
  });

  it('checks the key with OpenAI error bodies', async () => {
    const wrong = await post(request, 'sk-wrong');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    const none = await post(request, null);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { message: string } }).error.message).toMatch(/didn't provide an API key/);
  });

  it('rejects a non-strict schema, an unknown model and a bad URL the way the API does', async () => {
    const loose = { ...request, response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } } } } } };
    const r1 = await post(loose);
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as { error: { message: string; code: string } }).error).toMatchObject({ code: 'invalid_json_schema', message: expect.stringMatching(/additionalProperties/) });
    const r2 = await post({ ...request, model: 'gpt-9' });
    expect(r2.status).toBe(404);
    expect(((await r2.json()) as { error: { code: string } }).error.code).toBe('model_not_found');
    const r3 = await fetch(`${fake.url}/completionz`, { method: 'POST', headers: { authorization: `Bearer ${FAKE_OPENAI_KEY}` } });
    expect(r3.status).toBe(404);
    const models = (await (await fetch(`${fake.url}/models`, { headers: { authorization: `Bearer ${FAKE_OPENAI_KEY}` } })).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['gpt-4.1-mini', 'gpt-4.1']);
  });

  it('injects 429 with retry headers, slow replies and scripted answers', async () => {
    fake.reset();
    fake.faults.add('rate-limit', { times: 1, retryAfterSec: 3 });
    const r = await post(request);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('3');
    expect(r.headers.get('x-ratelimit-reset-requests')).toBe('3s');
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded');

    fake.faults.add('slow', { times: 1, delayMs: 150 });
    const t0 = Date.now();
    expect((await post(request)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);

    fake.script.use((req) => ({ json: { echo: req.model, index: req.index } }));
    const scripted = (await (await post(request)).json()) as { choices: { message: { content: string } }[] };
    expect(JSON.parse(scripted.choices[0]!.message.content)).toEqual({ echo: 'gpt-4.1-mini', index: 2 });
    expect(fake.chatRequests()).toHaveLength(3);
  });
});
