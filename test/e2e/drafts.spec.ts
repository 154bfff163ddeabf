// Drafting briefs in real Chromium against the real core: the offline drafter on the demo
// workspace ("Draft now" on a new finding), then an LLM configured in Settings (the fake
// OpenAI-compatible endpoint) drafting the selected finding, the Drafts panel with its cost, and a
// run over every new finding with its progress and closing message. The tests share one workspace
// and run in order, each starting where the previous one left it.
import { FAKE_OPENAI_KEY, FAKE_OPENAI_MODEL } from '../fakes/openai/server';
import { expect, test } from './fixtures';
import type { Harness } from './harness';
import { watchPage } from './page-watch';
import { dataRows, filterStatus, openDemoApp, shot } from './app-steps';

const PASSPHRASE = 'correct horse battery staple';
const OFFLINE = 'vigil/offline-drafter@2';
const LLM = `vigil/llm-drafter@p1 (${FAKE_OPENAI_MODEL})`;

// Without the demo team: configuring the LLM is an admin's change, and here nobody holds a role yet.
test.use({ harnessOptions: { demoSignals: 200, openai: true, demoTeam: false } });
test.describe.configure({ mode: 'serial' });


function fakeOpenAI(h: Harness) {
  if (!h.openai) throw new Error('this spec needs the harness started with `openai`');
  return h.openai;
}

test('the offline drafter drafts a new finding: Draft now shows its brief with verified claims', async ({ page }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  await filterStatus(page, 'new');
  const row = dataRows(page).first();
  const id = (await row.getAttribute('data-finding-id'))!;
  await row.dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id);

  const brief = detail.getByTestId('brief-section');
  await expect(brief.getByTestId('brief-empty')).toContainText('Not drafted yet');
  await brief.getByTestId('brief-draft-now').click();

  // The run ends with a message, the finding reloads with its brief and is "drafted".
  await expect(page.getByTestId('notice')).toContainText(`Drafted 1 of 1 finding by ${OFFLINE}`);
  await expect(brief.getByTestId('brief-technique')).toHaveText(/^T\d{4}(\.\d{3})? \S/);
  await expect(brief.getByTestId('brief-drafter')).toHaveText(OFFLINE);
  await expect(brief.getByTestId('brief-drafted-by')).toContainText('$0');
  await expect(brief.getByTestId('brief-confidence')).toContainText(/\d+%/);
  await expect(brief.getByTestId('brief-action-kind')).toHaveText(/escalate|contain|investigate|suppress|close/);
  await expect(brief.getByTestId('brief-risk')).toContainText('risk = round(');
  const claims = brief.getByTestId('claim');
  await expect(claims.first()).toBeVisible();
  // The offline drafter only says what the signal shows: every claim resolves to its evidence.
  for (const c of await claims.all()) {
    await expect(c).toHaveAttribute('data-verified', 'true');
    await expect(c.getByTestId('claim-marker')).toHaveText('✓ verified');
    await expect(c.getByTestId('claim-evidence').first()).toBeVisible();
  }
  await expect(brief.getByTestId('brief-attempt')).toHaveCount(1);
  await expect(detail.getByTestId('triage-status')).toHaveText('drafted');
  await expect(detail.getByTestId('decision')).toContainText(OFFLINE);
  await brief.scrollIntoViewIfNeeded();
  await shot(page, 'finding-brief-offline.png');
  expect(watch.problems).toEqual([]);
});

