// End-to-end tests in Debian's Chromium (Playwright never downloads a browser here). No webServer:
// each spec's fixtures start what they need (fixtures.ts starts a harness per file), and specs
// that do not use those fixtures (the Electron smoke test) are untouched by them.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './e2e',
  // The project tsconfigs map better-sqlite3-multiple-ciphers to a .d.ts for the compiler; at run
  // time that mapping must not apply (see the file).
  tsconfig: './playwright.tsconfig.json',
  // Overridable so two runs on one machine (several people, several checkouts) do not clear each other's traces.
  outputDir: process.env['VIGIL_E2E_ARTIFACTS'] ?? '../test-results',
  reporter: [['list'], ['json', { outputFile: '../test-results/e2e-results.json' }]],
  // Specs share one workspace per file and run in order; two workers keep files apart.
  workers: 2,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    viewport: { width: 1600, height: 900 },
    colorScheme: 'dark',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
