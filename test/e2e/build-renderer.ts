// Builds only the renderer (out/renderer) from the renderer section of vite.config.ts, so the
// Chromium tests can run without the main/preload build (and without an Electron binary).
// Run: node --import tsx test/e2e/build-renderer.ts
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, loadConfigFromFile, type InlineConfig } from 'vite';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export async function buildRenderer(): Promise<void> {
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, resolve(PROJECT_ROOT, 'vite.config.ts'), PROJECT_ROOT, 'warn', undefined, 'bundle');
  // electron-vite's config has main/preload/renderer sections; vite sees it as an unknown shape.
  const renderer = (loaded?.config as { renderer?: InlineConfig } | undefined)?.renderer;
  if (!renderer) throw new Error('vite.config.ts has no renderer section');
  await build({ ...renderer, configFile: false, mode: 'production', logLevel: 'warn' });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildRenderer().then(
    () => console.log(`renderer built into ${resolve(PROJECT_ROOT, 'out/renderer')}`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
