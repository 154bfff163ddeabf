// The HTTP layer under the official client. `@datadog/datadog-api-client` lets a configuration bring
// its own `httpApi` (HttpLibrary); this one is built per attempt so it can:
//  - keep the exact response bytes and headers of that attempt (raw signal JSON for the register's
//    content hash, X-RateLimit-* for the retry loop, the status/body behind an ApiException);
//  - enforce a timeout and the caller's AbortSignal on headers *and* body;
//  - refuse redirects, because DD-API-KEY/DD-APPLICATION-KEY are plain headers that fetch would
//    happily forward to wherever a Location header points;
//  - turn transport failures into a small closed set, without the library's own error logging.
import { client } from '@datadog/datadog-api-client';
import type { ErrorCode } from '../../../../shared/errors';
import { collectCodes } from './net-codes';
import type { DecodedPage } from './page-decode';
import { pageWorker, PageWorkerLost } from './page-decoder';

export interface CapturedResponse {
  status: number;
  /** lowercase names, as fetch's Headers yields them */
  headers: Record<string, string>;
  body: string;
  /** a 2xx signals page decoded in the page worker (`body` is then empty) */
  decoded?: DecodedPage;
}

/** What one HTTP attempt produced. Filled by the transport, read by the call loop. */
export interface Exchange {
  method?: string;
  url?: string;
  response?: CapturedResponse;
}

type TransportCode = Extract<ErrorCode, 'SOURCE_UNREACHABLE' | 'SOURCE_TIMEOUT' | 'SOURCE_TLS' | 'CANCELLED'>;

/**
 * A failure below HTTP. `requestMayHaveArrived` decides whether a non-idempotent call (create a case,
 * run a workflow) can be retried: a refused connection cannot have created anything, a reset can.
 */
export class TransportError extends Error {
  constructor(
    readonly code: TransportCode,
    message: string,
    readonly requestMayHaveArrived: boolean,
    readonly retryable: boolean,
    /** errno-style code, e.g. ECONNRESET, for messages and tests */
    readonly osCode?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface TransportOptions {
  exchange: Exchange;
  timeoutMs: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /**
   * Make the exchange in the page worker and decode a 2xx answer there as a signals page
   * (page-decoder.ts); falls back to this thread when the worker is not available.
   */
  decodeSignalPage?: boolean;
}

export function createTransport(opts: TransportOptions): client.HttpLibrary {
  const doFetch = opts.fetch ?? fetch;
  return {
    async send(request: client.RequestContext): Promise<client.ResponseContext> {
      const url = request.getUrl();
      const method = request.getHttpMethod().toString();
      opts.exchange.method = method;
      opts.exchange.url = url;
      const host = hostOf(url);
      const { signal } = opts;
      if (signal?.aborted) throw cancelled();
      if (opts.decodeSignalPage && !opts.fetch && pageWorker.available) {
        try {
          return await viaWorker(request, url, method, host, opts);
        } catch (e) {
          if (!(e instanceof PageWorkerLost)) throw e;
          // The worker is gone: make this exchange here, as below.
        }
      }

      const ctrl = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        ctrl.abort();
      }, opts.timeoutMs);
      const onAbort = () => ctrl.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const res = await doFetch(url, {
          method,
          headers: request.getHeaders(),
          // The generated request factories only ever set JSON strings for the operations Vigil uses.
          body: request.getBody() as string | undefined,
          signal: ctrl.signal,
          redirect: 'manual',
        });
        // Read the body inside the timeout: a server that sends headers and then stalls is just as stuck.
        const bytes = Buffer.from(await res.arrayBuffer());
        const headers: Record<string, string> = {};
        res.headers.forEach((value, name) => {
          headers[name.toLowerCase()] = value;
        });
        const body = bytes.toString('utf8');
        opts.exchange.response = { status: res.status, headers, body };
        return new client.ResponseContext(res.status, headers, {
          text: async () => body,
          binary: async () => bytes,
        });
      } catch (e) {
        if (signal?.aborted) throw cancelled();
        if (timedOut) throw timeoutError(host, opts.timeoutMs);
        throw classifyNetworkError(e, host);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

async function viaWorker(request: client.RequestContext, url: string, method: string, host: string, opts: TransportOptions): Promise<client.ResponseContext> {
  const { signal } = opts;
  const r = await pageWorker.exchange(
    { url, method, headers: request.getHeaders(), body: request.getBody() as string | undefined, timeoutMs: opts.timeoutMs },
    signal,
  );
  if (r.kind === 'error') {
    if (signal?.aborted || r.aborted) throw cancelled();
    if (r.timedOut) throw timeoutError(host, opts.timeoutMs);
    throw classifyNetworkError({ errors: r.codes.map((code) => ({ code })) }, host);
  }
  opts.exchange.response = { status: r.status, headers: r.headers, body: r.body, ...(r.decoded ? { decoded: r.decoded } : {}) };
  return new client.ResponseContext(r.status, r.headers, {
    text: async () => r.body,
    binary: async () => Buffer.from(r.body, 'utf8'),
  });
}

function timeoutError(host: string, timeoutMs: number): TransportError {
  // Not retryable: timeoutMs is the caller's budget for this call, and repeating a search that
  // Datadog found too slow would multiply both the wait and the load.
  return new TransportError('SOURCE_TIMEOUT', `Datadog (${host}) did not answer within ${formatSeconds(timeoutMs)}.`, true, false);
}

function cancelled(): TransportError {
  return new TransportError('CANCELLED', 'The Datadog request was cancelled.', true, false);
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);
const TLS = /^(?:CERT_|ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO_SELF_SIGNED|HOSTNAME_MISMATCH|ERR_CERT)/;

/** Map whatever fetch threw (undici wraps the socket error in `cause`, sometimes an AggregateError) to a TransportError. */
export function classifyNetworkError(e: unknown, host: string): TransportError {
  const codes = collectCodes(e);
  const tls = codes.find((c) => TLS.test(c));
  if (tls) {
    return new TransportError(
      'SOURCE_TLS',
      `The TLS certificate presented for ${host} could not be verified (${tls}). If a proxy inspects TLS on this network, its CA certificate must be trusted by the system.`,
      false,
      false,
      tls,
    );
  }
  const code = codes.find((c) => /^(?:E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(c));
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new TransportError(
      'SOURCE_UNREACHABLE',
      `Could not resolve ${host} (${code}). Check the Datadog site setting and that this machine is online.`,
      false,
      true,
      code,
    );
  }
  const notSent = code !== undefined && NOT_SENT.has(code);
  const why =
    code === 'ECONNREFUSED'
      ? 'the connection was refused'
      : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE'
        ? 'the connection was closed before the answer was complete'
        : 'the network request failed';
  return new TransportError(
    'SOURCE_UNREACHABLE',
    `Could not reach Datadog at ${host}: ${why}${code ? ` (${code})` : ''}. Check the network, VPN or proxy.`,
    !notSent,
    true,
    code,
  );
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the Datadog API';
  }
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
