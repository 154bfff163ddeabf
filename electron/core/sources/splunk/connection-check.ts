// "Test connection" for the settings screen: one line per thing that can be wrong, in the order a
// person fixes them (network → certificate → token → saved search), so the first red line is the
// one to act on. Later checks that could not run say so instead of pretending to fail on their own.
import { isVigilError, type ErrorCode } from '../../../../shared/errors';
import type { ServerInfo, SplunkClient } from './client';

export type CheckName = 'reachable' | 'tls' | 'token' | 'saved_search';

export interface ConnectionCheck {
  name: CheckName;
  ok: boolean;
  code?: ErrorCode;
  message: string;
}

export interface ConnectionReport {
  ok: boolean;
  checks: ConnectionCheck[];
  server?: ServerInfo;
}

/** Which step an error from server/info belongs to. */
const STAGE: Partial<Record<ErrorCode, CheckName>> = {
  SOURCE_TLS: 'tls',
  SOURCE_NOT_CONFIGURED: 'tls', // the only setting read lazily is the CA file
  SOURCE_AUTH_FAILED: 'token',
  SOURCE_FORBIDDEN: 'token',
};

const ORDER: CheckName[] = ['reachable', 'tls', 'token'];

export async function checkConnection(
  client: SplunkClient,
  base: string,
  opts: { signal?: AbortSignal; savedSearch?: string },
): Promise<ConnectionReport> {
  const host = new URL(base).host;
  const https = base.startsWith('https:');
  const checks: ConnectionCheck[] = [];
  let server: ServerInfo | undefined;
  const passed: Record<CheckName, string> = {
    reachable: `splunkd answered at ${host}`,
    tls: https ? 'The certificate was verified' : 'Plain HTTP on this computer (loopback only); no TLS',
    token: '',
    saved_search: '',
  };
  try {
    server = await client.serverInfo({ refresh: true, signal: opts.signal });
    const name = server.serverName ? ` (${server.serverName})` : '';
    passed.token = `Token accepted by Splunk ${server.version}${name}, search API ${server.searchApi}`;
    for (const n of ORDER) checks.push({ name: n, ok: true, message: passed[n] });
  } catch (e) {
    if (!isVigilError(e) || e.code === 'CANCELLED') throw e;
    const failed = STAGE[e.code] ?? 'reachable';
    const f = ORDER.indexOf(failed);
    // A bad CA file fails before any connection is tried: nothing before it is known to work.
    const earlierPassed = e.code !== 'SOURCE_NOT_CONFIGURED';
    ORDER.forEach((name, i) => {
      if (i === f) checks.push({ name, ok: false, code: e.code, message: e.message });
      else if (i < f && earlierPassed) checks.push({ name, ok: true, message: passed[name] });
      else checks.push({ name, ok: false, message: `Not checked: the ${failed} check failed` });
    });
  }

  if (opts.savedSearch !== undefined) {
    if (server) {
      try {
        const s = await client.findSavedSearch(opts.savedSearch, { signal: opts.signal });
        checks.push({ name: 'saved_search', ok: true, message: `Found "${s.name}" in app ${s.app} (owner ${s.owner})` });
      } catch (e) {
        if (!isVigilError(e) || e.code === 'CANCELLED') throw e;
        checks.push({ name: 'saved_search', ok: false, code: e.code, message: e.message });
      }
    } else {
      checks.push({ name: 'saved_search', ok: false, message: 'Not checked: the connection failed' });
    }
  }
  return { ok: checks.every((c) => c.ok), checks, ...(server ? { server } : {}) };
}
