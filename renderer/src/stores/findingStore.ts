// The finding open in the detail panel, and what the analyst does to it (status, priority,
// assignee, comments, Splunk context). Only the latest request wins: pressing Enter on one row and
// then another must not show the first one's detail late, and a reply for a finding that is no
// longer open is dropped.
import { create } from 'zustand';
import type { FindingDetail } from '../../../shared/domain';
import type { z } from 'zod';
import type { FindingUpdateInput as FindingUpdateSchema } from '../../../shared/domain';

type FindingUpdateInput = z.input<typeof FindingUpdateSchema>;
import { call, toClientError, type VigilClientError } from '../api/client';
import { reportError } from './noticeStore';
import { scheduleQueueRefresh } from './queueStore';

/** Everything finding.update takes but the id: triage, and decision edits (with newRevision on a signed finding). */
export type FindingChange = Omit<FindingUpdateInput, 'id'>;

type Action = 'update' | 'comment' | 'context';

interface FindingState {
  openId: string | null;
  detail: FindingDetail | null;
  loading: boolean;
  /** the action in flight on the open finding */
  busy: Action | null;
  /** the last failed action, shown beside the control that caused it */
  actionError: { action: Action; error: VigilClientError } | null;
  open: (id: string) => Promise<void>;
  /** re-read the open finding without a loading state (it changed in the background) */
  reload: () => Promise<void>;
  update: (change: FindingChange) => Promise<boolean>;
  comment: (text: string) => Promise<boolean>;
  fetchContext: () => Promise<void>;
  clearActionError: () => void;
  close: () => void;
}

export const useFindingStore = create<FindingState>()((set, get) => {
  async function act(action: Action, fn: (id: string) => Promise<FindingDetail>): Promise<boolean> {
    const id = get().openId;
    if (!id || get().busy) return false;
    set({ busy: action, actionError: null });
    try {
      const detail = await fn(id);
      if (get().openId === id) set({ detail });
      // The queue shows status, priority, assignee and the Splunk search: let it catch up.
      scheduleQueueRefresh();
      return true;
    } catch (e) {
      if (get().openId === id) set({ actionError: { action, error: toClientError(e) } });
      return false;
    } finally {
      if (get().openId === id) set({ busy: null });
    }
  }

  return {
    openId: null,
    detail: null,
    loading: false,
    busy: null,
    actionError: null,
    open: async (id) => {
      const same = get().detail?.finding.finding_id === id;
      set({ openId: id, loading: true, detail: same ? get().detail : null, ...(same ? {} : { busy: null, actionError: null }) });
      try {
        const detail = await call('finding.get', { id });
        if (get().openId === id) set({ detail, loading: false });
      } catch (e) {
        if (get().openId === id) set({ loading: false });
        reportError(e);
      }
    },
    reload: async () => {
      const id = get().openId;
      if (!id) return;
      try {
        const detail = await call('finding.get', { id });
        if (get().openId === id) set({ detail });
      } catch (e) {
        reportError(e);
      }
    },
    update: (change) => act('update', (id) => call('finding.update', { id, ...change })),
    comment: (text) => act('comment', (id) => call('finding.comment', { id, text })),
    fetchContext: async () => {
      await act('context', (id) => call('finding.fetchContext', { id }));
    },
    clearActionError: () => set({ actionError: null }),
    close: () => set({ openId: null, detail: null, loading: false, busy: null, actionError: null }),
  };
});
