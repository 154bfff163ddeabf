// electron/main's IPC door, with a mocked 'electron' but the real dispatch and a real Workspace over
// a real SQLCipher file: every channel registered once, bad input refused by the contract, foreign
// senders refused, and no passphrase ever reaching a log. Also the safeStorage wrapper.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Nothing here may need the Electron binary: any runtime import of 'electron' gets this stub.
vi.mock('electron', () => ({ ipcMain: {}, safeStorage: {} }));

import type { IpcMainInvokeEvent } from 'electron';
import type { Handlers } from '../../electron/core/dispatch';
import { Register } from '../../electron/core/register/register';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import { AppOrigin, devServerFrom, resolveLocations, userDataOverride, workspacePaths } from '../../electron/main/app-paths';
import { forwardEvents, registerContract, SENDER_REFUSED_MESSAGE, type IpcLogEntry } from '../../electron/main/ipc';
import { osKeyWrapper } from '../../electron/main/os-key';
import { CHANNELS, IPC_EVENT, IPC_PREFIX, type Reply } from '../../shared/contract';
import type { VigilEvent } from '../../shared/domain';
import { tempDir } from '../support/workspace';

const PASSPHRASE = 'canary-PASSPHRASE-9f3ad1e7-do-not-log';
const WRONG = 'canary-WRONG-PASSPHRASE-5c21b0aa-do-not-log';

type Handler = (event: IpcMainInvokeEvent, input: unknown) => Promise<Reply<unknown>>;

/** ipcMain as Electron behaves: a second handle() on a name throws. */
class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  readonly handleCalls: string[] = [];
  handle(name: string, fn: Handler): void {
    this.handleCalls.push(name);
    if (this.handlers.has(name)) throw new Error(`Attempted to register a second handler for '${name}'`);
    this.handlers.set(name, fn);
  }
  removeHandler(name: string): void {
    this.handlers.delete(name);
  }
  call(channel: string, input: unknown, frame: { url: string; parent?: unknown } | null = appFrame): Promise<Reply<unknown>> {
    const fn = this.handlers.get(IPC_PREFIX + channel);
    if (!fn) throw new Error(`no handler for ${channel}`);
    const senderFrame = frame === null ? null : { url: frame.url, parent: frame.parent ?? null };
    return fn({ senderFrame } as unknown as IpcMainInvokeEvent, input);
  }
}

// The layout of a built app: out/main, out/preload, out/renderer.
const OUT = join(tmpdir(), 'vigil-built-app', 'out'); // never created: only paths are compared
const loc = resolveLocations({ mainDir: join(OUT, 'main'), isPackaged: true, resourcesPath: '/opt/Vigil/resources', env: {} });
const origin = new AppOrigin(loc, 'linux');
const APP_URL = pathToFileURL(loc.rendererIndex).href;
const appFrame = { url: APP_URL };
const isTrustedUrl = (u: string): boolean => origin.isAppPage(u);

let tmp: ReturnType<typeof tempDir>;
let workspace: Workspace;
let ipc: FakeIpcMain;
let logs: IpcLogEntry[];
let dispose: () => void;

function newWorkspace(os: Parameters<typeof osKeyWrapper>[0] | null = null): Workspace {
  return new Workspace({
    version: '0.0.0-test',
    ...workspacePaths(tmp.dir),
    os: os ? osKeyWrapper(os, 'linux') : null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    demoSignals: 5,
    actor: 'local:test',
  });
}

beforeEach(() => {
  tmp = tempDir('vigil-main-ipc-');
  workspace = newWorkspace();
  ipc = new FakeIpcMain();
  logs = [];
  dispose = registerContract(ipc, workspace.handlers(), { isTrustedUrl, log: (e) => logs.push(e) });
});

afterEach(() => {
  dispose();
  workspace.dispose();
  tmp.cleanup();
  vi.restoreAllMocks();
});

