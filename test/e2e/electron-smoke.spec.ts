// Electron smoke test: the real binary runs the built app, the window opens on our renderer, and
// the page sees window.vigil = { invoke, onEvent } and no Node. Skipped, plainly, when the Electron
// binary is absent (it cannot be downloaded on the build machines): everything else about
// electron/main is covered by typecheck and test/unit/main-*.test.ts with a mocked 'electron'.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'out', 'main', 'index.js');
const SKIP_MESSAGE = 'Electron binary not present (it cannot be downloaded on this machine): smoke test skipped';

/**
 * The executable node_modules/electron would run, or null. Deliberately not require('electron'):
 * its index.js starts a download of the binary when it is missing, which a test must never do.
 * This follows the same lookup (path.txt, dist/, ELECTRON_OVERRIDE_DIST_PATH) without side effects.
 */
function electronExecutable(): string | null {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathTxt = join(pkgDir, 'path.txt');
    const rel = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : '';
    const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
    const exe = override ? join(override, rel || 'electron') : rel ? join(pkgDir, 'dist', rel) : null;
    return exe && existsSync(exe) ? exe : null;
  } catch {
    return null;
  }
}

type Bridge = { invoke(channel: string, input: unknown): Promise<{ ok: boolean; error?: { code: string } }> };

test('Electron smoke: the built app opens a hardened window with window.vigil and no Node', async () => {
  const executablePath = electronExecutable();
  if (!executablePath) {
    console.log(SKIP_MESSAGE);
    test.skip(true, SKIP_MESSAGE);
    return;
  }
  expect(existsSync(MAIN), `${MAIN} is missing: run npm run build first`).toBe(true);

  const userData = mkdtempSync(join(tmpdir(), 'vigil-smoke-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env['ELECTRON_RENDERER_URL']; // the built renderer, not a dev server
  delete env['ELECTRON_RUN_AS_NODE'];
  env['VIGIL_USER_DATA'] = userData;

  // The project root (not out/main/index.js itself) so Electron reads package.json: name, version, "main".
  const app = await electron.launch({ executablePath, args: [ROOT, '--no-sandbox'], cwd: ROOT, env });
  try {
    const window = await app.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    await expect(window).toHaveTitle(/Vigil/);

    expect(await window.evaluate(() => Object.keys((globalThis as unknown as { vigil: object }).vigil).sort())).toEqual(['invoke', 'onEvent']);
    expect(await window.evaluate(() => typeof require)).toBe('undefined');
    expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');

    // The door works end to end, and only for the contract.
    const { info, unknown } = await window.evaluate(async () => {
      const vigil = (globalThis as unknown as { vigil: Bridge }).vigil;
      return { info: await vigil.invoke('app.info', {}), unknown: await vigil.invoke('fs.readFile', { path: '/etc/passwd' }) };
    });
    expect(info.ok).toBe(true);
    expect(unknown.error?.code).toBe('UNKNOWN_CHANNEL');

    // The window shows the built renderer file, not a dev server or a remote page.
    const url = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.webContents.getURL() ?? '');
    expect(url).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html(#.*)?$/);
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
