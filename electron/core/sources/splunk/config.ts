// Connection settings for one Splunk management endpoint, checked once so every later request can
// trust them. A bad setting is the user's to fix in Settings, hence SOURCE_NOT_CONFIGURED.
import { setTimeout as wait } from 'node:timers/promises';
import { z } from 'zod';
import { VigilError } from '../../../../shared/errors';

/** Waits `ms`, rejecting early if `signal` aborts. Injected by tests to make polling instant. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface SplunkConfig {
  /** Management (REST) URL, e.g. https://splunk.example.com:8089 — not Splunk Web on :8000. */
  baseUrl: string;
  /** Splunk authentication token (Settings > Tokens), sent as `Authorization: Bearer`. */
  token: string;
  /** PEM file with the CA (or the self-signed cert) that signs the server's certificate. */
  caFile?: string;
  /** Per-request limit, body included. */
  timeoutMs?: number;
  /** First gap between job polls; it grows ×1.5 up to maxPollIntervalMs. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** How long a job may run before it is cancelled and SOURCE_TIMEOUT is thrown. */
  maxWaitMs?: number;
  /** Retries after a 5xx/429 or a reset connection, with exponential backoff. */
  maxRetries?: number;
  /** First backoff delay; doubles per retry. */
  retryBaseMs?: number;
  sleep?: Sleep;
  /** Clock for the job deadline; tests pair it with `sleep` to run polling on virtual time. */
  now?: () => number;
  /** Cancels everything this client does (e.g. the workspace is closing). */
  signal?: AbortSignal;
}

export interface ResolvedConfig {
  /** Origin plus any reverse-proxy prefix, without a trailing slash. */
  base: string;
  token: string;
  caFile: string | undefined;
  timeoutMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  maxWaitMs: number;
  maxRetries: number;
  retryBaseMs: number;
  sleep: Sleep;
  now: () => number;
  signal: AbortSignal | undefined;
}

const positive = z.number().finite().positive();

const Schema = z.object({
  baseUrl: z.string().trim().min(1, 'the Splunk management URL is empty'),
  // Tokens are JWTs; whitespace inside one is a paste error, not part of the secret.
  token: z
    .string()
    .trim()
    .min(1, 'the Splunk token is empty')
    .regex(/^[^\s]+$/, 'the Splunk token contains whitespace'),
  caFile: z.string().trim().min(1).optional(),
  timeoutMs: positive.optional(),
  pollIntervalMs: positive.optional(),
  maxPollIntervalMs: positive.optional(),
  maxWaitMs: positive.optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
  retryBaseMs: z.number().finite().min(0).optional(),
});

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export const defaultSleep: Sleep = async (ms, signal) => {
  await wait(ms, undefined, signal ? { signal } : undefined);
};

export function resolveConfig(config: SplunkConfig): ResolvedConfig {
  const parsed = Schema.safeParse(config);
  if (!parsed.success) {
    // Only zod's messages, never the input: the token must not end up in an error.
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'settings'}: ${i.message}`).join('; ');
    throw new VigilError('SOURCE_NOT_CONFIGURED', `Splunk settings are incomplete (${why})`);
  }
  const c = parsed.data;
  let url: URL;
  try {
    url = new URL(c.baseUrl);
  } catch {
    throw new VigilError('SOURCE_NOT_CONFIGURED', `"${c.baseUrl}" is not a URL; use https://<host>:8089`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new VigilError('SOURCE_NOT_CONFIGURED', 'The Splunk URL must not carry credentials, a query or a fragment');
  }
  // The token is a long-lived credential: plain HTTP is tolerated only where it never leaves the machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new VigilError(
      'SOURCE_NOT_CONFIGURED',
      `The Splunk URL must use https:// (got ${url.protocol}//${url.host}); the management port is usually 8089`,
    );
  }
  return {
    base: `${url.origin}${url.pathname.replace(/\/+$/, '')}`,
    token: c.token,
    caFile: c.caFile,
    timeoutMs: c.timeoutMs ?? 30_000,
    pollIntervalMs: c.pollIntervalMs ?? 500,
    maxPollIntervalMs: Math.max(c.maxPollIntervalMs ?? 5_000, c.pollIntervalMs ?? 0),
    maxWaitMs: c.maxWaitMs ?? 5 * 60_000,
    maxRetries: c.maxRetries ?? 3,
    retryBaseMs: c.retryBaseMs ?? 500,
    sleep: config.sleep ?? defaultSleep,
    now: config.now ?? Date.now,
    signal: config.signal,
  };
}
