// Failures the user should see but that belong to no particular form: one snackbar queue.
import { create } from 'zustand';
import type { ErrorCode } from '../../../shared/errors';
import { toClientError } from '../api/client';

export interface Notice {
  id: number;
  code: ErrorCode;
  message: string;
}

interface NoticeState {
  notices: Notice[];
  report: (e: unknown) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;

export const useNoticeStore = create<NoticeState>()((set) => ({
  notices: [],
  report: (e) => {
    const err = toClientError(e);
    set((s) => {
      // The same failure repeated (e.g. every page fetch while locked) is one notice, not a pile.
      if (s.notices.some((n) => n.code === err.code && n.message === err.message)) return s;
      return { notices: [...s.notices, { id: nextId++, code: err.code, message: err.message }] };
    });
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));

/** For non-React callers (stores) that need to report without subscribing. */
export const reportError = (e: unknown): void => useNoticeStore.getState().report(e);
