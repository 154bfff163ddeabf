// Validation and hashing of a batch of raw signals, before any write lock is taken. Pure (no
// register, no I/O), so the sync can run it off the main thread (sources/datadog/page-worker.ts)
// while the register commits the page before: what it returns is plain data a worker can post.
import { VigilError } from '../../../shared/errors';
import { normalizeSignal, type SignalForRegister } from './normalize';

/** A payload that failed validation, ready for the quarantine table. */
export interface QuarantinedSignal {
  quarantine: { ddSignalId: string | null; reason: string; payload: string };
}

export type PreparedSignal = SignalForRegister | QuarantinedSignal;

export function isQuarantined(p: PreparedSignal): p is QuarantinedSignal {
  return 'quarantine' in p;
}

/** Every signal validated (the shared zod schema) and hashed; failures kept with their reason. */
export function prepareSignals(raws: readonly unknown[]): PreparedSignal[] {
  return raws.map((raw) => {
    try {
      // The sample events stay in the payload (canonical); the register needs only their count.
      const { samples: _samples, ...forRegister } = normalizeSignal(raw);
      return forRegister;
    } catch (e) {
      if (e instanceof VigilError) return { quarantine: { ddSignalId: rawId(raw), reason: e.message, payload: safeStringify(raw) } };
      throw e;
    }
  });
}

function rawId(raw: unknown): string | null {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 512) : null;
}

function safeStringify(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? 'null';
  } catch {
    return '"<unserialisable payload>"';
  }
}
