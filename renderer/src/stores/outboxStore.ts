// The outbox dialog: every outbound write to Datadog (case creation, status, comments…) with its
// state, attempts and last error. Loaded when the dialog opens and again on outbox events while it
// is open; the status bar's counts come from app.info and those events (appStore).
import { create } from 'zustand';
import type { OutboxStatus } from '../../../shared/domain';
import { call } from '../api/client';
import { useAppStore } from './appStore';
import { reportError } from './noticeStore';

interface OutboxState {
  open: boolean;
  status: OutboxStatus | null;
  retrying: boolean;
  show: () => void;
  hide: () => void;
  load: () => Promise<void>;
  retry: () => Promise<void>;
  reset: () => void;
}

export const useOutboxStore = create<OutboxState>()((set, get) => ({
  open: false,
  status: null,
  retrying: false,
  show: () => {
    set({ open: true });
    void get().load();
  },
  hide: () => set({ open: false }),
  load: async () => {
    try {
      const status = await call('outbox.status', {});
      set({ status });
      useAppStore.getState().setOutbox(status);
    } catch (e) {
      reportError(e);
    }
  },
  retry: async () => {
    if (get().retrying) return;
    set({ retrying: true });
    try {
      const status = await call('outbox.retry', {});
      set({ status });
      useAppStore.getState().setOutbox(status);
    } catch (e) {
      reportError(e);
    } finally {
      set({ retrying: false });
    }
  },
  reset: () => set({ open: false, status: null, retrying: false }),
}));
