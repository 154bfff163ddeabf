// The renderer's only door to the core. Everything goes through window.vigil (preload in Electron,
// an injected fetch bridge in the e2e harness); this wrapper turns a Reply into a value or a typed
// error so stores can use try/catch instead of checking `ok` everywhere.
import type { Channel, ChannelInput, ChannelOutput, VigilBridge } from '../../../shared/contract';
import type { VigilEvent } from '../../../shared/domain';
import { ERROR_CODES, type ErrorCode, type VigilErrorShape } from '../../../shared/errors';

declare global {
  interface Window {
    /** Absent only when the page is opened outside Vigil (e.g. a plain browser). */
    readonly vigil?: VigilBridge;
  }
}

export class VigilClientError extends Error {
  readonly code: ErrorCode;
  constructor(shape: VigilErrorShape) {
    super(shape.message);
    this.name = 'VigilClientError';
    this.code = shape.code;
  }
}

function bridge(): VigilBridge {
  const b = window.vigil;
  if (!b) {
    throw new VigilClientError({
      code: 'INTERNAL',
      message: 'Vigil’s core is not connected to this window (window.vigil is missing). Start Vigil from its app, not a browser.',
    });
  }
  return b;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** Call one contract channel; resolves with its value or throws VigilClientError. */
export async function call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>> {
  let reply;
  try {
    reply = await bridge().invoke(channel, input);
  } catch (e) {
    if (e instanceof VigilClientError) throw e;
    // The transport itself failed (IPC torn down, harness gone): nothing was answered.
    throw new VigilClientError({ code: 'INTERNAL', message: `Vigil’s core did not answer ${channel}. ${e instanceof Error ? e.message : ''}`.trim() });
  }
  if (reply.ok) return reply.value;
  const code: ErrorCode = KNOWN_CODES.has(reply.error.code) ? reply.error.code : 'INTERNAL';
  throw new VigilClientError({ code, message: reply.error.message });
}

/** An error the core reported inside a value (a failed sync, a failed Splunk run) as a client error. */
export function errorFromShape(shape: { code: string; message: string }): VigilClientError {
  return new VigilClientError({ code: KNOWN_CODES.has(shape.code) ? (shape.code as ErrorCode) : 'INTERNAL', message: shape.message });
}

export function toClientError(e: unknown): VigilClientError {
  if (e instanceof VigilClientError) return e;
  return new VigilClientError({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) });
}

/** Subscribe to core events; a missing bridge simply means no events. */
export function onVigilEvent(listener: (event: VigilEvent) => void): () => void {
  const b = window.vigil;
  return b ? b.onEvent(listener) : () => {};
}
