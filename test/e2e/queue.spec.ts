// The analyst's main path in real Chromium against the real core: open the demo workspace, work
// the queue (sort, filter, search, keyboard), read a finding, lock and unlock. The tests share one
// workspace (one harness per file) and run in order: each starts from where the previous left it.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { SEVERITIES } from '../../shared/domain';
import { expect, test } from './fixtures';
import { RESULTS_DIR, watchPage } from './page-watch';

const PASSPHRASE = 'correct horse battery staple';
/** A word from a demo rule name ("AWS GuardDuty detector deleted"). */
const SEARCH_WORD = 'GuardDuty';

test.describe.configure({ mode: 'serial' });


const grid = (page: Page) => page.getByTestId('queue-grid');
const dataRows = (page: Page) => grid(page).locator('[role="row"][data-finding-id]');
const cellsOf = (page: Page, col: string) => dataRows(page).locator(`[role="gridcell"][data-col="${col}"]`);

async function rowTexts(page: Page, col: string, max = 25): Promise<string[]> {
  // textContent, not innerText: CSS text-transform (capitalised chips) must not change the data.
  const texts = await cellsOf(page, col).allTextContents();
  return texts.slice(0, max).map((t) => t.trim());
}

function countOf(text: string): number {
  const m = /^([\d,]+)\+? findings?$/.exec(text.trim());
  if (!m?.[1]) throw new Error(`not a count: ${JSON.stringify(text)}`);
  return Number(m[1].replace(/,/g, ''));
}

async function queueCount(page: Page): Promise<number> {
  const count = page.getByTestId('queue-count');
  await expect(count).toHaveText(/findings?$/);
  return countOf(await count.innerText());
}

/** Open a facet menu, read a value's count, toggle it, close the menu. */
async function toggleFacet(page: Page, facet: string, value: string): Promise<number> {
  await page.getByTestId(`filter-${facet}`).getByRole('combobox').click();
  const option: Locator = page.getByRole('option').and(page.locator(`[data-value="${value}"]`));
  await expect(option).toBeVisible();
  const n = Number((await option.getByTestId('facet-count').innerText()).replace(/,/g, ''));
  await option.click();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  return n;
}

async function openQueue(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByTestId('queue-view')).toBeVisible();
  await expect(dataRows(page).first()).toBeVisible();
}

test('opens the demo workspace from the Welcome view', async ({ page }) => {
  const watch = watchPage(page);
  await page.goto('/');
  await expect(page.getByTestId('welcome-view')).toBeVisible();
  await expect(page.getByTestId('welcome-view')).toContainText('signed, attributed findings');

  // No OS key store in the harness: the demo needs a passphrase, checked before anything is sent.
  await page.getByTestId('new-passphrase').fill('short');
  await page.getByRole('button', { name: 'Open demo workspace' }).click();
  await expect(page.getByText('At least 8 characters.')).toBeVisible();
  await page.getByTestId('new-passphrase').fill(PASSPHRASE);
  await page.getByTestId('confirm-passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Open demo workspace' }).click();

  // The demo is built by the real core (signals, drafts, audited history): allow it some time.
  await expect(page.getByTestId('queue-view')).toBeVisible({ timeout: 45_000 });
  await expect(dataRows(page).first()).toBeVisible();
  const total = await queueCount(page);
  expect(total).toBeGreaterThan(100);

  // Virtualised: far fewer rows in the DOM than findings.
  const rendered = await dataRows(page).count();
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(100);

  // Newest first by default.
  const ids = (await rowTexts(page, 'finding_id')).map((t) => Number(t.slice(4)));
  expect(ids[0]).toBe(total);
  expect(ids).toEqual([...ids].sort((a, b) => b - a));
  await expect(page.getByRole('columnheader', { name: 'Finding' })).toHaveAttribute('aria-sort', 'descending');

  const bar = page.getByRole('status', { name: 'Status bar' });
  await expect(bar.getByTestId('status-workspace')).toContainText('Demo workspace');
  await expect(bar.getByTestId('status-workspace')).toContainText('DEMO');
  await expect(bar.getByTestId('status-lock')).toContainText('Unlocked');
  await expect(bar.getByTestId('status-connectivity')).toContainText('No sources configured');
  await expect(bar.getByTestId('status-outbox')).toContainText('0 pending');
  await expect(bar.getByTestId('status-attack')).toContainText(/ATT&CK v\d+/);

  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: resolve(RESULTS_DIR, 'queue.png'), fullPage: true });
  expect(watch.problems).toEqual([]);
});

