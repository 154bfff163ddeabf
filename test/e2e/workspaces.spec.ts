// Beyond the demo, in real Chromium against the real core: create a team workspace from the
// Welcome view, find it empty and ready to connect, switch away and back through the recent list
// (it opens locked), and in the demo team see why connections are an admin's to change.
import { expect, test } from './fixtures';
import { watchPage } from './page-watch';
import { openDemoApp, shot } from './app-steps';

const PASSPHRASE = 'correct horse battery staple';

test.use({ harnessOptions: { demoSignals: 60 } });
test.describe.configure({ mode: 'serial' });

test('create a team workspace, leave it, and open it again from the recent list', async ({ page }) => {
  const watch = watchPage(page);
  await page.goto('/');
  const welcome = page.getByTestId('welcome-view');
  await expect(welcome).toBeVisible();
  await welcome.getByTestId('welcome-tab-create').click();
  const form = welcome.getByTestId('create-workspace-form');
  await form.getByTestId('create-workspace').click();
  await expect(form).toContainText('Name the workspace');
  await form.getByTestId('workspace-name').fill('Blue team');
  await form.getByTestId('new-passphrase').fill(PASSPHRASE);
  await form.getByTestId('confirm-passphrase').fill(PASSPHRASE);
  await shot(page, 'welcome-create.png');
  await form.getByTestId('create-workspace').click();
  await expect(page.getByTestId('queue-view')).toBeVisible();
  await expect(page.getByTestId('queue-count')).toHaveText('0 findings');
  await expect(page.getByTestId('status-workspace')).toContainText('Blue team');

  // Leave it: the Welcome view lists it; opening it asks for its passphrase.
  await page.getByTestId('close-workspace').click();
  await expect(welcome).toBeVisible();
  const recent = welcome.getByTestId('recent-workspace');
  await expect(recent).toHaveCount(1);
  await expect(recent).toContainText('blue-team');
  await recent.click();
  await expect(page.getByTestId('unlock-view')).toBeVisible();
  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('queue-view')).toBeVisible();
  await expect(page.getByTestId('status-workspace')).toContainText('Blue team');
  expect(watch.problems).toEqual([]);
});

test('in the demo team, Settings says connections are an admin’s to change', async ({ page }) => {
  const watch = watchPage(page);
  await page.goto('/');
  if (await page.getByTestId('queue-view').isVisible()) await page.getByTestId('close-workspace').click();
  await openDemoApp(page, PASSPHRASE);
  await page.getByTestId('nav-settings').click();
  await expect(page.getByTestId('connections-readonly')).toContainText('amara.okafor an analyst');
  expect(watch.problems).toEqual([]);
});
