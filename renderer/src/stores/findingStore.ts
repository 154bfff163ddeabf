// The finding open in the detail panel. Only the latest request wins: pressing Enter on one row
// and then another must not show the first one's detail late.
import { create } from 'zustand';
import type { FindingDetail } from '../../../shared/domain';
import { call } from '../api/client';
import { reportError } from './noticeStore';

interface FindingState {
  openId: string | null;
  detail: FindingDetail | null;
  loading: boolean;
  open: (id: string) => Promise<void>;
  close: () => void;
}

export const useFindingStore = create<FindingState>()((set, get) => ({
  openId: null,
  detail: null,
  loading: false,
  open: async (id) => {
    set({ openId: id, loading: true, detail: get().detail?.finding.finding_id === id ? get().detail : null });
    try {
      const detail = await call('finding.get', { id });
      if (get().openId === id) set({ detail, loading: false });
    } catch (e) {
      if (get().openId === id) set({ loading: false });
      reportError(e);
    }
  },
  close: () => set({ openId: null, detail: null, loading: false }),
}));
