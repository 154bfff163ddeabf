// From an HTTP answer to a VigilError a person can act on. Datadog speaks two error dialects
// (README §1): legacy `{"errors":["…"]}` and JSON:API `{"errors":[{"detail"|"title"|"code"…}]}`;
// proxies and load balancers add HTML pages. None of them may leak into a message verbatim beyond a
// short, cleaned detail, and no message may ever carry a key.
import { VigilError } from '../../../../shared/errors';
import type { Operation } from './operation';
import type { CapturedResponse } from './transport';

export interface ErrorBodySummary {
  /** The server's own words, cleaned and shortened; null when it said nothing usable. */
  detail: string | null;
  html: boolean;
}

const MAX_DETAIL = 300;

export function summarizeErrorBody(body: string, contentType?: string): ErrorBodySummary {
  const text = body.trim();
  if (!text) return { detail: null, html: false };
  if (/html/i.test(contentType ?? '') || /^<(?:!doctype|html|head|body|\?xml)/i.test(text) || /^<[a-z]/i.test(text)) {
    return { detail: null, html: true };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // A plain-text error from something in between; short enough to be a message, or nothing.
    return { detail: text.length <= 200 ? clean(text) : null, html: false };
  }
  return { detail: detailFromJson(parsed), html: false };
}

function detailFromJson(parsed: unknown): string | null {
  if (!parsed || typeof parsed !== 'object') return typeof parsed === 'string' ? clean(parsed) : null;
  const o = parsed as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(o['errors'])) {
    for (const item of o['errors']) {
      if (typeof item === 'string') parts.push(item);
      else if (item && typeof item === 'object') {
        const e = item as Record<string, unknown>;
        const words = [e['detail'], e['title'], e['code']].find((v) => typeof v === 'string' && v.trim());
        if (typeof words === 'string') parts.push(words);
      }
    }
  }
  for (const k of ['error', 'message', 'detail'] as const) {
    if (!parts.length && typeof o[k] === 'string') parts.push(o[k]);
  }
  const joined = [...new Set(parts.map((p) => p.trim()).filter(Boolean))].join('; ');
  return joined ? clean(joined) : null;
}

function clean(s: string): string {
  const flat = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}

export interface RateLimitInfo {
  name?: string;
  limit?: number;
  remaining?: number;
  /** length of the calendar-aligned window, seconds */
  periodSec?: number;
  /** seconds until the window resets (not an epoch — README §1) */
  resetSec?: number;
}

export function readRateLimit(headers: Record<string, string>): RateLimitInfo | null {
  const num = (k: string) => {
    const v = headers[k];
    if (v === undefined || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const info: RateLimitInfo = {};
  const name = headers['x-ratelimit-name'];
  if (name) info.name = name;
  const limit = num('x-ratelimit-limit');
  if (limit !== undefined) info.limit = limit;
  const remaining = num('x-ratelimit-remaining');
  if (remaining !== undefined) info.remaining = remaining;
  const period = num('x-ratelimit-period');
  if (period !== undefined) info.periodSec = period;
  const reset = num('x-ratelimit-reset');
  if (reset !== undefined && reset >= 0) info.resetSec = reset;
  return Object.keys(info).length ? info : null;
}

export interface FailureContext {
  /** "datadoghq.eu", or the base URL's host when no site is configured */
  where: string;
  /** attempts made, including the first */
  attempts: number;
}

/**
 * The final error for a non-2xx (or unreadable 2xx) answer. 403 on a v2 call is not decided here:
 * Datadog answers a bad API key, a bad application key and a missing permission identically, so the
 * client asks /api/v1/validate first and then calls forbidden().
 */
export function httpFailure(res: CapturedResponse, op: Operation, ctx: FailureContext): VigilError {
  const { status } = res;
  const { detail, html } = summarizeErrorBody(res.body, res.headers['content-type']);
  const said = detail ? `: ${detail}` : '';
  const via = html ? ' The answer was an HTML page, so something between Vigil and Datadog (a proxy?) may have replied.' : '';

  if (status >= 200 && status < 300) return badResponse(op, html);
  if (status >= 300 && status < 400) {
    return new VigilError(
      'SOURCE_BAD_RESPONSE',
      `Datadog answered "${op.name}" with a redirect (HTTP ${status}). Vigil does not follow redirects with your keys; check the Datadog site setting.`,
    );
  }
  if (status === 401) {
    return new VigilError(
      'SOURCE_AUTH_FAILED',
      `${ctx.where} did not accept the credentials for "${op.name}" (HTTP 401). Check the API key and application key, and that they belong to this site.`,
    );
  }
  if (status === 403 && op.auth === 'api_key') return apiKeyRejected(ctx.where);
  if (status === 403) return forbidden(op, ctx.where, detail);
  if (status === 404) {
    return new VigilError('SOURCE_NOT_FOUND', `${op.subject ?? 'The requested item'} was not found in Datadog (${ctx.where})${said}.${via}`);
  }
  if (status === 429) {
    const rl = readRateLimit(res.headers);
    const bucket = rl?.name ? ` "${rl.name}"` : '';
    const again = rl?.resetSec !== undefined ? ` It resets in ${rl.resetSec} s.` : '';
    return new VigilError(
      'SOURCE_RATE_LIMITED',
      `Datadog's rate limit${bucket} was still exhausted after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'} to ${op.name}.${again} Try again shortly, or sync less often.`,
    );
  }
  if (status === 408) {
    return new VigilError('SOURCE_TIMEOUT', `Datadog timed out while trying to ${op.name} (HTTP 408).`);
  }
  if (status >= 500) {
    return new VigilError(
      'SOURCE_UNAVAILABLE',
      `Datadog could not ${op.name}: HTTP ${status} after ${ctx.attempts} attempt${ctx.attempts === 1 ? '' : 's'}. The service may be degraded; try again later.${via}`,
    );
  }
  if (status === 409) {
    return new VigilError('SOURCE_BAD_REQUEST', `Datadog refused to ${op.name} because of a conflict${said}.`);
  }
  return new VigilError('SOURCE_BAD_REQUEST', `Datadog rejected the request to ${op.name} (HTTP ${status})${said}.${via}`);
}

export function apiKeyRejected(where: string): VigilError {
  return new VigilError('SOURCE_AUTH_FAILED', `The API key was rejected by ${where}. Check the key, and that it belongs to this site.`);
}

export function forbidden(op: Operation, where: string, detail: string | null): VigilError {
  const causes = op.permission
    ? `the application key is invalid, belongs to another organization, or lacks the ${op.permission} permission`
    : 'the application key is invalid, belongs to another organization, or lacks a permission';
  const said = detail && !/^forbidden$/i.test(detail) ? ` Datadog said: ${detail}.` : '';
  const hint = op.forbiddenHint ? ` ${op.forbiddenHint}` : '';
  return new VigilError('SOURCE_FORBIDDEN', `${where} refused to ${op.name} (HTTP 403): ${causes}.${said}${hint}`);
}

export function badResponse(op: Operation, html: boolean, why?: string): VigilError {
  const what = html
    ? 'an HTML page instead of JSON (a proxy or captive portal may be answering)'
    : why
      ? `a body Vigil could not use (${why})`
      : 'a body that is not valid JSON';
  return new VigilError('SOURCE_BAD_RESPONSE', `Datadog answered "${op.name}" with ${what}.`);
}

/** Defence in depth: whatever path a message took, a key never leaves in it. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}
