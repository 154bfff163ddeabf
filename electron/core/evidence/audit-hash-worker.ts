// The audit-slice hashing worker (audit-hashes.ts): one slice in, every line's entry hash out.
import { parentPort } from 'node:worker_threads';
import { hashAuditLines, type AuditWorkerMessage } from './audit-hashes';

parentPort?.once('message', (m: AuditWorkerMessage) => {
  const r = hashAuditLines(m.bytes);
  parentPort!.postMessage(r, [r.digests.buffer, r.hashed.buffer]);
});
