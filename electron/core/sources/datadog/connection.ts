// "Does this connection work, and if not, why?" — key validation (README §6), the settings screen's
// Test connection, and the 403 diagnosis every v2 call falls back on.
import { type client, v1 } from '@datadog/datadog-api-client';
import { z } from 'zod';
import { type ErrorCode, VigilError } from '../../../../shared/errors';
import { call, type CallContext, type CallOptions } from './call';
import { apiKeyRejected, forbidden, summarizeErrorBody } from './failures';
import type { Operation } from './operation';
import { expectShape } from './shape';
import { DATADOG_SITES, type DatadogSite, siteLabel } from './site';
import type { CapturedResponse } from './transport';

export type ValidateResult = { ok: true } | { ok: false; code: ErrorCode; message: string };

export type ConnectionCheckName = 'api_key' | 'app_key' | 'signals_read';
export interface ConnectionCheck {
  name: ConnectionCheckName;
  ok: boolean;
  code?: ErrorCode;
  message: string;
}
export interface ConnectionReport {
  ok: boolean;
  /** the configured site, or the base URL's host when only a base URL was given */
  site: string;
  checks: ConnectionCheck[];
}

export interface TestConnectionOptions extends CallOptions {
  /**
   * When the API key is rejected, ask the other Datadog sites whether it is theirs (one
   * /api/v1/validate each, API key only) to tell "wrong key" from "wrong site". Opt-in: it sends the
   * key to every Datadog region.
   */
  probeOtherSites?: boolean;
}

const VALIDATE: Operation = { name: 'check the API key', auth: 'api_key', idempotent: true };
const ValidateBody = z.looseObject({ valid: z.boolean() });

export interface ConnectionDeps {
  ctx: CallContext;
  site: DatadogSite | null;
  siteBaseUrl: (site: DatadogSite) => string;
  probeSignalsRead: (opts?: CallOptions) => Promise<void>;
}

export function connectionApi(deps: ConnectionDeps) {
  const { ctx } = deps;

  async function validateWith(c: CallContext, opts?: CallOptions): Promise<ValidateResult> {
    try {
      const { raw } = await call(c, VALIDATE, (conf: client.Configuration) => new v1.AuthenticationApi(conf).validate(), opts);
      if (!expectShape(ValidateBody, raw, VALIDATE).valid) return fail(apiKeyRejected(c.where));
      return { ok: true };
    } catch (e) {
      if (e instanceof VigilError && e.code === 'CANCELLED') throw e;
      return fail(e);
    }
  }

  /** `{ ok: true }`, or what is wrong: SOURCE_AUTH_FAILED for a rejected key, SOURCE_UNREACHABLE, … Throws only CANCELLED. */
  function validate(opts?: CallOptions): Promise<ValidateResult> {
    return validateWith(ctx, opts);
  }

  /** Decides what a v2 403 meant by asking /api/v1/validate about the API key. */
  async function explainForbidden(op: Operation, res: CapturedResponse, signal?: AbortSignal): Promise<VigilError> {
    const v = await validate(signal ? { signal } : undefined);
    if (!v.ok && v.code === 'SOURCE_AUTH_FAILED') return new VigilError('SOURCE_AUTH_FAILED', v.message);
    return forbidden(op, ctx.where, summarizeErrorBody(res.body, res.headers['content-type']).detail);
  }

  /** The other site this API key belongs to, if any. */
  async function findSiteForApiKey(opts?: CallOptions): Promise<DatadogSite | null> {
    const candidates = DATADOG_SITES.filter((s) => s !== deps.site);
    const results = await Promise.all(
      candidates.map(async (site) => {
        const probe: CallContext = {
          ...ctx,
          baseServer: deps.siteBaseUrl(site),
          where: site,
          timeoutMs: Math.min(ctx.timeoutMs, 10_000),
          policy: { ...ctx.policy, maxRetries: 0 },
        };
        const r = await validateWith(probe, opts);
        return r.ok ? site : null;
      }),
    );
    return results.find((s): s is DatadogSite => s !== null) ?? null;
  }

  async function testConnection(opts: TestConnectionOptions = {}): Promise<ConnectionReport> {
    const callOpts = opts.signal ? { signal: opts.signal } : undefined;
    const checks: ConnectionCheck[] = [];

    const v = await validate(callOpts);
    if (v.ok) {
      checks.push({ name: 'api_key', ok: true, message: `The API key is valid for ${ctx.where}.` });
    } else {
      let { code, message } = v;
      if (code === 'SOURCE_AUTH_FAILED' && opts.probeOtherSites) {
        const other = await findSiteForApiKey(callOpts);
        if (other) {
          code = 'SOURCE_WRONG_SITE';
          message = `This API key belongs to ${other} (${siteLabel(other)}), not ${ctx.where}. Change the Datadog site to ${other}.`;
        }
      }
      checks.push({ name: 'api_key', ok: false, code, message });
      const notChecked = 'Not checked: the API key has to work first.';
      checks.push({ name: 'app_key', ok: false, code, message: notChecked }, { name: 'signals_read', ok: false, code, message: notChecked });
      return report(checks);
    }

    if (!ctx.appKey) {
      checks.push(
        { name: 'app_key', ok: false, code: 'SOURCE_NOT_CONFIGURED', message: 'No application key is set. Add one in the Datadog connection settings.' },
        { name: 'signals_read', ok: false, code: 'SOURCE_NOT_CONFIGURED', message: 'Not checked: needs an application key.' },
      );
      return report(checks);
    }

    try {
      await deps.probeSignalsRead(callOpts);
      checks.push(
        { name: 'app_key', ok: true, message: 'The application key is accepted.' },
        { name: 'signals_read', ok: true, message: 'Security signals can be read.' },
      );
    } catch (e) {
      if (e instanceof VigilError && e.code === 'CANCELLED') throw e;
      const f = fail(e);
      const ambiguous = f.code === 'SOURCE_FORBIDDEN';
      checks.push(
        {
          name: 'app_key',
          ok: false,
          code: f.code,
          message: ambiguous
            ? 'Datadog refused the application key, or its user lacks security_monitoring_signals_read (it answers both with the same 403). Check the key and its permissions.'
            : f.message,
        },
        { name: 'signals_read', ok: false, code: f.code, message: f.message },
      );
    }
    return report(checks);
  }

  function report(checks: ConnectionCheck[]): ConnectionReport {
    return { ok: checks.every((c) => c.ok), site: deps.site ?? ctx.where, checks };
  }

  return { validate, explainForbidden, findSiteForApiKey, testConnection };
}

function fail(e: unknown): { ok: false; code: ErrorCode; message: string } {
  if (e instanceof VigilError) return { ok: false, code: e.code, message: e.message };
  return { ok: false, code: 'INTERNAL', message: 'The connection check failed unexpectedly.' };
}