describe('registerContract', () => {
  it('registers every contract channel exactly once, under the vigil: prefix, and the disposer removes them all', () => {
    expect(ipc.handleCalls.slice().sort()).toEqual(CHANNELS.map((c) => IPC_PREFIX + c).sort());
    expect(new Set(ipc.handleCalls).size).toBe(ipc.handleCalls.length);
    dispose();
    expect(ipc.handlers.size).toBe(0);
    // A second registration after disposal is legal (Electron would throw on a duplicate).
    dispose = registerContract(ipc, workspace.handlers(), { isTrustedUrl, log: (e) => logs.push(e) });
    expect(ipc.handlers.size).toBe(CHANNELS.length);
  });

  it('answers our own renderer through the real Workspace', async () => {
    const info = await ipc.call('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { version: '0.0.0-test' } });
    // The renderer's hash route does not change who it is.
    const status = await ipc.call('vault.status', {}, { url: `${APP_URL}#/queue?sev=high` });
    expect(status).toMatchObject({ ok: true, value: { state: 'none', osKeystore: 'unavailable' } });
    expect(logs).toEqual([]);
  });

  it.each([
    ['vault.setIdleLock', 'minutes: 0', { minutes: 0 }],
    ['vault.setIdleLock', 'minutes as a string', { minutes: '15' }],
    ['finding.get', 'an injected id', { id: "FND-1' OR 1=1--" }],
    ['queue.page', 'a negative limit', { limit: -1 }],
    ['vault.lock', 'a non-object', 'not an object'],
    ['vault.unlock', 'a 5000-character passphrase', { passphrase: 'x'.repeat(5000) }],
  ])('%s with %s is VALIDATION_FAILED, and the log says channel + code only', async (channel, _what, input) => {
    const r = await ipc.call(channel, input);
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(logs).toEqual([{ channel, code: 'VALIDATION_FAILED' }]);
  });

  it.each([
    ['a remote page', { url: 'https://example.com/' }],
    ['another local file', { url: pathToFileURL('/tmp/evil.html').href }],
    ['a path that climbs out of out/renderer', { url: `${pathToFileURL(loc.rendererDir).href}/../../evil.html` }],
    ['a subframe of our own page', { url: APP_URL, parent: { url: APP_URL } }],
    ['a frame that is gone', null],
  ])('refuses %s without reaching the core', async (_what, frame) => {
    const r = await ipc.call('vault.setIdleLock', { minutes: 3 }, frame);
    expect(r).toEqual({ ok: false, error: { code: 'SENDER_REFUSED', message: SENDER_REFUSED_MESSAGE } });
    expect(logs).toEqual([{ channel: 'vault.setIdleLock', code: 'SENDER_REFUSED' }]);
    // The setting did not change: the handler never ran.
    expect(await ipc.call('vault.status', {})).toMatchObject({ ok: true, value: { idleLockMinutes: 15 } });
  });
});

describe('no passphrase reaches a log', () => {
  let consoleCalls: unknown[][];

  beforeEach(async () => {
    // A real encrypted workspace protected by PASSPHRASE, recorded as the last one opened.
    const path = join(tmp.dir, 'ws.vigil');
    (await Register.create(path, { passphrase: PASSPHRASE }, { scrypt: FAST_SCRYPT_FOR_TESTS })).close();
    workspace.dispose();
    dispose();
    writeFileSync(workspacePaths(tmp.dir).statePath, JSON.stringify({ workspacePath: path }));
    workspace = newWorkspace();
    dispose = registerContract(ipc, workspace.handlers(), { isTrustedUrl, log: (e) => logs.push(e) });
    consoleCalls = [];
    for (const m of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void consoleCalls.push(args));
    }
  });

  function expectNoSecret(where: unknown): void {
    const text = JSON.stringify(where, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message} ${v.stack}` : v));
    expect(text).not.toContain(PASSPHRASE);
    expect(text).not.toContain(WRONG);
  }

  it('through wrong keys, bad input, foreign senders, success and a careless core error', async () => {
    const replies = [
      await ipc.call('vault.unlock', { passphrase: WRONG }),
      await ipc.call('vault.unlock', { passphrase: PASSPHRASE, remember: true }),
      await ipc.call('vault.unlock', { passphrase: 42 }),
      await ipc.call('vault.unlock', { passphrase: PASSPHRASE }, { url: 'https://example.com/' }),
      await ipc.call('workspace.openDemo', { passphrase: WRONG, x: 1 }),
    ];
    expect(replies.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'VAULT_KEY_INVALID',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'SENDER_REFUSED',
      'VALIDATION_FAILED',
    ]);
    const ok = await ipc.call('vault.unlock', { passphrase: PASSPHRASE });
    expect(ok).toMatchObject({ ok: true, value: { state: 'unlocked' } });

    // A core bug that puts its input in an exception message: the reply and the log stay clean.
    const careless: Handlers = {
      ...workspace.handlers(),
      'vault.unlock': (i) => {
        throw new TypeError(`cannot unlock with ${i.passphrase}`);
      },
    };
    dispose();
    dispose = registerContract(ipc, careless, { isTrustedUrl, log: (e) => logs.push(e) });
    const internal = await ipc.call('vault.unlock', { passphrase: PASSPHRASE });
    expect(internal).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(logs.at(-1)).toEqual({ channel: 'vault.unlock', code: 'INTERNAL', errorName: 'TypeError' });

    // And through the default console logger, which is what ships.
    dispose();
    dispose = registerContract(ipc, careless, { isTrustedUrl });
    await ipc.call('vault.unlock', { passphrase: PASSPHRASE });
    await ipc.call('vault.unlock', { passphrase: WRONG, extra: 1 });
    expect(consoleCalls.length).toBeGreaterThanOrEqual(2);
    expect(consoleCalls.flat().join('\n')).toContain('vault.unlock failed: INTERNAL (TypeError)');

    expect(logs.length).toBeGreaterThanOrEqual(6);
    for (const entry of logs) expect(Object.keys(entry).sort()).toEqual(expect.arrayContaining(['channel', 'code']));
    expectNoSecret(logs);
    expectNoSecret(consoleCalls);
    expectNoSecret([...replies, internal]);
  });
});

describe('forwardEvents', () => {
  it('sends core events to live windows showing our renderer, and to no one else', () => {
    const wc = (url: string, destroyed = false) => ({ getURL: () => url, isDestroyed: () => destroyed, send: vi.fn() });
    const ours = wc(`${APP_URL}#/queue`);
    const foreign = wc('https://example.com/');
    const gone = wc(APP_URL, true);
    const stop = forwardEvents(
      (l) => workspace.onEvent(l),
      () => [ours, foreign, gone] as never,
      isTrustedUrl,
    );
    workspace.lock('system');
    expect(ours.send).toHaveBeenCalledTimes(1);
    const [channel, payload] = ours.send.mock.calls[0] as [string, VigilEvent];
    expect(channel).toBe(IPC_EVENT);
    expect(payload).toMatchObject({ type: 'vault', status: { state: 'none' } });
    expect(foreign.send).not.toHaveBeenCalled();
    expect(gone.send).not.toHaveBeenCalled();
    stop();
    workspace.lock('system');
    expect(ours.send).toHaveBeenCalledTimes(1);
  });
});

