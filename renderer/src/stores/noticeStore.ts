// Messages that belong to no particular form: failures (with their stable code) and the outcome of
// background work such as a sync. One snackbar queue, shown one at a time.
import { create } from 'zustand';
import type { ErrorCode } from '../../../shared/errors';
import { toClientError } from '../api/client';

export type NoticeSeverity = 'error' | 'warning' | 'success' | 'info';

export interface Notice {
  id: number;
  severity: NoticeSeverity;
  /** the stable error code, for failures */
  code: ErrorCode | null;
  message: string;
}

interface NoticeState {
  notices: Notice[];
  report: (e: unknown) => void;
  notify: (message: string, severity?: Exclude<NoticeSeverity, 'error'>) => void;
  dismiss: (id: number) => void;
}

let nextId = 1;

export const useNoticeStore = create<NoticeState>()((set) => {
  function push(n: Omit<Notice, 'id'>) {
    set((s) => {
      // The same message repeated (e.g. every page fetch while locked) is one notice, not a pile.
      if (s.notices.some((x) => x.code === n.code && x.message === n.message)) return s;
      return { notices: [...s.notices, { ...n, id: nextId++ }] };
    });
  }
  return {
    notices: [],
    report: (e) => {
      const err = toClientError(e);
      push({ severity: 'error', code: err.code, message: err.message });
    },
    notify: (message, severity = 'info') => push({ severity, code: null, message }),
    dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  };
});

/** For non-React callers (stores) that need to report without subscribing. */
export const reportError = (e: unknown): void => useNoticeStore.getState().report(e);
export const notify = (message: string, severity?: Exclude<NoticeSeverity, 'error'>): void => useNoticeStore.getState().notify(message, severity);