test('an LLM configured in Settings drafts the selected finding; the Drafts panel lists it with its cost', async ({ page, harness }) => {
  const watch = watchPage(page);
  const fake = fakeOpenAI(harness);
  // The demo's own drafts (worked findings) and the one the previous test made.
  const before = harness.workspace.reg().draftTotals().count;
  await openDemoApp(page, PASSPHRASE);

  // Settings → LLM: the fake endpoint, its model and key. The key is stored, never shown again.
  await page.getByTestId('nav-settings').click();
  const card = page.getByTestId('llm-card');
  await expect(card.getByTestId('source-state')).toHaveText('Offline drafter');
  await expect(card).toContainText('the offline drafter writes the drafts');
  await expect(card).toContainText('keeps it on site');
  await card.getByTestId('llm-base-url').fill(fake.url);
  await expect(card.getByTestId('llm-endpoint-locality')).toHaveText('on site');
  await card.getByTestId('llm-model').fill(FAKE_OPENAI_MODEL);
  await card.getByTestId('llm-api-key').fill(FAKE_OPENAI_KEY);
  await card.getByTestId('llm-save').click();
  await expect(card.getByTestId('source-state')).toHaveText('LLM configured');
  await expect(card.getByTestId('llm-api-key-stored')).toBeVisible();
  await expect(card.getByTestId('llm-api-key')).toHaveValue('');
  await expect(card.getByTestId('llm-base-url')).toHaveValue(fake.url);
  await expect(card.getByTestId('llm-drafter-in-use')).toHaveText(`Drafting with ${FAKE_OPENAI_MODEL} at ${fake.url}`);
  expect(await page.content()).not.toContain(FAKE_OPENAI_KEY);

  // The harness has no file dialog: importing an ATT&CK bundle says it needs the desktop app.
  const attack = page.getByTestId('attack-card');
  await expect(attack.getByTestId('attack-version')).toHaveText(/^ATT&CK v\d+/);
  await expect(attack.getByTestId('attack-attribution')).toContainText('reproduced and distributed with the permission of The MITRE Corporation');
  await attack.getByTestId('attack-import').click();
  await expect(attack.getByTestId('form-error')).toContainText('needs the desktop app');
  await expect(attack.getByTestId('form-error')).toContainText('VALIDATION_FAILED');
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'settings-llm.png');

  // Back to the queue: select a new finding, open it, Draft → Draft selected.
  await page.getByTestId('nav-queue').click();
  await filterStatus(page, 'new');
  const row = dataRows(page).first();
  const id = (await row.getAttribute('data-finding-id'))!;
  await row.dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id);
  await page.getByTestId('draft-menu-button').click();
  await expect(page.getByTestId('draft-selected')).toContainText(id);
  await page.getByTestId('draft-selected').click();

  await expect(page.getByTestId('notice')).toContainText(`Drafted 1 of 1 finding by ${LLM}`);
  const brief = detail.getByTestId('brief-section');
  await expect(brief.getByTestId('brief-drafter')).toHaveText(LLM);
  await expect(brief.getByTestId('brief-technique')).toHaveText(/^T\d{4}(\.\d{3})? \S/);
  await expect(brief.getByTestId('claim').first()).toBeVisible();
  await expect(brief.getByTestId('brief-draft-cost')).toContainText(/\d+ in \/ \d+ out tokens · \$0\.\d+/);
  expect(fake.chatRequests().length).toBeGreaterThanOrEqual(1);
  expect(fake.chatRequests().at(-1)?.authorization).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  await brief.scrollIntoViewIfNeeded();
  await shot(page, 'finding-brief.png');

  // The Drafts panel (g d): newest first, with tokens and a price; the totals count both drafts.
  await page.keyboard.press('g');
  await page.keyboard.press('d');
  const panel = page.getByTestId('drafts-view');
  await expect(panel).toBeVisible();
  const first = panel.getByTestId('draft-row').first();
  await expect(first).toHaveAttribute('data-finding-id', id);
  await expect(first.locator('[data-col="drafter"]')).toHaveText(LLM);
  await expect(first.locator('[data-col="model"]')).toHaveText(FAKE_OPENAI_MODEL);
  await expect(first.locator('[data-col="tokens-in"]')).toHaveText(/^[\d,]+$/);
  await expect(first.locator('[data-col="cost"]')).toHaveText(/^\$0\.\d+$/);
  await expect(panel.getByTestId('draft-row').nth(1).locator('[data-col="drafter"]')).toHaveText(OFFLINE);
  await expect(panel.getByTestId('drafts-total-count')).toHaveText((before + 1).toLocaleString('en-US'));
  await expect(panel.getByTestId('drafts-total-failed')).toHaveText('0');
  await expect(panel.getByTestId('drafts-total-tokens-in')).not.toHaveText('0');
  await expect(panel.getByTestId('drafts-total-cost')).toHaveText(/^\$0\.\d+$/);
  await shot(page, 'drafts-panel.png');

  // A finding id opens it in the queue's detail panel.
  await first.getByTestId('draft-finding').click();
  await expect(page.getByTestId('queue-view')).toBeVisible();
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id);
  expect(watch.problems).toEqual([]);
});

test('Draft new findings runs over every new finding with progress, then says how it went', async ({ page, harness }) => {
  const watch = watchPage(page);
  const fake = fakeOpenAI(harness);
  await openDemoApp(page, PASSPHRASE);
  await filterStatus(page, 'new');
  const count = page.getByTestId('queue-count');
  await expect(count).toHaveText(/^\d+ findings$/);
  const pending = Number((await count.innerText()).split(' ')[0]);
  const before = harness.workspace.reg().draftTotals().count;
  expect(pending).toBeGreaterThan(10);

  // "Draft all matching the filter" asks first, with the count.
  await page.getByTestId('draft-menu-button').click();
  await page.getByTestId('draft-filter').click();
  const confirm = page.getByTestId('draft-confirm');
  await expect(confirm).toContainText(`Draft ${pending} findings?`);
  await expect(confirm).toContainText('status: new');
  await confirm.getByRole('button', { name: 'Keep as is' }).click();
  await expect(confirm).toHaveCount(0);

  // The fake holds its answers until the test lets them go, so the running state is seen on any
  // machine (a fixed delay per answer lost the race on a loaded CI run: 8 at a time finished first).
  let allowed = 0;
  const waiting: Array<() => void> = [];
  const release = (n: number) => {
    allowed += n;
    while (waiting.length > 0 && allowed > 0) { allowed--; waiting.shift()!(); }
  };
  fake.script.use(async () => {
    if (allowed > 0) allowed--;
    else await new Promise<void>((r) => waiting.push(r));
    return undefined;
  });
  try {
    await page.getByTestId('draft-menu-button').click();
    await page.getByTestId('draft-new').click();
    const progress = page.getByTestId('drafts-progress');
    await expect(progress).toContainText(new RegExp(`^0 / ${pending} · 0 drafted`));
    await expect(page.getByTestId('drafts-stop')).toBeVisible();
    await expect(page.getByTestId('draft-menu-button')).toBeDisabled();
    release(3);
    await expect(progress).toContainText(new RegExp(`^3 / ${pending} · 3 drafted`));
    await shot(page, 'drafts-progress.png');
    release(Number.MAX_SAFE_INTEGER);
    await expect(page.getByTestId('notice')).toContainText(`Drafted ${pending} of ${pending} findings by ${LLM}`, { timeout: 30_000 });
    await expect(page.getByTestId('drafts-running')).toHaveCount(0);
  } finally {
    fake.script.reset();
  }
  // Nothing is new any more: the queue (still filtered on "new") is empty.
  await expect(count).toHaveText('0 findings');
  await filterStatus(page, null);
  await page.getByTestId('nav-drafts').click();
  await expect(page.getByTestId('drafts-total-count')).toHaveText((before + pending).toLocaleString('en-US'));
  expect(watch.problems).toEqual([]);
});
