// Shared by the Chromium specs: where screenshots go, and a watch that fails a test on uncaught page
// errors and CSP violations (the CSP must hold for our own code).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';

export const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../test-results');

export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    // Chromium always warns that frame-ancestors is ignored in a <meta> CSP; the directive is kept
    // so the policy reads the same when served as a header.
    if (/frame-ancestors/.test(text)) return;
    if (m.type() === 'error' || /Refused to|Content Security Policy/i.test(text)) problems.push(`console.${m.type()}: ${text}`);
  });
  return { problems };
}
