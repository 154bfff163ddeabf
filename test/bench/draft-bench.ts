// 100 findings drafted by the production LLM drafter against the fake OpenAI-compatible server
// answering after 500 ms, at the default concurrency. Prints {draft_100_wall_s, peak_rss_mb}.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import { DEFAULT_DRAFT_CONCURRENCY, runDrafts } from '../../electron/core/drafter/draft-runner';
import { LlmDrafter } from '../../electron/core/drafter/llm-drafter';
import { costUsd } from '../../electron/core/drafter/pricing';
import { Register } from '../../electron/core/register/register';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { FAKE_OPENAI_KEY, startFakeOpenAI } from '../fakes/openai/server';

const n = Number(process.argv[2] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'vigil-draft-bench-'));
const ai = await startFakeOpenAI({ latencyMs: 500 });
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
try {
  const catalog = AttackCatalog.load();
  const reg = await Register.create(join(dir, 'd.vigil'), { passphrase: 'bench passphrase' }, { scrypt: FAST_SCRYPT_FOR_TESTS });
  reg.ingestSignals(generateDemoSignals({ count: n, seed: 4 }), { actor: 'bench' });
  const drafter = new LlmDrafter({ baseUrl: ai.url, apiKey: FAKE_OPENAI_KEY, model: 'gpt-4.1-mini', catalog });
  const t0 = process.hrtime.bigint();
  const p = await runDrafts(reg, Array.from({ length: n }, (_, i) => i + 1), drafter, { cost: (m, u) => costUsd(m, u) });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (p.drafted !== n) throw new Error(`draft bench: ${p.drafted} of ${n} drafted (${p.failed} failed)`);
  const totals = reg.draftTotals();
  reg.close();
  process.stdout.write(
    JSON.stringify({ drafts: n, concurrency: DEFAULT_DRAFT_CONCURRENCY, draft_100_wall_s: Math.round(secs * 1000) / 1000, peak_rss_mb: Math.round(peak / 1048576), tokens_in: totals.tokens_in, tokens_out: totals.tokens_out, cost_usd: totals.cost_usd }) + '\n',
  );
} finally {
  clearInterval(sampler);
  await ai.close();
  rmSync(dir, { recursive: true, force: true });
}
