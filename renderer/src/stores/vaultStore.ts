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
  busy: 'unlock' | 'lock' | 'openDemo' | null;
  /** the last failed unlock/openDemo, shown inline in its form */
  formError: VigilClientError | null;
  lastTouch: number;
  load: () => Promise<void>;
  apply: (status: VaultStatus) => void;
  unlock: (passphrase?: string) => Promise<boolean>;
  lock: () => Promise<void>;
  openDemo: (passphrase?: string) => Promise<boolean>;
  clearFormError: () => void;
  touch: () => void;
}

export const useVaultStore = create<VaultState>()((set, get) => {
  async function run(kind: 'unlock' | 'openDemo', fn: () => Promise<VaultStatus>): Promise<boolean> {
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
