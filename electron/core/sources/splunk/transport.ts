// One HTTP exchange with splunkd, done the way every caller needs it: Bearer auth, output_mode=json,
// form-encoded POST bodies, a per-request deadline, cancellation, retries for the failures that are
// worth retrying, and every failure turned into a VigilError.
import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { VigilError, isVigilError } from '../../../../shared/errors';
import type { ResolvedConfig } from './config';
import { isTransientNetworkError, networkError, redact, splunkText, statusError } from './errors';
import { loadCaDispatcher } from './tls';

export type Params = Record<string, string | number | boolean | undefined>;

export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the base URL with every segment already encoded, e.g. `/services/server/info`. */
  path: string;
  query?: Params;
  /** POST body, sent as application/x-www-form-urlencoded. */
  form?: Params;
  /** Completes "(…)" in error messages, e.g. "dispatching saved search X". */
  what: string;
  /**
   * Whether a dropped connection may be retried. A reset after a POST that creates something
   * (dispatch) may mean it was created, so those are not replayed. Defaults to true for GET.
   */
  idempotent?: boolean;
  signal?: AbortSignal;
  /**
   * Ignore the client-wide signal: for cleanup (cancelling a job) that must still reach Splunk
   * after the user or the app aborted, or the job keeps holding a search slot.
   */
  detached?: boolean;
}

export interface SplunkResponse {
  status: number;
  contentType: string;
  text: string;
  /** From Retry-After (seconds form only), when Splunk or a proxy in front of it sends one. */
  retryAfterMs: number | undefined;
}

/** Splunk says "retry later" with these; anything else 4xx is final. */
const RETRY_STATUS = (s: number) => s === 429 || s === 500 || s === 502 || s === 503 || s === 504;

export class Transport {
  private dispatcher: Promise<Dispatcher | undefined> | undefined;
  readonly host: string;

  constructor(private readonly cfg: ResolvedConfig) {
    this.host = new URL(cfg.base).host;
  }

