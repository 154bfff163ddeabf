// One signals search answer, decoded: the body parsed as JSON, checked against the list shape, and
// every signal validated (the shared zod schema) and hashed (signals/prepare.ts). Pure and
// synchronous, so it runs the same in the page worker (page-worker.ts) and, when no worker can be
// had, on the calling thread. The result is plain data a worker can post back.
import { z } from 'zod';
import { isQuarantined, prepareSignals, type PreparedSignal } from '../../signals/prepare';
import { summarizeErrorBody } from './failures';

export const SignalListBody = z.looseObject({
  data: z.array(z.unknown()),
  meta: z.looseObject({ page: z.looseObject({ after: z.string().nullish() }).nullish() }).nullish(),
});

export type DecodedPage =
  /** `after` is meta.page.after as sent (null when absent) */
  | { ok: true; count: number; after: string | null; prepared: PreparedSignal[] }
  /** not usable: an HTML page, not JSON, or not the documented shape (why) */
  | { ok: false; html: boolean; why?: string };

export function decodeSignalPage(body: string, contentType?: string): DecodedPage {
  const text = body.trim();
  let raw: unknown = null;
  if (text) {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, html: summarizeErrorBody(text, contentType).html };
    }
  }
  const parsed = SignalListBody.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    return { ok: false, html: false, why: `unexpected ${where}: ${issue?.message ?? 'shape'}` };
  }
  const page = parsed.data;
  return { ok: true, count: page.data.length, after: page.meta?.page?.after ?? null, prepared: prepareSignals(page.data) };
}

/**
 * Moves every signal's canonical payload into one buffer, each signal keeping a view of its bytes,
 * and returns the buffer for the worker to transfer. The main thread then binds the bytes straight
 * to the register: a page's 3.5 MB of payload text is neither copied again nor left on the main
 * thread's heap to be collected.
 */
export function packCanonical(prepared: PreparedSignal[]): ArrayBuffer {
  let total = 0;
  for (const p of prepared) if (!isQuarantined(p) && typeof p.canonical === 'string') total += Buffer.byteLength(p.canonical);
  const buffer = new ArrayBuffer(total);
  const bytes = Buffer.from(buffer);
  let offset = 0;
  for (const p of prepared) {
    if (isQuarantined(p) || typeof p.canonical !== 'string') continue;
    const n = bytes.write(p.canonical, offset, 'utf8');
    p.canonical = new Uint8Array(buffer, offset, n);
    offset += n;
  }
  return buffer;
}
