// Deep queue pages walked in memory (queue-memo.ts) against the same pages from SQL: every sort,
// ties and NULLs, filters, sequential paging and jumps (checkpoints), and after writes that move
// rows (status, priority, assignee and title changes, new findings, another connection's commit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { QueueQuery, QUEUE_SORT_FIELDS, type QueueFilter, type QueueQuery as QueueQueryInput, type QueuePage, type QueueRow } from '../../shared/domain';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { populateDemo } from '../../electron/core/demo/demo-workspace';
import { iterateDemoSignals } from '../../electron/core/demo/signal-factory';
import { sqliteCompare } from '../../electron/core/register/queue-memo';
import { Register } from '../../electron/core/register/register';
import { newRegister, tempDir, TEST_PASSPHRASE } from '../support/workspace';

let t: ReturnType<typeof tempDir>;
let reg: Register;
let catalog: AttackCatalog;

beforeAll(async () => {
  t = tempDir();
  reg = await newRegister(t.dir);
  catalog = AttackCatalog.load();
  populateDemo(reg, { signals: 600, catalog });
});
afterAll(() => {
  reg.close();
  t.cleanup();
});

const FILTERS: QueueFilter[] = [
  {},
  { status: ['new'] },
  { status: ['in_review', 'drafted'], assignee: ['amara.okafor', ''] },
  { assignee: [''] },
  { severity: ['critical', 'high'], priority: ['P1', 'P2', 'P3'] },
  { tactic: ['TA0006', 'TA0003'] },
  { technique: ['T1110', 'T1078.004'] },
  { status: ['blocked', 'closed', 'new'], severity: ['medium', 'high', 'low'], tactic: ['TA0006', 'TA0003', 'TA0001'] },
];

/** Every page of a query by one path, in pages of `limit`, plus a few jumps out of order. */
function pages(q: QueueQueryInput, via: 'memo' | 'sql', limit: number, r = reg): QueuePage[] {
  const out: QueuePage[] = [];
  const first = r.queuePageVia(QueueQuery.parse({ ...q, offset: 0, limit }), via);
  out.push(first);
  for (let offset = limit; offset < first.total + limit; offset += limit) out.push(r.queuePageVia(QueueQuery.parse({ ...q, offset, limit }), via));
  // Jumps: deep first, then back, then an offset between checkpoints.
  for (const offset of [Math.floor(first.total * 0.8), 3, Math.floor(first.total / 2) + 17, first.total - 1]) {
    out.push(r.queuePageVia(QueueQuery.parse({ ...q, offset: Math.max(0, offset), limit }), via));
  }
  return out;
}

const ids = (ps: QueuePage[]) => ps.map((p) => [p.offset, p.total, p.rows.map((r) => r.finding_id).join(',')]);

function expectSame(q: QueueQueryInput, limit = 37, r = reg): void {
  const sql = pages(q, 'sql', limit, r);
  const memo = pages(q, 'memo', limit, r);
  expect(ids(memo), JSON.stringify(q)).toEqual(ids(sql));
  // Whole rows, not just ids: the memo path reads them by id.
  expect(memo[0]!.rows).toEqual(sql[0]!.rows);
}

function everyCase(): QueueQueryInput[] {
  const out: QueueQueryInput[] = [];
  for (const [i, field] of QUEUE_SORT_FIELDS.entries()) {
    for (const dir of ['asc', 'desc'] as const) out.push({ filter: FILTERS[(i + (dir === 'asc' ? 0 : 3)) % FILTERS.length]!, sort: { field, dir } });
  }
  for (const filter of FILTERS) for (const field of ['priority', 'title', 'signed_at'] as const) out.push({ filter, sort: { field, dir: 'asc' } });
  return out;
}

