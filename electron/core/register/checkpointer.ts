// The main thread's side of the checkpoint worker (checkpoint-worker.ts). Started on the first bulk
// write (a sync page) and let go when idle, so a workspace that only reads never has a second
// connection. When no worker can be had, nothing changes: the main connection's auto-checkpoint
// (wal_autocheckpoint in database.ts) does all the copying, as it always did.
//
// Closing is synchronous, like the register's close: the worker's connection is closed first, so
// the main connection is the last one and its close folds the WAL back into the file and removes it.
import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-file';

export const CHECKPOINT_STATE = { starting: 0, open: 1, closed: 2, cancelled: 3 } as const;

export interface CheckpointWorkerData {
  path: string;
  /** the vault key, copied for the worker's connection; it zeroes its copy once the file is open */
  key: ArrayBuffer;
  /** one Int32: CHECKPOINT_STATE, the close handshake */
  state: SharedArrayBuffer;
}

export type CheckpointRequest = { type: 'checkpoint' } | { type: 'close' };
export type CheckpointReply = { type: 'checkpointed'; log: number; checkpointed: number } | { type: 'skipped'; code: string };

/**
 * Signals written between two checkpoints (about 2 WAL frames each). One checkpoint per page copied
 * pages that the next page rewrote (index leaves, interior pages); every four pages keeps the main
 * thread's share at its lowest and the worker's total lower than the writer's own checkpoints were.
 */
export const CHECKPOINT_EVERY_SIGNALS = 4000;

/** An idle worker is let go after this long; the next sync page starts another. */
const IDLE_MS = 20_000;
/** The longest a close waits for a checkpoint in progress; after it the worker's own close ends the WAL. */
const CLOSE_WAIT_MS = 10_000;

export interface CheckpointStats {
  started: number;
  checkpoints: number;
  skipped: number;
}

export class Checkpointer {
  private worker: Worker | null = null;
  private state: Int32Array | null = null;
  private unavailable = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private key: Buffer | null;
  private sinceLast = 0;
  readonly stats: CheckpointStats = { started: 0, checkpoints: 0, skipped: 0 };

  /**
   * @param onActive told when the worker starts (true) and when it is gone (false): the register
   *   lets its WAL grow further before checkpointing on its own while the worker does the copying.
   */
  constructor(
    private readonly path: string,
    key: Buffer,
    private readonly onActive: (active: boolean) => void = () => undefined,
  ) {
    this.key = Buffer.from(key);
  }

  get available(): boolean {
    return !this.unavailable && this.key !== null;
  }

  /** A bulk write of `signals` signals committed: every few thousand, fold the WAL back into the file beside the next writes. */
  noteBulkWrite(signals: number): void {
    this.sinceLast += signals;
    if (this.sinceLast < CHECKPOINT_EVERY_SIGNALS) return;
    const w = this.ensure();
    if (!w) return;
    this.sinceLast = 0;
    this.armIdle();
    w.postMessage({ type: 'checkpoint' } satisfies CheckpointRequest);
  }

  /** The register is closing: close the worker's connection first (waits for a checkpoint in progress), and forget the key. */
  close(): void {
    this.disarmIdle();
    this.stop();
    this.key?.fill(0);
    this.key = null;
  }

  private ensure(): Worker | null {
    if (this.worker) return this.worker;
    if (this.unavailable || !this.key) return null;
    const script = workerScript(import.meta.url, 'checkpoint-worker');
    if (!script) {
      this.unavailable = true;
      return null;
    }
    const state = new Int32Array(new SharedArrayBuffer(4));
    const key = new Uint8Array(this.key).buffer;
    const data: CheckpointWorkerData = { path: this.path, key, state: state.buffer as SharedArrayBuffer };
    let w: Worker;
    try {
      w = new Worker(script.url, { ...script.options, workerData: data, transferList: [key] });
    } catch {
      this.unavailable = true;
      return null;
    }
    w.unref();
    w.on('message', (r: CheckpointReply) => {
      if (r.type === 'checkpointed') this.stats.checkpoints++;
      else this.stats.skipped++;
    });
    // A worker that fails (it could not open the file, it ran out of memory) is not started again.
    w.on('error', () => this.lost(w));
    w.on('exit', () => this.lost(w));
    this.worker = w;
    this.state = state;
    this.stats.started++;
    this.onActive(true);
    return w;
  }

  private lost(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.state = null;
    this.unavailable = true;
    this.onActive(false);
  }

  /** Close the worker's connection and end the worker. */
  private stop(): void {
    const w = this.worker;
    const state = this.state;
    if (!w || !state) return;
    this.worker = null;
    this.state = null;
    this.onActive(false);
    // Not yet open: it never will be. Otherwise ask it to close and wait until it has.
    if (Atomics.compareExchange(state, 0, CHECKPOINT_STATE.starting, CHECKPOINT_STATE.cancelled) !== CHECKPOINT_STATE.starting) {
      w.postMessage({ type: 'close' } satisfies CheckpointRequest);
      const deadline = Date.now() + CLOSE_WAIT_MS;
      while (Atomics.load(state, 0) === CHECKPOINT_STATE.open && Date.now() < deadline) {
        Atomics.wait(state, 0, CHECKPOINT_STATE.open, deadline - Date.now());
      }
    }
    void w.terminate();
  }

  private disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private armIdle(): void {
    this.disarmIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.stop();
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}
