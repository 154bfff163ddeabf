// App-level facts for the status bar: version, connectivity, outbox, ATT&CK version.
import { create } from 'zustand';
import type { AppInfo, Connectivity } from '../../../shared/domain';
import { call } from '../api/client';
import { reportError } from './noticeStore';

interface AppState {
  info: AppInfo | null;
  refresh: () => Promise<void>;
  setConnectivity: (c: Connectivity) => void;
}

export const useAppStore = create<AppState>()((set, get) => ({
  info: null,
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
}));
