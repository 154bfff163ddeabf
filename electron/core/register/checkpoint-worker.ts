// The register's checkpoint worker. A sync commits a page of 1,000 signals as one transaction of a
// few thousand WAL frames; copying them back into the database file (the WAL checkpoint) was a
// third of the main thread's time per page. Here a second connection to the same file runs PASSIVE
// checkpoints beside the writer: PASSIVE never waits for and never blocks the writer or a reader, so
// the main connection's own auto-checkpoint only finds the frames this one has not reached yet.
// Nothing is read or written here but the WAL's own pages; no data crosses back to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type DB } from './database';
import { CHECKPOINT_STATE, type CheckpointReply, type CheckpointRequest, type CheckpointWorkerData } from './checkpointer';

const data = workerData as CheckpointWorkerData;
const state = new Int32Array(data.state);
let db: DB | null = null;

// The main thread may have closed the register before this worker got going: then never open.
if (Atomics.compareExchange(state, 0, CHECKPOINT_STATE.starting, CHECKPOINT_STATE.open) === CHECKPOINT_STATE.starting) {
  const key = Buffer.from(data.key);
  try {
    db = openDatabase(data.path, key, { create: false });
  } catch (e) {
    // The main thread must not wait for a connection that never came.
    Atomics.store(state, 0, CHECKPOINT_STATE.closed);
    Atomics.notify(state, 0);
    throw e;
  } finally {
    key.fill(0);
    new Uint8Array(data.key).fill(0);
  }
}

let running = false;
let again = false;

function checkpoint(): void {
  if (!db) return;
  running = true;
  again = false;
  let reply: CheckpointReply;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    reply = { type: 'checkpointed', log: r?.log ?? 0, checkpointed: r?.checkpointed ?? 0 };
  } catch (e) {
    // SQLITE_BUSY: another checkpoint (the writer's own) is running; the next poke tries again.
    reply = { type: 'skipped', code: (e as { code?: string }).code ?? 'UNKNOWN' };
  }
  running = false;
  parentPort?.postMessage(reply);
  if (again) setImmediate(checkpoint);
}

function close(): void {
  try {
    db?.close();
  } finally {
    db = null;
    Atomics.store(state, 0, CHECKPOINT_STATE.closed);
    Atomics.notify(state, 0);
    parentPort?.close();
  }
}

parentPort?.on('message', (m: CheckpointRequest) => {
  if (m.type === 'close') return close();
  // Pokes arriving during a checkpoint fold into one more run after it.
  if (running) again = true;
  else setImmediate(checkpoint);
});