describe('AppOrigin and app paths', () => {
  it('lays out the built app: a CommonJS preload beside the renderer, the catalog in resources when packaged', () => {
    expect(loc.preload).toBe(join(OUT, 'preload', 'index.cjs'));
    expect(loc.rendererIndex).toBe(join(OUT, 'renderer', 'index.html'));
    expect(loc.catalogPath).toBe(join('/opt/Vigil/resources', 'attack', 'catalog.json'));
    expect(resolveLocations({ mainDir: join(OUT, 'main'), isPackaged: false, resourcesPath: '/x', env: {} }).catalogPath).toBeUndefined();
    expect(workspacePaths('/home/a/.config/Vigil')).toEqual({
      statePath: join('/home/a/.config/Vigil', 'state.json'),
      demoPath: join('/home/a/.config/Vigil', 'demo.vigil'),
      catalogDir: join('/home/a/.config/Vigil', 'attack'),
      workspacesDir: join('/home/a/.config/Vigil', 'workspaces'),
    });
  });

  it('trusts the dev server only unpackaged and on loopback', () => {
    expect(devServerFrom({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' }, false)).toBe('http://localhost:5173');
    expect(devServerFrom({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' }, true)).toBeNull();
    expect(devServerFrom({ ELECTRON_RENDERER_URL: 'http://evil.example:5173/' }, false)).toBeNull();
    expect(devServerFrom({ ELECTRON_RENDERER_URL: 'file:///etc/passwd' }, false)).toBeNull();
    const dev = new AppOrigin({ ...loc, devServerUrl: 'http://localhost:5173' }, 'linux');
    expect(dev.isAppPage('http://localhost:5173/#/queue')).toBe(true);
    expect(dev.isAppPage('http://localhost:5174/')).toBe(false);
    expect(dev.isAppResource('ws://localhost:5173/')).toBe(true);
    expect(dev.entry).toEqual({ kind: 'url', url: 'http://localhost:5173/' });
    expect(origin.entry).toEqual({ kind: 'file', path: loc.rendererIndex });
    expect(origin.isAppPage('http://localhost:5173/')).toBe(false);
  });

  it('honours VIGIL_USER_DATA only unpackaged and only as an absolute path', () => {
    expect(userDataOverride({ VIGIL_USER_DATA: '/tmp/vigil-smoke' }, false)).toBe('/tmp/vigil-smoke');
    expect(userDataOverride({ VIGIL_USER_DATA: '/tmp/vigil-smoke' }, true)).toBeNull();
    expect(userDataOverride({ VIGIL_USER_DATA: 'relative/dir' }, false)).toBeNull();
    expect(userDataOverride({}, false)).toBeNull();
  });
});

describe('os key store (safeStorage)', () => {
  /** A stand-in keyring: reversible, and never the identity. */
  function fakeSafeStorage(backend: string, available = true) {
    return {
      isEncryptionAvailable: vi.fn(() => available),
      getSelectedStorageBackend: vi.fn(() => backend as 'basic_text'),
      encryptString: vi.fn((s: string) => Buffer.from(`enc:${Buffer.from(s, 'utf8').toString('base64')}`)),
      decryptString: vi.fn((b: Buffer) => {
        const t = b.toString('utf8');
        if (!t.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        return Buffer.from(t.slice(4), 'base64').toString('utf8');
      }),
    };
  }

  it.each(['basic_text', 'unknown'])('refuses the Linux %s backend (a hard-coded password protects nothing)', (backend) => {
    const ss = fakeSafeStorage(backend);
    expect(osKeyWrapper(ss, 'linux')).toBeNull();
    expect(ss.encryptString).not.toHaveBeenCalled();
  });

  it('refuses when encryption is unavailable, or when asking throws', () => {
    expect(osKeyWrapper(fakeSafeStorage('gnome_libsecret', false), 'linux')).toBeNull();
    expect(osKeyWrapper(fakeSafeStorage('gnome_libsecret', false), 'darwin')).toBeNull();
    const throwing = { ...fakeSafeStorage('kwallet5'), isEncryptionAvailable: () => { throw new Error('not ready'); } };
    expect(osKeyWrapper(throwing, 'linux')).toBeNull();
  });

  it.each([
    ['linux', 'gnome_libsecret'],
    ['linux', 'kwallet6'],
    ['darwin', 'unknown'], // the backend question is Linux-only; macOS and Windows answer 'unknown'
    ['win32', 'unknown'],
  ] as const)('on %s with %s, wraps a 32-byte key and unwraps it exactly', (platform, backend) => {
    const ss = fakeSafeStorage(backend);
    const os = osKeyWrapper(ss, platform);
    expect(os).not.toBeNull();
    const key = Buffer.from('00ff10e0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071829300011', 'hex');
    const blob = os!.wrap(key);
    expect(Buffer.isBuffer(blob)).toBe(true);
    expect(blob.includes(key)).toBe(false);
    expect(ss.encryptString).toHaveBeenCalledWith(key.toString('hex'));
    expect(os!.unwrap(blob).equals(key)).toBe(true);
  });

  it('a real backend makes the OS key store available to the core; basic_text does not', () => {
    const withOs = newWorkspace(fakeSafeStorage('gnome_libsecret'));
    const withBasic = newWorkspace(fakeSafeStorage('basic_text'));
    expect(withOs.status().osKeystore).toBe('available');
    expect(withBasic.status().osKeystore).toBe('unavailable');
    withOs.dispose();
    withBasic.dispose();
  });
});
