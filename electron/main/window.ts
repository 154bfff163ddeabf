// The main window: hardened webPreferences, dark until the renderer paints, our renderer only.
import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** The SOC runs at night: the window's first frame matches the dark theme, no white flash. */
export const BACKGROUND_COLOR = '#0f1216';

export function hardenedWebPreferences(preload: string, isPackaged: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: !isPackaged,
  };
}

export function mainWindowOptions(preload: string, isPackaged: boolean): BrowserWindowConstructorOptions {
  return {
    title: 'Vigil',
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: BACKGROUND_COLOR,
    webPreferences: hardenedWebPreferences(preload, isPackaged),
  };
}

export type Entry = { kind: 'url'; url: string } | { kind: 'file'; path: string };

export function createMainWindow(
  Ctor: new (options: BrowserWindowConstructorOptions) => BrowserWindow,
  opts: { preload: string; isPackaged: boolean; entry: Entry; onLoadError?: (e: unknown) => void },
): BrowserWindow {
  const win = new Ctor(mainWindowOptions(opts.preload, opts.isPackaged));
  win.once('ready-to-show', () => win.show());
  const load = opts.entry.kind === 'url' ? win.loadURL(opts.entry.url) : win.loadFile(opts.entry.path);
  load.catch((e: unknown) => (opts.onLoadError ?? ((err) => console.error('[vigil:window] renderer failed to load', err)))(e));
  return win;
}
