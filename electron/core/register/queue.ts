// The queue: paging, sorting, filtering and full-text search, all in SQL. The count the view shows
// comes from finding_facets (exact, kept by triggers), so no page ever needs a count(*) over the
// findings. The plan is chosen here, from those exact counts, and forced with INDEXED BY.
import {
  FINDING_STATUSES,
  SEVERITIES,
  type QueueFilter,
  type QueuePage,
  type QueueQueryParsed,
  type QueueRow,
  type QueueSortField,
} from '../../../shared/domain';
import type { DB } from './database';
import type { FacetIndex } from './facet-index';
import { QueueMemo } from './queue-memo';
import type { Statement as DriverStatement } from 'better-sqlite3-multiple-ciphers';

type Statement = DriverStatement<unknown[]>;

/** Matches beyond this many are not counted exactly, nor sorted other than newest first. */
export const SEARCH_CAP = 10_000;

/**
 * A page whose best SQL plan visits more rows than this (the cost unit of chooseIndex) is walked
 * in memory instead (queue-memo.ts): deep pages under a selective filter and a non-id sort. The
 * first such page starts reading the memory in the background (about a second of slices on
 * 1,000,000 findings) and is answered by SQL; small registers and shallow pages never need it.
 */
const MEMO_MIN_COST = 1_000;

const SORT: Record<QueueSortField, { col: string; index: string }> = {
  finding_id: { col: 'id', index: '' },
  dd_signal_id: { col: 'dd_signal_id', index: 'findings_dd_signal' },
  title: { col: 'title', index: 'findings_title' },
  splunk_search: { col: 'splunk_search', index: 'findings_splunk_search' },
  mitre_technique: { col: 'mitre_technique', index: 'findings_technique' },
  mitre_tactic: { col: 'mitre_tactic', index: 'findings_tactic' },
  severity: { col: 'severity_rank', index: 'findings_severity' },
  blast_radius: { col: 'blast_radius_count', index: 'findings_blast' },
  recommended_action: { col: 'recommended_action', index: 'findings_action' },
  drafted_by: { col: 'drafted_by', index: 'findings_drafted_by' },
  analyst_signoff: { col: 'analyst_signoff', index: 'findings_signoff' },
  signed_at: { col: 'signed_at', index: 'findings_signed_at' },
  status: { col: 'status_rank', index: 'findings_status_rank' },
  priority: { col: 'priority', index: 'findings_priority' },
  assignee: { col: 'assignee', index: 'findings_assignee' },
  source: { col: 'source', index: 'findings_source' },
  created_at: { col: 'created_at', index: 'findings_created' },
  updated_at: { col: 'updated_at', index: 'findings_updated' },
  risk_score: { col: 'risk_score', index: 'findings_risk' },
};

type Dim = 'status' | 'severity' | 'priority' | 'assignee' | 'tactic' | 'technique';
const FILTER_INDEX: Record<Dim, string> = {
  status: 'findings_status_rank',
  severity: 'findings_severity',
  priority: 'findings_priority',
  assignee: 'findings_assignee',
  tactic: 'findings_tactic',
  technique: 'findings_technique_parent',
};

const COLUMNS = `id, dd_signal_id, title, splunk_search, mitre_technique, mitre_tactic, severity, blast_radius,
  recommended_action, drafted_by, analyst_signoff, signed_at, status, priority, assignee, source, created_at, updated_at, risk_score`;

interface RawRow {
  id: number;
  dd_signal_id: string;
  title: string;
  splunk_search: string | null;
  mitre_technique: string | null;
  mitre_tactic: string | null;
  severity: QueueRow['severity'];
  blast_radius: string | null;
  recommended_action: string | null;
  drafted_by: string | null;
  analyst_signoff: string | null;
  signed_at: number | null;
  status: QueueRow['status'];
  priority: QueueRow['priority'];
  assignee: string | null;
  source: string | null;
  created_at: number;
  updated_at: number;
  risk_score: number | null;
}

