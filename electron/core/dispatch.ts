// One dispatcher for every transport: parse the input with the channel's zod schema, call the
// handler, parse the output, and turn any failure into { code, message }. electron/main wires it to
// ipcMain.handle; the e2e harness serves it over loopback HTTP.
import { z } from 'zod';
import { contract, type Channel, type ChannelOutput, type ChannelParsedInput, type Reply } from '../../shared/contract';
import { VigilError } from '../../shared/errors';

export type Handlers = { [C in Channel]: (input: ChannelParsedInput<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>> };

export interface DispatchLog {
  (entry: { channel: string; code: string; message: string; cause?: unknown }): void;
}

function describeIssues(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    .join('; ');
}

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

export async function dispatch(handlers: Handlers, channel: unknown, rawInput: unknown, log?: DispatchLog): Promise<Reply<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no channel named ${JSON.stringify(String(channel)).slice(0, 80)}.` } };
  }
  const spec = contract[channel];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'VALIDATION_FAILED', message: `Invalid input for ${channel}: ${describeIssues(parsed.error)}` } };
  }
  try {
    const handler = handlers[channel] as (input: unknown) => unknown;
    const value = await handler(parsed.data);
    const out = spec.output.safeParse(value);
    if (!out.success) {
      log?.({ channel, code: 'INTERNAL', message: `output failed its schema: ${describeIssues(out.error)}` });
      return { ok: false, error: { code: 'INTERNAL', message: `Vigil produced an invalid reply for ${channel}. This is a bug; nothing was changed by reading.` } };
    }
    return { ok: true, value: out.data };
  } catch (e) {
    if (e instanceof VigilError) return { ok: false, error: e.toJSON() };
    // Unknown failures cross as a generic message: no stack trace, no driver text that might echo data.
    log?.({ channel, code: 'INTERNAL', message: e instanceof Error ? e.name : 'non-error thrown', cause: e });
    return { ok: false, error: { code: 'INTERNAL', message: `Vigil could not complete ${channel}.` } };
  }
}