test('sorts by a column header', async ({ page }) => {
  const watch = watchPage(page);
  await openQueue(page);
  const before = await rowTexts(page, 'finding_id');
  const severityHeader = page.getByRole('columnheader', { name: 'Severity' });

  await severityHeader.getByRole('button').click();
  await expect(severityHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(cellsOf(page, 'severity').first()).toHaveText('critical');
  const rank = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);
  const desc = (await rowTexts(page, 'severity')).map(rank);
  expect(desc.every((r) => r >= 0)).toBe(true);
  expect(desc).toEqual([...desc].sort((a, b) => b - a));
  expect(await rowTexts(page, 'finding_id')).not.toEqual(before);

  await severityHeader.getByRole('button').click();
  await expect(severityHeader).toHaveAttribute('aria-sort', 'ascending');
  await expect(cellsOf(page, 'severity').first()).toHaveText('info');
  await expect(page.getByRole('columnheader', { name: 'Finding' })).toHaveAttribute('aria-sort', 'none');
  expect(watch.problems).toEqual([]);
});

test('filters by status with facet counts', async ({ page }) => {
  const watch = watchPage(page);
  await openQueue(page);
  const total = await queueCount(page);

  const signed = await toggleFacet(page, 'status', 'signed');
  expect(signed).toBeGreaterThan(0);
  await expect(page.getByTestId('queue-count')).toHaveText(`${signed.toLocaleString('en-US')} finding${signed === 1 ? '' : 's'}`);
  await expect(cellsOf(page, 'status').first()).toHaveText('signed');
  const statuses = await rowTexts(page, 'status', 1000);
  expect(statuses.length).toBe(Math.min(signed, await dataRows(page).count()));
  expect(new Set(statuses)).toEqual(new Set(['signed']));
  // Signed findings carry who signed them.
  expect((await rowTexts(page, 'analyst_signoff')).every((s) => s !== '—' && s !== '')).toBe(true);

  await page.getByTestId('clear-filters').click();
  await expect(page.getByTestId('queue-count')).toHaveText(`${total.toLocaleString('en-US')} findings`);
  expect(watch.problems).toEqual([]);
});

test('full-text search finds findings by rule name words', async ({ page }) => {
  const watch = watchPage(page);
  await openQueue(page);
  const total = await queueCount(page);

  await page.keyboard.press('/');
  const search = page.getByTestId('queue-search');
  await expect(search).toBeFocused();
  await search.pressSequentially(SEARCH_WORD.toLowerCase(), { delay: 20 });
  await expect(page.getByTestId('queue-count')).not.toHaveText(`${total.toLocaleString('en-US')} findings`);
  const hits = await queueCount(page);
  expect(hits).toBeGreaterThan(0);
  expect(hits).toBeLessThan(total);
  const titles = await rowTexts(page, 'title', 1000);
  expect(titles.length).toBeGreaterThan(0);
  for (const t of titles) expect(t.toLowerCase()).toContain(SEARCH_WORD.toLowerCase());

  // Escape hands the keyboard back to the grid without clearing the search.
  await page.keyboard.press('Escape');
  await expect(search).not.toBeFocused();
  await expect(search).toHaveValue(SEARCH_WORD.toLowerCase());
  expect(watch.problems).toEqual([]);
});

test('keyboard moves the selection and opens a finding', async ({ page }) => {
  const watch = watchPage(page);
  await openQueue(page);
  const selected = grid(page).locator('[role="row"][aria-selected="true"]');
  await expect(selected).toHaveAttribute('data-index', '0');

  // End jumps to the oldest finding: its page is fetched on demand and scrolled into view.
  const total = await queueCount(page);
  await page.keyboard.press('End');
  await expect(selected).toHaveAttribute('data-index', String(total - 1));
  await expect(selected).toHaveAttribute('data-finding-id', 'FND-1');
  await expect(selected).toBeInViewport();
  await page.keyboard.press('Home');
  await expect(selected).toHaveAttribute('data-index', '0');
  await expect(selected).toBeInViewport();

  // Signed findings have every decision field filled, so the detail has something to show.
  await toggleFacet(page, 'status', 'signed');
  await expect(cellsOf(page, 'status').first()).toHaveText('signed');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('k');
  await expect(selected).toHaveAttribute('data-index', '2');
  const id = await selected.getAttribute('data-finding-id');
  expect(id).toMatch(/^FND-\d+$/);

  await page.keyboard.press('Enter');
  const detail = page.getByTestId('finding-detail');
  await expect(detail).toBeVisible();
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id ?? '');
  const message = detail.getByTestId('signal-message');
  await expect(message).toBeVisible();
  // The %%% fences and Markdown markers are rendered, not shown.
  expect(await message.innerText()).not.toContain('%%%');
  await expect(message.locator('h4, h5, h6').first()).toBeVisible();
  await expect(detail.getByTestId('decision')).toContainText('risk = round(');
  await expect(detail.getByTestId('detail-signoff')).not.toContainText('not signed');
  await expect(detail.getByTestId('history-entry').first()).toBeVisible();
  await expect(detail.getByTestId('history')).toContainText('opened');
  await expect(detail.getByTestId('history')).toContainText('analyst_signoff');

  await page.screenshot({ path: resolve(RESULTS_DIR, 'finding-detail.png'), fullPage: true });
  await detail.getByTestId('history-section').scrollIntoViewIfNeeded();
  await page.screenshot({ path: resolve(RESULTS_DIR, 'finding-history.png'), fullPage: true });

  // The selection keeps moving with the panel open; Escape closes it.
  await page.keyboard.press('j');
  await expect(selected).toHaveAttribute('data-index', '3');
  await page.keyboard.press('Escape');
  await expect(detail).toHaveCount(0);

  // Many rows down, the selection stays in view.
  for (let i = 0; i < 30; i++) await page.keyboard.press('j');
  await expect(selected).toHaveAttribute('data-index', '33');
  await expect(selected).toBeInViewport();

  // A double-click opens a finding too.
  const second = dataRows(page).and(page.locator('[data-index="1"]'));
  const secondId = await second.getAttribute('data-finding-id');
  await page.keyboard.press('Home');
  await second.dblclick();
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(secondId ?? '');
  expect(watch.problems).toEqual([]);
});

