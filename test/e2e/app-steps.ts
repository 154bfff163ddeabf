// Steps several Chromium specs take the same way: reach the queue, filter it, photograph it.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { RESULTS_DIR } from './page-watch';

export const dataRows = (page: Page) => page.getByTestId('queue-grid').locator('[role="row"][data-finding-id]');

/** The demo workspace on first use, else unlock it; ends on the queue. */
export async function openDemoApp(page: Page, passphrase: string): Promise<void> {
  await page.goto('/');
  const welcome = page.getByTestId('welcome-view');
  const unlock = page.getByTestId('unlock-view');
  const queue = page.getByTestId('queue-view');
  await expect(welcome.or(unlock).or(queue)).toBeVisible();
  if (await welcome.isVisible()) {
    await page.getByTestId('new-passphrase').fill(passphrase);
    await page.getByTestId('confirm-passphrase').fill(passphrase);
    await page.getByRole('button', { name: 'Open demo workspace' }).click();
  } else if (await unlock.isVisible()) {
    await page.getByTestId('unlock-passphrase').fill(passphrase);
    await page.keyboard.press('Enter');
  }
  await expect(queue).toBeVisible({ timeout: 45_000 });
  await expect(dataRows(page).first()).toBeVisible();
}

/** Show only the findings with this status (the facet menu), or all of them (null). */
export async function filterStatus(page: Page, status: string | null): Promise<void> {
  if (status === null) {
    await page.getByTestId('clear-filters').click();
    return;
  }
  await page.getByTestId('filter-status').getByRole('combobox').click();
  await page.getByRole('option').and(page.locator(`[data-value="${status}"]`)).click();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('listbox')).toHaveCount(0);
  await expect(dataRows(page).first().locator('[data-col="status"]')).toHaveText(status.replace('_', ' '));
}

/** A full-page screenshot into test-results/, with the pointer out of the way of tooltips. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.mouse.move(5, 300);
  await page.screenshot({ path: resolve(RESULTS_DIR, name), fullPage: true });
}
