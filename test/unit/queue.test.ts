// The queue's SQL against a brute-force computation over every finding, plus its plans.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueQuery, SEVERITIES, FINDING_STATUSES, type QueueQuery as QueueQueryInput, type QueueRow } from '../../shared/domain';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { populateDemo } from '../../electron/core/demo/demo-workspace';
import { ftsQuery } from '../../electron/core/register/queue';
import type { Register } from '../../electron/core/register/register';
import { newRegister, tempDir } from '../support/workspace';

let t: ReturnType<typeof tempDir>;
let reg: Register;
let all: QueueRow[];

beforeAll(async () => {
  t = tempDir();
  reg = await newRegister(t.dir);
  populateDemo(reg, { signals: 600, catalog: AttackCatalog.load() });
  all = [];
  for (let offset = 0; ; offset += 500) {
    const p = reg.queuePage(QueueQuery.parse({ sort: { field: 'finding_id', dir: 'asc' }, offset, limit: 500 }));
    all.push(...p.rows);
    if (p.rows.length < 500) break;
  }
});
afterAll(() => {
  reg.close();
  t.cleanup();
});

const rank = (field: string, v: unknown): unknown => {
  if (v === null) return null;
  if (field === 'severity') return SEVERITIES.indexOf(v as never);
  if (field === 'status') return FINDING_STATUSES.indexOf(v as never);
  if (field === 'finding_id') return Number(String(v).slice(4));
  if (field === 'blast_radius') return null; // sorted by entity count, checked separately
  return v;
};