export function toQueueRow(r: RawRow): QueueRow {
  return {
    finding_id: `FND-${r.id}`,
    dd_signal_id: r.dd_signal_id,
    title: r.title,
    splunk_search: r.splunk_search,
    mitre_technique: r.mitre_technique,
    mitre_tactic: r.mitre_tactic,
    severity: r.severity,
    blast_radius: r.blast_radius,
    recommended_action: r.recommended_action,
    drafted_by: r.drafted_by,
    analyst_signoff: r.analyst_signoff,
    signed_at: r.signed_at === null ? null : new Date(r.signed_at).toISOString(),
    status: r.status,
    priority: r.priority,
    assignee: r.assignee,
    source: r.source,
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
    risk_score: r.risk_score,
  };
}

interface Where {
  /** SQL over the findings table (alias-free) */
  sql: string[];
  params: unknown[];
  dims: Dim[];
}

function inList(n: number): string {
  return `(${new Array(n).fill('?').join(', ')})`;
}

/** The filter as SQL over findings, or (with prefix "d.") over finding_dims, whose columns share the names. */
export function buildWhere(f: QueueFilter, p = ''): Where {
  const w: Where = { sql: [], params: [], dims: [] };
  const add = (dim: Dim, col: string, values: readonly unknown[]) => {
    w.sql.push(`${p}${col} IN ${inList(values.length)}`);
    w.params.push(...values);
    w.dims.push(dim);
  };
  // Ranks, not names: the rank columns carry the indexes (they also sort in workflow order).
  if (f.status?.length) add('status', 'status_rank', f.status.map((s) => FINDING_STATUSES.indexOf(s)));
  if (f.severity?.length) add('severity', 'severity_rank', f.severity.map((s) => SEVERITIES.indexOf(s)));
  if (f.priority?.length) add('priority', 'priority', f.priority);
  if (f.assignee?.length) {
    const named = f.assignee.filter((a) => a !== '');
    const parts: string[] = [];
    if (named.length) parts.push(`${p}assignee IN ${inList(named.length)}`);
    if (f.assignee.includes('')) parts.push(`${p}assignee IS NULL`);
    w.sql.push(`(${parts.join(' OR ')})`);
    w.params.push(...named);
    w.dims.push('assignee');
  }
  if (f.tactic?.length) add('tactic', 'mitre_tactic', f.tactic);
  if (f.technique?.length) {
    // A parent id matches itself and its sub-techniques; a sub-technique id matches exactly.
    const parents = f.technique.filter((t) => !t.includes('.'));
    const subs = f.technique.filter((t) => t.includes('.'));
    const parts: string[] = [];
    if (parents.length) parts.push(`${p}technique_parent IN ${inList(parents.length)}`);
    if (subs.length) parts.push(`${p}mitre_technique IN ${inList(subs.length)}`);
    w.sql.push(`(${parts.join(' OR ')})`);
    w.params.push(...parents, ...subs);
    w.dims.push('technique');
  }
  return w;
}

/**
 * Turn what an analyst types into a safe FTS5 query: every word must match as a whole word; a word
 * ending in * matches as a prefix. (Prefixes merge many doclists, so they are asked for, not implied.)
 */
export function ftsQuery(text: string): string | null {
  const words = [...text.normalize('NFKC').matchAll(/([\p{L}\p{N}_]+)(\*?)/gu)].slice(0, 16);
  if (words.length === 0) return null;
  return words.map(([, w, star]) => `"${w!.replace(/"/g, '""')}"${star ? '*' : ''}`).join(' AND ');
}

export class QueueReader {
  private readonly stmtCache = new Map<string, Statement>();
  readonly memo: QueueMemo;

  constructor(
    private readonly db: DB,
    private readonly facetIndex: FacetIndex,
  ) {
    this.memo = new QueueMemo(db);
  }

