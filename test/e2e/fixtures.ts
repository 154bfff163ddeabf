// Playwright fixtures for driving the real renderer against the real core in Chromium.
// One harness (Workspace + preview server) per spec file, kept for the worker's lifetime, so the
// tests of a file share one workspace in order; every browser context gets a window.vigil that
// speaks to that harness over loopback HTTP.
import { test as base, expect } from '@playwright/test';
import { EVENTS_PATH, INVOKE_PATH, startHarness, type Harness, type HarnessOptions } from './harness';
import { installVigilBridge } from './vigil-bridge';

interface WorkerFixtures {
  /** harnesses by spec file, started on first use and closed when the worker ends */
  harnessPool: (file: string) => Promise<Harness>;
  harnessOptions: HarnessOptions;
}

interface TestFixtures {
  harness: Harness;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  harnessOptions: [{}, { scope: 'worker', option: true }],

  harnessPool: [
    async ({ harnessOptions }, use) => {
      const pool = new Map<string, Promise<Harness>>();
      await use((file) => {
        let h = pool.get(file);
        if (!h) {
          h = startHarness(harnessOptions);
          pool.set(file, h);
        }
        return h;
      });
      const started = await Promise.allSettled(pool.values());
      await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)));
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  harness: async ({ harnessPool }, use, testInfo) => {
    await use(await harnessPool(testInfo.file));
  },

  baseURL: async ({ harness }, use) => {
    await use(harness.url);
  },

  context: async ({ context, harness }, use) => {
    void harness; // depend on it so the server is up before the first page loads
    await context.addInitScript(installVigilBridge, { invoke: INVOKE_PATH, events: EVENTS_PATH });
    await use(context);
  },
});

export { expect };
