// App-wide hardening, applied to every WebContents and session Electron creates: no navigation off
// our renderer, no new windows, no <webview>, no permissions, no remote requests, a strict CSP.
// Links: a window.open / target=_blank to an https URL is handed to the system browser (never opened
// inside Vigil); every other scheme, and every in-place navigation, is simply refused.
import type { App, Session, WebContents } from 'electron';

/** Same policy as renderer/index.html's meta tag; the header also carries frame-ancestors (meta cannot). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface HardeningOptions {
  /** AppOrigin: our top-level page, and what it may request */
  isAppPage: (url: string) => boolean;
  isAppResource: (url: string) => boolean;
  /** unpackaged only: DevTools loads from devtools:// */
  allowDevTools: boolean;
  /** shell.openExternal; omitted: links are denied too */
  openExternal?: (url: string) => void;
  log?: (message: string) => void;
}

const defaultLog = (m: string): void => console.warn(`[vigil:hardening] ${m}`);

/** Scheme and host only: a blocked URL's path or query may carry data we should not log. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    return '(unparseable URL)';
  }
}

/** https only, no credentials, sane length: what we are willing to hand to the system browser. */
export function isSafeExternalUrl(url: string): boolean {
  if (url.length > 2048) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Adds our CSP beside any the server sent (several policies intersect, so this never loosens one). */
export function withCsp(headers: Record<string, string | string[]> | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { ...(headers ?? {}) };
  const key = Object.keys(out).find((k) => k.toLowerCase() === 'content-security-policy') ?? 'Content-Security-Policy';
  const existing = out[key];
  const values = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  out[key] = [...values, CONTENT_SECURITY_POLICY];
  return out;
}

type ContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function hardenWebContents(contents: ContentsLike, opts: HardeningOptions): void {
  const log = opts.log ?? defaultLog;
  const guard = (kind: string) => (event: { url: string; preventDefault(): void }) => {
    if (opts.isAppPage(event.url)) return;
    event.preventDefault();
    log(`${kind} to ${describeUrl(event.url)} refused`);
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('<webview> refused');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (opts.openExternal && isSafeExternalUrl(url)) opts.openExternal(url);
    else log(`new window for ${describeUrl(url)} refused`);
    return { action: 'deny' };
  });
}

export type SessionLike = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'setSpellCheckerEnabled'> & {
  webRequest: Pick<Session['webRequest'], 'onBeforeRequest' | 'onHeadersReceived'>;
};

export function hardenSession(ses: SessionLike, opts: HardeningOptions): void {
  const log = opts.log ?? defaultLog;
  // Vigil needs no camera, notifications, clipboard-read, HID... nothing. Deny, and deny the checks.
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    log(`permission ${permission} refused`);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  // The spellchecker downloads dictionaries from a Google CDN; analysts' notes stay on the machine.
  ses.setSpellCheckerEnabled(false);
  // No remote content: only our own files (or the dev server) load. Fires for file:// too.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = opts.isAppResource(details.url) || (opts.allowDevTools && details.url.startsWith('devtools://'));
    if (!ok) log(`request to ${describeUrl(details.url)} blocked`);
    callback(ok ? {} : { cancel: true });
  });
  // Electron does not raise header events for file://, so in a packaged app this covers nothing and
  // the meta tag is the policy; under the dev server it adds frame-ancestors and a second lock.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
}

/**
 * Registers hardening for every WebContents (and its session, once) the app will ever create.
 * Returns `hardenOnce` so main can also harden session.defaultSession at 'ready', before any load.
 */
export function installHardening(app: Pick<App, 'on'>, opts: HardeningOptions): (ses: SessionLike) => void {
  const hardened = new WeakSet<object>();
  const hardenOnce = (ses: SessionLike): void => {
    if (hardened.has(ses)) return;
    hardened.add(ses);
    hardenSession(ses, opts);
  };
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, opts);
    hardenOnce(contents.session);
  });
  return hardenOnce;
}