describe('queue memo', () => {
  it('orders values as SQLite does: NULL, numbers, then text by UTF-8 bytes', () => {
    const db = reg.unsafeHandle();
    const values = [null, 3, -1.5, 'b', 'B', 'a', '\uffff', '\u{1F600}', 'é', ''];
    const sqlOrder = db
      .prepare(`SELECT value FROM (SELECT json_extract(?, '$[' || key || ']') AS value FROM json_each(?)) ORDER BY value`)
      .pluck()
      .all(JSON.stringify(values), JSON.stringify(values));
    expect([...values].sort(sqliteCompare)).toEqual(sqlOrder);
  });

  it('every sort (ties, NULLs) and filter: memory pages equal SQL pages, in order and by jumps', () => {
    for (const q of everyCase()) expectSame(q);
    expect(reg.queueMemo().stats.rebuilds).toBe(1);
  });

  it('after updates that move rows between filters and within sorts, pages still equal SQL', () => {
    const cases = everyCase();
    for (const q of cases) reg.queuePageVia(QueueQuery.parse({ ...q, offset: 300, limit: 50 }), 'memo'); // orders built, checkpoints laid
    const patchesBefore = reg.queueMemo().stats.patches;
    // Open findings (a signed decision is read-only), spread over the id range.
    const some = reg.queuePageVia(QueueQuery.parse({ filter: { status: ['new', 'drafted'] }, sort: { field: 'finding_id', dir: 'asc' }, offset: 0, limit: 500 }), 'sql').rows;
    expect(some.length).toBeGreaterThan(260);
    const id = (k: number) => Number(some[k]!.finding_id.slice(4));
    reg.updateFinding(id(5), { status: 'closed' }, 'test', { reason: 'duplicate' });
    reg.updateFinding(id(6), { priority: 'P1', assignee: null }, 'test');
    reg.updateFinding(id(7), { assignee: 'amara.okafor', severity: 'critical' }, 'test');
    reg.updateFinding(id(8), { title: 'AAA first by title', risk_score: null }, 'test');
    reg.updateFinding(id(9), { title: 'zzz last by title', mitre_technique: 'T1110.001', mitre_tactic: 'TA0006' }, 'test');
    // Many ties: the same priority for a run of findings, then one of them back.
    reg.transaction(() => {
      for (let k = 100; k < 160; k++) reg.updateFinding(id(k), { priority: 'P2' }, 'test');
    });
    reg.updateFinding(id(120), { priority: 'P5' }, 'test');
    // NULL keys land among other NULLs by id (NULL sorts first ascending, last descending).
    for (const k of [255, 3, 200, 250]) reg.updateFinding(id(k), { assignee: null, risk_score: null, recommended_action: null }, 'test');
    reg.updateFinding(id(210), { assignee: 'li.wei', risk_score: 0 }, 'test');
    for (const q of cases) expectSame(q, 41);
    // A second round of NULLs lands between the first round's (now unchanged) NULLs.
    for (const k of [150, 2, 252, 230]) reg.updateFinding(id(k), { assignee: null, risk_score: null, recommended_action: null }, 'test');
    for (const field of ['assignee', 'risk_score', 'recommended_action'] as const) {
      for (const dir of ['asc', 'desc'] as const) for (const filter of [{}, { status: ['new' as const, 'drafted' as const] }]) expectSame({ filter, sort: { field, dir } }, 3);
    }
    expect(reg.queueMemo().stats.patches).toBeGreaterThan(patchesBefore);
    expect(reg.queueMemo().stats.rebuilds).toBe(1);
  });

  it('after new findings arrive, pages still equal SQL', () => {
    for (const q of everyCase()) reg.queuePageVia(QueueQuery.parse({ ...q, offset: 200, limit: 50 }), 'memo');
    const tacticFor = (x: string) => catalog.technique(x)?.tactics[0] ?? null;
    const before = reg.facets().total;
    reg.ingestSignals([...iterateDemoSignals({ count: 120, seed: 4242, spanDays: 3 })], { actor: 'test', tacticFor });
    expect(reg.facets().total).toBeGreaterThan(before);
    for (const q of everyCase()) expectSame(q, 50);
    expect(reg.queueMemo().stats.rebuilds).toBe(1);
  });

  it('inside an open transaction the memory walk steps aside (uncommitted rows may roll back)', () => {
    const q = QueueQuery.parse({ filter: { status: ['new'] }, sort: { field: 'title', dir: 'asc' }, offset: 10, limit: 20 });
    const first = reg.queuePageVia(q, 'sql').rows[0]!;
    expect(() =>
      reg.transaction(() => {
        reg.updateFinding(Number(first.finding_id.slice(4)), { status: 'closed' }, 'test', { reason: 'duplicate' });
        expect(reg.queuePageVia(q, 'memo').rows.map((r) => r.finding_id)).toEqual(reg.queuePageVia(q, 'sql').rows.map((r) => r.finding_id));
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(reg.queuePageVia(q, 'memo').rows.map((r) => r.finding_id)).toEqual(reg.queuePageVia(q, 'sql').rows.map((r) => r.finding_id));
    expect(reg.queuePageVia(q, 'memo').rows[0]).toEqual(first);
  });

  it("another connection's commit is noticed (data_version) and memory is read again", async () => {
    const q: QueueQueryInput = { filter: { status: ['in_review'] }, sort: { field: 'priority', dir: 'desc' } };
    expectSame(q);
    const rebuilds = reg.queueMemo().stats.rebuilds;
    const other = await Register.open(join(t.dir, 'ws.vigil'), { passphrase: TEST_PASSPHRASE });
    try {
      const row = other.queuePageVia(QueueQuery.parse({ ...q, offset: 3, limit: 1 }), 'sql').rows[0]!;
      other.updateFinding(Number(row.finding_id.slice(4)), { priority: 'P5' }, 'test');
    } finally {
      other.close();
    }
    expectSame(q);
    expect(reg.queueMemo().stats.rebuilds).toBe(rebuilds + 1);
  });

  it('read in the background in slices, with writes between the slices, it ends up exact', async () => {
    const other = await newRegister(t.dir, 'slices.vigil');
    try {
      populateDemo(other, { signals: 600, catalog });
      const memo = other.queueMemo();
      const deep = QueueQuery.parse({ filter: { status: ['new'] }, sort: { field: 'title', dir: 'asc' }, offset: 150, limit: 20 });
      memo.warmUp(50);
      expect(memo.building).toBe(true);
      // SQL answers while the memory is being read.
      expect(other.queuePage(deep).rows).toEqual(other.queuePageVia(deep, 'sql').rows);
      await new Promise((r) => setTimeout(r, 1));
      await new Promise((r) => setTimeout(r, 1));
      expect(memo.building).toBe(true);
      const open = other.queuePageVia(QueueQuery.parse({ filter: { status: ['new', 'drafted'] }, sort: { field: 'finding_id', dir: 'asc' }, limit: 500 }), 'sql').rows;
      const id = (k: number) => Number(open[k]!.finding_id.slice(4));
      // One finding surely read already, one surely not yet, and new findings beyond the first maximum.
      other.updateFinding(id(0), { status: 'closed', title: 'Aaa moved early' }, 'test', { reason: 'duplicate' });
      other.updateFinding(id(open.length - 1), { priority: 'P1', assignee: null }, 'test');
      const tacticFor = (x: string) => catalog.technique(x)?.tactics[0] ?? null;
      other.ingestSignals([...iterateDemoSignals({ count: 40, seed: 777, spanDays: 2 })], { actor: 'test', tacticFor });
      while (memo.building) await new Promise((r) => setTimeout(r, 1));
      expect(memo.stats.rebuilds).toBe(1);

      // Now an order read from its index in slices, with rows moving across the read position:
      // one from the front (already read) to the end (read again), one from the end (not read yet)
      // to the front (never read). Not forced: the order grows in the background, SQL answers.
      expect(memo.pageIds({}, { col: 'title', index: 'findings_title' }, 'asc', 300, 5, { wait: false })).toBeNull();
      for (let k = 0; k < 4; k++) await new Promise((r) => setTimeout(r, 1));
      expect(memo.building).toBe(true);
      const bySql = (offset: number) => other.queuePageVia(QueueQuery.parse({ sort: { field: 'title', dir: 'asc' }, offset, limit: 500 }), 'sql').rows;
      const byTitle = [...bySql(0), ...bySql(500)];
      const editable = (r: QueueRow) => r.status === 'new' || r.status === 'drafted';
      const early = byTitle.slice(0, 30).find(editable)!;
      const late = [...byTitle].reverse().find(editable)!;
      expect(byTitle.indexOf(late)).toBeGreaterThan(byTitle.length - 60);
      other.updateFinding(Number(early.finding_id.slice(4)), { title: '~ last now' }, 'test');
      other.updateFinding(Number(late.finding_id.slice(4)), { title: '0 first now' }, 'test');
      // A page in another order meanwhile reconciles those changes, the growing order's included.
      other.queuePageVia(QueueQuery.parse({ sort: { field: 'severity', dir: 'desc' }, offset: 5, limit: 5 }), 'memo');
      expect(memo.building).toBe(true);
      while (memo.building) await new Promise((r) => setTimeout(r, 1));
      expect(memo.stats.orderBuildMs['title']).toBeGreaterThan(0);
      expect(memo.stats.failures).toBe(0);
      for (const q of everyCase()) expectSame(q, 53, other);
    } finally {
      other.close();
    }
  });

  it('the handler path (auto) returns the same pages as SQL', () => {
    for (const q of everyCase().slice(0, 12)) {
      for (const offset of [0, 250, 499]) {
        const p = QueueQuery.parse({ ...q, offset, limit: 100 });
        expect(reg.queuePage(p).rows.map((r) => r.finding_id)).toEqual(reg.queuePageVia(p, 'sql').rows.map((r) => r.finding_id));
      }
    }
    // Nowhere in this file did the memory walk fail and quietly leave the answer to SQL.
    expect(reg.queueMemo().stats.failures).toBe(0);
  });
});
