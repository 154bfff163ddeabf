// Electron main: glue only. Builds one Workspace, wires the contract to IPC, opens the window,
// hardens everything, and locks the vault when the machine locks or sleeps.
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Menu, app, dialog, ipcMain, powerMonitor, safeStorage, session, shell } from 'electron';
import { AttackCatalog } from '../core/attack/catalog';
import { Workspace } from '../core/workspace';
import { AppOrigin, resolveLocations, userDataOverride, workspacePaths } from './app-paths';
import { installHardening } from './hardening';
import { forwardEvents, registerContract } from './ipc';
import { menuTemplate } from './menu';
import { osKeyWrapper } from './os-key';
import { createMainWindow } from './window';

const loc = resolveLocations({
  mainDir: fileURLToPath(new URL('.', import.meta.url)),
  isPackaged: app.isPackaged,
  resourcesPath: process.resourcesPath,
  env: process.env,
});
const origin = new AppOrigin(loc);

// Before anything reads userData (the single-instance lock lives there).
const userDataDir = userDataOverride(process.env, app.isPackaged);
if (userDataDir) app.setPath('userData', userDataDir);
app.enableSandbox();

function localActor(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local:unknown'; // no passwd entry (some containers)
  }
}

function openWindow(): BrowserWindow {
  return createMainWindow(BrowserWindow, { preload: loc.preload, isPackaged: app.isPackaged, entry: origin.entry });
}

function start(): void {
  const hardenSession = installHardening(app, {
    isAppPage: (u) => origin.isAppPage(u),
    isAppResource: (u) => origin.isAppResource(u),
    allowDevTools: !app.isPackaged,
    openExternal: (u) => void shell.openExternal(u).catch(() => undefined),
  });

  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.whenReady().then(() => {
    hardenSession(session.defaultSession);
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, app.isPackaged)));

    const workspace = new Workspace({
      version: app.getVersion(),
      ...workspacePaths(app.getPath('userData')),
      os: osKeyWrapper(safeStorage), // needs 'ready' on Linux and Windows
      actor: localActor(),
      ...(loc.catalogPath ? { catalog: AttackCatalog.load(loc.catalogPath) } : {}),
      pickFile: async (title, extensions) => {
        const r = await dialog.showOpenDialog({ title, properties: ['openFile'], filters: [{ name: extensions.includes('zip') ? 'Evidence bundle' : extensions.includes('vigil') ? 'Vigil workspace' : 'STIX bundle', extensions }] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      pickSavePath: async (title, defaultName, extensions) => {
        const r = await dialog.showSaveDialog({ title, defaultPath: defaultName, filters: [{ name: 'Evidence bundle', extensions }] });
        return r.canceled ? null : (r.filePath ?? null);
      },
    });
    const isTrustedUrl = (u: string): boolean => origin.isAppPage(u);
    const unregister = registerContract(ipcMain, workspace.handlers(), { isTrustedUrl });
    const unforward = forwardEvents(
      (l) => workspace.onEvent(l),
      () => BrowserWindow.getAllWindows().map((w) => w.webContents),
      isTrustedUrl,
    );

    const lockNow = (): void => void workspace.lock('system');
    powerMonitor.on('lock-screen', lockNow);
    powerMonitor.on('suspend', lockNow);

    let disposed = false;
    app.on('before-quit', () => {
      if (disposed) return;
      disposed = true;
      powerMonitor.off('lock-screen', lockNow);
      powerMonitor.off('suspend', lockNow);
      unforward();
      unregister();
      workspace.dispose();
    });
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });

    openWindow();
  }).catch((e: unknown) => {
    // A missing catalog or unreadable state file: say so plainly, never leave a windowless process.
    dialog.showErrorBox('Vigil could not start', e instanceof Error ? e.message : String(e));
    app.exit(1);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

if (app.requestSingleInstanceLock()) start();
else app.quit();
