// The only door between the renderer and the core: window.vigil = { invoke, onEvent }. Channels
// outside the contract never reach IPC, and listeners get the payload only, never the
// IpcRendererEvent (whose .sender would hand the page ipcRenderer itself).
// Bundled to CommonJS with every dependency inlined: a sandboxed preload can require only 'electron'.
import { contextBridge, ipcRenderer, type IpcRenderer, type IpcRendererEvent } from 'electron';
import type {
  Channel,
  IPC_EVENT as CONTRACT_IPC_EVENT,
  IPC_PREFIX as CONTRACT_IPC_PREFIX,
  Reply,
  VigilBridge,
} from '../../shared/contract';
import type { VigilEvent } from '../../shared/domain';

// Names only, and type imports only: importing a value from shared/contract would bundle zod and
// every schema (~190 kB) into a script that runs on each page load, to read ten strings. Main
// validates; the preload just refuses names it does not know. The compiler keeps these equal to
// the contract: a channel added there fails typecheck here until it is listed (a deliberate act,
// since listing it exposes it to the page).
const CHANNEL_NAMES = [
  'app.info',
  'vault.status',
  'vault.unlock',
  'vault.lock',
  'vault.setIdleLock',
  'workspace.openDemo',
  'workspace.create',
  'workspace.open',
  'workspace.close',
  'session.touch',
  'queue.page',
  'queue.facets',
  'finding.get',
  'finding.update',
  'finding.comment',
  'finding.fetchContext',
  'settings.get',
  'settings.saveDatadog',
  'settings.saveSplunk',
  'connection.test',
  'sync.start',
  'sync.recheck',
  'sync.cancel',
  'sync.status',
  'outbox.status',
  'outbox.retry',
  'settings.saveLlm',
  'drafts.run',
  'drafts.cancel',
  'drafts.status',
  'drafts.list',
  'attack.search',
  'attack.import',
  'custody.status',
  'custody.createKey',
  'custody.importRoster',
  'custody.exportRoster',
  'finding.signOff',
  'evidence.export',
  'evidence.verify',
  'evidence.cosign',
  'containment.actions',
  'containment.saveAction',
  'containment.deleteAction',
  'containment.state',
  'containment.request',
  'containment.approveLocal',
  'containment.exportRequest',
  'containment.importApproval',
  'containment.approveFile',
  'containment.approvers',
  'containment.enrolApprover',
  'finding.revisionDiff',
  'assignment.get',
  'assignment.save',
  'assignment.apply',
  'attack.matrix',
  'attack.tagging',
  'finding.setTechnique',
  'attack.navigatorLayer',
] as const satisfies readonly Channel[];
type Unlisted = Exclude<Channel, (typeof CHANNEL_NAMES)[number]>;
const everyChannelListed: [Unlisted] extends [never] ? true : Unlisted = true;
const IPC_PREFIX: typeof CONTRACT_IPC_PREFIX = 'vigil:';
const IPC_EVENT: typeof CONTRACT_IPC_EVENT = 'vigil:event';
void everyChannelListed;

type IpcLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

const KNOWN: ReadonlySet<string> = new Set(CHANNEL_NAMES);

function refuse(code: 'UNKNOWN_CHANNEL' | 'INTERNAL', message: string): Reply<never> {
  return { ok: false, error: { code, message } };
}

export function createBridge(ipc: IpcLike): VigilBridge {
  return {
    invoke(channel, input) {
      if (typeof channel !== 'string' || !KNOWN.has(channel)) {
        // Never String() a non-string: that would run the page's own toString inside the preload.
        const name = typeof channel === 'string' ? JSON.stringify(channel).slice(0, 80) : `of type ${typeof channel}`;
        return Promise.resolve(refuse('UNKNOWN_CHANNEL', `There is no channel named ${name}.`));
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
