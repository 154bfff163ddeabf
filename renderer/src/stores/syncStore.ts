// The Datadog sync as the app bar shows it. The core runs the sync in the background and reports
// progress as events; this store keeps the latest status and turns the end of a run into one
// message (and a queue refresh); while it runs, the queue catches up as pages land. Events are the truth: a start() reply that arrives after the
// run's own events is stale and dropped.
import { create } from 'zustand';
import type { SyncStatus } from '../../../shared/domain';
import { call, errorFromShape } from '../api/client';
import { formatCount } from '../lib/format';
import { notify, reportError } from './noticeStore';
import { scheduleQueueRefresh } from './queueStore';

interface SyncState {
  status: SyncStatus | null;
  /** sync.start, sync.recheck or sync.cancel in flight */
  busy: 'start' | 'cancel' | null;
  load: () => Promise<void>;
  start: () => Promise<void>;
  /** read the workspace's re-check window again (or resume an interrupted re-check) */
  recheck: () => Promise<void>;
  cancel: () => Promise<void>;
  /** a status from an event (or a reply no event has overtaken) */
  apply: (status: SyncStatus) => void;
  reset: () => void;
}

let eventsSeen = 0;
/** While a long sync runs, the queue shows its new findings as pages land, at most this often. */
const LIVE_REFRESH_MS = 1000;
let lastLiveRefresh = 0;
/** set by start(): the run's end is ours to announce even if its "running" status never reached us */
let expectingRun = false;

function plural(n: number, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function announce(s: SyncStatus): void {
  scheduleQueueRefresh();
  switch (s.phase) {
    case 'done': {
      const revised = s.revised > 0 ? `, ${formatCount(s.revised)} revised` : '';
      const quarantined = s.quarantined > 0 ? `, ${formatCount(s.quarantined)} quarantined` : '';
      const verb = s.mode === 'recheck' ? 'Re-checked' : 'Synced';
      notify(`${verb} ${plural(s.signals, 'signal')}: ${plural(s.inserted, 'new finding')}${revised}${quarantined}`, 'success');
      break;
    }
    case 'cancelled': {
      const resumable = s.mode === 'recheck' ? s.recheckResumable : s.resumable;
      notify(`${s.mode === 'recheck' ? 'Re-check' : 'Sync'} cancelled after ${plural(s.signals, 'signal')}.${resumable ? ' Resume it to continue where it stopped.' : ''}`, 'info');
      break;
    }
    case 'failed':
      reportError(errorFromShape(s.error ?? { code: 'INTERNAL', message: 'The sync stopped without saying why.' }));
      break;
    default:
      break;
  }
}

export const useSyncStore = create<SyncState>()((set, get) => {
  const launch = async (channel: 'sync.start' | 'sync.recheck') => {
    if (get().busy || get().status?.running) return;
    set({ busy: 'start' });
    const seen = eventsSeen;
    expectingRun = true;
    try {
      const status = await call(channel, {});
      if (eventsSeen === seen) set({ status });
    } catch (e) {
      expectingRun = false;
      reportError(e);
    } finally {
      set({ busy: null });
    }
  };
  return {
    status: null,
    busy: null,
    load: async () => {
      const seen = eventsSeen;
      try {
        const status = await call('sync.status', {});
        if (eventsSeen === seen) set({ status });
      } catch (e) {
        reportError(e);
      }
    },
    start: () => launch('sync.start'),
    recheck: () => launch('sync.recheck'),
    cancel: async () => {
      if (get().busy) return;
      set({ busy: 'cancel' });
      try {
        await call('sync.cancel', {});
      } catch (e) {
        reportError(e);
      } finally {
        set({ busy: null });
      }
    },
    apply: (status) => {
      eventsSeen++;
      const prev = get().status;
      const wasRunning = (prev?.running ?? false) || expectingRun;
      set({ status });
      if (status.running) {
        expectingRun = false;
        const landed = status.inserted + status.revised > (prev?.running ? prev.inserted + prev.revised : 0);
        if (landed && Date.now() - lastLiveRefresh >= LIVE_REFRESH_MS) {
          lastLiveRefresh = Date.now();
          scheduleQueueRefresh();
        }
        return;
      }
      if (wasRunning) {
        expectingRun = false;
        announce(status);
      }
    },
    reset: () => {
      expectingRun = false;
      set({ status: null, busy: null });
    },
  };
});
