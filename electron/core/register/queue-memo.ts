// Deep queue pages from memory. A page at offset N under a filter and a sort costs SQL a walk of the
// sort index that checks each row's filter columns until N + limit rows have matched: on a large
// register with a selective filter (1% of the findings, page 5,000) that is half a million lookups.
// Here the same walk runs over typed arrays: each finding's filter columns as small dictionary codes
// (indexed by id), and per sort column the ids in (column, id) order, read once from the column's
// index and then kept exact. Only the page's ids come out; the rows themselves are read by id.
// Reading it all takes about a second on 1,000,000 findings, so it is read in slices between other
// work (SQL answers meanwhile); about 13 MB for the filter columns and 4 MB per sort column in use.
//
// Keeping it exact: this connection's changes to findings are noted by TEMP triggers (per connection,
// not part of the schema) in a TEMP table, and new findings are the ids above the highest one seen;
// on the next read those ids are re-read and moved to their new places (each one is placed before
// its first unchanged successor in the column's index). A commit by another connection (PRAGMA
// data_version) drops everything; so does any doubt (an open transaction is simply not served).
// Checkpoints remember where every 100th match of a (filter, sort) lies, so paging on from a deep
// page resumes there; any change clears them.
import { FINDING_STATUSES, SEVERITIES, type QueueFilter } from '../../../shared/domain';
import type { DB } from './database';
import type { Statement as DriverStatement } from 'better-sqlite3-multiple-ciphers';

type Statement = DriverStatement<unknown[]>;

type Value = string | number | null;

/** The filter columns, as finding_dims names them; the technique's code covers (mitre_technique, technique_parent). */
const DIMS = ['status_rank', 'severity_rank', 'priority', 'assignee', 'mitre_tactic', 'tech'] as const;
type DimName = (typeof DIMS)[number];
/** Sort columns whose order follows from the filter columns alone (no index walk needed to build it). */
const DERIVED: Record<string, DimName> = {
  status_rank: 'status_rank',
  severity_rank: 'severity_rank',
  priority: 'priority',
  assignee: 'assignee',
  mitre_tactic: 'mitre_tactic',
  mitre_technique: 'tech',
};

const CHECKPOINT_EVERY = 100;
/** Beyond this many changed ids an order is rebuilt rather than patched. */
const PATCH_MAX = 2_000;
const MAX_ORDERS = 12;
/** Up to this many changed ids an order is patched in place (native searches and shifts), not copied. */
const IN_PLACE_MAX = 16;
const MAX_CHECKPOINT_KEYS = 256;
const MAX_CODES = 0xffff;
/** Rows of filter columns read per background slice (~25 ms each on this machine). */
const WARM_SLICE = 25_000;

class Dict {
  readonly codes = new Map<Value, number>();
  readonly values: Value[] = [];
  code(v: Value): number {
    let c = this.codes.get(v);
    if (c === undefined) {
      c = this.values.length;
      this.values.push(v);
      this.codes.set(v, c);
    }
    return c;
  }
}

/** SQLite's default ordering of values: NULL, then numbers, then text by its UTF-8 bytes. */
export function sqliteCompare(a: Value, b: Value): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

interface Order {
  ids: Int32Array;
  n: number;
  /** ids changed since this order was last exact */
  pending: Set<number>;
}

/** An order being read from its index in slices. */
interface Growing {
  sort: MemoSort;
  ids: Int32Array;
  n: number;
  nullsDone: boolean;
  started: boolean;
  lastKey: Value;
  lastId: number;
  pending: Set<number>;
  ms: number;
}

interface Snapshot {
  dataVersion: number;
  maxId: number;
  cap: number;
  present: Uint8Array;
  codes: Record<DimName, Uint16Array>;
  dicts: Record<DimName, Dict>;
  /** for the technique code: its (technique, parent) pair */
  techPairs: [Value, Value][];
  techByPair: Map<Value, Map<Value, number>>;
}

export interface MemoSort {
  /** findings column ('id' for finding_id) */
  col: string;
  /** its (col, id) index; '' for id */
  index: string;
}

