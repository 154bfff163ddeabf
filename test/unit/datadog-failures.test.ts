// Error bodies, transport errors, retry decisions: the pieces behind every Datadog VigilError.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../shared/errors';
import { createDatadogClient } from '../../electron/core/sources/datadog';
import { httpFailure, readRateLimit, summarizeErrorBody } from '../../electron/core/sources/datadog/failures';
import type { Operation } from '../../electron/core/sources/datadog/operation';
import { decide, type RetryPolicy } from '../../electron/core/sources/datadog/retry';
import { classifyNetworkError, TransportError } from '../../electron/core/sources/datadog/transport';
import { example } from '../fakes/datadog/fixtures';

const raw = (name: string) => JSON.stringify(example(name));

describe('summarizeErrorBody: both error families and the things in between', () => {
  it.each([
    ['signal-get.404.response.json', 'Signal not found'],
    ['validate.403-no-key.response.json', 'API key required'],
    ['validate.403-invalid-key.response.json', 'Forbidden'],
    ['case-create.400.response.json', 'got type "userx" expected one of "user"'],
    ['case-create.404.response.json', 'project not found'],
    ['case-comment.400.response.json', 'Bad Request'],
    ['workflow-instance-get.404.response.json', 'workflow not found'],
    ['workflow-instance-create.400.response.json', 'value <no value> is invalid for field workflow_id'],
  ])('%s → %s', (file, detail) => {
    expect(summarizeErrorBody(raw(file))).toEqual({ detail, html: false });
  });

  it('uses detail, then title, then code', () => {
    expect(summarizeErrorBody('{"errors":[{"code":"X_ONLY"}]}').detail).toBe('X_ONLY');
    expect(summarizeErrorBody('{"errors":[{"title":"T","code":"C"}]}').detail).toBe('T');
    expect(summarizeErrorBody('{"errors":["a","b","a"]}').detail).toBe('a; b');
  });

  it('recognises HTML and keeps none of it', () => {
    expect(summarizeErrorBody('<html><body><h1>502 Bad Gateway</h1></body></html>')).toEqual({ detail: null, html: true });
    expect(summarizeErrorBody('oops', 'text/html; charset=utf-8')).toEqual({ detail: null, html: true });
    expect(summarizeErrorBody('')).toEqual({ detail: null, html: false });
    expect(summarizeErrorBody('upstream connect error')).toEqual({ detail: 'upstream connect error', html: false });
    expect(summarizeErrorBody('x'.repeat(5000)).detail).toBeNull();
  });
});

describe('readRateLimit', () => {
  it('reads the recorded headers once lowercased, as fetch delivers them', () => {
    const rec = example<{ headers: Record<string, string> }>('ratelimit-headers.recorded-404.json').headers;
    const lower = Object.fromEntries(Object.entries(rec).map(([k, v]) => [k.toLowerCase(), v]));
    expect(readRateLimit(lower)).toEqual({ name: 'get_monitors', limit: 3000, remaining: 2998, periodSec: 10, resetSec: 10 });
    expect(readRateLimit({})).toBeNull();
  });
});

describe('httpFailure', () => {
  const op: Operation = { name: 'search signals', auth: 'api_and_app_key', permission: 'security_monitoring_signals_read', idempotent: true };
  const res = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, headers: { 'content-type': 'application/json', ...headers }, body });
  const ctx = { where: 'datadoghq.eu', attempts: 3 };

  it.each([
    [400, 'SOURCE_BAD_REQUEST'],
    [401, 'SOURCE_AUTH_FAILED'],
    [403, 'SOURCE_FORBIDDEN'],
    [404, 'SOURCE_NOT_FOUND'],
    [408, 'SOURCE_TIMEOUT'],
    [409, 'SOURCE_BAD_REQUEST'],
    [422, 'SOURCE_BAD_REQUEST'],
    [429, 'SOURCE_RATE_LIMITED'],
    [500, 'SOURCE_UNAVAILABLE'],
    [503, 'SOURCE_UNAVAILABLE'],
    [302, 'SOURCE_BAD_RESPONSE'],
    [200, 'SOURCE_BAD_RESPONSE'],
  ])('HTTP %i → %s', (status, code) => {
    expect(httpFailure(res(status), op, ctx).code).toBe(code);
  });

  it('a 403 on /validate is the API key, named with the site', () => {
    const e = httpFailure(res(403, raw('validate.403-invalid-key.response.json')), { name: 'check the API key', auth: 'api_key', idempotent: true }, ctx);
    expect(e.message).toBe('The API key was rejected by datadoghq.eu. Check the key, and that it belongs to this site.');
  });
});