function cmp(a: unknown, b: unknown): number {
  // SQLite: NULL sorts first ascending; numbers before text; text by bytes (ASCII here).
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

function expected(q: QueueQueryInput): QueueRow[] {
  const p = QueueQuery.parse(q);
  const f = p.filter;
  const rows = all.filter(
    (r) =>
      (!f.status || f.status.includes(r.status)) &&
      (!f.severity || f.severity.includes(r.severity)) &&
      (!f.priority || f.priority.includes(r.priority)) &&
      (!f.assignee || f.assignee.includes(r.assignee ?? '')) &&
      (!f.tactic || f.tactic.includes(r.mitre_tactic ?? '')) &&
      (!f.technique || f.technique.some((t) => r.mitre_technique === t || (!t.includes('.') && r.mitre_technique?.startsWith(t + '.')))),
  );
  const dir = p.sort.dir === 'asc' ? 1 : -1;
  const field = p.sort.field;
  const id = (r: QueueRow) => Number(r.finding_id.slice(4));
  return rows.sort((a, b) => dir * (cmp(rank(field, a[field as keyof QueueRow]), rank(field, b[field as keyof QueueRow])) || id(a) - id(b)));
}

const CASES: QueueQueryInput[] = [
  { sort: { field: 'finding_id', dir: 'desc' } },
  { sort: { field: 'severity', dir: 'desc' } },
  { sort: { field: 'status', dir: 'asc' } },
  { sort: { field: 'assignee', dir: 'asc' } },
  { sort: { field: 'created_at', dir: 'desc' } },
  { sort: { field: 'mitre_technique', dir: 'asc' } },
  { sort: { field: 'risk_score', dir: 'desc' } },
  { sort: { field: 'analyst_signoff', dir: 'asc' } },
  { filter: { status: ['new'] }, sort: { field: 'finding_id', dir: 'desc' } },
  { filter: { status: ['signed', 'contained'] }, sort: { field: 'severity', dir: 'desc' } },
  { filter: { severity: ['critical', 'high'] }, sort: { field: 'created_at', dir: 'asc' } },
  { filter: { priority: ['P1'] }, sort: { field: 'title', dir: 'asc' } },
  { filter: { assignee: [''] }, sort: { field: 'finding_id', dir: 'desc' } },
  { filter: { assignee: ['', 'amara.okafor'] }, sort: { field: 'priority', dir: 'asc' } },
  { filter: { tactic: ['TA0006'] }, sort: { field: 'finding_id', dir: 'desc' } },
  { filter: { technique: ['T1110'] }, sort: { field: 'updated_at', dir: 'desc' } },
  { filter: { technique: ['T1078.004', 'T1098'] }, sort: { field: 'finding_id', dir: 'asc' } },
  { filter: { status: ['in_review'], severity: ['medium', 'high'], tactic: ['TA0006', 'TA0003'] }, sort: { field: 'status', dir: 'desc' } },
];

describe('queue', () => {
  it('the demo has findings in every status', () => {
    expect(new Set(all.map((r) => r.status))).toEqual(new Set(FINDING_STATUSES));
    expect(all.length).toBe(600);
  });

  it.each(CASES.map((c) => [JSON.stringify(c), c] as const))('%s matches the brute-force order and count, page by page', (_, q) => {
    const want = expected(q);
    const got: QueueRow[] = [];
    let total = -1;
    for (let offset = 0; offset < want.length + 37; offset += 37) {
      const p = reg.queuePage(QueueQuery.parse({ ...q, offset, limit: 37 }));
      total = p.total;
      expect(p.totalExact).toBe(true);
      got.push(...p.rows);
    }
    expect(total).toBe(want.length);
    expect(got.map((r) => r.finding_id)).toEqual(want.map((r) => r.finding_id));
  });

  it('facet counts equal brute-force counts', () => {
    const f = reg.facets();
    expect(f.total).toBe(all.length);
    for (const { value, count } of f.status) expect(count).toBe(all.filter((r) => r.status === value).length);
    for (const { value, count } of f.assignee) expect(count).toBe(all.filter((r) => (r.assignee ?? '') === value).length);
  });

  it('counts stay exact after updates move findings between facets', () => {
    const before = reg.queuePage(QueueQuery.parse({ filter: { status: ['closed'] } })).total;
    const victim = all.find((r) => r.status === 'new')!;
    reg.updateFinding(Number(victim.finding_id.slice(4)), { status: 'closed' }, 'test', { reason: 'duplicate' });
    expect(reg.queuePage(QueueQuery.parse({ filter: { status: ['closed'] } })).total).toBe(before + 1);
    reg.updateFinding(Number(victim.finding_id.slice(4)), { status: 'new' }, 'test', { reason: 'reopened' });
    expect(reg.queuePage(QueueQuery.parse({ filter: { status: ['closed'] } })).total).toBe(before);
  });

  it('full-text search finds words in the title, message and entities, newest first', () => {
    const title = all[10]!.title;
    const word = title.split(/\W+/).find((w) => w.length > 4)!;
    const p = reg.queuePage(QueueQuery.parse({ filter: { search: word }, sort: { field: 'finding_id', dir: 'desc' }, limit: 500 }));
    expect(p.total).toBeGreaterThan(0);
    const ids = p.rows.map((r) => Number(r.finding_id.slice(4)));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // Every finding whose title holds the word is found.
    const byTitle = all.filter((r) => r.title.toLowerCase().split(/\W+/).some((w) => w.startsWith(word.toLowerCase())));
    for (const r of byTitle) expect(ids).toContain(Number(r.finding_id.slice(4)));
    // Combined with a filter and another sort.
    const f = reg.queuePage(QueueQuery.parse({ filter: { search: word, status: ['new'] }, sort: { field: 'severity', dir: 'desc' } }));
    expect(f.rows.every((r) => r.status === 'new')).toBe(true);
  });

  it('search input cannot inject FTS syntax', () => {
    expect(ftsQuery('"; DROP TABLE findings; --')).toBe('"DROP" AND "TABLE" AND "findings"');
    expect(ftsQuery('NEAR(a b) OR c*')).toBe('"NEAR" AND "a" AND "b" AND "OR" AND "c"*');
    expect(ftsQuery('okta brute*')).toBe('"okta" AND "brute"*');
    expect(ftsQuery('   ')).toBeNull();
    expect(() => reg.queuePage(QueueQuery.parse({ filter: { search: 'a" OR "b' } }))).not.toThrow();
  });

  it('hot queries run on an index (no full scan of findings)', () => {
    const db = reg.unsafeHandle();
    for (const q of CASES) {
      const plan = reg.queuePlan(QueueQuery.parse(q));
      if (!plan.rows) continue;
      const lines = (db.prepare(`EXPLAIN QUERY PLAN ${plan.rows.sql}`).all(...plan.rows.params) as { detail: string }[]).map((l) => l.detail);
      const fullScan = lines.filter((l) => /^SCAN findings$/.test(l));
      // A rowid walk is the finding_id index itself.
      if (QueueQuery.parse(q).sort.field === 'finding_id' && !q.filter) continue;
      expect(fullScan, `${JSON.stringify(q)}: ${lines.join(' | ')}`).toEqual([]);
    }
  });
});
