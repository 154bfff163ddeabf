// Signals for tests, derived from the recorded Datadog search response.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const recorded = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../shared/reference/datadog/examples/signals-search.page1.response.json', import.meta.url)), 'utf8'),
) as { data: Record<string, unknown>[] };

export const RECORDED_SIGNALS = recorded.data;

/** A recorded signal with a new id and a few fields changed. */
export function variant(i: number, over: { status?: string; message?: string; tags?: string[]; timestamp?: string } = {}) {
  const base = structuredClone(RECORDED_SIGNALS[i % RECORDED_SIGNALS.length]!) as { id: string; attributes: Record<string, unknown> };
  base.id = `TEST${String(i).padStart(8, '0')}`;
  if (over.status) base.attributes['status'] = over.status;
  if (over.message) base.attributes['message'] = over.message;
  if (over.tags) base.attributes['tags'] = over.tags;
  if (over.timestamp) base.attributes['timestamp'] = over.timestamp;
  return base;
}
