// Connecting a new workspace to its sources, in real Chromium against the real core, the fake
// Datadog and the fake Splunk: Settings (save, test, a rejected key, a bad site), a sync with
// progress, Splunk context on a new finding, and a change made offline that waits in the outbox
// and reaches Datadog exactly once when the network returns. The tests share one workspace and run
// in order, each starting where the previous one left it.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { FAKE_API_KEY, FAKE_APP_KEY, RECORDED_PROJECT_ID } from '../fakes/datadog/server';
import { TEST_TOKEN } from '../fakes/splunk/seed';
import { expect, test } from './fixtures';
import { PRIOR_ACTIVITY_SEARCH, type Harness } from './harness';
import { RESULTS_DIR, watchPage } from './page-watch';
import { dataRows } from './app-steps';

const PASSPHRASE = 'team workspace passphrase';
const SIGNALS = 24;
const PAGE_SIZE = 10;
const WRONG_KEY = 'wrong-key-0000000000000000000000';

test.use({ harnessOptions: { emptyWorkspace: { name: 'SOC team', passphrase: PASSPHRASE }, sources: { signals: SIGNALS } } });
test.describe.configure({ mode: 'serial' });

function fakes(h: Harness) {
  if (!h.datadog || !h.splunk) throw new Error('this spec needs the harness started with `sources`');
  return { dd: h.datadog, sp: h.splunk };
}

/** The next signal page goes through; the one after waits until the returned function is called. */
function holdSecondSignalPage(dd: ReturnType<typeof fakes>['dd']): () => void {
  let open!: () => void;
  const until = new Promise<void>((r) => (open = r));
  const signals = (r: { path: string }) => r.path.startsWith('/api/v2/security_monitoring/signals');
  dd.faults.next(signals, { kind: 'delay', ms: 0 }).next(signals, { kind: 'hold', until });
  return open;
}

const statusBar = (page: Page) => page.getByRole('status', { name: 'Status bar' });
const checks = (card: Locator) => card.getByTestId('connection-check');

/** Open the app; unlock the workspace if it is locked (a new page starts at the vault's state). */
async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  const unlock = page.getByTestId('unlock-view');
  const queue = page.getByTestId('queue-view');
  await expect(unlock.or(queue)).toBeVisible();
  if (await unlock.isVisible()) {
    await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
    await page.keyboard.press('Enter');
  }
  await expect(queue).toBeVisible();
}

async function openSettings(page: Page): Promise<{ dd: Locator; sp: Locator }> {
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('settings-view')).toBeVisible();
  const dd = page.getByTestId('datadog-card');
  const sp = page.getByTestId('splunk-card');
  await expect(dd.getByTestId('dd-site')).toBeVisible();
  return { dd, sp };
}

test('a new workspace connects to Datadog from Settings', async ({ page, harness }) => {
  const watch = watchPage(page);
  const { dd: fake } = fakes(harness);
  await page.goto('/');
  await expect(page.getByTestId('unlock-view')).toContainText('SOC team');
  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('queue-empty')).toContainText('No findings match yet.');
  await expect(statusBar(page).getByTestId('status-connectivity')).toContainText('No sources configured');
  await expect(page.getByTestId('sync-button')).toHaveText('Connect Datadog to sync');

  const { dd } = await openSettings(page);
  await expect(dd.getByTestId('source-state')).toHaveText('Not configured');
  await expect(dd.getByTestId('dd-query')).toHaveValue('security:attack');
  await dd.getByTestId('dd-site').fill('datadoghq.eu');
  await dd.getByTestId('dd-api-key').fill(FAKE_API_KEY);
  await dd.getByTestId('dd-app-key').fill(FAKE_APP_KEY);
  await dd.getByTestId('dd-project-id').fill(RECORDED_PROJECT_ID);
  await dd.getByTestId('dd-page-size').fill(String(PAGE_SIZE));
  await dd.getByTestId('dd-advanced').click();
  await dd.getByTestId('dd-base-url').fill(fake.url);
  await dd.getByRole('button', { name: 'Save', exact: true }).click();

  // Saved: the keys are "stored", the fields are empty again, and nothing secret is on the page.
  await expect(dd.getByTestId('source-state')).toHaveText('Configured');
  await expect(dd.getByTestId('dd-api-key-stored')).toBeVisible();
  await expect(dd.getByTestId('dd-app-key-stored')).toBeVisible();
  await expect(dd.getByTestId('dd-api-key')).toHaveValue('');
  await expect(dd.getByTestId('dd-site')).toHaveValue('datadoghq.eu');
  await expect(dd.getByTestId('dd-base-url')).toHaveValue(fake.url);
  const html = await page.content();
  expect(html).not.toContain(FAKE_API_KEY);
  expect(html).not.toContain(FAKE_APP_KEY);
  await expect(statusBar(page).getByTestId('status-connectivity')).toContainText('Online');

  await dd.getByRole('button', { name: 'Test connection' }).click();
  await expect(dd.getByTestId('connection-checks')).toHaveAttribute('data-ok', 'true');
  await expect(checks(dd)).toHaveCount(3);
  for (const row of await checks(dd).all()) await expect(row).toHaveAttribute('data-ok', 'true');
  await expect(dd.getByTestId('connection-checks')).toContainText('The API key is valid');
  expect(watch.problems).toEqual([]);
});