export interface MemoStats {
  dimsBuildMs: number;
  orderBuildMs: Record<string, number>;
  patches: number;
  rebuilds: number;
  failures: number;
}

export class QueueMemo {
  private snap: Snapshot | null = null;
  private readonly orders = new Map<string, Order>();
  private readonly growing = new Map<string, Growing>();
  private readonly statements = new Map<string, Record<'now' | 'afterId' | 'afterKey' | 'afterNullId' | 'firstNonNull', Statement>>();
  private checkpoints = new Map<string, number[]>();
  private setUp = false;
  private disabled = false;
  /** the filter columns being read in slices (warmUp) */
  private partial: { s: Snapshot; lastId: number; ms: number } | null = null;
  /** a page wants the filter columns: keep reading them in the background */
  private wanted = false;
  /** rows per background slice */
  private slice = WARM_SLICE;
  private timer: ReturnType<typeof setTimeout> | null = null;
  readonly stats: MemoStats = { dimsBuildMs: 0, orderBuildMs: {}, patches: 0, rebuilds: 0, failures: 0 };

  private readonly prepared = new Map<string, Statement>();

  constructor(private readonly db: DB) {}

  private sql(text: string): Statement {
    let st = this.prepared.get(text);
    if (!st) this.prepared.set(text, (st = this.db.prepare<unknown[]>(text)));
    return st;
  }

  /**
   * The ids of one page, in order, or null when memory cannot serve it (the caller then asks SQL).
   * `dir` desc is the exact reverse of asc: SQLite sorts NULL first ascending and last descending.
   */
  pageIds(filter: QueueFilter, sort: MemoSort, dir: 'asc' | 'desc', offset: number, limit: number, opts: { wait: boolean }): number[] | null {
    if (this.disabled || this.db.inTransaction) return null;
    try {
      return this.walkPage(filter, sort, dir, offset, limit, opts.wait);
    } catch {
      // An accelerator only: on any surprise forget everything and let SQL answer. Counted, so the
      // tests can insist there was none.
      this.stats.failures++;
      this.drop();
      return null;
    }
  }

  private walkPage(filter: QueueFilter, sort: MemoSort, dir: 'asc' | 'desc', offset: number, limit: number, wait: boolean): number[] | null {
    if (!this.current(wait)) return null;
    const order = this.order(sort, wait);
    if (!order) return null;
    const tests = this.compile(filter);
    const key = `${sort.col} ${dir} ${JSON.stringify(filter)}`;
    let cps = this.checkpoints.get(key);
    if (!cps) {
      if (this.checkpoints.size >= MAX_CHECKPOINT_KEYS) this.checkpoints.clear();
      cps = [];
      this.checkpoints.set(key, cps);
    }
    return walk(order, dir, tests, offset, limit, cps);
  }

  /** True when a page in this order would not have to build anything first (one may still be patched). */
  ready(sort: MemoSort): boolean {
    return this.snap !== null && !this.disabled && (this.orders.has(sort.col) || sort.col === 'id' || DERIVED[sort.col] !== undefined);
  }

  // ---- keeping the snapshot exact ----

