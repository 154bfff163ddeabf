// The audit slice's entry hashes, computed ahead. Checking a 10,000-finding bundle walks ~110,000
// audit entries, and recomputing each entry's hash was a tenth of the verifier's main thread. The
// async verifier (verify.ts) hands the slice's bytes to a worker (audit-hash-worker.ts), which splits
// them into lines exactly as the verifier does and hashes every line that is an audit entry, while
// the main thread works through the manifest and the findings. The checks then run as always, in
// order, and take a line's hash from here only for that very line of those very bytes: the worker
// is a cache, never a verdict. No worker (none could start, or it failed): every hash is computed in
// order, as the plain verifier does.
import { Worker } from 'node:worker_threads';
import { workerScript } from '../worker-file';
import { auditEntryDigest, isAuditEntry } from './bundle-format';

/** For line i of the slice: its entry's sha256 (32 bytes at i * 32), when the line is an audit entry. */
export interface AuditHashes {
  lines: number;
  digests: Uint8Array<ArrayBuffer>;
  /** 1 where line i parsed as an audit entry and its digest is filled in */
  hashed: Uint8Array<ArrayBuffer>;
}

/** Splits and hashes as the verifier reads the slice: text, then lines on "\n". Used by the worker. */
export function hashAuditLines(bytes: Uint8Array): AuditHashes {
  const lines = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').split('\n');
  const digests = new Uint8Array(lines.length * 32);
  const hashed = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    let raw: unknown = null;
    try {
      raw = JSON.parse(lines[i]!);
    } catch {
      continue;
    }
    if (!isAuditEntry(raw)) continue;
    digests.set(auditEntryDigest(raw), i * 32);
    hashed[i] = 1;
  }
  return { lines: lines.length, digests, hashed };
}

/** The precomputed hash of line `i`, as hex, or null (then the caller computes it). */
export function precomputedHash(h: AuditHashes | null, lineCount: number, i: number): string | null {
  if (!h || h.lines !== lineCount || h.hashed[i] !== 1) return null;
  return Buffer.from(h.digests.buffer, h.digests.byteOffset + i * 32, 32).toString('hex');
}

export interface AuditWorkerMessage {
  bytes: Uint8Array;
}

/** Hash the slice in a worker; resolves null when no worker can do it. Never rejects. */
export function hashAuditSliceOffThread(slice: Uint8Array): Promise<AuditHashes | null> {
  const script = workerScript(import.meta.url, 'audit-hash-worker');
  if (!script) return Promise.resolve(null);
  return new Promise((resolve) => {
    let w: Worker;
    try {
      w = new Worker(script.url, script.options);
    } catch {
      resolve(null);
      return;
    }
    let settled = false;
    const finish = (r: AuditHashes | null) => {
      if (settled) return;
      settled = true;
      resolve(r);
      void w.terminate();
    };
    w.on('message', (r: AuditHashes) => finish(r));
    w.on('error', () => finish(null));
    w.on('exit', () => finish(null));
    // A copy: the verifier keeps reading (and hashing) its own bytes meanwhile.
    const copy = new Uint8Array(slice);
    w.postMessage({ bytes: copy } satisfies AuditWorkerMessage, [copy.buffer]);
  });
}
