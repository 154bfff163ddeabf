// ATT&CK tagging in the renderer: the tactic matrix (fetched once per session: it only changes
// when a newer catalog is imported), the open tagging view of one finding, and saving a tag
// decision. After a save the finding panel and the queue catch up, since both show the technique.
import { create } from 'zustand';
import type { AttackMatrix, SetTechniqueInput, TaggingView } from '../../../shared/attack';
import { call, toClientError, type VigilClientError } from '../api/client';
import { useFindingStore } from './findingStore';
import { reportError } from './noticeStore';
import { scheduleQueueRefresh, useQueueStore } from './queueStore';
import { saveJsonFile } from '../lib/saveFile';

interface AttackState {
  matrix: AttackMatrix | null;
  view: TaggingView | null;
  loading: boolean;
  saving: boolean;
  error: VigilClientError | null;
  /** open the tagging view of one finding (loads the matrix on first use) */
  load: (id: string) => Promise<void>;
  save: (input: SetTechniqueInput) => Promise<boolean>;
  clearError: () => void;
  close: () => void;
}

export const useAttackStore = create<AttackState>()((set, get) => ({
  matrix: null,
  view: null,
  loading: false,
  saving: false,
  error: null,
  load: async (id) => {
    set({ loading: true, error: null, view: get().view?.finding_id === id ? get().view : null });
    try {
      const [matrix, view] = await Promise.all([get().matrix ?? call('attack.matrix', {}), call('attack.tagging', { id })]);
      set({ matrix, view, loading: false });
    } catch (e) {
      set({ loading: false, error: toClientError(e) });
    }
  },
  save: async (input) => {
    if (get().saving) return false;
    set({ saving: true, error: null });
    try {
      const view = await call('finding.setTechnique', input);
      set({ view, saving: false });
      if (useFindingStore.getState().openId === input.id) void useFindingStore.getState().reload();
      scheduleQueueRefresh();
      return true;
    } catch (e) {
      set({ saving: false, error: toClientError(e) });
      return false;
    }
  },
  clearError: () => set({ error: null }),
  close: () => set({ view: null, error: null, loading: false }),
}));

/** Export an ATT&CK Navigator layer (format 4.5) for one finding, or for the queue's current filter. */
export async function exportNavigatorLayer(target: { id: string } | 'queue'): Promise<boolean> {
  try {
    const out = await call('attack.navigatorLayer', target === 'queue' ? { filter: useQueueStore.getState().filter } : { id: target.id });
    saveJsonFile(out.filename, out.layer);
    return true;
  } catch (e) {
    reportError(e);
    return false;
  }
}
