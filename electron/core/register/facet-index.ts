// The queue's counts, in memory: the finding_facets table (one row per combination of status,
// severity, priority, assignee, tactic, technique) loaded once and kept exact by the register's own
// writes. A count is then a pass over a few thousand small rows, not a query; a commit by another
// connection (PRAGMA data_version) reloads it.
import { SEVERITIES, type QueueFilter } from '../../../shared/domain';
import type { DB } from './database';

export type FacetDims = readonly [status: string, severity: string, priority: string, assignee: string, tactic: string, technique: string];
export type FacetDim = 'status' | 'severity' | 'priority' | 'assignee' | 'tactic' | 'technique';
const DIM_INDEX: Record<FacetDim, number> = { status: 0, severity: 1, priority: 2, assignee: 3, tactic: 4, technique: 5 };

interface Row {
  d: FacetDims;
  n: number;
}

export class FacetIndex {
  private rows: Row[] = [];
  private byKey = new Map<string, Row>();
  private dataVersion: number | null = null;
  /** counts already taken since the last change: paging through one view asks the same count each page */
  private counted = new Map<string, number>();

  constructor(private readonly db: DB) {}

  invalidate(): void {
    this.dataVersion = null;
    this.counted.clear();
  }

  private ensure(): void {
    const v = this.db.pragma('data_version', { simple: true }) as number;
    if (this.dataVersion === v) return;
    const rows = this.db.prepare('SELECT status, severity, priority, assignee, tactic, technique, n FROM finding_facets WHERE n <> 0').raw().all() as [string, string, string, string, string, string, number][];
    this.rows = [];
    this.byKey.clear();
    for (const r of rows) {
      const row: Row = { d: [r[0], r[1], r[2], r[3], r[4], r[5]], n: r[6] };
      this.rows.push(row);
      this.byKey.set(row.d.join('\u0000'), row);
    }
    this.dataVersion = v;
    this.counted.clear();
  }

  /** Mirror a committed change (the table itself was changed in SQL, by the ingester or a trigger). */
  bump(d: FacetDims, delta: number): void {
    if (this.dataVersion === null) return; // not loaded: the next read loads the truth
    this.counted.clear();
    const key = d.join('\u0000');
    const row = this.byKey.get(key);
    if (row) row.n += delta;
    else {
      const r: Row = { d, n: delta };
      this.rows.push(r);
      this.byKey.set(key, r);
    }
  }

  count(f: QueueFilter): number {
    this.ensure();
    const key = JSON.stringify([f.status, f.severity, f.priority, f.assignee, f.tactic, f.technique]);
    const known = this.counted.get(key);
    if (known !== undefined) return known;
    const test = predicate(f);
    let n = 0;
    for (const r of this.rows) if (test(r.d)) n += r.n;
    if (this.counted.size >= 1000) this.counted.clear();
    this.counted.set(key, n);
    return n;
  }

  groupBy(dim: FacetDim): { value: string; count: number }[] {
    this.ensure();
    const i = DIM_INDEX[dim];
    const m = new Map<string, number>();
    for (const r of this.rows) m.set(r.d[i]!, (m.get(r.d[i]!) ?? 0) + r.n);
    return [...m]
      .filter(([, c]) => c > 0)
      .map(([value, count]) => ({ value, count }))
      .sort((a, b) => b.count - a.count);
  }
}

function predicate(f: QueueFilter): (d: FacetDims) => boolean {
  const tests: ((d: FacetDims) => boolean)[] = [];
  const inSet = (i: number, values: readonly string[] | undefined) => {
    if (!values?.length) return;
    const s = new Set(values);
    tests.push((d) => s.has(d[i]!));
  };
  inSet(0, f.status);
  inSet(1, f.severity?.filter((x) => (SEVERITIES as readonly string[]).includes(x)));
  inSet(2, f.priority);
  inSet(3, f.assignee);
  inSet(4, f.tactic);
  if (f.technique?.length) {
    const exact = new Set(f.technique.filter((t) => t.includes('.')));
    const parents = new Set(f.technique.filter((t) => !t.includes('.')));
    tests.push((d) => exact.has(d[5]) || parents.has(d[5].slice(0, 5)));
  }
  return (d) => tests.every((t) => t(d));
}
