// What a draft cost. A price table maps model → USD per million tokens. The defaults below are
// OpenAI's published list prices at the time of writing (standard tier, uncached input): defaults a
// user can override in settings, not a bill. Local endpoints (Ollama, llama.cpp, vLLM on loopback
// or a private network) cost 0. Unknown models cost null — "unknown" rather than a wrong number.
import { z } from 'zod';

export const ModelPrice = z.object({
  /** USD per 1,000,000 input (prompt) tokens */
  inputPerMTok: z.number().min(0).max(10_000),
  /** USD per 1,000,000 output (completion) tokens */
  outputPerMTok: z.number().min(0).max(10_000),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

/** Settings shape for overrides: `{ "gpt-4.1-mini": { "inputPerMTok": 0.4, "outputPerMTok": 1.6 } }`. */
export const PriceTable = z.record(z.string().min(1).max(200), ModelPrice);
export type PriceTable = z.infer<typeof PriceTable>;

/** Defaults (USD / 1M tokens). Override per model in settings (llm.prices). */
export const DEFAULT_PRICES: Readonly<PriceTable> = Object.freeze({
  'gpt-4.1': { inputPerMTok: 2.0, outputPerMTok: 8.0 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10.0 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'o3': { inputPerMTok: 2.0, outputPerMTok: 8.0 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'gpt-5': { inputPerMTok: 1.25, outputPerMTok: 10.0 },
  'gpt-5-mini': { inputPerMTok: 0.25, outputPerMTok: 2.0 },
  'gpt-5-nano': { inputPerMTok: 0.05, outputPerMTok: 0.4 },
});

export const FREE: ModelPrice = Object.freeze({ inputPerMTok: 0, outputPerMTok: 0 });

/** Defaults with the user's overrides on top (an override replaces a default entirely). */
export function mergePrices(overrides: PriceTable | undefined | null, base: Readonly<PriceTable> = DEFAULT_PRICES): PriceTable {
  return { ...base, ...(overrides ?? {}) };
}

/** Loopback, RFC 1918, link-local, *.local and *.internal hosts: a model running on the user's own hardware. */
export function isLocalEndpoint(baseUrl: string | null | undefined): boolean {
  if (!baseUrl) return false;
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  if (host === '::1' || host.startsWith('fc') || host.startsWith('fd') || host.startsWith('fe80:')) return true;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254);
}

/**
 * The price of a model: an exact entry, else the entry for its dated snapshot's base name
 * ("gpt-4.1-mini-2025-04-14" → "gpt-4.1-mini"), else free on a local endpoint, else undefined.
 * An explicit table entry wins even for a local endpoint (someone may price their own GPUs).
 */
export function priceFor(model: string, table: Readonly<PriceTable> = DEFAULT_PRICES, opts: { baseUrl?: string | null } = {}): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  const base = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  if (base !== model && table[base]) return table[base];
  if (isLocalEndpoint(opts.baseUrl)) return FREE;
  return undefined;
}

export interface TokenUsage {
  tokensIn: number;
  tokensOut: number;
}

/** USD for one draft's usage, rounded to 1e-8; null when the model has no known price. */
export function costUsd(model: string | null, usage: TokenUsage, table: Readonly<PriceTable> = DEFAULT_PRICES, opts: { baseUrl?: string | null } = {}): number | null {
  if (model === null) return 0; // the offline drafter
  const p = priceFor(model, table, opts);
  if (!p) return null;
  const usd = (usage.tokensIn * p.inputPerMTok + usage.tokensOut * p.outputPerMTok) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}
