// The IPC transport of the contract: one ipcMain.handle per channel, each refusing any sender that
// is not our own renderer, then the shared dispatcher (zod in, zod out, errors as { code, message }).
// Failures are logged as channel + code only: inputs may carry passphrases.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNELS, IPC_EVENT, IPC_PREFIX, type Channel, type Reply } from '../../shared/contract';
import type { VigilEvent } from '../../shared/domain';
import { dispatch, type Handlers } from '../core/dispatch';

/** What may be logged about a failed call. Deliberately no input, no message, no cause. */
export interface IpcLogEntry {
  channel: Channel;
  code: string;
  /** for INTERNAL only: the class name of what was thrown (e.g. "TypeError"), never its text */
  errorName?: string;
}
export type IpcLog = (entry: IpcLogEntry) => void;

export const consoleIpcLog: IpcLog = (e) => {
  console.warn(`[vigil:ipc] ${e.channel} failed: ${e.code}${e.errorName ? ` (${e.errorName})` : ''}`);
};

export interface RegisterOptions {
  /** is this URL our own renderer's top-level page? (AppOrigin.isAppPage) */
  isTrustedUrl: (url: string) => boolean;
  log?: IpcLog;
}

export const SENDER_REFUSED_MESSAGE = 'This channel answers only Vigil’s own window.';

/** The sender is trusted only as the top frame of a page at our own URL. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>, isTrustedUrl: (url: string) => boolean): boolean {
  const frame = event.senderFrame;
  // null: the frame navigated away or was destroyed while the message was in flight.
  if (!frame) return false;
  // Subframes are never ours (the CSP allows none); refusing them keeps a stray iframe off the door.
  if (frame.parent !== null) return false;
  return isTrustedUrl(frame.url);
}

/** Registers every contract channel; returns a disposer that removes them all. */
export function registerContract(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handlers: Handlers, opts: RegisterOptions): () => void {
  const log = opts.log ?? consoleIpcLog;
  const registered: string[] = [];
  for (const channel of CHANNELS) {
    const name = IPC_PREFIX + channel;
    ipcMain.handle(name, async (event: IpcMainInvokeEvent, input: unknown): Promise<Reply<unknown>> => {
      if (!isTrustedSender(event, opts.isTrustedUrl)) {
        log({ channel, code: 'SENDER_REFUSED' });
        return { ok: false, error: { code: 'SENDER_REFUSED', message: SENDER_REFUSED_MESSAGE } };
      }
      let errorName: string | undefined;
      const reply = await dispatch(handlers, channel, input, (entry) => {
        // dispatch hands us the cause; keep only its class name.
        if (entry.cause instanceof Error) errorName = entry.cause.name;
      });
      if (!reply.ok) log(errorName ? { channel, code: reply.error.code, errorName } : { channel, code: reply.error.code });
      return reply;
    });
    registered.push(name);
  }
  return () => {
    for (const name of registered.splice(0)) ipcMain.removeHandler(name);
  };
}

/**
 * Forwards core events to every live window showing our renderer. A window that navigated
 * elsewhere (it cannot, but if it did) gets nothing.
 */
export function forwardEvents(
  subscribe: (listener: (e: VigilEvent) => void) => () => void,
  targets: () => WebContents[],
  isTrustedUrl: (url: string) => boolean,
): () => void {
  return subscribe((e) => {
    for (const wc of targets()) {
      if (wc.isDestroyed()) continue;
      if (!isTrustedUrl(wc.getURL())) continue;
      wc.send(IPC_EVENT, e);
    }
  });
}
