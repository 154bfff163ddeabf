// The vault: which screen the app shows (none → Welcome, locked → Unlock, unlocked → Queue) and
// the actions that move between them. Form errors are kept here, not in the snackbar, so they can
// sit under the field that caused them.
import { create } from 'zustand';
import type { VaultStatus } from '../../../shared/domain';
import { call, toClientError, type VigilClientError } from '../api/client';
import { reportError } from './noticeStore';

/** Activity pings are cheap but not free: one per this interval keeps the idle timer honest. */
export const TOUCH_INTERVAL_MS = 30_000;

interface VaultState {
  status: VaultStatus | null;
  /** the action in flight, for spinners and disabled buttons */
  busy: 'unlock' | 'lock' | 'openDemo' | 'create' | 'open' | null;
  /** the last failed unlock/openDemo, shown inline in its form */
  formError: VigilClientError | null;
  lastTouch: number;
  load: () => Promise<void>;
  apply: (status: VaultStatus) => void;
  unlock: (passphrase?: string) => Promise<boolean>;
  lock: () => Promise<void>;
  openDemo: (passphrase?: string) => Promise<boolean>;
  /** a new, empty team workspace, opened at once */
  createWorkspace: (name: string, passphrase?: string) => Promise<boolean>;
  /** a recent workspace, or (no path) one picked in the desktop's file dialog; it opens locked */
  openWorkspace: (recent?: string) => Promise<boolean>;
  /** lock and go back to the Welcome view */
  closeWorkspace: () => Promise<void>;
  clearFormError: () => void;
  touch: () => void;
}

export const useVaultStore = create<VaultState>()((set, get) => {
  async function run(kind: 'unlock' | 'openDemo' | 'create' | 'open', fn: () => Promise<VaultStatus>): Promise<boolean> {
    if (get().busy) return false;
    set({ busy: kind, formError: null });
    try {
      get().apply(await fn());
      return true;
    } catch (e) {
      set({ formError: toClientError(e) });
      return false;
    } finally {
      set({ busy: null });
    }
  }

  return {
    status: null,
    busy: null,
    formError: null,
    lastTouch: 0,
    load: async () => {
      try {
        get().apply(await call('vault.status', {}));
      } catch (e) {
        reportError(e);
      }
    },
    apply: (status) => set({ status, lastTouch: status.state === 'unlocked' ? Date.now() : get().lastTouch }),
    unlock: (passphrase) => run('unlock', () => call('vault.unlock', passphrase === undefined ? {} : { passphrase })),
    openDemo: (passphrase) => run('openDemo', () => call('workspace.openDemo', passphrase === undefined ? {} : { passphrase })),
    createWorkspace: (name, passphrase) => run('create', () => call('workspace.create', passphrase === undefined ? { name } : { name, passphrase })),
    openWorkspace: (recent) => run('open', () => call('workspace.open', recent === undefined ? {} : { recent })),
    closeWorkspace: async () => {
      if (get().busy) return;
      set({ busy: 'lock' });
      try {
        get().apply(await call('workspace.close', {}));
      } catch (e) {
        reportError(e);
      } finally {
        set({ busy: null });
      }
    },
    lock: async () => {
      if (get().busy) return;
      set({ busy: 'lock' });
      try {
        get().apply(await call('vault.lock', {}));
      } catch (e) {
        reportError(e);
      } finally {
        set({ busy: null });
      }
    },
    clearFormError: () => set({ formError: null }),
    touch: () => {
      const { status, lastTouch } = get();
      const now = Date.now();
      if (status?.state !== 'unlocked' || now - lastTouch < TOUCH_INTERVAL_MS) return;
      set({ lastTouch: now });
      call('session.touch', {}).catch((e: unknown) => {
        // A touch that finds the vault locked means we missed the event: resync instead of nagging.
        if (toClientError(e).code === 'VAULT_LOCKED') void get().load();
        else reportError(e);
      });
    },
  };
});
