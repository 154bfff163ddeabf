// Triage in real Chromium against the real core: the status menu offers only the moves a person may
// make; blocking needs what is awaited and shows it; a severity change needs a reason and lands in
// the severity history; a signed decision is revised only on purpose; a signal revision shows its
// changes; and the team's assignment rules are visible (read-only for an analyst) in Settings.
import { expect, test } from './fixtures';
import { watchPage } from './page-watch';
import { dataRows, filterStatus, openDemoApp, shot } from './app-steps';

const PASSPHRASE = 'correct horse battery staple';

test.use({ harnessOptions: { demoSignals: 150 } });
test.describe.configure({ mode: 'serial' });

async function openFirst(page: import('@playwright/test').Page, status: string): Promise<string> {
  await filterStatus(page, status);
  const row = dataRows(page).first();
  const id = (await row.getAttribute('data-finding-id'))!;
  await row.dblclick();
  await expect(page.getByTestId('finding-detail').getByTestId('detail-finding-id')).toHaveText(id);
  return id;
}

test('block with what is awaited, then change severity with a reason and see its history', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  const id = await openFirst(page, 'in_review');
  const detail = page.getByTestId('finding-detail');

  // Only hand moves are offered: no signed, containing or contained.
  await detail.getByTestId('triage-status').click();
  const offered = await page.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
  expect(offered.sort()).toEqual(['blocked', 'closed', 'drafted', 'in_review']);
  await page.getByRole('option').and(page.locator('[data-value="blocked"]')).click();
  await expect(detail.getByTestId('triage-apply')).toBeDisabled();
  await detail.getByTestId('triage-awaiting').fill('the account owner to confirm the login');
  await detail.getByTestId('triage-apply').click();
  await expect(detail.getByTestId('detail-awaiting')).toContainText('the account owner to confirm the login');
  await expect(detail.getByTestId('triage-status')).toHaveText('blocked');

  // Severity: the save waits for a reason; the history keeps it.
  const before = harness.workspace.reg().finding(Number(id.slice(4)))!.row.severity;
  const target = before === 'critical' ? 'low' : 'critical';
  await detail.getByTestId('decision-edit').click();
  const form = detail.getByTestId('decision-form');
  await form.getByTestId('decision-severity').click();
  await page.getByRole('option').and(page.locator(`[data-value="${target}"]`)).click();
  await expect(form.getByTestId('decision-save')).toBeDisabled();
  await form.getByTestId('decision-reason').fill('the host is the payroll database server');
  await form.getByTestId('decision-plan').fill('1. Isolate the host\n2. Rotate the service account');
  await form.getByTestId('decision-save').click();
  await expect(form).toHaveCount(0);
  const history = detail.getByTestId('severity-history');
  await expect(history).toContainText('the host is the payroll database server');
  await expect(detail.getByTestId('detail-mitigation')).toContainText('Rotate the service account');
  await expect(detail.getByTestId('history').locator('tr', { hasText: 'the host is the payroll database server' }).first()).toBeVisible();
  await detail.getByTestId('decision').scrollIntoViewIfNeeded();
  await shot(page, 'finding-triage.png');
  expect(watch.problems).toEqual([]);
});

test('a signed decision is revised only on purpose, as a new revision', async ({ page }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  await openFirst(page, 'signed');
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('signoff-section').getByTestId('signoff-verdict').first()).toHaveText('✓ valid');
  await detail.getByTestId('decision-edit').click();
  const form = detail.getByTestId('decision-form');
  await form.getByTestId('decision-action').fill('contain: revoke the sessions of the account');
  await expect(form.getByTestId('decision-save')).toBeDisabled();
  await form.getByTestId('decision-revise').check();
  await form.getByTestId('decision-save').click();
  await expect(form).toHaveCount(0);
  await expect(detail.getByTestId('triage-status')).toHaveText('in review');
  await expect(detail.getByTestId('signoff-section').getByTestId('signoff-stale').first()).toBeVisible();
  expect(watch.problems).toEqual([]);
});

test('Settings shows the team’s assignment rules and who is on call, read-only for an analyst', async ({ page }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  await page.getByTestId('nav-settings').click();
  const card = page.getByTestId('assignment-card');
  await expect(card.getByTestId('assignment-on-call')).toContainText('On call now:');
  await expect(card.getByTestId('assignment-readonly')).toBeVisible();
  await expect(card.getByTestId('assignment-rule-0')).toBeVisible();
  await expect(card.getByTestId('assignment-save')).toBeDisabled();
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'settings-assignment.png');
  expect(watch.problems).toEqual([]);
});
