// ATT&CK tagging in real Chromium against the real core: a drafted finding (drafted again by the
// offline drafter, so it has a brief with a technique and a confidence) is opened, its tagging view
// shows the drafter's suggestion highlighted in the matrix; the analyst searches, overrides the
// technique with a reason and adds a secondary one; the case and its history show the override;
// Navigator layers download for the finding and for a queue filtered by tactic and technique.
import { readFileSync } from 'node:fs';
import type { Download } from '@playwright/test';
import { expect, test } from './fixtures';
import { watchPage } from './page-watch';
import { dataRows, filterStatus, openDemoApp, shot } from './app-steps';

const PASSPHRASE = 'correct horse battery staple';

test.use({ harnessOptions: { demoSignals: 120 } });
test.describe.configure({ mode: 'serial' });

async function layerOf(download: Download): Promise<{ versions: Record<string, string>; domain: string; techniques: { techniqueID: string; tactic?: string; score?: number; comment?: string }[] }> {
  const path = await download.path();
  return JSON.parse(readFileSync(path, 'utf8')) as never;
}

test('override the drafted technique with a reason, see it in the case and its history, filter and export', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  await filterStatus(page, 'drafted');
  const row = dataRows(page).first();
  const id = (await row.getAttribute('data-finding-id'))!;

  // The drafter writes a brief for it (offline drafter: no LLM is configured).
  const handlers = harness.workspace.handlers();
  await handlers['drafts.run']({ scope: 'ids', ids: [id], force: true });
  await expect.poll(async () => (await handlers['drafts.status']({})).running, { timeout: 20_000 }).toBe(false);
  const suggested = (await handlers['attack.tagging']({ id })).suggestions.find((s) => s.source === 'drafter')!;
  expect(suggested.confidence).not.toBeNull();
  const target = suggested.id === 'T1110.003' ? { id: 'T1078.004', query: 'cloud accounts', tactic: 'TA0001' } : { id: 'T1110.003', query: 'password spray', tactic: 'TA0006' };

  await row.dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id);
  await expect(detail.getByTestId('detail-technique')).toContainText(suggested.id);
  await detail.getByTestId('tag-technique').click();

  const view = page.getByTestId('attack-tagging');
  await expect(view.getByTestId('tactic-matrix')).toBeVisible();
  await expect(view.getByTestId('matrix-column')).toHaveCount(14);
  // The drafter's suggestion: in the list with its confidence, highlighted in the matrix.
  const percent = `${Math.round(suggested.confidence! * 100)}%`;
  await expect(view.locator(`[data-testid="attack-suggestion"][data-source="drafter"]`).getByTestId('suggestion-confidence')).toHaveText(percent);
  const suggestedCell = view.locator(`[data-testid="matrix-cell"][data-technique="${suggested.id}"][data-suggested~="drafter"]`).first();
  await expect(suggestedCell).toBeVisible();
  await expect(suggestedCell.getByTestId('matrix-confidence')).toHaveText(percent);
  await expect(suggestedCell).toHaveAttribute('data-state', 'primary');

  // Search by name, pick with the keyboard.
  await view.getByTestId('attack-search').fill(target.query);
  const hit = view.locator(`[data-testid="attack-result"][data-technique="${target.id}"]`);
  await expect(hit).toBeVisible();
  await view.getByTestId('attack-search').press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(view.getByTestId('attack-pending-technique')).toContainText(target.id);
  await expect(view.locator(`[data-testid="matrix-cell"][data-technique="${target.id}"][data-state="primary"]`).first()).toBeVisible();
  // Search by id finds it too.
  await view.getByTestId('attack-search').fill(target.id.toLowerCase());
  await expect(view.locator('[data-testid="attack-result"]').first()).toHaveAttribute('data-technique', target.id);

  // A secondary technique from the matrix, by keyboard ("s" on a focused cell); arrows move between cells.
  const accountManipulation = view.locator('[data-testid="matrix-cell"][data-technique="T1098"]').first();
  await accountManipulation.focus();
  await page.keyboard.press('s');
  await expect(view.getByTestId('attack-secondary-chip')).toContainText(['T1098']);
  await page.keyboard.press('ArrowDown');
  await expect(accountManipulation).not.toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(accountManipulation).toBeFocused();
  // Shift+click toggles a secondary off and on again.
  await accountManipulation.click({ modifiers: ['Shift'] });
  await expect(view.getByTestId('attack-secondary-chip')).toHaveCount(0);
  await accountManipulation.click({ modifiers: ['Shift'] });
  await expect(view.getByTestId('attack-secondary-chip')).toContainText(['T1098']);

  // An override needs a reason before it can be saved.
  await expect(view.getByTestId('attack-kind')).toContainText(`Overrides the drafter's ${suggested.id}`);
  await expect(view.getByTestId('attack-save')).toBeDisabled();
  const reason = 'Many accounts from one source inside ten minutes: spraying, not a stolen valid account';
  await view.getByTestId('attack-reason').fill(reason);
  await expect(view.getByTestId('attack-save')).toBeEnabled();
  await view.getByTestId('attack-save').click();
  await expect(page.getByTestId('notice')).toContainText(`Saved the technique of ${id}`);

  const decision = view.getByTestId('attack-decision').first();
  await expect(decision).toHaveAttribute('data-kind', 'override');
  await expect(decision).toContainText(`${suggested.id} → ${target.id}`);
  await expect(decision.getByTestId('attack-decision-reason')).toContainText(reason);
  // The stored technique is now the override; the suggestion keeps its highlight.
  await expect(view.locator(`[data-testid="matrix-cell"][data-technique="${target.id}"][data-current="true"]`).first()).toBeVisible();
  await view.getByTestId('attack-search').fill('');
  await shot(page, 'attack-tagging.png');

  // The finding's Navigator layer.
  const [findingDownload] = await Promise.all([page.waitForEvent('download'), view.getByTestId('attack-export-finding').click()]);
  expect(findingDownload.suggestedFilename()).toBe(`vigil-${id}-attack-layer.json`);
  const findingLayer = await layerOf(findingDownload);
  expect(findingLayer.versions).toEqual({ attack: '18', navigator: '5.2.0', layer: '4.5' });
  expect(findingLayer.domain).toBe('enterprise-attack');
  expect(findingLayer.techniques.map((t) => t.techniqueID).sort()).toEqual([suggested.id, target.id, 'T1098'].sort());

  // Back in the case: the technique and the history show the override and its reason.
  await page.keyboard.press('Escape');
  await expect(view).toBeHidden();
  await expect(detail.getByTestId('detail-technique')).toContainText(target.id);
  const history = detail.getByTestId('history');
  const overridden = history.getByTestId('history-entry').filter({ hasText: 'technique overridden' });
  await expect(overridden).toHaveCount(1);
  await expect(overridden.getByTestId('history-reason')).toContainText(reason);

  // The queue filtered by tactic, then by the parent technique: the finding is there.
  await page.getByTestId('clear-filters').click();
  await page.getByTestId('filter-tactic').getByRole('combobox').click();
  await page.getByRole('option').and(page.locator(`[data-value="${target.tactic}"]`)).click();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  const parent = target.id.slice(0, 5);
  await page.getByTestId('filter-technique').getByRole('combobox').click();
  const parentOption = page.getByRole('option').and(page.locator(`[data-value="${parent}"]`));
  await expect(parentOption).toContainText('sub-techniques');
  await parentOption.click();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  await expect(dataRows(page).and(page.locator(`[data-finding-id="${id}"]`))).toBeVisible();
  const techniques = await dataRows(page).locator('[data-col="mitre_technique"]').allTextContents();
  expect(techniques.length).toBeGreaterThan(0);
  for (const t of techniques) expect(t.startsWith(parent)).toBe(true);

  // The filtered queue's Navigator layer counts the findings per technique.
  const [queueDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('queue-export-layer').click()]);
  expect(queueDownload.suggestedFilename()).toBe('vigil-queue-attack-layer.json');
  const queueLayer = await layerOf(queueDownload);
  expect(queueLayer.versions.layer).toBe('4.5');
  const entry = queueLayer.techniques.find((t) => t.techniqueID === target.id)!;
  expect(entry.score).toBeGreaterThanOrEqual(1);
  expect(entry.comment).toMatch(/finding/);
  expect(watch.problems).toEqual([]);
});
