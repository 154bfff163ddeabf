// App-level facts for the status bar: version, connectivity, outbox, ATT&CK version; and which
// screen of the unlocked workspace is showing (the queue, the drafts or the connection settings).
import { create } from 'zustand';
import type { AppInfo, Connectivity, OutboxStatus } from '../../../shared/domain';
import { call } from '../api/client';
import { reportError } from './noticeStore';

export type AppView = 'queue' | 'drafts' | 'settings';

interface AppState {
  info: AppInfo | null;
  view: AppView;
  refresh: () => Promise<void>;
  setConnectivity: (c: Connectivity) => void;
  setOutbox: (o: Pick<OutboxStatus, 'pending' | 'failed' | 'lastError'>) => void;
  show: (view: AppView) => void;
}

export const useAppStore = create<AppState>()((set, get) => ({
  info: null,
  view: 'queue',
  refresh: async () => {
    try {
      set({ info: await call('app.info', {}) });
    } catch (e) {
      reportError(e);
    }
  },
  setConnectivity: (connectivity) => {
    const info = get().info;
    // An event before the first app.info has nothing to patch; the pending refresh brings it.
    if (info) set({ info: { ...info, connectivity } });
  },
  setOutbox: ({ pending, failed, lastError }) => {
    const info = get().info;
    if (info) set({ info: { ...info, outbox: { pending, failed, lastError } } });
  },
  show: (view) => set({ view }),
}));
