// The queue as the table sees it: the query (filter + sort), a cache of fetched pages keyed by
// offset, the total, and the selected row. The table asks for the rows it is about to show
// (ensureRange); only missing pages are fetched, so scrolling 100,000 rows costs a handful of
// small requests. A generation number discards replies to a query the user has already changed.
import { create } from 'zustand';
import type { QueueFacets, QueueFilter, QueueRow, QueueSortField } from '../../../shared/domain';
import { call } from '../api/client';
import { reportError } from './noticeStore';

export const PAGE_SIZE = 100;
/** Pages kept in memory; the furthest from where the user is looking are dropped first. */
const MAX_CACHED_PAGES = 40;

export interface QueueSort {
  field: QueueSortField;
  dir: 'asc' | 'desc';
}

/** Newest findings first: the order an analyst expects and the fast path for full-text search. */
export const DEFAULT_SORT: QueueSort = { field: 'finding_id', dir: 'desc' };

/** Filters that are lists of values (the multi-selects), as opposed to the free-text search. */
export type FacetKey = 'status' | 'severity' | 'priority' | 'assignee' | 'tactic' | 'technique';
export const FACET_KEYS: readonly FacetKey[] = ['status', 'severity', 'priority', 'assignee', 'tactic', 'technique'];

interface QueueState {
  filter: QueueFilter;
  sort: QueueSort;
  generation: number;
  pages: ReadonlyMap<number, readonly QueueRow[]>;
  total: number;
  totalExact: boolean;
  /** true once the first page of the current query has answered */
  loaded: boolean;
  facets: QueueFacets | null;
  selectedIndex: number;

  setFacetFilter: (key: FacetKey, values: string[]) => void;
  setSearch: (text: string) => void;
  clearFilters: () => void;
  toggleSort: (field: QueueSortField) => void;
  ensureRange: (firstIndex: number, lastIndex: number) => void;
  loadFacets: () => Promise<void>;
  select: (index: number) => void;
  move: (delta: number) => void;
  /** Forget everything (on lock): no finding data stays in memory behind a locked vault. */
  reset: () => void;
}

// Request bookkeeping lives outside the reactive state: it never drives rendering.
const inFlight = new Set<string>();
const failed = new Set<string>();
const reqKey = (generation: number, offset: number) => `${generation}:${offset}`;

const initial = {
  filter: {} as QueueFilter,
  sort: DEFAULT_SORT,
  pages: new Map<number, readonly QueueRow[]>(),
  total: 0,
  totalExact: true,
  loaded: false,
  facets: null,
  selectedIndex: 0,
};

function withoutEmpty(f: QueueFilter): QueueFilter {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (Array.isArray(v) ? v.length > 0 : typeof v === 'string' ? v.trim() !== '' : v !== undefined) out[k] = v;
  }
  return out as QueueFilter;
}

export const useQueueStore = create<QueueState>()((set, get) => {
  /** A new query: bump the generation, drop the cache, go back to the top. */
  function requery(patch: Partial<Pick<QueueState, 'filter' | 'sort'>>) {
    set((s) => ({
      ...patch,
      generation: s.generation + 1,
      pages: new Map(),
      loaded: false,
      selectedIndex: 0,
    }));
    get().ensureRange(0, PAGE_SIZE - 1);
  }

  async function fetchPage(offset: number) {
    const { generation, filter, sort } = get();
    const key = reqKey(generation, offset);
    if (inFlight.has(key) || failed.has(key)) return;
    inFlight.add(key);
    try {
      const page = await call('queue.page', { filter, sort, offset, limit: PAGE_SIZE });
      if (get().generation !== generation) return;
      set((s) => {
        const pages = new Map(s.pages);
        pages.set(offset, page.rows);
        evict(pages, offset);
        return { pages, total: page.total, totalExact: page.totalExact, loaded: true };
      });
    } catch (e) {
      // Remember the failure for this query so a render loop cannot hammer a failing call.
      failed.add(key);
      if (get().generation === generation) set({ loaded: true });
      reportError(e);
    } finally {
      inFlight.delete(key);
    }
  }

  return {
    ...initial,
    generation: 0,

    setFacetFilter: (key, values) => requery({ filter: withoutEmpty({ ...get().filter, [key]: values }) }),
    setSearch: (text) => {
      if ((get().filter.search ?? '') === text.trim()) return;
      requery({ filter: withoutEmpty({ ...get().filter, search: text.trim() }) });
    },
    clearFilters: () => requery({ filter: {} }),
    toggleSort: (field) => {
      const cur = get().sort;
      // A new column starts descending: "most severe / newest / highest first" is what triage wants.
      const dir = cur.field === field ? (cur.dir === 'desc' ? 'asc' : 'desc') : 'desc';
      requery({ sort: { field, dir } });
    },

    ensureRange: (firstIndex, lastIndex) => {
      const { loaded, total, pages } = get();
      // Before the first answer the total is unknown; fetch page 0 only.
      const last = loaded ? Math.min(lastIndex, total - 1) : Math.min(lastIndex, PAGE_SIZE - 1);
      if (last < 0 && loaded) return;
      const from = Math.floor(Math.max(0, firstIndex) / PAGE_SIZE) * PAGE_SIZE;
      for (let offset = from; offset <= Math.max(last, 0); offset += PAGE_SIZE) {
        if (!pages.has(offset)) void fetchPage(offset);
      }
    },

    loadFacets: async () => {
      try {
        set({ facets: await call('queue.facets', {}) });
      } catch (e) {
        reportError(e);
      }
    },

    select: (index) => {
      const { total } = get();
      if (total === 0) return;
      set({ selectedIndex: Math.max(0, Math.min(total - 1, index)) });
    },
    move: (delta) => get().select(get().selectedIndex + delta),

    reset: () => {
      inFlight.clear();
      failed.clear();
      set((s) => ({ ...initial, generation: s.generation + 1, pages: new Map() }));
    },
  };
});

function evict(pages: Map<number, readonly QueueRow[]>, around: number) {
  if (pages.size <= MAX_CACHED_PAGES) return;
  const byDistance = [...pages.keys()].sort((a, b) => Math.abs(b - around) - Math.abs(a - around));
  for (const offset of byDistance.slice(0, pages.size - MAX_CACHED_PAGES)) pages.delete(offset);
}

/** The row at a virtual index, or undefined while its page is still on its way. */
export function rowAt(pages: ReadonlyMap<number, readonly QueueRow[]>, index: number): QueueRow | undefined {
  const offset = Math.floor(index / PAGE_SIZE) * PAGE_SIZE;
  return pages.get(offset)?.[index - offset];
}

export function activeFilterCount(f: QueueFilter): number {
  return FACET_KEYS.reduce((n, k) => n + (f[k]?.length ? 1 : 0), 0) + (f.search ? 1 : 0);
}