describe('classifyNetworkError', () => {
  const wrap = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('x'), { code }) });

  it.each([
    ['ECONNREFUSED', 'SOURCE_UNREACHABLE', false],
    ['ENOTFOUND', 'SOURCE_UNREACHABLE', false],
    ['ECONNRESET', 'SOURCE_UNREACHABLE', true],
    ['UND_ERR_SOCKET', 'SOURCE_UNREACHABLE', true],
    ['CERT_HAS_EXPIRED', 'SOURCE_TLS', false],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SOURCE_TLS', false],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'SOURCE_TLS', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SOURCE_TLS', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'SOURCE_TLS', false],
  ])('%s → %s (may have arrived: %s)', (code, vigil, arrived) => {
    const e = classifyNetworkError(wrap(code), 'api.datadoghq.com');
    expect(e.code).toBe(vigil);
    expect(e.requestMayHaveArrived).toBe(arrived);
    expect(e.message).toContain('api.datadoghq.com');
  });

  it('finds codes inside an AggregateError (happy eyeballs)', () => {
    const agg = Object.assign(new TypeError('fetch failed'), { cause: new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]) });
    expect(classifyNetworkError(agg, 'h').osCode).toBe('ECONNREFUSED');
  });
});

describe('retry decisions', () => {
  const policy: RetryPolicy = { maxRetries: 5, maxWaitMs: 60_000, baseDelayMs: 1_000, random: () => 0.5 };
  const read: Operation = { name: 'read', auth: 'api_and_app_key', idempotent: true };
  const create: Operation = { name: 'create a case', auth: 'api_and_app_key', idempotent: false };
  const http = (status: number, headers: Record<string, string> = {}) => ({ kind: 'http' as const, response: { status, headers, body: '' } });
  const net = (arrived: boolean) => ({ kind: 'transport' as const, error: new TransportError('SOURCE_UNREACHABLE', 'x', arrived, true) });

  it('retries 429 for everything, 5xx and resets only for idempotent operations', () => {
    expect(decide(http(429, { 'x-ratelimit-reset': '3' }), 0, create, policy)).toEqual({ retry: true, reason: 'rate_limited', waitMs: 3000 });
    expect(decide(http(502), 0, read, policy)).toEqual({ retry: true, reason: 'server_error', waitMs: 750 });
    expect(decide(http(502), 0, create, policy)).toEqual({ retry: false });
    expect(decide(net(true), 1, read, policy)).toEqual({ retry: true, reason: 'network', waitMs: 1500 });
    expect(decide(net(true), 0, create, policy)).toEqual({ retry: false });
    expect(decide(net(false), 0, create, policy)).toMatchObject({ retry: true });
    expect(decide(http(400), 0, read, policy)).toEqual({ retry: false });
    expect(decide(http(429), 5, read, policy)).toEqual({ retry: false });
  });

  it('falls back to backoff when a 429 has no reset header, and never waits past the cap', () => {
    expect(decide(http(429), 2, read, policy)).toEqual({ retry: true, reason: 'rate_limited', waitMs: 3000 });
    expect(decide(http(503), 10, read, { ...policy, maxRetries: 20, maxWaitMs: 8_000 })).toMatchObject({ waitMs: 6000 });
  });
});

describe('TLS', () => {
  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasOpenssl)('a self-signed certificate is SOURCE_TLS and is not retried', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
      const server = createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_q, r) => r.end('{}'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      try {
        let waited = 0;
        const c = createDatadogClient({
          baseUrl: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
          apiKey: 'k'.repeat(32),
          appKey: 'a'.repeat(40),
          onWait: () => waited++,
        });
        const v = await c.validate();
        expect(v).toMatchObject({ ok: false, code: 'SOURCE_TLS' });
        expect(waited).toBe(0);
        await expect(c.getSignal('x')).rejects.toBeInstanceOf(VigilError);
      } finally {
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
