// The queue as the table sees it: the query (filter + sort), a cache of fetched pages keyed by
// offset, the total, and the selected row. The table asks for the rows it is about to show
// (ensureRange); only missing pages are fetched, so scrolling 100,000 rows costs a handful of
// small requests. A generation number discards replies to a query the user has already changed;
// refresh() re-reads the rows in view (after a sync or an update) without losing the scroll
// position, keeping the old rows on screen until the new ones arrive.
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
  /** Re-read the rows in view and the facets: the data changed (sync, update), the query did not. */
  refresh: () => void;
  /** Forget everything (on lock): no finding data stays in memory behind a locked vault. */
  reset: () => void;
}

// Request bookkeeping lives outside the reactive state: it never drives rendering. The epoch
// changes with every new query and every refresh; `fresh` holds the offsets read in this epoch
// (pages from an older epoch may still be on screen, waiting to be replaced).
let epoch = 0;
const fresh = new Set<number>();
const inFlight = new Set<string>();
const failed = new Set<string>();
const reqKey = (offset: number) => `${epoch}:${offset}`;
/** the range the table last asked for: what refresh() re-reads */
let lastRange: [number, number] = [0, PAGE_SIZE - 1];
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
/** How long refreshes are gathered: a sync's context runs report one finding at a time. */
const REFRESH_COALESCE_MS = 300;

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
    epoch++;
    fresh.clear();
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
    const { filter, sort } = get();
    const myEpoch = epoch;
    const key = reqKey(offset);
    if (inFlight.has(key) || failed.has(key)) return;
    inFlight.add(key);
    try {
      const page = await call('queue.page', { filter, sort, offset, limit: PAGE_SIZE });
      if (epoch !== myEpoch) return;
      fresh.add(offset);
      set((s) => {
        const pages = new Map(s.pages);
        pages.set(offset, page.rows);
        for (const dropped of evict(pages, offset)) fresh.delete(dropped);
        return { pages, total: page.total, totalExact: page.totalExact, loaded: true };
      });
    } catch (e) {
      // Remember the failure for this query so a render loop cannot hammer a failing call.
      failed.add(key);
      if (epoch === myEpoch) set({ loaded: true });
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
      const { loaded, total } = get();
      lastRange = [firstIndex, lastIndex];
      // Before the first answer the total is unknown; fetch page 0 only.
      const last = loaded ? Math.min(lastIndex, total - 1) : Math.min(lastIndex, PAGE_SIZE - 1);
      if (last < 0 && loaded) return;
      const from = Math.floor(Math.max(0, firstIndex) / PAGE_SIZE) * PAGE_SIZE;
      for (let offset = from; offset <= Math.max(last, 0); offset += PAGE_SIZE) {
        if (!fresh.has(offset)) void fetchPage(offset);
      }
    },

    refresh: () => {
      epoch++;
      fresh.clear();
      const from = Math.floor(Math.max(0, lastRange[0]) / PAGE_SIZE) * PAGE_SIZE;
      const to = Math.max(from, lastRange[1]);
      // Pages out of view are dropped rather than kept stale; the ones in view stay until replaced.
      set((s) => ({ pages: new Map([...s.pages].filter(([offset]) => offset >= from && offset <= to)) }));
      void get().loadFacets();
      // Not clamped to the old total: an empty queue that a sync just filled has rows at offset 0.
      for (let offset = from; offset <= to; offset += PAGE_SIZE) void fetchPage(offset);
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
      epoch++;
      fresh.clear();
      inFlight.clear();
      failed.clear();
      lastRange = [0, PAGE_SIZE - 1];
      if (refreshTimer) clearTimeout(refreshTimer);
      refreshTimer = null;
      set((s) => ({ ...initial, generation: s.generation + 1, pages: new Map() }));
    },
  };
});

/** Drops the pages furthest from `around` beyond the cache size; returns the offsets dropped. */
function evict(pages: Map<number, readonly QueueRow[]>, around: number): number[] {
  if (pages.size <= MAX_CACHED_PAGES) return [];
  const byDistance = [...pages.keys()].sort((a, b) => Math.abs(b - around) - Math.abs(a - around));
  const dropped = byDistance.slice(0, pages.size - MAX_CACHED_PAGES);
  for (const offset of dropped) pages.delete(offset);
  return dropped;
}

/** Refresh the queue soon, once for a burst of changes. */
export function scheduleQueueRefresh(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    useQueueStore.getState().refresh();
  }, REFRESH_COALESCE_MS);
}

/** The row at a virtual index, or undefined while its page is still on its way. */
export function rowAt(pages: ReadonlyMap<number, readonly QueueRow[]>, index: number): QueueRow | undefined {
  const offset = Math.floor(index / PAGE_SIZE) * PAGE_SIZE;
  return pages.get(offset)?.[index - offset];
}

export function activeFilterCount(f: QueueFilter): number {
  return FACET_KEYS.reduce((n, k) => n + (f[k]?.length ? 1 : 0), 0) + (f.search ? 1 : 0);
}
