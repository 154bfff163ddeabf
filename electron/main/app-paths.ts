// Where the built app's pieces live, and which URLs count as "our own renderer". Pure functions of
// their inputs (no 'electron' import), so the trust rules used by IPC, navigation and the request
// filter are one definition, unit-tested without Electron.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppLocations {
  /** out/preload/index.cjs: the sandboxed preload must be CommonJS */
  preload: string;
  /** out/renderer/index.html */
  rendererIndex: string;
  /** out/renderer: the only folder a file:// request may read */
  rendererDir: string;
  /** the electron-vite dev server origin, only when not packaged and on loopback */
  devServerUrl: string | null;
  /** explicit ATT&CK catalog path in a packaged app; undefined lets core find resources/ itself */
  catalogPath: string | undefined;
}

export interface LocationInputs {
  /** the folder of the built main bundle (out/main) */
  mainDir: string;
  isPackaged: boolean;
  resourcesPath: string;
  env: Record<string, string | undefined>;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The dev server URL electron-vite exports, honoured only unpackaged and only on loopback. */
export function devServerFrom(env: Record<string, string | undefined>, isPackaged: boolean): string | null {
  const raw = env['ELECTRON_RENDERER_URL'];
  if (isPackaged || !raw) return null;
  try {
    const u = new URL(raw);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && LOOPBACK_HOSTS.has(u.hostname)) return u.origin;
  } catch {
    // fall through: a malformed URL is as good as none
  }
  return null;
}

export function resolveLocations(i: LocationInputs): AppLocations {
  const out = resolve(i.mainDir, '..');
  const rendererDir = join(out, 'renderer');
  return {
    preload: join(out, 'preload', 'index.cjs'),
    rendererIndex: join(rendererDir, 'index.html'),
    rendererDir,
    devServerUrl: devServerFrom(i.env, i.isPackaged),
    catalogPath: i.isPackaged ? join(i.resourcesPath, 'attack', 'catalog.json') : undefined,
  };
}

export interface WorkspacePaths {
  statePath: string;
  demoPath: string;
  catalogDir: string;
  workspacesDir: string;
}

export function workspacePaths(userData: string): WorkspacePaths {
  return {
    statePath: join(userData, 'state.json'),
    demoPath: join(userData, 'demo.vigil'),
    catalogDir: join(userData, 'attack'),
    workspacesDir: join(userData, 'workspaces'),
  };
}

/**
 * VIGIL_USER_DATA lets the smoke test run against a throwaway profile. Honoured only unpackaged and
 * only as an absolute path: a shipped app takes no environment knobs it does not need.
 */
export function userDataOverride(env: Record<string, string | undefined>, isPackaged: boolean): string | null {
  const p = env['VIGIL_USER_DATA'];
  if (isPackaged || !p || !isAbsolute(p)) return null;
  return p;
}

function filePathOf(url: URL): string | null {
  if (url.protocol !== 'file:') return null;
  try {
    return fileURLToPath(url);
  } catch {
    return null; // file://host/share and other forms we never load
  }
}

function samePath(a: string, b: string, platform: NodeJS.Platform): boolean {
  return platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
}

function inside(dir: string, p: string, platform: NodeJS.Platform): boolean {
  const rel = relative(platform === 'win32' ? dir.toLowerCase() : dir, platform === 'win32' ? p.toLowerCase() : p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The one definition of "our renderer", shared by IPC, navigation, event forwarding and requests. */
export class AppOrigin {
  private readonly dev: URL | null;

  constructor(
    private readonly loc: Pick<AppLocations, 'rendererIndex' | 'rendererDir' | 'devServerUrl'>,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.dev = loc.devServerUrl ? new URL(loc.devServerUrl) : null;
  }

  /** A top-level document that may talk to the core: our index.html (any hash/query) or the dev server. */
  isAppPage(url: string): boolean {
    const u = parse(url);
    if (!u) return false;
    const path = filePathOf(u);
    if (path !== null) return samePath(path, this.loc.rendererIndex, this.platform);
    return this.dev !== null && (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === this.dev.origin;
  }

  /**
   * A request the renderer may make: a file inside out/renderer, the dev server (http and its HMR
   * websocket), or inline data/blob URLs the CSP already governs. Everything else is remote content.
   */
  isAppResource(url: string): boolean {
    const u = parse(url);
    if (!u) return false;
    const path = filePathOf(u);
    if (path !== null) return samePath(path, this.loc.rendererIndex, this.platform) || inside(this.loc.rendererDir, path, this.platform);
    if (u.protocol === 'data:' || u.protocol === 'blob:') return true;
    if (this.dev === null) return false;
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin === this.dev.origin;
    if (u.protocol === 'ws:' || u.protocol === 'wss:') return u.host === this.dev.host;
    return false;
  }

  /** What to load into a window. */
  get entry(): { kind: 'url'; url: string } | { kind: 'file'; path: string } {
    return this.dev ? { kind: 'url', url: this.dev.href } : { kind: 'file', path: this.loc.rendererIndex };
  }
}
