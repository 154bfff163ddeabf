// The main thread's side of the page worker (page-worker.ts). Decoding a page of 1,000 signals
// (JSON, validation, hashing) is about a fifth of the sync's main-thread time, and the register's
// commit of the page before — most of the rest — blocks the event loop, so a response read on the
// main thread waits for it. With the exchange and the decoding in one worker, the next page is
// fetched and decoded beside the commit. When no worker can be had (it failed to start, or died),
// the transport does what it always did on the calling thread: slower, never different.
import { Worker } from 'node:worker_threads';
import { workerScript } from '../../worker-file';
import type { WorkerFetch, WorkerReply } from './page-worker';

/** An idle worker is let go after this long; the next search starts another. */
const IDLE_MS = 20_000;

/** The worker went away with this exchange unanswered: do it on the calling thread instead. */
export class PageWorkerLost extends Error {
  constructor() {
    super('the page worker is not available');
    this.name = 'PageWorkerLost';
  }
}

interface Pending {
  resolve: (r: WorkerReply) => void;
  reject: (e: unknown) => void;
}

/**
 * The worker's heap is capped so that it collects as it goes instead of growing with the length of
 * the sync; hitting the cap ends the worker, and the calling thread takes over (lost() below). The
 * cap must hold two pages in flight: real signals run to ~21 KB (the recorded ones, mostly sample
 * events), so a page of 1,000 is a ~21 MB body that parses to several times that, plus its
 * canonical payloads. 64 MB, sized on the demo's 3.5 KB signals, ended the worker on the first real
 * page and left every page to the main thread (1,078 against 1,434 signals/s here).
 */
const RESOURCE_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 32 };

export class PageWorker {
  private worker: Worker | null = null;
  /** it could not be started or died: the calling thread does the work from now on */
  private unavailable = false;
  private retiring: Worker | null = null;
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | null = null;

  get available(): boolean {
    return !this.unavailable;
  }

  /** One HTTP exchange (and, for a 2xx, the decoded page). Rejects with PageWorkerLost only. */
  exchange(req: Omit<WorkerFetch, 'type' | 'id'>, signal?: AbortSignal): Promise<WorkerReply> {
    const w = this.ensure();
    if (!w) return Promise.reject(new PageWorkerLost());
    const id = ++this.seq;
    return new Promise<WorkerReply>((resolve, reject) => {
      const onAbort = () => w.postMessage({ type: 'abort', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      this.disarmIdle();
      w.postMessage({ type: 'fetch', id, ...req } satisfies WorkerFetch);
    });
  }

  /** Let the worker go now if it holds nothing (a sync ended); the next search starts another. */
  release(): void {
    if (this.pending.size > 0) return;
    this.disarmIdle();
    this.retire();
  }

  private retire(): void {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    this.retiring = w;
    void w.terminate();
  }

  private ensure(): Worker | null {
    if (this.unavailable) return null;
    if (this.worker) return this.worker;
    const script = workerScript(import.meta.url, 'page-worker', { resourceLimits: RESOURCE_LIMITS });
    let w: Worker;
    try {
      if (!script) throw new Error('no page worker file');
      w = new Worker(script.url, script.options);
    } catch {
      this.unavailable = true;
      return null;
    }
    // Never what keeps the process alive.
    w.unref();
    w.on('message', (r: WorkerReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      p.resolve(r);
      if (this.pending.size === 0) this.armIdle();
    });
    w.on('error', () => this.lost(w));
    w.on('exit', () => this.lost(w));
    this.worker = w;
    return w;
  }

  /** Retired when idle: nothing to do. Otherwise its exchanges are redone on the calling thread, and so is every later one. */
  private lost(w: Worker): void {
    if (this.retiring === w) {
      this.retiring = null;
      return;
    }
    if (this.worker !== w) return;
    this.worker = null;
    this.unavailable = true;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new PageWorkerLost());
    }
  }

  private disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private armIdle(): void {
    this.disarmIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size === 0) this.retire();
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}

/** One per process: the searches of every sync share it. */
export const pageWorker = new PageWorker();
