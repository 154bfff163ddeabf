// electron-vite: main (ESM), preload (CommonJS, every dependency inlined: a sandboxed preload can
// require only 'electron') and the renderer from vite.config.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import renderer from './vite.config';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // Worker threads, each loaded beside the bundle (electron/core/worker-file.ts): the signal sync's
      // page worker (sources/datadog/page-decoder.ts), the register's checkpoint worker (register/checkpointer.ts)
      // and the verifier's audit-slice hashing worker (evidence/audit-hashes.ts).
      rollupOptions: {
        input: {
          index: at('./electron/main/index.ts'),
          'page-worker': at('./electron/core/sources/datadog/page-worker.ts'),
          'checkpoint-worker': at('./electron/core/register/checkpoint-worker.ts'),
          'audit-hash-worker': at('./electron/core/evidence/audit-hash-worker.ts'),
        },
      },
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: at('./electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
      externalizeDeps: false,
    },
  },
  renderer,
});