test('Test connection names a rejected key, and a bad site is refused beside the form', async ({ page, harness }) => {
  const watch = watchPage(page);
  void fakes(harness);
  await openApp(page);
  const { dd } = await openSettings(page);

  await dd.getByTestId('dd-api-key').fill(WRONG_KEY);
  // The test runs against what is saved, so unsaved changes are saved first.
  await dd.getByRole('button', { name: 'Save and test connection' }).click();
  const apiKey = checks(dd).and(page.locator('[data-check="api_key"]'));
  await expect(apiKey).toHaveAttribute('data-ok', 'false');
  await expect(apiKey).toContainText('rejected');
  await expect(apiKey).toContainText('SOURCE_AUTH_FAILED');
  await expect(dd.getByTestId('connection-checks')).toHaveAttribute('data-ok', 'false');
  expect(await page.content()).not.toContain(WRONG_KEY);

  // A site that is not Datadog's: the core's message (with the valid sites) and code sit under the form.
  await dd.getByTestId('dd-site').fill('datadog.example.com');
  await dd.getByRole('button', { name: 'Save', exact: true }).click();
  const error = dd.getByTestId('form-error');
  await expect(error).toContainText('is not a Datadog site');
  await expect(error).toContainText('datadoghq.eu');
  await expect(error).toContainText('VALIDATION_FAILED');
  // The typed value is kept for fixing.
  await expect(dd.getByTestId('dd-site')).toHaveValue('datadog.example.com');

  await dd.getByTestId('dd-site').fill('https://app.datadoghq.eu/security/signals');
  await dd.getByTestId('dd-api-key').fill(FAKE_API_KEY);
  await dd.getByRole('button', { name: 'Save and test connection' }).click();
  await expect(dd.getByTestId('connection-checks')).toHaveAttribute('data-ok', 'true');
  await expect(dd.getByTestId('form-error')).toHaveCount(0);
  // The pasted URL was normalised by the core.
  await expect(dd.getByTestId('dd-site')).toHaveValue('datadoghq.eu');
  expect(watch.problems).toEqual([]);
});

