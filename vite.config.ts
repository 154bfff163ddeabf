// The renderer's Vite configuration. electron.vite.config.ts builds it together with main and
// preload for the app; `npm run build:renderer` builds it alone for the Chromium tests.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const at = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: at('./renderer'),
  // Relative asset URLs: Electron loads the built renderer from file://, where '/' is the disk root.
  base: './',
  plugins: [react()],
  build: {
    outDir: at('./out/renderer'),
    // outDir sits outside the renderer root; empty it anyway so stale hashed bundles never linger.
    emptyOutDir: true,
    minify: true,
    // The bundle loads from local disk, never over a network: one ~650 kB chunk is fine.
    chunkSizeWarningLimit: 1500,
    rollupOptions: { input: { index: at('./renderer/index.html') } },
  },
});
