// The only door between the renderer and the core: window.vigil = { invoke, onEvent }. Channels
// outside the contract never reach IPC, and listeners get the payload only, never the
// IpcRendererEvent (whose .sender would hand the page ipcRenderer itself).
// Bundled to CommonJS with every dependency inlined: a sandboxed preload can require only 'electron'.
import { contextBridge, ipcRenderer, type IpcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNELS, IPC_EVENT, IPC_PREFIX, type Reply, type VigilBridge } from '../../shared/contract';
import type { VigilEvent } from '../../shared/domain';

type IpcLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

const KNOWN = new Set<string>(CHANNELS);

function refuse(code: 'UNKNOWN_CHANNEL' | 'INTERNAL', message: string): Reply<never> {
  return { ok: false, error: { code, message } };
}

export function createBridge(ipc: IpcLike): VigilBridge {
  return {
    invoke(channel, input) {
      if (typeof channel !== 'string' || !KNOWN.has(channel)) {
        return Promise.resolve(refuse('UNKNOWN_CHANNEL', `There is no channel named ${JSON.stringify(String(channel)).slice(0, 80)}.`));
      }
      // A Reply always resolves: a transport failure (e.g. an uncloneable input) becomes an error value.
      return (ipc.invoke(IPC_PREFIX + channel, input) as Promise<Reply<never>>).catch(() =>
        refuse('INTERNAL', `Vigil could not deliver ${channel} to its core.`),
      );
    },
    onEvent(listener) {
      if (typeof listener !== 'function') throw new TypeError('onEvent expects a function');
      const forward = (_event: IpcRendererEvent, payload: VigilEvent): void => listener(payload);
      ipc.on(IPC_EVENT, forward);
      return () => {
        ipc.removeListener(IPC_EVENT, forward);
      };
    },
  };
}

contextBridge.exposeInMainWorld('vigil', createBridge(ipcRenderer));
