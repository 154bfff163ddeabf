// Drafting as the app bar and the Drafts panel see it. The core drafts in the background (the LLM
// when one is configured, else the offline drafter) and reports progress as events; this store
// keeps the latest status, starts and stops runs, and turns the end of a run the analyst started
// into one message. Runs the core starts by itself (new findings after a sync) show their progress
// but end quietly: the sync already said what arrived.
import { create } from 'zustand';
import type { DraftView } from '../../../shared/brief';
import type { ChannelInput, ChannelOutput } from '../../../shared/contract';
import type { DraftRunStatus } from '../../../shared/domain';
import { call, errorFromShape } from '../api/client';
import { formatCount } from '../lib/format';
import { notify, reportError } from './noticeStore';
import { scheduleQueueRefresh } from './queueStore';

export type DraftRunInput = ChannelInput<'drafts.run'>;
export type DraftTotals = ChannelOutput<'drafts.list'>['totals'];

interface DraftState {
  status: DraftRunStatus | null;
  /** drafts.run or drafts.cancel in flight */
  busy: 'run' | 'cancel' | null;
  load: () => Promise<void>;
  run: (input: DraftRunInput) => Promise<boolean>;
  cancel: () => Promise<void>;
  /** a status from an event (or a reply no event has overtaken) */
  apply: (status: DraftRunStatus) => void;
  reset: () => void;
}

let eventsSeen = 0;
/** set by run(): the end of the next run is ours to announce */
let expectingRun = false;
let announceTimer: ReturnType<typeof setTimeout> | null = null;
/**
 * A cancelled run ends with two statuses: the runner's last progress, then the same with the
 * CANCELLED error. Waiting this long before announcing says "cancelled" rather than "drafted".
 */
const SETTLE_MS = 150;
/** Listeners for the end of any run (the Drafts panel re-reads its page). */
const endListeners = new Set<() => void>();

export function onDraftRunEnd(fn: () => void): () => void {
  endListeners.add(fn);
  return () => endListeners.delete(fn);
}

const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

/** "12 / 40 · 10 drafted · 1 unchanged · 1 failed · 2 fell back to offline" */
export function draftProgressText(s: DraftRunStatus): string {
  const parts = [`${formatCount(s.done)} / ${formatCount(s.total)}`, `${formatCount(s.drafted)} drafted`];
  if (s.skipped > 0) parts.push(`${formatCount(s.skipped)} unchanged`);
  if (s.failed > 0) parts.push(`${formatCount(s.failed)} failed`);
  if (s.fellBack > 0) parts.push(`${formatCount(s.fellBack)} fell back to offline`);
  return parts.join(' · ');
}

function announce(s: DraftRunStatus): void {
  if (s.error?.code === 'CANCELLED') {
    notify(`Drafting cancelled after ${formatCount(s.done)} of ${plural(s.total, 'finding')} (${formatCount(s.drafted)} drafted).`, 'info');
    return;
  }
  if (s.error) {
    reportError(errorFromShape(s.error));
    return;
  }
  if (s.total === 0) {
    notify('Nothing to draft: no finding matched.', 'info');
    return;
  }
  const extra = [
    s.skipped > 0 ? `${formatCount(s.skipped)} unchanged (skipped)` : '',
    s.failed > 0 ? `${formatCount(s.failed)} failed` : '',
    s.fellBack > 0 ? `${formatCount(s.fellBack)} fell back to the offline drafter` : '',
  ].filter(Boolean);
  const by = s.drafter ? ` by ${s.drafter}` : '';
  notify(`Drafted ${formatCount(s.drafted)} of ${plural(s.total, 'finding')}${by}${extra.length ? `: ${extra.join(', ')}` : ''}.`, s.failed > 0 ? 'warning' : 'success');
}

export const useDraftStore = create<DraftState>()((set, get) => ({
  status: null,
  busy: null,
  load: async () => {
    const seen = eventsSeen;
    try {
      const status = await call('drafts.status', {});
      if (eventsSeen === seen) set({ status });
    } catch (e) {
      reportError(e);
    }
  },
  run: async (input) => {
    if (get().busy || get().status?.running) return false;
    set({ busy: 'run' });
    const seen = eventsSeen;
    expectingRun = true;
    try {
      const status = await call('drafts.run', input);
      if (eventsSeen === seen) get().apply(status);
      return true;
    } catch (e) {
      expectingRun = false;
      reportError(e);
      return false;
    } finally {
      set({ busy: null });
    }
  },
  cancel: async () => {
    if (get().busy) return;
    set({ busy: 'cancel' });
    try {
      await call('drafts.cancel', {});
    } catch (e) {
      reportError(e);
    } finally {
      set({ busy: null });
    }
  },
  apply: (status) => {
    eventsSeen++;
    const prev = get().status;
    set({ status });
    if (status.running) {
      // A run (ours or the core's) is going: what it drafted shows in the queue as it lands.
      if (prev?.running && status.drafted > prev.drafted) scheduleQueueRefresh();
      return;
    }
    if (!prev?.running && !expectingRun && !announceTimer) return;
    if (announceTimer) clearTimeout(announceTimer);
    announceTimer = setTimeout(() => {
      announceTimer = null;
      scheduleQueueRefresh();
      for (const fn of endListeners) fn();
      if (!expectingRun) return;
      expectingRun = false;
      const last = get().status;
      if (last && !last.running) announce(last);
    }, SETTLE_MS);
  },
  reset: () => {
    expectingRun = false;
    if (announceTimer) clearTimeout(announceTimer);
    announceTimer = null;
    set({ status: null, busy: null });
  },
}));

// ---------------------------------------------------------------------------------------------
// The Drafts panel: one page of draft attempts, newest first, with the workspace's totals.

export const DRAFTS_PAGE_SIZES = [50, 100, 200] as const;

interface DraftListState {
  drafts: readonly DraftView[];
  totals: DraftTotals | null;
  limit: number;
  offset: number;
  loading: boolean;
  load: () => Promise<void>;
  setPage: (offset: number, limit?: number) => void;
  reset: () => void;
}

let listRequest = 0;

export const useDraftListStore = create<DraftListState>()((set, get) => ({
  drafts: [],
  totals: null,
  limit: 50,
  offset: 0,
  loading: false,
  load: async () => {
    const req = ++listRequest;
    const { limit, offset } = get();
    set({ loading: true });
    try {
      const page = await call('drafts.list', { limit, offset });
      if (req === listRequest) set({ drafts: page.drafts, totals: page.totals, loading: false });
    } catch (e) {
      if (req === listRequest) set({ loading: false });
      reportError(e);
    }
  },
  setPage: (offset, limit) => {
    set({ offset: Math.max(0, offset), ...(limit ? { limit } : {}) });
    void get().load();
  },
  reset: () => {
    listRequest++;
    set({ drafts: [], totals: null, offset: 0, loading: false });
  },
}));