test('Splunk connects with its saved search', async ({ page, harness }) => {
  const watch = watchPage(page);
  const { sp: fake } = fakes(harness);
  await openApp(page);
  const { sp } = await openSettings(page);
  await expect(sp.getByTestId('source-state')).toHaveText('Not configured');
  await sp.getByTestId('sp-url').fill(fake.url);
  await sp.getByTestId('sp-token').fill(TEST_TOKEN);
  await sp.getByTestId('sp-saved-search').fill(PRIOR_ACTIVITY_SEARCH);
  await sp.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(sp.getByTestId('source-state')).toHaveText('Configured');
  await expect(sp.getByTestId('sp-token-stored')).toBeVisible();

  await sp.getByRole('button', { name: 'Test connection' }).click();
  await expect(sp.getByTestId('connection-checks')).toHaveAttribute('data-ok', 'true');
  await expect(checks(sp)).toHaveCount(4);
  for (const row of await checks(sp).all()) await expect(row).toHaveAttribute('data-ok', 'true');
  await expect(sp.getByTestId('connection-checks')).toContainText(PRIOR_ACTIVITY_SEARCH);
  expect(await page.content()).not.toContain(TEST_TOKEN);

  // Both cards with their test results, for the record.
  const dd = page.getByTestId('datadog-card');
  await dd.getByRole('button', { name: 'Test connection' }).click();
  await expect(dd.getByTestId('connection-checks')).toHaveAttribute('data-ok', 'true');
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: resolve(RESULTS_DIR, 'settings.png'), fullPage: true });
  expect(watch.problems).toEqual([]);
});

