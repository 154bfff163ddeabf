// How the LLM drafter turns an OpenAI SDK failure into a stable Vigil error a person can act on, and
// which failures are worth another attempt. Messages name the endpoint and the model, never the key.
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { VigilError, type ErrorCode } from '../../../shared/errors';

export interface LlmErrorContext {
  model: string;
  baseUrl: string;
  /** Redacted from every message, whatever the server echoes back. */
  apiKey: string;
}

export interface ClassifiedError {
  error: VigilError;
  /** Another attempt may succeed (429, 5xx, a dropped connection). */
  retryable: boolean;
  /** What the server asked us to wait, in ms, if it said. */
  retryAfterMs: number | null;
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
]);

const CONNECTION_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the server',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

/** scheme://host[:port] only: no path secrets, no query, no userinfo. */
export function endpointLabel(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the configured endpoint';
  }
}

/** Removes the key and anything shaped like an API key from server text, and bounds it. */
export function redact(text: string, apiKey: string, max = 300): string {
  let t = text;
  if (apiKey.length >= 4) t = t.split(apiKey).join('[redacted]');
  t = t.replace(/\b(sk|rk|pk|sess)-[A-Za-z0-9_*.-]{6,}/g, '[redacted]');
  t = t.replace(/\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{8,}/g, 'Bearer [redacted]');
  t = t.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** Parses OpenAI's reset durations ("1s", "6m0s", "20ms", "1h2m3.5s") into ms. */
export function parseResetDuration(v: string): number | null {
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = '';
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
    matched += m[0];
  }
  return matched.length > 0 && matched === s ? Math.round(total) : null;
}

type HeaderBag = { get(name: string): string | null } | undefined;

/** retry-after-ms, retry-after (seconds or HTTP date), then OpenAI's x-ratelimit-reset-* headers. */
export function retryAfterMs(headers: HeaderBag, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const ra = headers.get('retry-after');
  if (ra) {
    const t = ra.trim();
    if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
    const date = Date.parse(t);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const remainingReq = headers.get('x-ratelimit-remaining-requests');
  const remainingTok = headers.get('x-ratelimit-remaining-tokens');
  const resetReq = headers.get('x-ratelimit-reset-requests');
  const resetTok = headers.get('x-ratelimit-reset-tokens');
  const req = resetReq ? parseResetDuration(resetReq) : null;
  const tok = resetTok ? parseResetDuration(resetTok) : null;
  // The exhausted limit is the one to wait for; if neither says, the requests window.
  if (remainingTok === '0' && tok !== null && remainingReq !== '0') return tok;
  if (req !== null) return req;
  return tok;
}

function serverMessage(e: APIError, ctx: LlmErrorContext): string {
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const raw =
    (typeof body?.message === 'string' && body.message) ||
    (typeof body?.error?.message === 'string' && body.error.message) ||
    // APIError's own message is "<status> <server message>"; drop the status prefix.
    e.message.replace(/^\d{3}\s+/, '');
  return redact(String(raw || 'no details'), ctx.apiKey);
}

function causeCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

const make = (code: ErrorCode, message: string, cause: unknown, retryable = false, retryAfter: number | null = null): ClassifiedError => ({
  error: new VigilError(code, message, { cause }),
  retryable,
  retryAfterMs: retryAfter,
});

/**
 * Maps anything `chat.completions.create` can throw. Aborts are not handled here: the caller knows
 * whether its own timer, the caller's signal or the caller's deadline fired.
 */
export function classifyLlmError(e: unknown, ctx: LlmErrorContext): ClassifiedError {
  const where = endpointLabel(ctx.baseUrl);
  if (e instanceof VigilError) return { error: e, retryable: false, retryAfterMs: null };
  if (e instanceof APIUserAbortError) return make('CANCELLED', 'The draft was cancelled.', e);
  if (e instanceof APIConnectionTimeoutError) {
    return make('SOURCE_TIMEOUT', `The model endpoint ${where} did not answer in time (model ${ctx.model}).`, e);
  }
  if (e instanceof APIConnectionError) {
    const code = causeCode(e.cause);
    if (code && TLS_CODES.has(code)) {
      return make('SOURCE_TLS', `The TLS certificate of ${where} could not be verified (${code}).`, e);
    }
    const detail = (code && CONNECTION_WORDS[code]) ?? code ?? redact(e.message, ctx.apiKey, 120);
    return make('SOURCE_UNREACHABLE', `Cannot reach the model endpoint ${where} (${detail}). Check the base URL and that the server is running.`, e, true);
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const status = e.status;
    const ra = retryAfterMs(e.headers as HeaderBag);
    if (status === 401) {
      // OpenAI echoes a masked key in this message; say nothing of it.
      return make('SOURCE_AUTH_FAILED', `The model endpoint ${where} rejected the API key (401). Check the key in Settings → LLM.`, e);
    }
    if (status === 403) {
      return make('SOURCE_AUTH_FAILED', `The model endpoint ${where} refused access (403): ${serverMessage(e, ctx)}`, e);
    }
    if (status === 404) {
      return make(
        'SOURCE_NOT_FOUND',
        `The model endpoint ${where} has no model "${ctx.model}" (404) — check the model (on Azure, the deployment name) and that the base URL ends with /v1.`,
        e,
      );
    }
    if (status === 429) {
      const quota = e.code === 'insufficient_quota' || (e.type ?? '') === 'insufficient_quota';
      if (quota) return make('SOURCE_RATE_LIMITED', `The account behind ${where} is out of quota: ${serverMessage(e, ctx)}`, e);
      return make('SOURCE_RATE_LIMITED', `The model endpoint ${where} is rate limiting requests (429).`, e, true, ra);
    }
    if (status === 408 || status === 409 || status >= 500) {
      return make('SOURCE_UNAVAILABLE', `The model endpoint ${where} is unavailable (${status}): ${serverMessage(e, ctx)}`, e, true, ra);
    }
    if (status === 400 || status === 413 || status === 422) {
      return make('SOURCE_BAD_REQUEST', `The model endpoint ${where} refused the request (${status}): ${serverMessage(e, ctx)}`, e);
    }
    return make('SOURCE_BAD_RESPONSE', `The model endpoint ${where} answered ${status}: ${serverMessage(e, ctx)}`, e);
  }
  if (e instanceof SyntaxError) {
    return make('SOURCE_BAD_RESPONSE', `The model endpoint ${where} sent a body that is not valid JSON.`, e, true);
  }
  // undici: the body stream ended early ("terminated", cause "other side closed").
  if (e instanceof TypeError && (e.message === 'terminated' || /other side closed|socket/i.test(String(e.cause)))) {
    return make('SOURCE_UNREACHABLE', `The connection to ${where} closed before the answer was complete.`, e, true);
  }
  if (e instanceof OpenAIError) {
    return make('SOURCE_NOT_CONFIGURED', `The LLM client is not configured: ${redact(e.message, ctx.apiKey, 200)}`, e);
  }
  return make('SOURCE_BAD_RESPONSE', `The model endpoint ${where} failed unexpectedly: ${redact(e instanceof Error ? e.message : String(e), ctx.apiKey, 200)}`, e);
}
