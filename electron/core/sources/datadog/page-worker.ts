// The signal sync's page worker. For a signals search it makes the HTTP exchange the transport
// would (same request bytes, timeout over headers and body, no redirects) and, for a 2xx, decodes
// the page (page-decode.ts: JSON, list shape, every signal validated and hashed). The main thread
// meanwhile commits the page before: its event loop is blocked by the synchronous register, so a
// response read there would wait for the commit. Retries, waits and error wording stay with the call
// loop on the main thread; this only reports what happened. No register, no Datadog client here.
import { parentPort } from 'node:worker_threads';
import { collectCodes } from './net-codes';
import { decodeSignalPage, packCanonical, type DecodedPage } from './page-decode';

export interface WorkerFetch {
  type: 'fetch';
  id: number;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

export type WorkerReply =
  | { id: number; kind: 'response'; status: number; headers: Record<string, string>; body: string; decoded?: DecodedPage }
  | { id: number; kind: 'error'; timedOut: boolean; aborted: boolean; codes: string[] };

const inflight = new Map<number, AbortController>();

async function exchange(m: WorkerFetch): Promise<WorkerReply> {
  const ctrl = new AbortController();
  inflight.set(m.id, ctrl);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, m.timeoutMs);
  try {
    const res = await fetch(m.url, { method: m.method, headers: m.headers, body: m.body, signal: ctrl.signal, redirect: 'manual' });
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    if (res.status >= 200 && res.status < 300) {
      let decoded: DecodedPage | null = null;
      try {
        decoded = decodeSignalPage(text, headers['content-type']);
      } catch {
        // Unexpected: hand the body over and let the main thread decode (and fail) it the same way.
      }
      if (decoded) return { id: m.id, kind: 'response', status: res.status, headers, body: '', decoded };
    }
    return { id: m.id, kind: 'response', status: res.status, headers, body: text };
  } catch (e) {
    return { id: m.id, kind: 'error', timedOut, aborted: ctrl.signal.aborted && !timedOut, codes: collectCodes(e) };
  } finally {
    clearTimeout(timer);
    inflight.delete(m.id);
  }
}

parentPort?.on('message', (m: WorkerFetch | { type: 'abort'; id: number }) => {
  if (m.type === 'abort') {
    inflight.get(m.id)?.abort();
    return;
  }
  void exchange(m).then((reply) => {
    // A decoded page's payloads travel as one transferred buffer, not as 1,000 copied strings.
    const transfer = reply.kind === 'response' && reply.decoded?.ok ? [packCanonical(reply.decoded.prepared)] : [];
    parentPort!.postMessage(reply, transfer);
  });
});
