// The LLM drafter: asks any OpenAI-compatible endpoint (OpenAI, Azure OpenAI's /openai/v1, Ollama,
// llama.cpp, vLLM) for a finding brief with strict structured output, then trusts none of it:
// the answer is parsed with zod, every ATT&CK id is checked against Vigil's catalog (names come from
// the catalog), the risk score is computed by Vigil from the model's factors, claims are verified
// against the input, related findings are limited to the ones Vigil gave it and blast-radius
// entities to values that occur in the evidence. The result is a proposal: nothing in it acts.
// Plain Node: never imports 'electron'.
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { FindingBrief } from '../../../shared/brief';
import { parseMitreTag } from '../../../shared/attack-ids';
import { SEVERITIES, type Severity } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import { RISK_FORMULA, riskScore } from '../../../shared/risk';
import type { AttackCatalog, AttackTechnique } from '../attack/catalog';
import { verifyClaims } from './evidence-check';
import { classifyLlmError, endpointLabel, redact } from './llm-errors';
import { LLM_RESPONSE_FORMAT, LlmBriefOutput } from './llm-schema';
import { DEFAULT_PROMPT_VERSION, clipText, findInstructionLikeText, isPromptVersion, renderPrompt, type PromptVersion } from './prompts';
import type { DraftInput, DraftResult, Drafter, DraftUsage } from './types';

export const LLM_DRAFTER = 'vigil/llm-drafter';
export const DEFAULT_LLM_TIMEOUT_MS = 60_000;
export const DEFAULT_LLM_MAX_RETRIES = 3;
/** Longest wait between attempts, whatever retry-after says. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 30_000;

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface LlmDrafterConfig {
  /** Any OpenAI-compatible base URL, ending in /v1 (https://api.openai.com/v1, http://127.0.0.1:11434/v1, https://<res>.openai.azure.com/openai/v1). */
  baseUrl: string;
  /** May be empty for local servers: then no Authorization header is sent. */
  apiKey?: string;
  /** Model name (on Azure: the deployment name). */
  model: string;
  promptVersion?: PromptVersion;
  catalog: Pick<AttackCatalog, 'technique' | 'resolve' | 'tactic'> & { attackVersion?: string };
  /** Per request. Default 60 s. */
  timeoutMs?: number;
  /** Transport retries per request (429, 5xx, dropped connections). Default 3. */
  maxRetries?: number;
  /** Cap on one wait between attempts. Default 30 s. */
  maxRetryDelayMs?: number;
  /** Default 0; `null` omits it (o-series and gpt-5 models accept only their default and are detected by name). */
  temperature?: number | null;
  /** Sent as max_completion_tokens when set. */
  maxOutputTokens?: number;
  /** Injected for tests: waits between retries. */
  sleep?: SleepFn;
  /** Injected for tests or proxies: the fetch the SDK uses. */
  fetch?: typeof fetch;
}

const MAX_ECHO_CHARS = 8000;

const defaultSleep: SleepFn = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** What the SDK returned, checked: a proxy's HTML page or a half-implemented server must not slip through. */
const CompletionShape = z
  .object({
    choices: z
      .array(
        z
          .object({
            message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }).loose(),
            finish_reason: z.string().nullable().optional(),
          })
          .loose(),
      )
      .min(1),
    usage: z
      .object({ prompt_tokens: z.number().int().min(0).optional(), completion_tokens: z.number().int().min(0).optional() })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();

type Parsed = { ok: true; out: LlmBriefOutput } | { ok: false; reason: string };

