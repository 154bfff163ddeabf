// Incremental, resumable signal sync. A window [high-water − overlap, now] is paged with Datadog's
// cursor; each page, its cursor and the running counts commit in one transaction, so a sync stopped
// anywhere (crash, SIGKILL, cancel, outage) resumes at the next page, and re-reading a page never
// duplicates anything (signals are keyed by id and compared by content hash).
import { VigilError, isVigilError } from '../../../../shared/errors';
import type { Register } from '../../register/register';
import type { SyncState } from '../../register/source-stores';
import type { DatadogClient } from './client';
import { pageWorker } from './page-decoder';
import { MAX_SIGNAL_PAGE } from './signals';

export const DATADOG_SOURCE = 'datadog';
/**
 * The re-check of a past window keeps its own cursor, so it resumes like the incremental sync and
 * never moves that sync's high-water mark.
 */
export const DATADOG_RECHECK_SOURCE = 'datadog:recheck';

/** The re-check window of the last `days` days, ending at `now` (epoch ms). */
export function recheckWindow(days: number, now: number): { from: number; to: number } {
  return { from: now - days * 86_400_000, to: now };
}

export interface SyncProgress {
  phase: 'fetching' | 'waiting' | 'done' | 'failed' | 'cancelled';
  pages: number;
  signals: number;
  inserted: number;
  revised: number;
  unchanged: number;
  quarantined: number;
  waits: number;
  waitMs: number;
  windowFrom: string;
  windowTo: string;
  resumed: boolean;
  error?: { code: string; message: string };
}

export interface SyncOptions {
  query: string;
  pageSize?: number;
  /** re-read this much before the high-water mark: Datadog indexes late arrivals */
  overlapMs?: number;
  /** how far back the first sync reaches */
  lookbackMs?: number;
  now?: () => number;
  actor: string;
  tacticFor?: (techniqueId: string) => string | null;
  /** ask Splunk for context on every finding this sync opens */
  requestContext?: boolean;
  onProgress?: (p: SyncProgress) => void;
  signal?: AbortSignal;
  /**
   * Re-read this window instead of the incremental one (state kept under DATADOG_RECHECK_SOURCE).
   * Datadog's search filters by signal time, so a signal triaged or updated long after it fired is
   * only seen again by reading its time again; unchanged signals cost a hash compare.
   */
  recheck?: { from: number; to: number };
}

export const DEFAULT_OVERLAP_MS = 10 * 60_000;
export const DEFAULT_LOOKBACK_MS = 30 * 24 * 3600_000;

export class SignalSync {
  /** counts waits the client reports (429 / 5xx / network) while this sync runs */
  readonly progress: SyncProgress;

  constructor(
    private readonly reg: Register,
    private readonly client: DatadogClient,
    private readonly opts: SyncOptions,
  ) {
    this.progress = { phase: 'fetching', pages: 0, signals: 0, inserted: 0, revised: 0, unchanged: 0, quarantined: 0, waits: 0, waitMs: 0, windowFrom: '', windowTo: '', resumed: false };
  }

  /** Wire this to the client's onWait so waits show in the progress. */
  noteWait(waitMs: number): void {
    this.progress.waits++;
    this.progress.waitMs += waitMs;
    this.progress.phase = 'waiting';
    this.emit();
  }

  private emit(): void {
    this.opts.onProgress?.({ ...this.progress });
  }