test('Sync brings the signals in as new findings, with progress and a count', async ({ page, harness }) => {
  const watch = watchPage(page);
  const { dd } = fakes(harness);
  const before = harness.eventSubscriptions();
  await openApp(page);
  await expect.poll(() => harness.eventSubscriptions()).toBeGreaterThan(before);
  await expect(page.getByTestId('queue-empty')).toBeVisible();
  await expect(statusBar(page).getByTestId('status-last-sync')).toContainText('Never synced');

  // Page 1 lands; page 2 is held until the progress has been seen (and photographed).
  const release = holdSecondSignalPage(dd);
  const sync = page.getByTestId('sync-button');
  await expect(sync).toHaveText('Sync');
  await sync.click();
  const progress = page.getByTestId('sync-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText(/^page \d+ · \d+ signals? · \d+ new$/);
  await expect(page.getByTestId('sync-progressbar')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  // The first page has landed while the second is on its way; the queue already shows its findings.
  await expect(progress).toContainText(`page 2 · ${PAGE_SIZE} signals · ${PAGE_SIZE} new`);
  await expect(page.getByTestId('queue-count')).not.toHaveText('0 findings');
  await page.screenshot({ path: resolve(RESULTS_DIR, 'sync-progress.png'), fullPage: true });
  release();

  const notice = page.getByTestId('notice');
  await expect(notice).toContainText(`Synced ${SIGNALS} signals: ${SIGNALS} new findings`, { timeout: 20_000 });
  await expect(page.getByTestId('sync-running')).toHaveCount(0);
  // The queue refreshed by itself: every signal is a new finding, newest first.
  await expect(page.getByTestId('queue-count')).toHaveText(`${SIGNALS} findings`);
  await expect(dataRows(page).first()).toHaveAttribute('data-finding-id', `FND-${SIGNALS}`);
  await expect(statusBar(page).getByTestId('status-last-sync')).toContainText(/Synced \d{4}-\d{2}-\d{2} \d{2}:\d{2}Z/);
  // The pointer off the Sync button, so its tooltip does not cover the count in the picture.
  await page.mouse.move(700, 500);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await page.screenshot({ path: resolve(RESULTS_DIR, 'sync.png'), fullPage: true });
  // The facets were refreshed too. New findings are drafted right after a sync (offline here, no
  // LLM configured), so they end up "drafted".
  await page.getByTestId('filter-status').getByRole('combobox').click();
  await expect(page.getByRole('option').and(page.locator('[data-value="drafted"]')).getByTestId('facet-count')).toHaveText(String(SIGNALS));
  await page.keyboard.press('Escape');
  expect(watch.problems).toEqual([]);
});

test('a new finding shows its Splunk context: rows, SPL, sid, window and hash', async ({ page, harness }) => {
  const watch = watchPage(page);
  void fakes(harness);
  await openApp(page);
  await dataRows(page).first().dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(`FND-${SIGNALS}`);

  // Context runs in the background after the sync; the panel follows it to "done".
  const context = detail.getByTestId('context-section');
  await expect(context.getByTestId('context-state')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
  const results = context.getByTestId('splunk-results');
  await expect(results).toBeVisible();
  await expect(results.locator('thead th')).toHaveText(['_time', 'host', 'user', 'src_ip', 'action']);
  await expect(results.locator('tbody tr')).toHaveCount(3);
  await expect(results.locator('tbody tr').first()).toContainText('alice');
  await expect(context.getByTestId('splunk-results-shown')).toHaveText('showing 3 of 3');
  await expect(context.getByTestId('evidence-spl')).toContainText('host="$host$"');
  await expect(context.getByTestId('evidence-sid')).not.toHaveText('—');
  await expect(context.getByTestId('evidence-window')).toContainText('-30d → now');
  await expect(context.getByTestId('evidence-count')).toContainText('3 rows');
  const sha = context.getByTestId('evidence-sha256').locator('span');
  await expect(sha).toHaveAttribute('title', /^[0-9a-f]{64}$/);
  await expect(sha).toHaveText(/^[0-9a-f]{16}…$/);
  await expect(detail.getByTestId('decision')).toContainText(PRIOR_ACTIVITY_SEARCH);
  await expect(detail.getByTestId('history')).toContainText('evidence added');

  await detail.getByTestId('detail-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: resolve(RESULTS_DIR, 'finding-context.png'), fullPage: true });
  await context.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: resolve(RESULTS_DIR, 'finding-context-table.png'), fullPage: true });
  expect(watch.problems).toEqual([]);
});

test('a change made offline waits in the outbox and reaches Datadog exactly once', async ({ page, harness }) => {
  const watch = watchPage(page);
  const { dd } = fakes(harness);
  const before = harness.eventSubscriptions();
  await openApp(page);
  await expect.poll(() => harness.eventSubscriptions()).toBeGreaterThan(before);
  await dataRows(page).first().dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(`FND-${SIGNALS}`);
  const bar = statusBar(page);
  await expect(bar.getByTestId('status-outbox')).toContainText('0 pending');
  expect(dd.state.casesCreated).toBe(0);

  // The network goes away.
  dd.faults.always('*', { kind: 'reset', phase: 'before_headers', rst: true });

  // The change is local at once, with its reason in the history.
  await detail.getByTestId('triage-status').click();
  await page.getByRole('option', { name: 'in review' }).click();
  await detail.getByTestId('triage-priority').click();
  await page.getByRole('option', { name: 'P1' }).click();
  await detail.getByTestId('triage-reason').fill('taking it: customer data');
  await detail.getByTestId('triage-apply').click();
  await expect(detail.getByTestId('triage-status')).toHaveText('in review');
  const history = detail.getByTestId('history');
  await expect(history.getByTestId('history-entry').first()).toContainText(/status: (new|drafted) → in_review|priority: P\d → P1/);
  await expect(history).toContainText(/status: (new|drafted) → in_review/);
  await expect(history.getByTestId('history-reason').first()).toHaveText('“taking it: customer data”');
  await expect(dataRows(page).first().locator('[data-col="status"]')).toHaveText('in review');

  // …and its copy for Datadog waits: the status bar says offline and what is pending.
  await expect(bar.getByTestId('status-connectivity')).toContainText('Offline — writes wait in the outbox');
  await expect(bar.getByTestId('status-outbox')).toContainText(/^[1-9]\d* pending/);

  await detail.getByTestId('note-text').fill('Confirmed with the account owner.');
  await detail.getByTestId('note-add').click();
  await expect(detail.getByTestId('note')).toHaveCount(1);
  await expect(detail.getByTestId('note')).toContainText('Confirmed with the account owner.');

  await bar.getByTestId('status-outbox').click();
  const dialog = page.getByTestId('outbox-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('outbox-entry').first()).toBeVisible();
  const pending = await dialog.locator('[data-testid="outbox-entry"][data-state="pending"]').count();
  // At least the case to create (carrying the status and priority) and the note as its comment.
  expect(pending).toBeGreaterThanOrEqual(2);
  await expect(dialog.getByTestId('outbox-entry')).toHaveCount(pending);
  await expect(dialog).toContainText('SOURCE_UNREACHABLE');
  await page.screenshot({ path: resolve(RESULTS_DIR, 'outbox-offline.png'), fullPage: true });
  expect(dd.state.casesCreated).toBe(0);

  // The network returns; "Retry now" sends what waited.
  dd.faults.clear();
  await dialog.getByRole('button', { name: /^Retry (now|failed)$/ }).click();
  await expect(dialog.getByTestId('outbox-summary')).toHaveText(`0 pending · 0 failed · ${pending} sent.`);
  await expect(dialog.getByTestId('outbox-entry')).toHaveCount(0);
  await expect(dialog.getByTestId('outbox-empty')).toHaveText('Nothing is waiting: every change has reached Datadog.');
  await page.screenshot({ path: resolve(RESULTS_DIR, 'outbox-sent.png'), fullPage: true });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(bar.getByTestId('status-outbox')).toContainText(/^0 pending/);
  await expect(bar.getByTestId('status-connectivity')).toContainText('Online');

  // One case, carrying the finding; the panel shows its key.
  expect(dd.state.casesCreated).toBe(1);
  await expect(detail.getByTestId('detail-case')).toHaveText(/^DDFC-\d+$/);
  await detail.getByTestId('detail-title').scrollIntoViewIfNeeded();
  await page.screenshot({ path: resolve(RESULTS_DIR, 'finding-case.png'), fullPage: true });
  // Nothing is sent twice when asked again.
  await bar.getByTestId('status-outbox').click();
  await expect(dialog.getByRole('button', { name: /^Retry/ })).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(dd.state.casesCreated).toBe(1);
  expect(watch.problems).toEqual([]);
});

test('Cancel stops a sync between pages; Resume sync finishes it', async ({ page, harness }) => {
  const watch = watchPage(page);
  const { dd } = fakes(harness);
  const more = 2 * PAGE_SIZE;
  harness.addSignals(more, 12);
  const before = harness.eventSubscriptions();
  await openApp(page);
  await expect.poll(() => harness.eventSubscriptions()).toBeGreaterThan(before);
  await expect(page.getByTestId('queue-count')).toHaveText(`${SIGNALS} findings`);

  // Page 2 is held until the sync is cancelled, so the cancel lands between pages on a machine of
  // any speed (fixed delays of 1.5 s lost the race on a loaded CI run). Cancelling aborts the held
  // request; the gate is opened anyway at the end.
  const release = holdSecondSignalPage(dd);
  await page.getByTestId('sync-button').click();
  const progress = page.getByTestId('sync-progress');
  await expect(progress).toContainText(/^page 2 · \d+ signals · \d+ new$/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  const notice = page.getByTestId('notice');
  await expect(notice).toContainText(/^Sync cancelled after \d+ signals\. Resume it to continue where it stopped\.$/);
  await notice.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('sync-button')).toHaveText('Resume sync');
  // What landed before the cancel is in the queue already.
  await expect(page.getByTestId('queue-count')).toHaveText(`${SIGNALS + PAGE_SIZE} findings`);

  release();
  dd.faults.clear();
  await page.getByTestId('sync-button').click();
  await expect(notice).toContainText(/^Synced \d+ signals: \d+ new findings?$/);
  await expect(page.getByTestId('sync-button')).toHaveText('Sync');
  await expect(page.getByTestId('queue-count')).toHaveText(`${SIGNALS + more} findings`);
  await expect(dataRows(page).first()).toHaveAttribute('data-finding-id', `FND-${SIGNALS + more}`);
  expect(watch.problems).toEqual([]);
});

test('Re-check picks up a signal triaged in Datadog days after it fired, which Sync cannot see', async ({ page, harness }) => {
  const watch = watchPage(page);
  const { dd } = fakes(harness);
  await openApp(page);
  const total = SIGNALS + 2 * PAGE_SIZE;
  await expect(page.getByTestId('queue-count')).toHaveText(`${total} findings`);
  // A colleague archives a three-day-old signal in Datadog.
  const age = (x: { attributes: { timestamp: unknown } }) => Date.now() - Date.parse(String(x.attributes.timestamp));
  const old = dd.state.signals.find((x) => age(x) > 3 * 86_400_000 && age(x) < 6 * 86_400_000)!;
  dd.updateSignal(old.id, (x) => {
    const wf = (x.attributes as unknown as { attributes: { workflow: { triage: Record<string, unknown> } } }).attributes.workflow;
    wf.triage = { ...wf.triage, state: 'archived', archiveReason: 'false_positive' };
  });
  const notice = page.getByTestId('notice');
  await page.getByTestId('sync-button').click();
  await expect(notice).toContainText(/^Synced \d+ signals?: 0 new findings$/);
  await notice.getByRole('button', { name: 'Close' }).click();

  const recheck = page.getByTestId('recheck-button');
  await recheck.hover();
  await expect(page.getByRole('tooltip')).toContainText('Not re-checked yet');
  await recheck.click();
  // The re-check window (7 days) holds fewer signals than the queue (10 days). Revised: the archived
  // one, and any signal whose triage Vigil's own outbox changed in Datadog earlier in this file.
  await expect(notice).toContainText(/^Re-checked \d+ signals: 0 new findings, [1-9]\d* revised$/);
  const db = harness.workspace.reg().unsafeHandle();
  const row = db
    .prepare('SELECT s.triage_state AS state, count(r.id) AS revisions FROM signals s JOIN signal_revisions r ON r.signal_id = s.id WHERE s.dd_signal_id = ? GROUP BY s.id')
    .get(old.id) as { state: string; revisions: number };
  expect(row).toEqual({ state: 'archived', revisions: 2 });
  await page.mouse.move(700, 500);
  await expect(page.getByRole('tooltip')).toHaveCount(0);
  await recheck.hover();
  await expect(page.getByRole('tooltip')).toContainText(/Last re-check: \d{4}-\d{2}-\d{2} \d{2}:\d{2}Z/);
  await expect(page.getByTestId('queue-count')).toHaveText(`${total} findings`);
  const revisions = dd.requestsTo('POST /api/v2/security_monitoring/signals/search').at(-1)!.body as { filter?: { from?: string } };
  expect(Date.now() - Date.parse(String(revisions.filter?.from))).toBeGreaterThanOrEqual(7 * 86_400_000 - 60_000);
  expect(watch.problems).toEqual([]);
});

test('a failed Splunk run shows its message and code on the finding, and Retry runs it again', async ({ page, harness }) => {
  const watch = watchPage(page);
  void fakes(harness);
  await openApp(page);
  await dataRows(page).first().dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(/^FND-\d+$/);
  const context = detail.getByTestId('context-section');
  await expect(context.getByTestId('context-state')).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
  await expect(context.getByTestId('splunk-evidence')).toHaveCount(1);

  const setSavedSearch = async (name: string) => {
    const { sp } = await openSettings(page);
    await sp.getByTestId('sp-saved-search').fill(name);
    await sp.getByRole('button', { name: 'Save', exact: true }).click();
    // Saved: the form starts over from the stored settings, so there is nothing left to save.
    await expect(sp.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
    await expect(sp.getByTestId('sp-saved-search')).toHaveValue(name);
    await page.getByTestId('nav-queue').click();
    // The open finding stays open across screens.
    await expect(detail).toBeVisible();
  };

  // A saved search that does not exist: the run fails, the finding says why, the old evidence stays.
  await setSavedSearch('No such search');
  await context.getByTestId('fetch-context').click();
  const error = context.getByTestId('context-error');
  await expect(error).toContainText('No such search');
  await expect(error).toContainText('SOURCE_NOT_FOUND');
  await expect(context.getByTestId('context-state')).toHaveAttribute('data-state', 'failed');
  await expect(context.getByTestId('splunk-evidence')).toHaveCount(1);
  await expect(context.getByTestId('fetch-context')).toHaveCount(0);

  await setSavedSearch(PRIOR_ACTIVITY_SEARCH);
  await error.getByRole('button', { name: 'Retry' }).click();
  await expect(context.getByTestId('context-state')).toHaveAttribute('data-state', 'done');
  await expect(context.getByTestId('context-error')).toHaveCount(0);
  await expect(context.getByTestId('splunk-evidence')).toHaveCount(2);
  expect(watch.problems).toEqual([]);
});