  private current(wait: boolean): boolean {
    const dv = this.db.pragma('data_version', { simple: true }) as number;
    if (this.snap && this.snap.dataVersion !== dv) this.drop();
    if (!this.snap) {
      if (wait) return this.build();
      this.warmUp();
      return false;
    }
    const maxId = this.sql('SELECT ifnull(max(id), 0) FROM findings').pluck().get() as number;
    const touched = this.sql('SELECT id FROM temp.vigil_queue_touched').pluck().all() as number[];
    if (touched.length === 0 && maxId === this.snap.maxId) return true;
    const fresh = maxId - this.snap.maxId;
    if (touched.length + fresh > Math.max(PATCH_MAX * 25, this.snap.maxId / 4)) {
      // A bulk change (a big sync): reading everything again is cheaper than patching.
      this.drop();
      if (wait) return this.build();
      this.warmUp();
      return false;
    }
    const changed = this.sql(
      `SELECT id, status_rank, severity_rank, priority, assignee, mitre_tactic, mitre_technique, technique_parent FROM finding_dims
       WHERE id > ? OR id IN (SELECT id FROM temp.vigil_queue_touched)`,
    )
      .raw()
      .all(this.snap.maxId) as Value[][];
    const s = this.snap;
    this.grow(maxId);
    for (const id of touched) if (id < s.cap) s.present[id] = 0;
    for (const r of changed) this.put(s, r);
    if (this.tooMany(s)) return false;
    const ids = new Set<number>(touched);
    for (const r of changed) ids.add(r[0] as number);
    for (const [col, o] of this.orders) {
      if (o.pending.size + ids.size > PATCH_MAX) this.orders.delete(col);
      else for (const id of ids) o.pending.add(id);
    }
    for (const g of this.growing.values()) {
      if (g.pending.size + ids.size > PATCH_MAX) Object.assign(g, { n: 0, nullsDone: false, started: false, lastKey: null, lastId: 0, pending: new Set() });
      else for (const id of ids) g.pending.add(id);
    }
    s.maxId = maxId;
    this.sql('DELETE FROM temp.vigil_queue_touched').run();
    this.checkpoints = new Map();
    return true;
  }

  private drop(): void {
    this.snap = null;
    this.partial = null;
    this.orders.clear();
    this.growing.clear();
    this.checkpoints = new Map();
  }

