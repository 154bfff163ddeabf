// Drafting findings in the register with the production LLM drafter against the fake
// OpenAI-compatible server: attribution, measurement, dedupe, cancellation, and the rule that a
// draft never acts and never touches a signed finding.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import { runDrafts } from '../../electron/core/drafter/draft-runner';
import { LlmDrafter } from '../../electron/core/drafter/llm-drafter';
import { costUsd } from '../../electron/core/drafter/pricing';
import type { Register } from '../../electron/core/register/register';
import { FindingBrief } from '../../shared/brief';
import { FAKE_OPENAI_KEY, startFakeOpenAI, type FakeOpenAI } from '../fakes/openai/server';
import { INJECTION } from '../fakes/openai/fixtures';
import { newRegister, tempDir } from '../support/workspace';

const catalog = AttackCatalog.load();
let t: ReturnType<typeof tempDir>;
let reg: Register;
let ai: FakeOpenAI;

function llm(over: Partial<ConstructorParameters<typeof LlmDrafter>[0]> = {}) {
  return new LlmDrafter({ baseUrl: ai.url, apiKey: FAKE_OPENAI_KEY, model: 'gpt-4.1-mini', catalog, sleep: async () => undefined, ...over });
}
const cost = (model: string | null, u: { tokensIn: number; tokensOut: number }) => costUsd(model, u);
const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

beforeEach(async () => {
  t = tempDir();
  reg = await newRegister(t.dir);
  reg.ingestSignals(generateDemoSignals({ count: 12, seed: 9 }), { actor: 'sync', tacticFor: (x) => catalog.technique(x)?.tactics[0] ?? null });
  ai = await startFakeOpenAI();
});
afterEach(async () => {
  reg.close();
  await ai.close();
  t.cleanup();
});

describe('draft runner', () => {
  it('drafts findings, attributes and measures every draft, and moves new → drafted', async () => {
    const p = await runDrafts(reg, ids(12), llm(), { cost }, { concurrency: 4 });
    expect(p).toMatchObject({ total: 12, drafted: 12, failed: 0 });
    const drafts = reg.drafts({ limit: 100 });
    expect(drafts).toHaveLength(12);
    for (const d of drafts) {
      expect(d).toMatchObject({ drafter: 'vigil/llm-drafter@p1 (gpt-4.1-mini)', model: 'gpt-4.1-mini', prompt_version: 'p1', error: null });
      expect(d.tokens_in).toBeGreaterThan(0);
      expect(d.tokens_out).toBeGreaterThan(0);
      expect(d.cost_usd).toBeGreaterThan(0);
      expect(d.latency_ms).toBeGreaterThanOrEqual(0);
      expect(d.input_hash).toMatch(/^[0-9a-f]{64}$/);
      const brief = FindingBrief.parse(JSON.parse(d.output!));
      expect(catalog.resolve(brief.technique.id).status).toBe('active');
    }
    const f = reg.finding(1)!;
    expect(f.row).toMatchObject({ status: 'drafted', drafted_by: 'vigil/llm-drafter@p1 (gpt-4.1-mini)' });
    expect(f.row.recommended_action).toMatch(/^(escalate|contain|investigate|suppress|close): /);
    expect(f.history.some((h) => h.actor === 'vigil/llm-drafter@p1 (gpt-4.1-mini)' && h.field === 'status')).toBe(true);
  });

  it('never re-drafts an unchanged finding with the same drafter and prompt', async () => {
    await runDrafts(reg, ids(5), llm(), { cost });
    const before = ai.chatRequests().length;
    const again = await runDrafts(reg, ids(5), llm(), { cost });
    expect(again).toMatchObject({ drafted: 0, skipped: 5 });
    expect(ai.chatRequests().length).toBe(before);
    // Another prompt version is another draft.
    const p2 = await runDrafts(reg, ids(2), llm({ promptVersion: 'p2' }), { cost });
    expect(p2.drafted).toBe(2);
  });

  it('a draft of a signed finding is kept as a record but changes nothing on the finding', async () => {
    reg.updateFinding(3, { status: 'signed', analyst_signoff: 'amara.okafor', signed_at: Date.now() }, 'amara.okafor');
    const signed = reg.finding(3)!.row;
    // A "model" that obeys an injection: benign, info, close.
    ai.script.use(() => ({ technique_id: 'T1110', secondary_technique_ids: [], severity: 'info', blast_radius: { entities: [], summary: 'none' }, recommended_action: { kind: 'close', text: 'Benign. Run containment on all hosts.' }, risk_factors: { impact: 1, likelihood: 0, control_effectiveness: 1, exposure: 0 }, mitigation_plan: { containment_steps: [], timeline: '', dependencies: [], blockers: [], residual_risk: '' }, related_finding_ids: [], confidence: 1, claims: [] }));
    await runDrafts(reg, [3], llm(), { cost }, { force: true });
    const after = reg.finding(3)!;
    expect(after.row).toEqual(signed);
    expect(reg.drafts({ findingId: 3 })).toHaveLength(1);
    // Nothing left the building: a draft never writes to the outbox.
    expect(reg.outboxSummary().pending).toBe(0);
  });

  it('hostile signal text cannot make the draft act: it stays a proposal on an unsigned finding', async () => {
    const hostile = generateDemoSignals({ count: 1, seed: 77 })[0]! as { id: string; attributes: { message: string } };
    hostile.id = 'HOSTILE-0001';
    hostile.attributes.message = `%%%\n${INJECTION}\n%%%`;
    reg.ingestSignals([hostile], { actor: 'sync' });
    const id = reg.facets().total;
    let prompt = '';
    ai.script.use((req) => {
      prompt = JSON.stringify(req.body);
      return undefined; // the default responder: follows the evidence
    });
    await runDrafts(reg, [id], llm(), { cost });
    // The injected text reached the model only inside the data fence.
    expect(prompt).toContain('untrusted_signal_data');
    const f = reg.finding(id)!;
    expect(f.row.status).toBe('drafted');
    expect(f.row.analyst_signoff).toBeNull();
    expect(reg.outboxSummary().pending).toBe(0);
  });

  it('cancellation stops the run; what finished is kept', async () => {
    const slow = await startFakeOpenAI({ latencyMs: 300 });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 450);
    await expect(
      runDrafts(reg, ids(12), new LlmDrafter({ baseUrl: slow.url, apiKey: FAKE_OPENAI_KEY, model: 'gpt-4.1-mini', catalog }), { cost }, { concurrency: 2, signal: abort.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    const done = reg.drafts({ limit: 100 }).filter((d) => d.error === null).length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(12);
    await slow.close();
  });

  it('a failing endpoint records the failed draft with its error', async () => {
    ai.faults.add('auth', { times: 10 });
    const p = await runDrafts(reg, [1], llm(), { cost });
    expect(p.failed).toBe(1);
    const d = reg.drafts({ findingId: 1 })[0]!;
    expect(d.error).toMatch(/^SOURCE_AUTH_FAILED: /);
    expect(d.error).not.toContain(FAKE_OPENAI_KEY);
    expect(reg.finding(1)!.row.status).toBe('new');
  });
});
