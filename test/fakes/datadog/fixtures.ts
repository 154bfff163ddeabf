// Recorded Datadog traffic (shared/reference/datadog/examples) for the fake and for tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SearchSignal } from './state';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../../../shared/reference/datadog/examples/', import.meta.url));

export function example<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(`${EXAMPLES_DIR}${name}`, 'utf8')) as T;
}

/** The two signals of the recorded search page 1 (limit 2). */
export function recordedPage1Signals(): SearchSignal[] {
  return example<{ data: SearchSignal[] }>('signals-search.page1.response.json').data;
}

/**
 * The recorded three-page walk holds three signals, but only page 1's body was kept. The page-2
 * signal's id is known (it is the `after` inside the page-3 cursor) and Datadog signal ids carry
 * their timestamp (bytes 1–8, big-endian epoch ms), so it is rebuilt from the page-1 sibling with
 * that id and time — 2022-04-12T13:54:11.485Z.
 */
export const RECORDED_PAGE2_SIGNAL_ID = 'AQAAAYAeDaGdCLwmPgAAAABBWUFlRGFHZEFBREkydjJnb1BJazRnQUE';

export function recordedPaginationSignals(): SearchSignal[] {
  const [a, b] = recordedPage1Signals();
  if (!a || !b) throw new Error('recorded page 1 should hold two signals');
  const c = structuredClone(b);
  c.id = RECORDED_PAGE2_SIGNAL_ID;
  c.attributes.timestamp = new Date(timestampFromSignalId(RECORDED_PAGE2_SIGNAL_ID)).toISOString();
  return [a, b, c];
}

export function timestampFromSignalId(id: string): number {
  const bytes = Buffer.from(id, 'base64url');
  return Number(bytes.readBigUInt64BE(1));
}