/** Reasoning models reject any temperature but their default. */
function acceptsTemperature(model: string): boolean {
  return !/^(o\d|gpt-5)/i.test(model.replace(/^.*\//, ''));
}

function abortError(signal: AbortSignal): VigilError {
  const reason = signal.reason as { name?: string } | undefined;
  return reason?.name === 'TimeoutError'
    ? new VigilError('SOURCE_TIMEOUT', 'The draft took longer than allowed and was stopped.')
    : new VigilError('CANCELLED', 'The draft was cancelled.');
}

export class LlmDrafter implements Drafter {
  readonly kind = 'llm' as const;
  readonly model: string;
  readonly promptVersion: PromptVersion;
  readonly identity: string;

  readonly #cfg: LlmDrafterConfig;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #maxRetryDelayMs: number;
  readonly #sleep: SleepFn;
  #client: OpenAI | undefined;

  constructor(cfg: LlmDrafterConfig) {
    const version = cfg.promptVersion ?? DEFAULT_PROMPT_VERSION;
    if (!isPromptVersion(version)) throw new VigilError('VALIDATION_FAILED', `Unknown prompt version ${String(version)}.`);
    this.#cfg = cfg;
    this.model = cfg.model;
    this.promptVersion = version;
    this.identity = `${LLM_DRAFTER}@${version} (${cfg.model})`;
    this.#timeoutMs = cfg.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
    this.#maxRetries = Math.max(0, cfg.maxRetries ?? DEFAULT_LLM_MAX_RETRIES);
    this.#maxRetryDelayMs = cfg.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
    this.#sleep = cfg.sleep ?? defaultSleep;
  }

  /** Built on first use, so a half-filled settings form can still construct a drafter. */
  #clientFor(): OpenAI {
    if (this.#client) return this.#client;
    const { baseUrl, model } = this.#cfg;
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new VigilError('SOURCE_NOT_CONFIGURED', 'No valid LLM base URL is set (e.g. https://api.openai.com/v1).');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new VigilError('SOURCE_NOT_CONFIGURED', `The LLM base URL must be http or https, not ${url.protocol}`);
    }
    if (!model.trim()) throw new VigilError('SOURCE_NOT_CONFIGURED', 'No LLM model is set.');
    const key = (this.#cfg.apiKey ?? '').trim();
    this.#client = new OpenAI({
      baseURL: baseUrl,
      // The SDK insists on a credential; a local server without one gets no Authorization header at all.
      apiKey: key || 'no-key',
      ...(key ? {} : { defaultHeaders: { Authorization: null } }),
      // Never pick up OPENAI_ORG_ID / OPENAI_PROJECT_ID / OPENAI_ADMIN_KEY from the environment and send them to a third-party endpoint.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      timeout: this.#timeoutMs,
      maxRetries: 0, // Vigil retries itself: counted, capped, honouring retry-after.
      logLevel: 'off', // SDK debug logs would print prompts built from untrusted data.
      ...(this.#cfg.fetch ? { fetch: this.#cfg.fetch } : {}),
    });
    return this.#client;
  }

  async draft(input: DraftInput, opts: { signal?: AbortSignal } = {}): Promise<DraftResult> {
    const started = performance.now();
    const signal = opts.signal;
    if (signal?.aborted) throw abortError(signal);
    const client = this.#clientFor();
    const catalog = this.#cfg.catalog;

    const prompt = renderPrompt(this.promptVersion, input, { catalog });
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: prompt.system },
      { role: 'user', content: prompt.user },
    ];
    const usage: DraftUsage = { tokensIn: 0, tokensOut: 0 };
    const state = { retries: 0 };
    const notes: string[] = [];
    let reaskedMalformed = false;
    let reaskedUnknown = false;

    for (;;) {
      const completion = await this.#complete(client, messages, signal, state);
      usage.tokensIn += completion.usage?.prompt_tokens ?? 0;
      usage.tokensOut += completion.usage?.completion_tokens ?? 0;
      const choice = completion.choices[0]!;
      const content = choice.message.content ?? '';
      const parsed = parseAnswer(content, choice.message.refusal ?? null, choice.finish_reason ?? null);

      if (!parsed.ok) {
        if (reaskedMalformed) {
          throw new VigilError('SOURCE_BAD_RESPONSE', `The model's answer was unusable twice (${parsed.reason}).`);
        }
        reaskedMalformed = true;
        state.retries++;
        messages.push(
          { role: 'assistant', content: clipText(content || choice.message.refusal || '(no content)', MAX_ECHO_CHARS) },
          {
            role: 'user',
            content: `Your previous answer could not be used: ${parsed.reason}. Reply again with only the complete finding_brief JSON object, every field present, matching the schema exactly.`,
          },
        );
        continue;
      }

      const out = parsed.out;
      const primaryUnknown = catalog.resolve(out.technique_id).status === 'unknown';
      const unknown = [out.technique_id, ...out.secondary_technique_ids].filter((id) => catalog.resolve(id).status === 'unknown');
      if (unknown.length > 0 && !reaskedUnknown) {
        reaskedUnknown = true;
        state.retries++;
        const version = catalog.attackVersion ? ` v${catalog.attackVersion}` : '';
        messages.push(
          { role: 'assistant', content: clipText(content, MAX_ECHO_CHARS) },
          {
            role: 'user',
            content:
              `Your previous answer used ATT&CK ids that are not in the Enterprise ATT&CK${version} catalog: ${[...new Set(unknown)].join(', ')}. ` +
              'Reply again with the complete finding_brief JSON object, using only valid Enterprise ATT&CK technique or sub-technique ids (for example T1110 or T1110.003).',
          },
        );
        notes.push(`The model first proposed unknown ATT&CK ids (${[...new Set(unknown)].join(', ')}) and was asked once to correct them.`);
        continue;
      }
      if (primaryUnknown) {
        throw new VigilError('SOURCE_BAD_RESPONSE', `The model proposed unknown ATT&CK ids (${[...new Set(unknown)].join(', ')}) even after being asked to correct them.`);
      }

      const brief = this.#toBrief(out, input, notes, prompt.truncated);
      return { brief, usage, retries: state.retries, latencyMs: Math.round(performance.now() - started) };
    }
  }

  /** One completion, with transport retries. Counts every retry in `state.retries`. */
  async #complete(
    client: OpenAI,
    messages: ChatCompletionMessageParam[],
    signal: AbortSignal | undefined,
    state: { retries: number },
  ): Promise<z.infer<typeof CompletionShape>> {
    const { model } = this.#cfg;
    const temperature = this.#cfg.temperature === undefined ? (acceptsTemperature(model) ? 0 : null) : this.#cfg.temperature;
    const body: ChatCompletionCreateParamsNonStreaming = {
      model,
      messages,
      response_format: LLM_RESPONSE_FORMAT,
      ...(temperature === null ? {} : { temperature }),
      ...(this.#cfg.maxOutputTokens ? { max_completion_tokens: this.#cfg.maxOutputTokens } : {}),
    };
    const ctx = { model, baseUrl: this.#cfg.baseUrl, apiKey: (this.#cfg.apiKey ?? '').trim() };

    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortError(signal);
      const timer = new AbortController();
      const t = setTimeout(() => timer.abort(new DOMException('The request timed out.', 'TimeoutError')), this.#timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
      let raw: unknown;
      try {
        raw = await client.chat.completions.create(body, { signal: combined, timeout: this.#timeoutMs, maxRetries: 0 });
      } catch (e) {
        if (signal?.aborted) throw abortError(signal);
        const c = classifyLlmError(e, ctx);
        if (timer.signal.aborted || c.error.code === 'SOURCE_TIMEOUT') {
          const where = endpointLabel(this.#cfg.baseUrl);
          const secs = Math.round(this.#timeoutMs / 100) / 10;
          throw new VigilError('SOURCE_TIMEOUT', `The model endpoint ${where} did not answer within ${secs} s (model ${model}).`, { cause: e });
        }
        if (!c.retryable || attempt >= this.#maxRetries) throw c.error;
        state.retries++;
        const backoff = Math.min(8000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        const wait = Math.min(this.#maxRetryDelayMs, c.retryAfterMs ?? Math.round(backoff));
        try {
          await this.#sleep(wait, signal);
        } catch (err) {
          if (signal?.aborted) throw abortError(signal);
          throw err;
        }
        continue;
      } finally {
        clearTimeout(t);
      }
      const shape = CompletionShape.safeParse(raw);
      if (!shape.success) {
        const what = typeof raw === 'string' ? `text instead of JSON: ${redact(raw, ctx.apiKey, 80)}` : 'JSON that is not a chat completion';
        throw new VigilError('SOURCE_BAD_RESPONSE', `The model endpoint ${endpointLabel(this.#cfg.baseUrl)} answered with ${what}.`);
      }
      return shape.data;
    }
  }

  #toBrief(out: LlmBriefOutput, input: DraftInput, notes: string[], truncated: string[]): FindingBrief {
    const catalog = this.#cfg.catalog;
    const flagged = findInstructionLikeText(input);
    const head: string[] = [];
    if (flagged.length > 0) {
      head.push(`The signal data contains instruction-like text (possible prompt injection: ${flagged.join('; ')}). It was fenced as data; review this draft with care.`);
    }

    // Technique: catalog names; revoked → successor; deprecated kept with a note.
    const primary = resolveTechnique(out.technique_id, catalog, notes)!;
    const tactic = tacticFor(primary, input.signal.tags, catalog);
    const secondary: string[] = [];
    for (const id of out.secondary_technique_ids) {
      const t = resolveTechnique(id, catalog, notes);
      if (!t) {
        notes.push(`Dropped unknown secondary ATT&CK id ${id}.`);
        continue;
      }
      if (t.id !== primary.id && !secondary.includes(t.id)) secondary.push(t.id);
    }

    // Severity is the model's proposal; a difference from the signal is pointed out, never hidden.
    const signalSeverity = input.finding.severity;
    if ((SEVERITIES as readonly string[]).includes(signalSeverity) && out.severity !== signalSeverity) {
      notes.push(`The draft proposes severity ${out.severity}; the signal says ${signalSeverity}.`);
    }

    // Blast radius: only values that occur in the evidence.
    const hay = evidenceText(input);
    const entities: { type: string; value: string }[] = [];
    const dropped: string[] = [];
    const seen = new Set<string>();
    for (const e of out.blast_radius.entities) {
      const value = e.value.trim();
      const type = e.type.trim() || 'entity';
      if (!value) continue;
      if (!hay.includes(value.toLowerCase())) {
        dropped.push(value);
        continue;
      }
      const key = `${type.toLowerCase()}\0${value.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      entities.push({ type: clipText(type, 50), value: clipText(value, 280) });
    }
    if (dropped.length) notes.push(`Dropped blast-radius entities not found in the evidence: ${dropped.slice(0, 5).map((v) => clipText(v, 60)).join(', ')}${dropped.length > 5 ? ` (+${dropped.length - 5})` : ''}.`);

    // Related findings: only the ones Vigil supplied, with the entities Vigil knows they share.
    const related: FindingBrief['related_findings'] = [];
    const invented: string[] = [];
    for (const id of new Set(out.related_finding_ids.map((x) => x.trim()))) {
      const r = input.related.find((x) => x.finding_id === id);
      if (!r) {
        invented.push(id);
        continue;
      }
      if (!/^FND-\d+$/.test(r.finding_id)) continue;
      const shared = r.shared.slice(0, 20).map((s) => ({ type: clipText(s.type, 50), value: clipText(s.value, 280) }));
      const reason = shared.length ? `Shares ${shared.map((s) => `${s.type}:${s.value}`).join(', ')}` : 'Proposed as related by the drafter';
      related.push({ finding_id: r.finding_id, shared, reason: clipText(reason, 280) });
      if (related.length === 20) break;
    }
    if (invented.length) notes.push(`Ignored related findings Vigil did not supply: ${invented.slice(0, 5).map((v) => clipText(v, 40)).join(', ')}.`);

    const factors = {
      impact: out.risk_factors.impact,
      likelihood: out.risk_factors.likelihood,
      control_effectiveness: out.risk_factors.control_effectiveness,
      exposure: out.risk_factors.exposure,
    };

    const claims = verifyClaims(
      out.claims.slice(0, 30).map((c) => ({
        text: clipText(c.text.trim() || '(empty claim)', 1400),
        evidence: c.evidence
          .slice(0, 12)
          .map((r) => ({ kind: r.kind, ref: r.ref.trim() }))
          .filter((r) => r.ref.length > 0 && r.ref.length <= 300),
      })),
      input,
    );

    if (truncated.length) notes.push(`The model saw shortened data (${truncated.join(', ')}): the prompt has a size budget.`);

    const brief: FindingBrief = {
      technique: { id: primary.id, name: primary.name, tactic_id: tactic?.id ?? null, tactic_name: tactic?.name ?? null },
      secondary_techniques: secondary.slice(0, 5),
      severity: out.severity as Severity,
      blast_radius: { entities: entities.slice(0, 100), count: Math.min(entities.length, 100), summary: clipText(out.blast_radius.summary.trim(), 480) },
      recommended_action: { kind: out.recommended_action.kind, text: clipText(out.recommended_action.text.trim(), 980) },
      risk: { factors, score: riskScore(factors), formula: RISK_FORMULA },
      mitigation_plan: {
        containment_steps: out.mitigation_plan.containment_steps.slice(0, 20).map((s) => clipText(s, 480)),
        timeline: clipText(out.mitigation_plan.timeline, 480),
        dependencies: out.mitigation_plan.dependencies.slice(0, 20).map((s) => clipText(s, 280)),
        blockers: out.mitigation_plan.blockers.slice(0, 20).map((s) => clipText(s, 280)),
        residual_risk: clipText(out.mitigation_plan.residual_risk, 780),
      },
      related_findings: related,
      confidence: out.confidence,
      claims,
      notes: [...head, ...notes].slice(0, 20).map((n) => clipText(n, 480)),
    };
    const checked = FindingBrief.safeParse(brief);
    if (!checked.success) {
      throw new VigilError('SOURCE_BAD_RESPONSE', `The draft did not form a valid brief: ${checked.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return checked.data;
  }
}

/** JSON.parse + zod, tolerant of a code fence around the object (local models add one). */
export function parseAnswer(content: string, refusal: string | null, finishReason: string | null): Parsed {
  if (!content.trim()) {
    return { ok: false, reason: refusal ? `the model refused (${clipText(refusal, 200)})` : 'the answer was empty' };
  }
  if (finishReason === 'length') return { ok: false, reason: 'the answer was cut off by the output token limit' };
  let text = content.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/i.exec(text);
  if (fenced?.[1] !== undefined) text = fenced[1].trim();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the answer was not valid JSON' };
  }
  const r = LlmBriefOutput.safeParse(json);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, reason: `the JSON did not match the schema (${clipText(issues, 600)})` };
  }
  return { ok: true, out: r.data };
}

function resolveTechnique(id: string, catalog: LlmDrafterConfig['catalog'], notes: string[]): AttackTechnique | undefined {
  const r = catalog.resolve(id);
  switch (r.status) {
    case 'active':
      return r.technique;
    case 'revoked':
      notes.push(`ATT&CK ${r.technique.id} (${r.technique.name}) is revoked; replaced by its successor ${r.replacement.id} (${r.replacement.name}).`);
      return r.replacement;
    case 'deprecated':
      notes.push(`ATT&CK ${r.technique.id} (${r.technique.name}) is deprecated in the catalog; kept as proposed — consider a current technique.`);
      return r.technique;
    case 'unknown':
      return undefined;
  }
}

/** The technique's tactic the signal itself tags, else its first tactic (a sub-technique without tactics inherits its parent's). */
function tacticFor(t: AttackTechnique, tags: readonly string[], catalog: LlmDrafterConfig['catalog']): { id: string; name: string | null } | null {
  let tactics: readonly string[] = t.tactics;
  if (tactics.length === 0 && t.parent) tactics = catalog.technique(t.parent)?.tactics ?? [];
  const tagged = new Set(tags.map(parseMitreTag).flatMap((m) => (m?.kind === 'tactic' ? [m.id] : [])));
  const id = tactics.find((x) => tagged.has(x)) ?? tactics[0];
  if (!id) return null;
  return { id, name: catalog.tactic(id)?.name ?? null };
}

function evidenceText(input: DraftInput): string {
  try {
    return JSON.stringify([input.finding, input.signal, input.splunk, input.related]).toLowerCase();
  } catch {
    return '';
  }
}
