// This workstation's analyst key and the team roster sign-offs are checked against. Only public
// material comes over the contract: handles, key ids, the roster's signer and whether it is trusted.
import { create } from 'zustand';
import type { CustodyStatus } from '../../../shared/custody';
import { call, toClientError, type VigilClientError } from '../api/client';

type Action = 'load' | 'createKey' | 'importRoster' | 'exportRoster';

interface CustodyState {
  status: CustodyStatus | null;
  busy: Action | null;
  /** the last failed action, shown in the card beside the control that caused it */
  error: { action: Action; error: VigilClientError } | null;
  /** the roster text from the last export */
  exported: string | null;
  load: () => Promise<void>;
  createKey: (handle: string, name: string) => Promise<boolean>;
  importRoster: (text: string, pinKeyId: string | null) => Promise<boolean>;
  exportRoster: () => Promise<void>;
  clearError: () => void;
}

export const useCustodyStore = create<CustodyState>()((set, get) => {
  async function act<T>(action: Action, fn: () => Promise<T>, done: (v: T) => Partial<CustodyState>): Promise<boolean> {
    if (get().busy) return false;
    set({ busy: action, error: null });
    try {
      const v = await fn();
      set({ ...done(v), busy: null });
      return true;
    } catch (e) {
      set({ busy: null, error: { action, error: toClientError(e) } });
      return false;
    }
  }

  return {
    status: null,
    busy: null,
    error: null,
    exported: null,
    load: async () => {
      await act('load', () => call('custody.status', {}), (status) => ({ status }));
    },
    createKey: (handle, name) => act('createKey', () => call('custody.createKey', { handle, name }), (status) => ({ status })),
    importRoster: (text, pinKeyId) =>
      act('importRoster', () => call('custody.importRoster', pinKeyId ? { text, pinKeyId } : { text }), (status) => ({ status, exported: null })),
    exportRoster: async () => {
      await act('exportRoster', () => call('custody.exportRoster', {}), (r) => ({ exported: r.text }));
    },
    clearError: () => set({ error: null }),
  };
});
