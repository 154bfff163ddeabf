// When to try again and how long to wait. The official client's own retry is off: it sleeps for
// whatever X-RateLimit-Reset says with no cap, can't be cancelled, and retries POSTs that create
// things. Here every wait is capped, cancellable, reported, and only repeats what is safe to repeat.
import { VigilError } from '../../../../shared/errors';
import { readRateLimit } from './failures';
import type { Operation } from './operation';
import type { CapturedResponse } from './transport';
import { TransportError } from './transport';

export type WaitReason = 'rate_limited' | 'server_error' | 'network';

export interface WaitInfo {
  reason: WaitReason;
  waitMs: number;
  /** 1 for the first retry */
  attempt: number;
  /** the operation being retried, e.g. "search signals" */
  operation: string;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryPolicy {
  maxRetries: number;
  maxWaitMs: number;
  /** first backoff step; doubles each retry */
  baseDelayMs: number;
  random: () => number;
}

/** One failed attempt, as the loop saw it. */
export type Failure =
  | { kind: 'http'; response: CapturedResponse }
  | { kind: 'transport'; error: TransportError };

export type Decision = { retry: false } | { retry: true; reason: WaitReason; waitMs: number };

/** `retriesSoFar` is 0 after the first attempt fails. */
export function decide(failure: Failure, retriesSoFar: number, op: Operation, policy: RetryPolicy): Decision {
  if (retriesSoFar >= policy.maxRetries) return { retry: false };

  if (failure.kind === 'transport') {
    const e = failure.error;
    if (!e.retryable) return { retry: false };
    if (!op.idempotent && e.requestMayHaveArrived) return { retry: false };
    return { retry: true, reason: 'network', waitMs: backoff(retriesSoFar, policy) };
  }

  const { status, headers } = failure.response;
  if (status === 429) {
    // A 429 means Datadog did not do the work, so even creates are safe to repeat.
    return { retry: true, reason: 'rate_limited', waitMs: rateLimitWait(headers, retriesSoFar, policy) };
  }
  // A 5xx may come after the work was done (a gateway timing out on a slow create), so only repeat
  // what is harmless to repeat; the outbox reconciles the rest (findCaseByMarker).
  if ((status >= 500 || status === 408) && op.idempotent) {
    return { retry: true, reason: 'server_error', waitMs: backoff(retriesSoFar, policy) };
  }
  return { retry: false };
}

function rateLimitWait(headers: Record<string, string>, retriesSoFar: number, policy: RetryPolicy): number {
  const reset = readRateLimit(headers)?.resetSec;
  // Retry-After is not a Datadog header, but a proxy in front of it may send one.
  const retryAfter = Number(headers['retry-after']);
  const seconds = reset ?? (Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined);
  if (seconds === undefined) return backoff(retriesSoFar, policy);
  // The window is calendar-aligned: "0" means it is turning over now, so a token pause is enough.
  return Math.min(policy.maxWaitMs, Math.max(seconds * 1000, 250));
}

/** Exponential backoff with "equal jitter": at least half the step, so retries never bunch at zero. */
export function backoff(retriesSoFar: number, policy: RetryPolicy): number {
  const step = Math.min(policy.maxWaitMs, policy.baseDelayMs * 2 ** retriesSoFar);
  return Math.round(step / 2 + policy.random() * (step / 2));
}

export function cancelledError(what: string): VigilError {
  return new VigilError('CANCELLED', `Cancelled: ${what} was stopped before it finished.`);
}

/** setTimeout that an AbortSignal can cut short. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError('waiting to retry'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError('waiting to retry'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