  private stmt(sql: string): Statement {
    let s = this.stmtCache.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      if (this.stmtCache.size > 500) this.stmtCache.clear();
      this.stmtCache.set(sql, s);
    }
    return s;
  }

  /** Exact count of findings matching the non-text filters. */
  facetCount(f: QueueFilter): number {
    return this.facetIndex.count(f);
  }

  page(q: QueueQueryParsed): QueuePage {
    return this.pageVia(q, 'auto');
  }

  /** 'memo' and 'sql' force one path (for the equivalence tests and the benchmark); 'auto' picks by cost. */
  pageVia(q: QueueQueryParsed, via: 'auto' | 'memo' | 'sql'): QueuePage {
    if (via !== 'sql' && !q.filter.search) {
      const total = this.facetCount(q.filter);
      if (total === 0 || q.offset >= total) return { rows: [], total, totalExact: true, offset: q.offset, limit: q.limit };
      // Once built, memory serves every page in that order: it beats even a cheap index walk.
      if (via === 'memo' || this.memo.ready(SORT[q.sort.field]) || this.chooseIndex(buildWhere(q.filter), total, q).cost > MEMO_MIN_COST) {
        // Forced, the memory is built now; otherwise a first build runs in slices and SQL answers.
        const ids = this.memo.pageIds(q.filter, SORT[q.sort.field], q.sort.dir, q.offset, q.limit, { wait: via === 'memo' });
        if (ids) return { rows: this.rowsById(ids), total, totalExact: true, offset: q.offset, limit: q.limit };
      }
    }
    const { total, totalExact, rows } = this.plan(q);
    const raw = rows ? (this.stmt(rows.sql).all(...rows.params) as RawRow[]) : [];
    return { rows: raw.map(toQueueRow), total, totalExact, offset: q.offset, limit: q.limit };
  }

  /** The rows of these ids, in this order. */
  private rowsById(ids: number[]): QueueRow[] {
    if (ids.length === 0) return [];
    const raw = this.stmt(`SELECT ${COLUMNS} FROM findings WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as RawRow[];
    const byId = new Map(raw.map((r) => [r.id, r]));
    return ids.map((id) => toQueueRow(byId.get(id)!));
  }

  /**
   * The count and the one statement that fetches the page. The benchmark runs that statement bare,
   * as the storage limit the handler is compared with.
   */
  plan(q: QueueQueryParsed): { total: number; totalExact: boolean; rows: { sql: string; params: unknown[] } | null } {
    const fts = q.filter.search ? ftsQuery(q.filter.search) : null;
    const w = buildWhere(q.filter);
    const sort = SORT[q.sort.field];
    const dir = q.sort.dir === 'asc' ? 'ASC' : 'DESC';
    const where = w.sql.length ? ` WHERE ${w.sql.join(' AND ')}` : '';
    const order = ` ORDER BY ${sort.col} ${dir}, id ${dir} LIMIT ? OFFSET ?`;

    if (!fts) {
      const total = this.facetCount(q.filter);
      if (total === 0 || q.offset >= total) return { total, totalExact: true, rows: null };
      const { index } = this.chooseIndex(w, total, q);
      if (index === sort.index && w.dims.length > 0) {
        // Walk the sort index (covering: it holds the sort key and the id) and check each id's
        // filters in the compact finding_dims table; only the page's rows are read in full.
        const d = buildWhere(q.filter, 'd.');
        const walk =
          sort.index === ''
            ? `SELECT d.id FROM finding_dims d WHERE ${d.sql.join(' AND ')} ORDER BY d.id ${dir} LIMIT ? OFFSET ?`
            : `SELECT f.id FROM findings f INDEXED BY ${sort.index} JOIN finding_dims d ON d.id = f.id WHERE ${d.sql.join(' AND ')} ORDER BY f.${sort.col} ${dir}, f.id ${dir} LIMIT ? OFFSET ?`;
        return {
          total,
          totalExact: true,
          rows: { sql: `SELECT ${COLUMNS} FROM findings WHERE id IN (${walk})${order.replace(/ LIMIT \? OFFSET \?$/, '')}`, params: [...d.params, q.limit, q.offset] },
        };
      }
      return {
        total,
        totalExact: true,
        rows: { sql: `SELECT ${COLUMNS} FROM findings${index ? ` INDEXED BY ${index}` : ''}${where}${order}`, params: [...w.params, q.limit, q.offset] },
      };
    }

    const matches = `SELECT rowid FROM finding_fts WHERE finding_fts MATCH ? ORDER BY rowid DESC LIMIT ${SEARCH_CAP + 1}`;
    const counted = this.stmt(
      `SELECT count(*) AS n FROM (${matches}) m` + (w.sql.length ? ` JOIN findings ON findings.id = m.rowid${where}` : ''),
    ).get(fts, ...w.params) as { n: number };
    const total = Math.min(counted.n, SEARCH_CAP);
    const totalExact = counted.n <= SEARCH_CAP;
    if (total === 0 || q.offset >= total) return { total, totalExact, rows: null };
    if (q.sort.field === 'finding_id' && q.sort.dir === 'desc' && w.sql.length === 0) {
      // The common case: FTS5 yields rowids newest first, so only this page is touched.
      return {
        total,
        totalExact,
        rows: {
          sql: `SELECT ${COLUMNS} FROM findings WHERE id IN (SELECT rowid FROM finding_fts WHERE finding_fts MATCH ? ORDER BY rowid DESC LIMIT ? OFFSET ?) ORDER BY id DESC`,
          params: [fts, q.limit, q.offset],
        },
      };
    }
    return {
      total,
      totalExact,
      rows: { sql: `SELECT ${COLUMNS} FROM (${matches}) m JOIN findings ON findings.id = m.rowid${where}${order}`, params: [fts, ...w.params, q.limit, q.offset] },
    };
  }

  /**
   * Two plans: walk the sort index and skip non-matching rows (cheap when matches are common), or
   * walk the most selective filter index and sort what it yields (cheap when matches are rare).
   * The exact facet counts tell which one visits fewer rows.
   */
  private chooseIndex(w: Where, total: number, q: QueueQueryParsed): { index: string; cost: number } {
    const sort = SORT[q.sort.field];
    const all = this.facetCount({});
    const need = q.offset + q.limit;
    // A sort-index walk checks each row in the compact, cached finding_dims table: a fraction of the
    // cost of a filter-index candidate, whose sort key needs the wide row.
    const sortCost = w.dims.length === 0 ? need : (0.25 * need * all) / Math.max(total, 1);
    let best: { index: string; cost: number } = { index: sort.index, cost: sortCost };
    for (const d of w.dims) {
      const index = filterIndexFor(q.filter, d);
      if (!index) continue;
      const one = buildWhere(pickDim(q.filter, d));
      const c = this.facetCount(pickDim(q.filter, d));
      // Every filter index is (col, id): one value and a sort by id come out ordered for free.
      const ordered = q.sort.field === 'finding_id' && (one.params.length === 1 || (d === 'assignee' && one.params.length === 0));
      const cost = ordered ? Math.min(c, need * Math.max(1, c / Math.max(total, 1))) : c * 1.5 + 50;
      if (cost < best.cost) best = { index, cost };
    }
    return best;
  }

  /** Counts per value for the filter menus. */
  facets(): Record<Dim, { value: string; count: number }[]> & { total: number } {
    return {
      total: this.facetCount({}),
      status: this.facetIndex.groupBy('status'),
      severity: this.facetIndex.groupBy('severity'),
      priority: this.facetIndex.groupBy('priority'),
      assignee: this.facetIndex.groupBy('assignee'),
      tactic: this.facetIndex.groupBy('tactic'),
      technique: this.facetIndex.groupBy('technique'),
    };
  }
}

/** The index that serves one filter dimension alone, or null when its OR shape cannot use one. */
function filterIndexFor(f: QueueFilter, d: Dim): string | null {
  if (d === 'technique') {
    const t = f.technique ?? [];
    const subs = t.filter((x) => x.includes('.')).length;
    if (subs === 0) return FILTER_INDEX.technique;
    return subs === t.length ? 'findings_technique' : null;
  }
  if (d === 'assignee') {
    const a = f.assignee ?? [];
    return a.includes('') && a.some((x) => x !== '') ? null : FILTER_INDEX.assignee;
  }
  return FILTER_INDEX[d];
}

function pickDim(f: QueueFilter, d: Dim): QueueFilter {
  return { [d]: f[d] } as QueueFilter;
}
