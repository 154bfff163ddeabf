// Evidence bundles in the window: which export the person is about to make (one finding, the
// selection, the queue's filter), its progress (from the core's export events), and the verdict of
// the last bundle they verified.
import { create } from 'zustand';
import type { QueueFilter } from '../../../shared/domain';
import type { EvidenceCosignResult, EvidenceExportResult, EvidenceVerifyResult } from '../../../shared/evidence';
import { call } from '../api/client';
import { notify, reportError } from './noticeStore';

export interface ExportTarget {
  scope: 'ids' | 'filter' | 'range';
  ids?: string[];
  filter?: QueueFilter;
  /** what the dialog says is being exported: "FND-12", "1,204 findings matching …" */
  label: string;
}

export interface ExportProgress {
  phase: 'reading' | 'writing' | 'signing' | 'done';
  done: number;
  total: number;
}

interface EvidenceState {
  target: ExportTarget | null;
  /** bumped by each openExport, so the dialog starts from an empty form every time */
  session: number;
  exporting: boolean;
  progress: ExportProgress | null;
  result: EvidenceExportResult | null;
  error: string | null;
  verifyOpen: boolean;
  verifying: boolean;
  verdict: EvidenceVerifyResult | null;
  openExport: (t: ExportTarget) => void;
  closeExport: () => void;
  /** range: ISO dates (YYYY-MM-DD, UTC days; `until` inclusive) for scope 'range' */
  /** `as`: sign as a lead enrolled on this workstation, with their passphrase (sent once, never kept) */
  runExport: (reason: string, range?: { since: string; until: string }, as?: { handle: string; passphrase: string }) => Promise<void>;
  applyProgress: (p: ExportProgress) => void;
  openVerify: () => void;
  closeVerify: () => void;
  runVerify: (trustedKeys: string) => Promise<void>;
  cosignOpen: boolean;
  cosigning: boolean;
  cosigned: EvidenceCosignResult | null;
  cosignError: string | null;
  openCosign: () => void;
  closeCosign: () => void;
  runCosign: (as?: { handle: string; passphrase: string }) => Promise<void>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const useEvidenceStore = create<EvidenceState>()((set, get) => ({
  target: null,
  session: 0,
  exporting: false,
  progress: null,
  result: null,
  error: null,
  verifyOpen: false,
  verifying: false,
  verdict: null,
  cosignOpen: false,
  cosigning: false,
  cosigned: null,
  cosignError: null,
  openExport: (target) => set((s) => ({ target, session: s.session + 1, result: null, error: null, progress: null })),
  closeExport: () => {
    if (!get().exporting) set({ target: null, result: null, error: null, progress: null });
  },
  runExport: async (reason, range, as) => {
    const t = get().target;
    if (!t || get().exporting) return;
    set({ exporting: true, error: null, result: null, progress: null });
    // A day range in UTC: from the start of `since` to the end of `until`.
    const window =
      t.scope === 'range' && range
        ? {
            ...(range.since ? { since: `${range.since}T00:00:00.000Z` } : {}),
            ...(range.until ? { until: new Date(Date.parse(`${range.until}T00:00:00.000Z`) + 86_400_000).toISOString() } : {}),
          }
        : {};
    try {
      const r = await call('evidence.export', { scope: t.scope, ...(t.ids ? { ids: t.ids as never } : {}), ...(t.filter ? { filter: t.filter } : {}), ...window, reason, ...(as ? { as } : {}) });
      set({ result: r });
      if (r.saved) notify(`Exported ${r.findings} finding${r.findings === 1 ? '' : 's'} to ${r.path ?? 'the bundle'}.`, 'success');
    } catch (e) {
      set({ error: message(e) });
      reportError(e);
    } finally {
      set({ exporting: false });
    }
  },
  applyProgress: (p) => {
    if (get().exporting) set({ progress: p });
  },
  openVerify: () => set({ verifyOpen: true, verdict: null }),
  closeVerify: () => {
    if (!get().verifying) set({ verifyOpen: false });
  },
  runVerify: async (trustedKeys) => {
    set({ verifying: true });
    try {
      const r = await call('evidence.verify', trustedKeys.trim() ? { trustedKeys } : {});
      if (r.picked) set({ verdict: r });
    } catch (e) {
      reportError(e);
    } finally {
      set({ verifying: false });
    }
  },
  openCosign: () => set({ cosignOpen: true, cosigned: null, cosignError: null }),
  closeCosign: () => {
    if (!get().cosigning) set({ cosignOpen: false, cosigned: null, cosignError: null });
  },
  runCosign: async (as) => {
    if (get().cosigning) return;
    set({ cosigning: true, cosignError: null });
    try {
      const r = await call('evidence.cosign', as ? { as } : {});
      if (r.saved) {
        set({ cosigned: r });
        notify(`Co-signed ${r.path ?? 'the bundle'} as ${r.handle ?? 'you'}: ${r.signatures} signatures.`, 'success');
      }
    } catch (e) {
      set({ cosignError: message(e) });
      reportError(e);
    } finally {
      set({ cosigning: false });
    }
  },
}));
