// The preload, with a mocked 'electron': window.vigil is exactly { invoke, onEvent }, unknown
// channels never reach IPC, and listeners never see the IpcRendererEvent. Plus the built bundle:
// CommonJS that requires nothing but 'electron' (a sandboxed preload can require nothing else).
import { existsSync, readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, IPC_EVENT, IPC_PREFIX, type VigilBridge } from '../../shared/contract';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn(), send: vi.fn(), sendSync: vi.fn() },
}));
vi.mock('electron', () => electron);

await import('../../electron/preload/index');
// Captured at load: vitest clears mock call records before each test (clearMocks defaults to true).
const exposeCalls = electron.contextBridge.exposeInMainWorld.mock.calls.slice() as [string, VigilBridge][];

function exposed(): { key: string; api: VigilBridge } {
  expect(exposeCalls).toHaveLength(1);
  const [key, api] = exposeCalls[0]!;
  return { key, api };
}

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset();
  electron.ipcRenderer.on.mockReset();
  electron.ipcRenderer.removeListener.mockReset();
});

describe('preload bridge', () => {
  it('exposes window.vigil with exactly invoke and onEvent, both functions', () => {
    const { key, api } = exposed();
    expect(key).toBe('vigil');
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent']);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.onEvent).toBe('function');
    // Nothing of Electron or Node rides along.
    expect(JSON.stringify(Object.getOwnPropertyNames(api))).not.toMatch(/ipc|process|require|env/i);
  });

  it('forwards every contract channel to ipcRenderer.invoke under the vigil: prefix', async () => {
    const { api } = exposed();
    electron.ipcRenderer.invoke.mockResolvedValue({ ok: true, value: 'x' });
    for (const c of CHANNELS) {
      await expect(api.invoke(c, {} as never)).resolves.toEqual({ ok: true, value: 'x' });
    }
    expect(electron.ipcRenderer.invoke.mock.calls.map((c) => c[0])).toEqual(CHANNELS.map((c) => IPC_PREFIX + c));
    await api.invoke('vault.unlock', { passphrase: 'p' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('vigil:vault.unlock', { passphrase: 'p' });
  });

  it.each(['fs.readFile', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'vigil:app.info', '', 'event'])(
    'refuses %j without touching IPC',
    async (channel) => {
      const { api } = exposed();
      const r = await api.invoke(channel as never, {} as never);
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
    },
  );

  it('refuses a non-string channel without touching IPC', async () => {
    const { api } = exposed();
    for (const bad of [undefined, null, 42, { toString: () => 'app.info' }, ['app.info']]) {
      expect(await api.invoke(bad as never, {} as never)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('turns a transport failure into an error reply instead of a rejection', async () => {
    const { api } = exposed();
    electron.ipcRenderer.invoke.mockRejectedValue(new Error('An object could not be cloned.'));
    await expect(api.invoke('app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('onEvent passes the payload only, never the IpcRendererEvent, and unsubscribes exactly its listener', () => {
    const { api } = exposed();
    const listener = vi.fn();
    const off = api.onEvent(listener);
    expect(electron.ipcRenderer.on).toHaveBeenCalledTimes(1);
    const [channel, forward] = electron.ipcRenderer.on.mock.calls[0] as [string, (...a: unknown[]) => void];
    expect(channel).toBe(IPC_EVENT);
    const ipcEvent = { sender: electron.ipcRenderer, senderId: 0, ports: [] };
    const payload = { type: 'connectivity', connectivity: 'offline' };
    forward(ipcEvent, payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([payload]);
    expect(listener.mock.calls[0]).not.toContain(ipcEvent);
    off();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENT, forward);
    expect(() => api.onEvent('not a function' as never)).toThrow(TypeError);
  });
});

describe('the built preload bundle (out/preload/index.cjs)', () => {
  const bundle = new URL('../../out/preload/index.cjs', import.meta.url);
  const built = existsSync(bundle);

  it.skipIf(!built)('is CommonJS, requires only electron, and runs where require offers nothing else', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/^\s*import\s|^\s*export\s/m);
    const required = [...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));

    // Evaluate it as the sandbox would: a require that knows only 'electron'.
    const exposeInMainWorld = vi.fn();
    const ipcRenderer = { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() };
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      require: (id: string) => {
        if (id === 'electron') return { contextBridge: { exposeInMainWorld }, ipcRenderer };
        throw new Error(`module not found: ${id}`);
      },
      console,
    });
    expect(exposeInMainWorld).toHaveBeenCalledTimes(1);
    const [key, api] = exposeInMainWorld.mock.calls[0] as [string, object];
    expect(key).toBe('vigil');
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent']);
  });
});
