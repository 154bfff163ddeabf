// Signal pages decoded in the page worker (sources/datadog/page-decoder.ts): the production client
// against the fake Datadog, compared with the same page read and prepared on this thread; the
// failures the worker path must still name exactly (bad JSON, an HTML page, a reset, a timeout, a
// cancel, a 429 honoured); and the pure decoder itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VigilError } from '../../shared/errors';
import { createDatadogClient, type DatadogClientConfig } from '../../electron/core/sources/datadog';
import { decodeSignalPage } from '../../electron/core/sources/datadog/page-decode';
import { pageWorker } from '../../electron/core/sources/datadog/page-decoder';
import { isQuarantined, prepareSignals, type PreparedSignal } from '../../electron/core/signals/prepare';
import { recordedPage1Signals, recordedPaginationSignals } from '../fakes/datadog/fixtures';
import { FAKE_API_KEY, FAKE_APP_KEY, type FakeDatadog, startFakeDatadog } from '../fakes/datadog/server';
import { RECORDED_SIGNALS } from '../support/signals';

const SEARCH = '/api/v2/security_monitoring/signals/search';
const WINDOW = { from: new Date('2022-04-12T13:00:00Z'), to: new Date('2022-04-12T14:00:00Z') };
const PARAMS = { query: '*', ...WINDOW, limit: 2, sort: 'timestamp' as const };

let dd: FakeDatadog;
let sleeps: number[];
beforeEach(async () => {
  dd = await startFakeDatadog({ signals: recordedPaginationSignals() });
  sleeps = [];
});
afterEach(async () => {
  pageWorker.release();
  await dd.close();
});

function client(over: Partial<DatadogClientConfig> = {}) {
  return createDatadogClient({
    baseUrl: dd.url,
    apiKey: FAKE_API_KEY,
    appKey: FAKE_APP_KEY,
    maxRetries: 2,
    sleep: async (ms) => void sleeps.push(ms),
    ...over,
  });
}

/** A prepared signal with its canonical payload as text, however it arrived. */
function asText(p: PreparedSignal): PreparedSignal {
  return isQuarantined(p) || typeof p.canonical === 'string' ? p : { ...p, canonical: new TextDecoder().decode(p.canonical) };
}

async function failure(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected a VigilError');
}

describe('searchSignalsPrepared (page worker)', () => {
  it('gives exactly what the page read here and prepared here gives, cursor included', async () => {
    const c = client();
    const raw = await c.searchSignalsPage(PARAMS);
    const prepared = await c.searchSignalsPrepared(PARAMS);
    expect(pageWorker.available).toBe(true);
    expect(prepared.count).toBe(raw.signals.length);
    expect(prepared.nextCursor).toBe(raw.nextCursor);
    // The payloads cross as UTF-8 bytes of one transferred buffer; as text they are the same.
    for (const p of prepared.prepared) if (!isQuarantined(p)) expect(p.canonical).toBeInstanceOf(Uint8Array);
    expect(prepared.prepared.map(asText)).toEqual(prepareSignals(raw.signals));
    // The request was the official client's, sent once per call.
    const searches = dd.requests.filter((r) => r.path === SEARCH);
    expect(searches).toHaveLength(2);
    expect(searches[1]!.body).toEqual(searches[0]!.body);
  });

  it('decodes a full page of real-size signals (1,000 of the recorded ~21 KB) without the worker running out of heap', async () => {
    // The recorded signals carry ~16 KB of sample events each; a page of them is a ~21 MB body.
    const [template] = recordedPage1Signals();
    const from = WINDOW.from.getTime();
    const big = Array.from({ length: 1000 }, (_, i) => {
      const s = structuredClone(template!);
      s.id = `${s.id.slice(0, -8)}${String(i).padStart(8, '0')}`;
      s.attributes.timestamp = new Date(from + i * 1000).toISOString();
      return s;
    });
    expect(JSON.stringify(big).length).toBeGreaterThan(20_000_000);
    await dd.close();
    dd = await startFakeDatadog({ signals: big });
    const p = await client({ timeoutMs: 60_000 }).searchSignalsPrepared({ ...PARAMS, limit: 1000 });
    expect(p.count).toBe(1000);
    expect(p.prepared.filter(isQuarantined)).toEqual([]);
    // Decoded in the worker, which is still there for the next page (a worker that died would
    // have left this page, and every later one, to the main thread).
    expect(pageWorker.available).toBe(true);
  }, 60_000);

  it('walks to the empty page and stops, like searchSignalsPage', async () => {
    const c = client();
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const p = await c.searchSignalsPrepared({ ...PARAMS, cursor });
      pages.push(p.count);
      cursor = p.nextCursor;
    } while (cursor !== null);
    expect(pages).toEqual([2, 1, 0]);
  });

  it('names malformed JSON and an HTML page as SOURCE_BAD_RESPONSE, without retrying', async () => {
    dd.faults.next(SEARCH, { kind: 'malformed_json' });
    const bad = await failure(client().searchSignalsPrepared(PARAMS));
    expect(bad.code).toBe('SOURCE_BAD_RESPONSE');
    expect(bad.message).toContain('not valid JSON');
    dd.faults.next(SEARCH, { kind: 'html', status: 200 });
    const html = await failure(client().searchSignalsPrepared(PARAMS));
    expect(html.code).toBe('SOURCE_BAD_RESPONSE');
    expect(html.message).toContain('HTML');
    expect(sleeps).toEqual([]);
  });

  it('honours a 429 (X-RateLimit-Reset) and retries a reset connection, through the worker', async () => {
    dd.faults.next(SEARCH, { kind: 'rate_limit', resetSeconds: 3 });
    dd.faults.next(SEARCH, { kind: 'reset', phase: 'before_headers' });
    const p = await client().searchSignalsPrepared(PARAMS);
    expect(p.count).toBe(2);
    expect(sleeps[0]).toBe(3000);
    expect(sleeps).toHaveLength(2);
  });

  it('times out a stalled body, and cancels on the caller’s signal', async () => {
    dd.faults.next(SEARCH, { kind: 'delay', ms: 2_000, phase: 'body' });
    const slow = await failure(client({ timeoutMs: 300 }).searchSignalsPrepared(PARAMS));
    expect(slow.code).toBe('SOURCE_TIMEOUT');
    dd.faults.next(SEARCH, { kind: 'delay', ms: 2_000, phase: 'headers' });
    const ac = new AbortController();
    const p = client().searchSignalsPrepared(PARAMS, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    expect((await failure(p)).code).toBe('CANCELLED');
  });
});

describe('decodeSignalPage', () => {
  it('validates and hashes every signal; a bad one is quarantined with its reason', () => {
    const body = JSON.stringify({ data: [RECORDED_SIGNALS[0], { id: 'broken', attributes: {} }], meta: { page: { after: 'c1' } } });
    const page = decodeSignalPage(body, 'application/json');
    expect(page).toMatchObject({ ok: true, count: 2, after: 'c1' });
    if (!page.ok) return;
    expect(isQuarantined(page.prepared[0]!)).toBe(false);
    expect(page.prepared[1]).toMatchObject({ quarantine: { ddSignalId: 'broken', reason: expect.stringContaining('attributes.timestamp') } });
  });

  it('tells JSON that is not a page from a body that is not JSON at all', () => {
    expect(decodeSignalPage('{"data": {}}')).toEqual({ ok: false, html: false, why: expect.stringContaining('unexpected data') });
    expect(decodeSignalPage('{"data": [')).toEqual({ ok: false, html: false });
    expect(decodeSignalPage('<html><body>502</body></html>', 'text/html')).toEqual({ ok: false, html: true });
  });
});