  async run(): Promise<SyncProgress> {
    const pageSize = Math.min(MAX_SIGNAL_PAGE, Math.max(1, this.opts.pageSize ?? MAX_SIGNAL_PAGE));
    const now = (this.opts.now ?? Date.now)();
    const recheck = this.opts.recheck;
    if (recheck && !(Number.isFinite(recheck.from) && Number.isFinite(recheck.to) && recheck.from < recheck.to)) {
      throw new VigilError('VALIDATION_FAILED', 'A re-check window needs a start before its end.');
    }
    const key = recheck ? DATADOG_RECHECK_SOURCE : DATADOG_SOURCE;
    let st = this.reg.syncState(key);
    // A cursor left behind means a window was interrupted: finish that window first.
    if (st.cursor !== null && st.windowFrom !== null && st.windowTo !== null) {
      this.progress.resumed = true;
      this.progress.pages = st.pages;
      this.progress.signals = st.signals;
      st = { ...st, status: 'running', lastError: null, lastErrorCode: null };
    } else if (recheck) {
      st = { ...st, status: 'running', windowFrom: recheck.from, windowTo: recheck.to, cursor: null, pages: 0, signals: 0, startedAt: now, finishedAt: null, lastError: null, lastErrorCode: null };
    } else {
      const from = st.highWater !== null ? st.highWater - (this.opts.overlapMs ?? DEFAULT_OVERLAP_MS) : now - (this.opts.lookbackMs ?? DEFAULT_LOOKBACK_MS);
      st = { ...st, status: 'running', windowFrom: from, windowTo: now, cursor: null, pages: 0, signals: 0, startedAt: now, finishedAt: null, lastError: null, lastErrorCode: null };
    }
    this.reg.saveSyncState(st);
    this.progress.windowFrom = new Date(st.windowFrom!).toISOString();
    this.progress.windowTo = new Date(st.windowTo!).toISOString();
    this.emit();

    const base = { query: this.opts.query, from: new Date(st.windowFrom!), to: new Date(st.windowTo!), limit: pageSize, sort: 'timestamp' as const };
    try {
      // Pages arrive validated and hashed (in the page worker when there is one), so decoding page
      // n+1 overlaps the register committing page n; the commit stays one transaction per page.
      const fetchPage = (cursor: string | null) => this.client.searchSignalsPrepared({ ...base, cursor }, { signal: this.opts.signal });
      let pending = fetchPage(st.cursor);
      let first = true;
      for (;;) {
        let page;
        try {
          page = await pending;
        } catch (e) {
          // A cursor kept from an interrupted run can have expired by the time it resumes. Reading
          // the same window again from its start is safe (signals are compared by hash), and
          // better than a resume that fails forever.
          if (first && st.cursor !== null && isVigilError(e) && e.code === 'SOURCE_BAD_REQUEST') {
            first = false;
            st = { ...st, cursor: null, pages: 0, signals: 0 };
            this.reg.saveSyncState(st);
            Object.assign(this.progress, { pages: 0, signals: 0 });
            this.emit();
            pending = fetchPage(null);
            continue;
          }
          throw e;
        }
        first = false;
        // Ask for the next page before writing this one: the network overlaps the register's work.
        const hasNext = page.nextCursor !== null;
        if (hasNext && !this.opts.signal?.aborted) {
          pending = fetchPage(page.nextCursor);
          pending.catch(() => undefined); // observed below; avoid an unhandled rejection meanwhile
          // The request is built through a chain of promises; let it leave (to the page worker, or the
          // socket) before the synchronous commit below holds this thread.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const next: SyncState = hasNext
          ? { ...st, cursor: page.nextCursor, pages: st.pages + 1, signals: st.signals + page.count }
          : { ...st, cursor: null, pages: st.pages + 1, signals: st.signals + page.count, status: 'idle', highWater: st.windowTo, finishedAt: (this.opts.now ?? Date.now)() };
        const res = this.reg.ingestSyncPage({ prepared: page.prepared }, next, {
          actor: this.opts.actor,
          ...(this.opts.tacticFor ? { tacticFor: this.opts.tacticFor } : {}),
          requestContext: this.opts.requestContext ?? false,
        });
        st = next;
        Object.assign(this.progress, {
          phase: hasNext ? 'fetching' : 'done',
          pages: st.pages,
          signals: st.signals,
          inserted: this.progress.inserted + res.inserted,
          revised: this.progress.revised + res.revised,
          unchanged: this.progress.unchanged + res.unchanged,
          quarantined: this.progress.quarantined + res.quarantined.length,
        });
        this.emit();
        if (!hasNext) return { ...this.progress };
        if (this.opts.signal?.aborted) throw new VigilError('CANCELLED', 'Sync cancelled; it resumes from the next page.');
      }
    } catch (e) {
      const err = isVigilError(e) ? e : new VigilError('INTERNAL', 'Sync stopped unexpectedly; it resumes from the last saved page.', { cause: e });
      // Keep the cursor: the next run picks up at the page that did not land.
      this.reg.saveSyncState({ ...st, status: 'failed', lastError: err.message, lastErrorCode: err.code });
      this.progress.phase = err.code === 'CANCELLED' ? 'cancelled' : 'failed';
      this.progress.error = { code: err.code, message: err.message };
      this.emit();
      throw err;
    } finally {
      // Syncs are minutes apart: the page worker's memory goes back now, not after its idle timeout.
      pageWorker.release();
    }
  }
}
