// One Datadog operation, end to end: build a fresh official-client configuration per attempt (its
// transport captures that attempt's raw answer), run the generated API method, and turn the outcome
// into either { model, raw } or a VigilError — retrying in between when that is safe.
import { client } from '@datadog/datadog-api-client';
import { VigilError } from '../../../../shared/errors';
import { badResponse, httpFailure, redact, summarizeErrorBody } from './failures';
import type { Operation } from './operation';
import { cancelledError, decide, type Failure, type RetryPolicy, type Sleep, type WaitInfo } from './retry';
import { createTransport, type CapturedResponse, type Exchange, TransportError } from './transport';

export interface CallContext {
  baseServer: string;
  apiKey: string;
  appKey: string;
  timeoutMs: number;
  policy: RetryPolicy;
  sleep: Sleep;
  onWait?: (info: WaitInfo) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /** "datadoghq.eu", or the base URL's host: how messages name the place that answered */
  where: string;
  /**
   * Datadog answers a bad API key, a bad application key and a missing permission with the same
   * 403 on v2 endpoints; the client resolves which one it is (see client.ts).
   */
  explainForbidden?: (op: Operation, response: CapturedResponse, signal?: AbortSignal) => Promise<VigilError>;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CallResult<T> {
  /** what the official client deserialised (typed models) */
  model: T;
  /** the same answer as JSON.parse of the bytes received; null for an empty body (or when not parsed) */
  raw: unknown;
  response: CapturedResponse;
}

export interface CallHow {
  /**
   * false: leave a 2xx body as the text in `response.body` (raw is null) — for a caller that parses
   * it elsewhere (the signal sync does, off the main thread) and reports a bad body itself.
   */
  parseBody?: boolean;
  /** make the exchange in the page worker and decode a 2xx there as a signals page (transport.ts) */
  decodeSignalPage?: boolean;
}

export async function call<T>(
  ctx: CallContext,
  op: Operation,
  invoke: (configuration: client.Configuration) => Promise<T>,
  opts?: CallOptions,
  how: CallHow = {},
): Promise<CallResult<T>> {
  const signal = combineSignals(ctx.signal, opts?.signal);
  try {
    return await attemptLoop(ctx, op, invoke, signal, how);
  } catch (e) {
    throw finalize(e, op, ctx);
  }
}

async function attemptLoop<T>(
  ctx: CallContext,
  op: Operation,
  invoke: (configuration: client.Configuration) => Promise<T>,
  signal: AbortSignal | undefined,
  how: CallHow,
): Promise<CallResult<T>> {
  if (op.auth === 'api_and_app_key' && !ctx.appKey) {
    throw new VigilError('SOURCE_NOT_CONFIGURED', `An application key is needed to ${op.name}. Add one in the Datadog connection settings.`);
  }
  for (let retries = 0; ; retries++) {
    if (signal?.aborted) throw cancelledError(op.name);
    const exchange: Exchange = {};
    let failure: Failure;
    try {
      const model = await invoke(configurationFor(ctx, exchange, signal, how.decodeSignalPage ?? false));
      return succeed(model, exchange, op, how.parseBody ?? true);
    } catch (e) {
      if (e instanceof VigilError) throw e;
      if (e instanceof TransportError) {
        if (e.code === 'CANCELLED') throw cancelledError(op.name);
        failure = { kind: 'transport', error: e };
      } else if (exchange.response) {
        const res = exchange.response;
        // A 2xx the generated deserialiser choked on (missing required field, not JSON, HTML).
        if (res.status >= 200 && res.status < 300) throw unusable2xx(res, op, e);
        failure = { kind: 'http', response: res };
      } else {
        // Thrown before anything was sent: a required parameter missing or an enum the model rejects.
        throw new VigilError('VALIDATION_FAILED', `Vigil could not build the request to ${op.name}: ${messageOf(e)}`);
      }
    }

    const decision = decide(failure, retries, op, ctx.policy);
    if (!decision.retry) throw await toError(failure, op, ctx, retries + 1, signal);
    ctx.onWait?.({ reason: decision.reason, waitMs: decision.waitMs, attempt: retries + 1, operation: op.name });
    try {
      await ctx.sleep(decision.waitMs, signal);
    } catch (e) {
      // An injected sleep may reject with its own AbortError; the caller only ever sees CANCELLED.
      if (signal?.aborted) throw cancelledError(op.name);
      throw e;
    }
    if (signal?.aborted) throw cancelledError(op.name);
  }
}

function configurationFor(ctx: CallContext, exchange: Exchange, signal: AbortSignal | undefined, decodeSignalPage: boolean): client.Configuration {
  const configuration = client.createConfiguration({
    baseServer: new client.BaseServerConfiguration(ctx.baseServer, {}),
    // Both keys always present (even empty): createConfiguration falls back to DD_API_KEY/DD_APP_KEY
    // from the environment when a key is *absent*, and Vigil must only ever use the stored keys.
    authMethods: { apiKeyAuth: ctx.apiKey, appKeyAuth: ctx.appKey },
    httpApi: createTransport({
      exchange,
      timeoutMs: ctx.timeoutMs,
      ...(signal ? { signal } : {}),
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      ...(decodeSignalPage ? { decodeSignalPage } : {}),
    }),
    enableRetry: false,
  });
  // README §7: createIncident is "unstable" in 1.64 and refuses to run unless enabled.
  configuration.unstableOperations['v2.createIncident'] = true;
  return configuration;
}

function succeed<T>(model: T, exchange: Exchange, op: Operation, parseBody: boolean): CallResult<T> {
  const res = exchange.response;
  if (!res) throw badResponse(op, false, 'no answer was recorded');
  if (res.status < 200 || res.status >= 300) throw badResponse(op, false, `HTTP ${res.status}`);
  if (!parseBody) return { model, raw: null, response: res };
  const text = res.body.trim();
  if (!text) return { model, raw: null, response: res };
  try {
    return { model, raw: JSON.parse(text) as unknown, response: res };
  } catch {
    throw badResponse(op, summarizeErrorBody(text, res.headers['content-type']).html);
  }
}

function unusable2xx(res: CapturedResponse, op: Operation, e: unknown): VigilError {
  const { html } = summarizeErrorBody(res.body, res.headers['content-type']);
  if (html) return badResponse(op, true);
  try {
    JSON.parse(res.body);
  } catch {
    return badResponse(op, false);
  }
  return badResponse(op, false, `it did not match the documented shape: ${messageOf(e)}`);
}

async function toError(failure: Failure, op: Operation, ctx: CallContext, attempts: number, signal?: AbortSignal): Promise<VigilError> {
  if (failure.kind === 'transport') {
    const e = failure.error;
    const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
    return new VigilError(e.code, `${e.message}${tries}`);
  }
  const res = failure.response;
  if (res.status === 403 && op.auth === 'api_and_app_key' && ctx.explainForbidden) {
    return ctx.explainForbidden(op, res, signal);
  }
  return httpFailure(res, op, { where: ctx.where, attempts });
}

function finalize(e: unknown, op: Operation, ctx: CallContext): VigilError {
  const secrets = [ctx.apiKey, ctx.appKey];
  if (e instanceof VigilError) {
    const message = redact(e.message, secrets);
    return message === e.message ? e : new VigilError(e.code, message);
  }
  return new VigilError('INTERNAL', redact(`Unexpected failure while trying to ${op.name}: ${messageOf(e)}`, secrets));
}

function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\s+/g, ' ').slice(0, 200);
}

export function combineSignals(a?: AbortSignal, b?: AbortSignal): AbortSignal | undefined {
  if (a && b) return AbortSignal.any([a, b]);
  return a ?? b;
}