test('locks from the status bar and unlocks with the passphrase', async ({ page }) => {
  const watch = watchPage(page);
  await openQueue(page);
  await page.getByRole('status', { name: 'Status bar' }).getByRole('button', { name: 'Lock' }).click();
  const unlock = page.getByTestId('unlock-view');
  await expect(unlock).toBeVisible();
  await expect(page.getByTestId('queue-view')).toHaveCount(0);
  await expect(page.getByTestId('status-lock')).toContainText('Locked');

  const field = page.getByTestId('unlock-passphrase');
  await field.fill('not the passphrase');
  await page.getByRole('button', { name: 'Unlock with passphrase' }).click();
  const error = page.getByTestId('form-error');
  await expect(error).toContainText('Wrong passphrase');
  await expect(error).toContainText('VAULT_KEY_INVALID');
  await expect(field).toHaveValue('');
  await expect(page.locator('body')).not.toContainText('not the passphrase');

  await field.fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock with passphrase' }).click();
  await expect(page.getByTestId('queue-view')).toBeVisible();
  await expect(dataRows(page).first()).toBeVisible();
  expect(watch.problems).toEqual([]);
});

test('the idle lock time is set in Settings and shown in the status bar', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openQueue(page);
  await page.getByTestId('nav-settings').click();
  const minutes = page.getByTestId('idle-lock-minutes');
  await minutes.fill('0');
  await expect(page.getByTestId('idle-lock-save')).toBeDisabled();
  await minutes.fill('30');
  await page.getByTestId('idle-lock-save').click();
  await expect(page.getByTestId('security-card')).toContainText('Now: 30 minutes.');
  await expect(page.getByTestId('status-lock')).toHaveAttribute('aria-label', /Locks after 30 minutes/);
  expect(harness.workspace.status().idleLockMinutes).toBe(30);
  expect(watch.problems).toEqual([]);
});

test('a lock from elsewhere (idle timer, another window) switches to the Unlock view', async ({ page, harness }) => {
  const before = harness.eventSubscriptions();
  await openQueue(page);
  // An event emitted before this page subscribed would be lost (IPC has no such gap).
  await expect.poll(() => harness.eventSubscriptions()).toBeGreaterThan(before);
  // What the idle timer does: the core locks and emits a vault event.
  harness.workspace.lock('idle');
  await expect(page.getByTestId('unlock-view')).toBeVisible();
  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('queue-view')).toBeVisible();
});

test('the CSP is set and invalid calls fail cleanly', async ({ page }) => {
  const watch = watchPage(page);
  await page.goto('/');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  expect(csp).not.toMatch(/unsafe-eval|https?:/);

  const reply = await page.evaluate(() => {
    const vigil = (globalThis as unknown as { vigil: { invoke: (c: string, i: unknown) => Promise<unknown> } }).vigil;
    return vigil.invoke('queue.page', { limit: -1 });
  });
  expect(reply).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  const unknown = await page.evaluate(() => {
    const vigil = (globalThis as unknown as { vigil: { invoke: (c: string, i: unknown) => Promise<unknown> } }).vigil;
    return vigil.invoke('no.such.channel', {});
  });
  expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
  // The app is still alive and showing a screen (which one depends on the tests before it).
  await expect(page.getByTestId(/^(welcome|unlock|queue)-view$/)).toBeVisible();
  expect(watch.problems).toEqual([]);
});
