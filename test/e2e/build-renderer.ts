// Builds only the renderer (out/renderer) from vite.config.ts, so the Chromium tests can run
// without the main/preload build (and without an Electron binary). Same as `npm run build:renderer`.
// Run: node --import tsx test/e2e/build-renderer.ts
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export async function buildRenderer(): Promise<void> {
  await build({ configFile: resolve(PROJECT_ROOT, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
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