  private setUpTriggers(): void {
    if (this.setUp) return;
    this.db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS vigil_queue_touched (id INTEGER PRIMARY KEY);
      CREATE TEMP TRIGGER IF NOT EXISTS vigil_queue_touch_update AFTER UPDATE ON main.findings BEGIN
        INSERT OR IGNORE INTO vigil_queue_touched (id) VALUES (OLD.id), (NEW.id);
      END;
      CREATE TEMP TRIGGER IF NOT EXISTS vigil_queue_touch_delete AFTER DELETE ON main.findings BEGIN
        INSERT OR IGNORE INTO vigil_queue_touched (id) VALUES (OLD.id);
      END;`);
    this.setUp = true;
  }

  /**
   * Read the filter columns in slices between other work (the app's main process stays responsive;
   * the page that asked is answered by SQL meanwhile), then any order a page asked for. Changes made
   * between slices are caught by the TEMP triggers (set up before the first slice) and new ids lie
   * above the snapshot's maximum, so the next read reconciles them exactly as it does any change.
   */
  warmUp(slice = WARM_SLICE): void {
    if (this.disabled) return;
    this.slice = slice;
    if (!this.snap) this.wanted = true;
    this.kick();
  }

  /** True while something is being read in the background. */
  get building(): boolean {
    return this.timer !== null || this.partial !== null || this.growing.size > 0;
  }

  private kick(): void {
    if (this.timer || this.disabled) return;
    const slice = this.slice;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.db.open || this.disabled) {
        this.partial = null;
        this.growing.clear();
        return;
      }
      try {
        if (!this.db.inTransaction) {
          if (!this.snap) {
            if (this.wanted && this.buildSlice(slice)) this.wanted = false;
          } else {
            const g = this.growing.values().next().value;
            if (g) this.growSlice(g, slice);
          }
        }
      } catch {
        this.stats.failures++;
        this.drop();
        return;
      }
      if ((!this.snap && this.wanted) || (this.snap && this.growing.size > 0)) this.kick();
    }, 0);
    this.timer.unref?.();
  }

  /** Everything at once (what a forced memory page needs), finishing a background read under way. */
  private build(): boolean {
    for (let attempt = 0; attempt < 3 && !this.snap && !this.disabled; attempt++) this.buildSlice(-1);
    return this.snap !== null;
  }

  /** Up to `slice` more rows (-1: all). True once the snapshot is complete or given up. */
  private buildSlice(slice: number): boolean {
    const dv = this.db.pragma('data_version', { simple: true }) as number;
    // Another connection committed since the read began: what was read may be stale; start over.
    if (this.partial && this.partial.s.dataVersion !== dv) this.partial = null;
    if (!this.partial) {
      this.setUpTriggers();
      this.sql('DELETE FROM temp.vigil_queue_touched').run();
      const maxId = this.sql('SELECT ifnull(max(id), 0) FROM findings').pluck().get() as number;
      const cap = maxId + 1;
      this.partial = {
        s: {
          dataVersion: dv,
          maxId,
          cap,
          present: new Uint8Array(cap),
          codes: Object.fromEntries(DIMS.map((d) => [d, new Uint16Array(cap)])) as Record<DimName, Uint16Array>,
          dicts: Object.fromEntries(DIMS.map((d) => [d, new Dict()])) as Record<DimName, Dict>,
          techPairs: [],
          techByPair: new Map(),
        },
        lastId: 0,
        ms: 0,
      };
    }
    const p = this.partial;
    const t0 = performance.now();
    const rows = this.sql(
      'SELECT id, status_rank, severity_rank, priority, assignee, mitre_tactic, mitre_technique, technique_parent FROM finding_dims WHERE id > ? AND id <= ? ORDER BY id LIMIT ?',
    )
      .raw()
      .iterate(p.lastId, p.s.maxId, slice) as Iterable<Value[]>;
    let n = 0;
    for (const r of rows) {
      this.put(p.s, r);
      p.lastId = r[0] as number;
      n++;
    }
    p.ms += performance.now() - t0;
    if (slice >= 0 && n === slice) return false;
    this.partial = null;
    if (this.tooMany(p.s)) return true;
    if ((this.db.pragma('data_version', { simple: true }) as number) !== dv) return false;
    this.snap = p.s;
    this.wanted = false;
    this.stats.dimsBuildMs = p.ms;
    this.stats.rebuilds++;
    return true;
  }

  private grow(maxId: number): void {
    const s = this.snap!;
    if (maxId < s.cap) return;
    const cap = Math.max(maxId + 1, Math.ceil(s.cap * 1.25));
    const present = new Uint8Array(cap);
    present.set(s.present);
    s.present = present;
    for (const d of DIMS) {
      const a = new Uint16Array(cap);
      a.set(s.codes[d]);
      s.codes[d] = a;
    }
    s.cap = cap;
  }

  private put(s: Snapshot, r: Value[]): void {
    const id = r[0] as number;
    s.present[id] = 1;
    s.codes.status_rank[id] = s.dicts.status_rank.code(r[1]!);
    s.codes.severity_rank[id] = s.dicts.severity_rank.code(r[2]!);
    s.codes.priority[id] = s.dicts.priority.code(r[3]!);
    s.codes.assignee[id] = s.dicts.assignee.code(r[4]!);
    s.codes.mitre_tactic[id] = s.dicts.mitre_tactic.code(r[5]!);
    const t = r[6]!;
    const p = r[7]!;
    let byParent = s.techByPair.get(t);
    if (!byParent) s.techByPair.set(t, (byParent = new Map()));
    let c = byParent.get(p);
    if (c === undefined) {
      c = s.techPairs.length;
      s.techPairs.push([t, p]);
      byParent.set(p, c);
    }
    s.codes.tech[id] = c;
  }

  /** Codes are 16 bits: a column with more distinct values than that is left to SQL. */
  private tooMany(s: Snapshot): boolean {
    if (DIMS.some((d) => (d === 'tech' ? s.techPairs.length : s.dicts[d].values.length) > MAX_CODES)) this.disabled = true;
    return this.disabled;
  }

  // ---- orders ----

  private order(sort: MemoSort, wait: boolean): Order | null {
    const cached = this.orders.get(sort.col);
    if (cached) {
      const o = cached;
      // most recently used last
      this.orders.delete(sort.col);
      this.orders.set(sort.col, o);
      if (o.pending.size > 0) this.patch(sort, o);
      return o;
    }
    if (sort.col === 'id' || DERIVED[sort.col]) {
      // From the filter columns alone: a pass or a counting sort, a few milliseconds.
      const t0 = performance.now();
      this.keep(sort.col, this.buildOrder(sort), performance.now() - t0);
      return this.orders.get(sort.col)!;
    }
    // An index walk: in slices in the background (SQL answers meanwhile), or at once when forced.
    let g = this.growing.get(sort.col);
    if (!g) {
      g = { sort, ids: new Int32Array(this.snap!.cap), n: 0, nullsDone: false, started: false, lastKey: null, lastId: 0, pending: new Set(), ms: 0 };
      this.growing.set(sort.col, g);
    }
    if (!wait) {
      this.kick();
      return null;
    }
    this.growSlice(g, -1);
    return this.order(sort, wait);
  }

  private keep(col: string, o: Order, ms: number): void {
    this.stats.orderBuildMs[col] = ms;
    if (this.orders.size >= MAX_ORDERS) this.orders.delete(this.orders.keys().next().value!);
    this.orders.set(col, o);
  }

  /**
   * Read up to `slice` more ids of an order from its index (-1: all), NULLs first, then by (value, id)
   * from where the last slice stopped. A row that moves while the order grows may be read twice or
   * not at all; it is in the order's pending set either way, and the first use patches it into place.
   */
  private growSlice(g: Growing, slice: number): void {
    const t0 = performance.now();
    const { col, index } = g.sort;
    const take = (rows: Iterable<[number, Value]>): number => {
      let n = 0;
      for (const [id, v] of rows) {
        if (g.n >= g.ids.length) {
          const grown = new Int32Array(Math.ceil(g.ids.length * 1.25) + 1024);
          grown.set(g.ids);
          g.ids = grown;
        }
        g.ids[g.n++] = id;
        g.lastId = id;
        g.lastKey = v;
        n++;
      }
      return n;
    };
    let done = false;
    if (!g.nullsDone) {
      const n = take(this.sql(`SELECT id, ${col} FROM findings INDEXED BY ${index} WHERE ${col} IS NULL AND id > ? ORDER BY ${col}, id LIMIT ?`).raw().iterate(g.lastId, slice) as Iterable<[number, Value]>);
      if (slice < 0 || n < slice) g.nullsDone = true;
    } else {
      const rows = g.started
        ? this.sql(`SELECT id, ${col} FROM findings INDEXED BY ${index} WHERE (${col}, id) > (?, ?) ORDER BY ${col}, id LIMIT ?`).raw().iterate(g.lastKey, g.lastId, slice)
        : this.sql(`SELECT id, ${col} FROM findings INDEXED BY ${index} WHERE ${col} IS NOT NULL ORDER BY ${col}, id LIMIT ?`).raw().iterate(slice);
      const n = take(rows as Iterable<[number, Value]>);
      g.started = g.started || n > 0;
      done = slice < 0 || n < slice;
    }
    g.ms += performance.now() - t0;
    if (g.nullsDone && slice < 0 && !done) return this.growSlice(g, slice);
    if (!done) return;
    this.growing.delete(g.sort.col);
    this.keep(g.sort.col, { ids: g.ids, n: g.n, pending: g.pending }, g.ms);
  }

  private buildOrder(sort: MemoSort): Order {
    const s = this.snap!;
    const ids = new Int32Array(s.cap);
    let n = 0;
    const derived = DERIVED[sort.col]!;
    if (sort.col === 'id') {
      for (let id = 0; id < s.cap; id++) if (s.present[id]) ids[n++] = id;
    } else {
      // A counting sort over the value codes, ids ascending within each value.
      const values = derived === 'tech' ? s.techPairs.map((p) => p[0]) : s.dicts[derived].values;
      const byValue = values.map((v, c) => [v, c] as const).sort((a, b) => sqliteCompare(a[0], b[0]));
      const rank = new Int32Array(values.length);
      let r = -1;
      for (let i = 0; i < byValue.length; i++) {
        if (i === 0 || sqliteCompare(byValue[i - 1]![0], byValue[i]![0]) !== 0) r++;
        rank[byValue[i]![1]] = r;
      }
      const start = new Int32Array(r + 2);
      const codes = s.codes[derived];
      for (let id = 0; id < s.cap; id++) if (s.present[id]) start[rank[codes[id]!]! + 1]!++;
      for (let i = 1; i < start.length; i++) start[i]! += start[i - 1]!;
      for (let id = 0; id < s.cap; id++) if (s.present[id]) ids[start[rank[codes[id]!]!]!++] = id;
      n = start[start.length - 1]!;
    }
    return { ids, n, pending: new Set() };
  }

  /**
   * Move the changed ids to their places: each goes just before its first unchanged successor in
   * the column's own index (so ties and NULLs order exactly as SQL orders them).
   */
  private patch(sort: MemoSort, o: Order): void {
    const changed = JSON.stringify([...o.pending]);
    const st = this.patchStatements(sort);
    const now = st.now.all(changed) as [number, Value][];
    const before = new Map<number, number[]>();
    const tail: number[] = [];
    for (const [id, v] of now) {
      let next: number | undefined;
      if (sort.col === 'id') next = st.afterId.get(id, changed) as number | undefined;
      else if (v === null) next = (st.afterNullId.get(id, changed) ?? st.firstNonNull.get(changed)) as number | undefined;
      else next = st.afterKey.get(v, id, changed) as number | undefined;
      if (next === undefined) tail.push(id);
      else {
        const list = before.get(next);
        if (list) list.push(id);
        else before.set(next, [id]);
      }
    }
    if (o.pending.size <= IN_PLACE_MAX) this.patchInPlace(o, before, tail);
    else this.patchByPass(o, before, tail);
    o.pending.clear();
    this.stats.patches++;
  }

  /** A few changes (an analyst's edit): find each by a native search and shift the rest. */
  private patchInPlace(o: Order, before: Map<number, number[]>, tail: number[]): void {
    let { ids, n } = o;
    for (const id of o.pending) {
      // every occurrence: an order read in slices may hold a moved row twice
      for (let p = ids.subarray(0, n).indexOf(id); p >= 0; p = ids.subarray(0, n).indexOf(id, p)) {
        ids.copyWithin(p, p + 1, n);
        n--;
      }
    }
    let add = tail.length;
    for (const l of before.values()) add += l.length;
    if (n + add > ids.length) {
      const grown = new Int32Array(Math.ceil((n + add) * 1.25));
      grown.set(ids.subarray(0, n));
      ids = grown;
    }
    for (const [next, list] of before) {
      const p = ids.subarray(0, n).indexOf(next);
      ids.copyWithin(p + list.length, p, n);
      ids.set(list, p);
      n += list.length;
    }
    ids.set(tail, n);
    n += tail.length;
    o.ids = ids;
    o.n = n;
  }

  /** Many changes (a sync): one pass; 1 = changed (leaves its old place), 2 = has changed ids placed before it. */
  private patchByPass(o: Order, before: Map<number, number[]>, tail: number[]): void {
    const s = this.snap!;
    const mark = new Uint8Array(s.cap);
    for (const id of o.pending) if (id < s.cap) mark[id] = 1;
    for (const id of before.keys()) mark[id] = 2;
    let add = tail.length;
    for (const l of before.values()) add += l.length;
    const out = new Int32Array(Math.ceil((o.n + add) * 1.25));
    let j = 0;
    const old = o.ids;
    for (let i = 0; i < o.n; i++) {
      const id = old[i]!;
      const m = id < mark.length ? mark[id] : 0;
      if (m === 0) out[j++] = id;
      else if (m === 2) {
        for (const x of before.get(id)!) out[j++] = x;
        out[j++] = id;
      }
    }
    for (const x of tail) out[j++] = x;
    o.ids = out;
    o.n = j;
  }

  private patchStatements(sort: MemoSort) {
    let st = this.statements.get(sort.col);
    if (st) return st;
    const col = sort.col;
    const idx = sort.index ? ` INDEXED BY ${sort.index}` : '';
    const notChanged = 'id NOT IN (SELECT value FROM json_each(?))';
    st = {
      now: this.db.prepare(`SELECT id, ${col} FROM findings WHERE id IN (SELECT value FROM json_each(?)) ORDER BY ${col}, id`).raw(),
      afterId: this.db.prepare(`SELECT id FROM findings WHERE id > ? AND ${notChanged} ORDER BY id LIMIT 1`).pluck(),
      afterKey: this.db.prepare(`SELECT id FROM findings${idx} WHERE (${col}, id) > (?, ?) AND ${notChanged} ORDER BY ${col}, id LIMIT 1`).pluck(),
      afterNullId: this.db.prepare(`SELECT id FROM findings${idx} WHERE ${col} IS NULL AND id > ? AND ${notChanged} ORDER BY ${col}, id LIMIT 1`).pluck(),
      firstNonNull: this.db.prepare(`SELECT id FROM findings${idx} WHERE ${col} IS NOT NULL AND ${notChanged} ORDER BY ${col}, id LIMIT 1`).pluck(),
    };
    this.statements.set(col, st);
    return st;
  }

  // ---- filters ----

  private compile(f: QueueFilter): Test[] {
    const s = this.snap!;
    const tests: Test[] = [];
    const add = (d: DimName, ok: (v: Value, code: number) => boolean) => {
      const n = d === 'tech' ? s.techPairs.length : s.dicts[d].values.length;
      const pass = new Uint8Array(n);
      for (let c = 0; c < n; c++) pass[c] = ok(d === 'tech' ? null : s.dicts[d].values[c]!, c) ? 1 : 0;
      tests.push({ codes: s.codes[d], pass });
    };
    // The same predicates as buildWhere, value by value.
    if (f.status?.length) {
      const ranks = new Set<Value>(f.status.map((x) => FINDING_STATUSES.indexOf(x)));
      add('status_rank', (v) => ranks.has(v));
    }
    if (f.severity?.length) {
      const ranks = new Set<Value>(f.severity.map((x) => SEVERITIES.indexOf(x)));
      add('severity_rank', (v) => ranks.has(v));
    }
    if (f.priority?.length) {
      const set = new Set<Value>(f.priority);
      add('priority', (v) => set.has(v));
    }
    if (f.assignee?.length) {
      const named = new Set<Value>(f.assignee.filter((a) => a !== ''));
      const unassigned = f.assignee.includes('');
      add('assignee', (v) => (v === null ? unassigned : named.has(v)));
    }
    if (f.tactic?.length) {
      const set = new Set<Value>(f.tactic);
      add('mitre_tactic', (v) => set.has(v));
    }
    if (f.technique?.length) {
      const parents = new Set<Value>(f.technique.filter((t) => !t.includes('.')));
      const subs = new Set<Value>(f.technique.filter((t) => t.includes('.')));
      add('tech', (_, c) => {
        const [t, p] = s.techPairs[c]!;
        return (p !== null && parents.has(p)) || (t !== null && subs.has(t));
      });
    }
    return tests;
  }
}

interface Test {
  codes: Uint16Array;
  pass: Uint8Array;
}

/** Skip `offset` matches and take `limit`, resuming from the nearest checkpoint. */
function walk(o: Order, dir: 'asc' | 'desc', tests: Test[], offset: number, limit: number, cps: number[]): number[] {
  const { ids, n } = o;
  const desc = dir === 'desc';
  const k = Math.min(Math.floor(offset / CHECKPOINT_EVERY), cps.length - 1);
  let i = k >= 0 ? cps[k]! : 0;
  let matched = k >= 0 ? k * CHECKPOINT_EVERY : 0;
  const out: number[] = [];
  const m = tests.length;
  const c0 = m > 0 ? tests[0]!.codes : null;
  const p0 = m > 0 ? tests[0]!.pass : null;
  const c1 = m > 1 ? tests[1]!.codes : null;
  const p1 = m > 1 ? tests[1]!.pass : null;
  for (; i < n; i++) {
    const id = desc ? ids[n - 1 - i]! : ids[i]!;
    if (c0 !== null && p0![c0[id]!] === 0) continue;
    if (c1 !== null && p1![c1[id]!] === 0) continue;
    if (m > 2) {
      let ok = true;
      for (let t = 2; t < m; t++) {
        if (tests[t]!.pass[tests[t]!.codes[id]!] === 0) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
    }
    if (matched % CHECKPOINT_EVERY === 0 && cps.length === matched / CHECKPOINT_EVERY) cps.push(i);
    if (matched >= offset) {
      out.push(id);
      if (out.length === limit) break;
    }
    matched++;
  }
  return out;
}
