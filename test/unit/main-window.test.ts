// The window and the app-wide hardening, with a mocked 'electron': hardened webPreferences, no
// navigation off our renderer, no new windows, no permissions, no remote requests, the CSP header.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({ app: {}, BrowserWindow: class {}, session: {}, shell: { openExternal: vi.fn() } }));

import type { BrowserWindow, BrowserWindowConstructorOptions, HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { AppOrigin, resolveLocations } from '../../electron/main/app-paths';
import { CONTENT_SECURITY_POLICY, installHardening, isSafeExternalUrl, withCsp, type HardeningOptions } from '../../electron/main/hardening';
import { menuTemplate } from '../../electron/main/menu';
import { createMainWindow, hardenedWebPreferences, mainWindowOptions } from '../../electron/main/window';

const OUT = join(tmpdir(), 'vigil-built-app', 'out'); // never created: only paths are compared
const loc = resolveLocations({ mainDir: join(OUT, 'main'), isPackaged: true, resourcesPath: '/opt/Vigil/resources', env: {} });
const origin = new AppOrigin(loc, 'linux');
const APP_URL = pathToFileURL(loc.rendererIndex).href;
const ASSET_URL = pathToFileURL(join(loc.rendererDir, 'assets', 'index-abc123.js')).href;

describe('window', () => {
  it('webPreferences are hardened and the preload is the CommonJS bundle', () => {
    for (const packaged of [true, false]) {
      const wp = hardenedWebPreferences(loc.preload, packaged);
      expect(wp).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        spellcheck: false,
      });
      expect(wp.devTools).toBe(!packaged);
      expect(wp.preload).toMatch(/[\\/]out[\\/]preload[\\/]index\.cjs$/);
    }
  });

  class FakeWindow extends EventEmitter {
    static last: FakeWindow;
    readonly options: BrowserWindowConstructorOptions;
    readonly show = vi.fn();
    readonly loadFile = vi.fn(() => Promise.resolve());
    readonly loadURL = vi.fn(() => Promise.resolve());
    constructor(options: BrowserWindowConstructorOptions) {
      super();
      this.options = options;
      FakeWindow.last = this;
    }
  }
  const Ctor = FakeWindow as unknown as new (o: BrowserWindowConstructorOptions) => BrowserWindow;

  it('opens hidden on a dark background, loads the built renderer file, and shows when ready', () => {
    createMainWindow(Ctor, { preload: loc.preload, isPackaged: true, entry: origin.entry });
    const w = FakeWindow.last;
    expect(w.options).toEqual(mainWindowOptions(loc.preload, true));
    expect(w.options.show).toBe(false);
    expect(w.options.backgroundColor).toMatch(/^#[0-3][0-9a-f]{5}$/i);
    expect(w.options.minWidth).toBeGreaterThan(0);
    expect(w.loadFile).toHaveBeenCalledWith(loc.rendererIndex);
    expect(w.loadURL).not.toHaveBeenCalled();
    expect(w.show).not.toHaveBeenCalled();
    w.emit('ready-to-show');
    expect(w.show).toHaveBeenCalledTimes(1);
  });

  it('loads the dev server URL when running unpackaged under electron-vite dev', () => {
    const dev = new AppOrigin({ ...loc, devServerUrl: 'http://localhost:5173' }, 'linux');
    createMainWindow(Ctor, { preload: loc.preload, isPackaged: false, entry: dev.entry });
    expect(FakeWindow.last.loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(FakeWindow.last.options.webPreferences?.devTools).toBe(true);
  });

  it('a packaged menu has no reload or DevTools', () => {
    const roles = (t: ReturnType<typeof menuTemplate>): string[] =>
      t.flatMap((i) => [String(i.role ?? ''), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      expect(roles(menuTemplate(platform, true))).not.toEqual(expect.arrayContaining(['toggleDevTools']));
      expect(roles(menuTemplate(platform, true)).some((r) => /reload|devtools/i.test(r))).toBe(false);
      expect(roles(menuTemplate(platform, false))).toContain('toggleDevTools');
    }
  });
});

/** A WebContents and its session, just enough to receive the hardening. */
class FakeSession {
  permissionRequest?: (wc: unknown, permission: string, cb: (granted: boolean) => void, details: unknown) => void;
  permissionCheck?: (...a: unknown[]) => boolean;
  deviceCheck?: (...a: unknown[]) => boolean;
  spellchecker: boolean | undefined;
  beforeRequest?: (d: { url: string; resourceType?: string }, cb: (r: { cancel?: boolean }) => void) => void;
  headersReceived?: (d: { url: string; responseHeaders?: Record<string, string | string[]> }, cb: (r: { responseHeaders?: Record<string, string | string[]> }) => void) => void;
  hardenCount = 0;
  setPermissionRequestHandler(h: FakeSession['permissionRequest']): void {
    this.hardenCount++;
    this.permissionRequest = h;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheck']): void {
    this.permissionCheck = h;
  }
  setDevicePermissionHandler(h: FakeSession['deviceCheck']): void {
    this.deviceCheck = h;
  }
  setSpellCheckerEnabled(on: boolean): void {
    this.spellchecker = on;
  }
  webRequest = {
    onBeforeRequest: (h: FakeSession['beforeRequest']) => void (this.beforeRequest = h),
    onHeadersReceived: (h: FakeSession['headersReceived']) => void (this.headersReceived = h),
  };
  request(url: string): boolean {
    let cancelled: boolean | undefined;
    this.beforeRequest!({ url, resourceType: 'other' }, (r) => (cancelled = r.cancel === true));
    return cancelled === false;
  }
}

class FakeContents extends EventEmitter {
  windowOpen?: (d: HandlerDetails) => WindowOpenHandlerResponse;
  constructor(readonly session: FakeSession) {
    super();
  }
  setWindowOpenHandler(h: (d: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpen = h;
  }
  /** Emits like Electron: an event object carrying url; returns whether it was prevented. */
  attempt(kind: 'will-navigate' | 'will-redirect' | 'will-attach-webview', url: string): boolean {
    let prevented = false;
    this.emit(kind, { url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
  open(url: string): WindowOpenHandlerResponse {
    return this.windowOpen!({ url, frameName: '', features: '', disposition: 'foreground-tab', referrer: { url: APP_URL, policy: 'no-referrer' } } as HandlerDetails);
  }
}

describe('hardening (web-contents-created)', () => {
  let app: EventEmitter;
  let ses: FakeSession;
  let contents: FakeContents;
  let openExternal: ReturnType<typeof vi.fn<(url: string) => void>>;
  let log: string[];

  function setup(o: Partial<HardeningOptions> = {}, at: AppOrigin = origin): void {
    app = new EventEmitter();
    openExternal = vi.fn<(url: string) => void>();
    log = [];
    installHardening(app as never, {
      isAppPage: (u) => at.isAppPage(u),
      isAppResource: (u) => at.isAppResource(u),
      allowDevTools: false,
      openExternal,
      log: (m) => log.push(m),
      ...o,
    });
    ses = new FakeSession();
    contents = new FakeContents(ses);
    app.emit('web-contents-created', {}, contents);
  }

  beforeEach(() => setup());

  it('refuses navigation and redirects off our renderer', () => {
    expect(contents.attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.attempt('will-navigate', 'http://127.0.0.1:8080/')).toBe(true);
    expect(contents.attempt('will-navigate', pathToFileURL('/etc/passwd').href)).toBe(true);
    expect(contents.attempt('will-navigate', 'javascript:alert(1)')).toBe(true);
    expect(contents.attempt('will-redirect', 'https://example.com/phish')).toBe(true);
    // Our own page (a reload, a hash route) is fine.
    expect(contents.attempt('will-navigate', `${APP_URL}#/finding/FND-1`)).toBe(false);
    expect(log.join('\n')).toContain('navigation to https://example.com refused');
  });

  it('denies every window.open; only https goes to the system browser, and never as an Electron window', () => {
    expect(contents.open('https://example.com/')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://example.com/');
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', APP_URL]) {
      expect(contents.open(url)).toEqual({ action: 'deny' });
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
    // Without an openExternal, links are plainly denied.
    setup({ openExternal: undefined });
    expect(contents.open('https://attack.mitre.org/techniques/T1110/')).toEqual({ action: 'deny' });
    expect(isSafeExternalUrl(`https://example.com/${'a'.repeat(3000)}`)).toBe(false);
  });

  it('refuses <webview>', () => {
    expect(contents.attempt('will-attach-webview', 'https://example.com/')).toBe(true);
  });

  it('denies every permission request and check, and device access', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      const cb = vi.fn();
      ses.permissionRequest!(contents, permission, cb, {});
      expect(cb).toHaveBeenCalledWith(false);
      expect(ses.permissionCheck!(contents, permission, 'file://', {})).toBe(false);
    }
    expect(ses.deviceCheck!({ deviceType: 'usb' })).toBe(false);
    expect(ses.spellchecker).toBe(false);
  });

  it('blocks every request that is not our own files', () => {
    expect(ses.request('https://example.com/x.js')).toBe(false);
    expect(ses.request('http://169.254.169.254/latest/meta-data/')).toBe(false);
    expect(ses.request('wss://example.com/socket')).toBe(false);
    expect(ses.request(pathToFileURL('/etc/passwd').href)).toBe(false);
    expect(ses.request(pathToFileURL(join(OUT, 'main', 'index.js')).href)).toBe(false);
    expect(ses.request('devtools://devtools/bundled/devtools_app.html')).toBe(false);
    expect(ses.request(APP_URL)).toBe(true);
    expect(ses.request(ASSET_URL)).toBe(true);
    expect(ses.request('data:image/png;base64,iVBORw0KGgo=')).toBe(true);
    // What is logged is the scheme and host, never the path or query.
    expect(log).toContain('request to http://169.254.169.254 blocked');
    expect(log.join('\n')).not.toContain('meta-data');
  });

  it('in dev, lets the loopback dev server (and its HMR socket) and DevTools through, nothing else', () => {
    setup({ allowDevTools: true }, new AppOrigin({ ...loc, devServerUrl: 'http://localhost:5173' }, 'linux'));
    expect(ses.request('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(ses.request('ws://localhost:5173/?token=x')).toBe(true);
    expect(ses.request('devtools://devtools/bundled/devtools_app.html')).toBe(true);
    expect(ses.request('http://localhost:8080/')).toBe(false);
    expect(ses.request('https://example.com/')).toBe(false);
  });

  it('adds the CSP header, the same policy as the renderer meta tag, beside any the server sent', () => {
    let headers: Record<string, string | string[]> | undefined;
    ses.headersReceived!({ url: 'http://localhost:5173/', responseHeaders: { 'content-type': ['text/html'] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(withCsp({ 'content-security-policy': "default-src 'self'" })).toEqual({
      'content-security-policy': ["default-src 'self'", CONTENT_SECURITY_POLICY],
    });
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    // The renderer's meta tag is the policy for file:// (Electron raises no header events there):
    // the two must not drift.
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta, 'renderer/index.html has a CSP meta tag').toBeDefined();
    const norm = (p: string) => p.split(';').map((d) => d.trim()).filter(Boolean).sort();
    expect(norm(meta!)).toEqual(norm(CONTENT_SECURITY_POLICY));
  });

  it('hardens a shared session once, and every new WebContents', () => {
    const second = new FakeContents(ses);
    app.emit('web-contents-created', {}, second);
    expect(ses.hardenCount).toBe(1);
    expect(second.attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(second.open('file:///etc/passwd')).toEqual({ action: 'deny' });
  });
});