  /** Resolves with a 2xx answer (its body read in full) or throws a VigilError. */
  async request(spec: RequestSpec): Promise<SplunkResponse> {
    const signal = spec.detached ? spec.signal : this.signalFor(spec.signal);
    const idempotent = spec.idempotent ?? spec.method === 'GET';
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw cancelled();
      const retriesLeft = attempt < this.cfg.maxRetries;
      let res: SplunkResponse;
      try {
        res = await this.once(spec, signal);
      } catch (e) {
        if (isVigilError(e)) throw redact(e, this.cfg.token);
        if (idempotent && retriesLeft && isTransientNetworkError(e)) {
          await this.pause(this.backoff(attempt), signal);
          continue;
        }
        throw redact(networkError(e, this.host), this.cfg.token);
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status >= 300 && res.status < 400) {
        // fetch would otherwise follow it and may land on Splunk Web's login page.
        throw new VigilError(
          'SOURCE_BAD_RESPONSE',
          `Splunk answered with a redirect (HTTP ${res.status}, ${spec.what}); is the URL the management port (8089)?`,
        );
      }
      if (RETRY_STATUS(res.status) && retriesLeft) {
        await this.pause(Math.max(this.backoff(attempt), res.retryAfterMs ?? 0), signal);
        continue;
      }
      const err = statusError(res.status, splunkText(res.text), spec.what);
      const gaveUp = RETRY_STATUS(res.status) && attempt > 0 ? ` — gave up after ${attempt + 1} attempts` : '';
      throw redact(gaveUp ? new VigilError(err.code, err.message + gaveUp) : err, this.cfg.token);
    }
  }

  /** The body as JSON of the given shape; anything else means we are not talking to splunkd's REST API. */
  parse<S extends z.ZodType>(res: SplunkResponse, schema: S, what: string): z.output<S> {
    const body = res.text.trim();
    if (!body) throw new VigilError('SOURCE_BAD_RESPONSE', `Splunk sent an empty answer (${what})`);
    if (res.contentType.includes('html') || /^<(!doctype|html)/i.test(body)) {
      throw new VigilError(
        'SOURCE_BAD_RESPONSE',
        `Splunk answered with an HTML page instead of JSON (${what}); check the URL is the management port (8089), not Splunk Web`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      const hint = body.startsWith('<') ? ' (XML: a proxy may be dropping output_mode=json)' : '';
      throw new VigilError('SOURCE_BAD_RESPONSE', `Splunk sent malformed JSON (${what})${hint}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first ? `${first.path.join('.') || 'body'}: ${first.message}` : 'unknown';
      throw new VigilError('SOURCE_BAD_RESPONSE', `Splunk's answer has an unexpected shape (${what}; ${where})`);
    }
    return parsed.data;
  }

  /** Releases the CA-pinned connection pool, if one was made. */
  async close(): Promise<void> {
    const d = await this.dispatcher?.catch(() => undefined);
    this.dispatcher = undefined;
    await d?.close();
  }

  private async once(spec: RequestSpec, signal: AbortSignal | undefined): Promise<SplunkResponse> {
    const dispatcher = await this.getDispatcher();
    const url = new URL(this.cfg.base + spec.path);
    // Without output_mode most endpoints answer Atom/XML; splunk-sdk puts it in every query string.
    url.searchParams.set('output_mode', 'json');
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.cfg.token}`,
      accept: 'application/json',
    };
    let body: string | undefined;
    if (spec.form) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(spec.form)) if (v !== undefined) form.set(k, String(v));
      body = form.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }

    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), this.cfg.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timer.signal]) : timer.signal;
    try {
      const res = await fetch(url, {
        method: spec.method,
        headers,
        body,
        redirect: 'manual',
        signal: combined,
        // The Agent comes from the undici package (v7), fetch from Node's bundled undici (v6): they
        // interoperate at runtime (the CA-file test proves it) but their typings differ, hence the cast.
        ...(dispatcher ? ({ dispatcher } as object) : {}),
      });
      // The deadline covers the body too: a server that sends headers and then stalls is still slow.
      const text = await res.text();
      const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
      return {
        status: res.status,
        contentType: res.headers.get('content-type') ?? '',
        text,
        // Capped: a proxy asking for an hour must not freeze the workbench.
        retryAfterMs: Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter * 1000, 30_000) : undefined,
      };
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      if (timer.signal.aborted) {
        throw new VigilError(
          'SOURCE_TIMEOUT',
          `Splunk did not answer within ${Math.round(this.cfg.timeoutMs / 1000)} s (${spec.what})`,
        );
      }
      throw e;
    } finally {
      clearTimeout(timeout);
    }
  }

  private getDispatcher(): Promise<Dispatcher | undefined> {
    if (!this.dispatcher) {
      const { caFile } = this.cfg;
      this.dispatcher = caFile ? loadCaDispatcher(caFile) : Promise.resolve(undefined);
      // A bad CA file is reported on each call, and fixing the file needs no new client.
      this.dispatcher.catch(() => (this.dispatcher = undefined));
    }
    return this.dispatcher;
  }

  private signalFor(local: AbortSignal | undefined): AbortSignal | undefined {
    const all = [this.cfg.signal, local].filter((s): s is AbortSignal => s !== undefined);
    return all.length > 1 ? AbortSignal.any(all) : all[0];
  }

  private backoff(attempt: number): number {
    return Math.min(this.cfg.retryBaseMs * 2 ** attempt, 8_000);
  }

  /** Sleep that turns an abort into CANCELLED. */
  async pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.cfg.sleep(ms, signal);
    } catch (e) {
      if (signal?.aborted) throw cancelled();
      throw e;
    }
    if (signal?.aborted) throw cancelled();
  }

  /** Combined client + call signal, for callers that loop over several requests (job polling). */
  combine(local: AbortSignal | undefined): AbortSignal | undefined {
    return this.signalFor(local);
  }
}

export function cancelled(): VigilError {
  return new VigilError('CANCELLED', 'The Splunk request was cancelled');
}
