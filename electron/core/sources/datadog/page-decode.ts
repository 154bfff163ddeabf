// One signals search answer, decoded: the body parsed as JSON, checked against the list shape, and
// every signal validated (the shared zod schema) and hashed (signals/prepare.ts). Pure and
// synchronous, so it runs the same in the page worker (page-worker.ts) and, when no worker can be
// had, on the calling thread. The result is plain data a worker can post back.
import { z } from 'zod';
import { prepareSignals, type PreparedSignal } from '../../signals/prepare';
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
