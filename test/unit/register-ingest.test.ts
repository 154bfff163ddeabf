// Signals in: revisions by content hash, findings opened once, bad payloads quarantined.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QueueQuery } from '../../shared/domain';
import type { Register } from '../../electron/core/register/register';
import { newRegister, tempDir } from '../support/workspace';
import { variant, RECORDED_SIGNALS } from '../support/signals';

let t: ReturnType<typeof tempDir>;
let r: Register;
beforeEach(async () => {
  t = tempDir();
  r = await newRegister(t.dir);
});
afterEach(() => {
  r.close();
  t.cleanup();
});

describe('signal ingest', () => {
  it('opens one finding per new signal, with severity, technique and tactic from the signal', () => {
    const res = r.ingestSignals(RECORDED_SIGNALS, { actor: 'sync' });
    expect(res.inserted).toBe(RECORDED_SIGNALS.length);
    const page = r.queuePage(QueueQuery.parse({}));
    const row = page.rows.find((x) => x.dd_signal_id === (RECORDED_SIGNALS[0] as { id: string }).id)!;
    expect(row).toMatchObject({ status: 'new', severity: 'high', priority: 'P2', mitre_technique: 'T1556', mitre_tactic: 'TA0003' });
    expect(row.title).toBe('PAM Configuration Files Modification');
  });

  it('re-ingesting the same signal changes nothing; a changed one gets a new revision and keeps the old', () => {
    r.ingestSignals([variant(1)], { actor: 'sync' });
    expect(r.ingestSignals([variant(1)], { actor: 'sync' })).toMatchObject({ inserted: 0, unchanged: 1, revised: 0 });
    const res = r.ingestSignals([variant(1, { message: '%%%\nupdated\n%%%' })], { actor: 'sync' });
    expect(res).toMatchObject({ inserted: 0, revised: 1 });
    const f = r.finding(1)!;
    expect(f.signal.revision).toBe(2);
    expect(f.signal.revisions.map((x) => x.revision)).toEqual([1, 2]);
    expect(f.signal.revisions[0]!.content_hash).not.toBe(f.signal.revisions[1]!.content_hash);
    expect(r.facets().total).toBe(1);
  });

  it('quarantines a malformed payload with its reason while the rest of the batch lands', () => {
    const bad = [{ id: 'x1', attributes: { timestamp: 'not a date' } }, { nope: true }, variant(3, { status: 'apocalyptic' })];
    const res = r.ingestSignals([variant(1), ...bad, variant(2)], { actor: 'sync' });
    expect(res.inserted).toBe(2);
    expect(res.quarantined).toHaveLength(3);
    expect(res.quarantined[0]!.reason).toMatch(/timestamp/);
    expect(res.quarantined[2]!.reason).toMatch(/severity "apocalyptic"/);
    const q = r.unsafeHandle().prepare('SELECT count(*) AS n FROM quarantine').get() as { n: number };
    expect(q.n).toBe(3);
  });

  it('accepts the get shape (attributes.custom) and deduplicates tags', () => {
    const s = variant(5) as { attributes: Record<string, unknown> };
    s.attributes['custom'] = s.attributes['attributes'];
    delete s.attributes['attributes'];
    r.ingestSignals([s], { actor: 'sync' });
    const d = r.finding(1)!;
    expect(d.row.title).toBe('PAM Configuration Files Modification');
    const tags = (d.signal.payload as { attributes: { tags: string[] } }).attributes.tags;
    expect(tags.length).toBeGreaterThan(new Set(tags).size); // the payload is kept as received
  });
});
