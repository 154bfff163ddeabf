// In the demo team the workstation's analyst (amara.okafor) is not a lead, so an export is signed by
// a lead enrolled on this workstation: the dialog says why, offers sofia.rossi, and her passphrase
// unlocks her key for this one export; co-signing that bundle as her again is refused with the reason.
// The desktop's file dialogs are answered by the harness.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_APPROVER } from '../../electron/core/demo/demo-workspace';
import { dataRows, openDemoApp, shot } from './app-steps';
import { expect, test } from './fixtures';
import { watchPage } from './page-watch';

const PASSPHRASE = 'correct horse battery staple';
const DIR = mkdtempSync(join(tmpdir(), 'vigil-e2e-evidence-demo-'));

test.use({ harnessOptions: { demoSignals: 60, pickSavePath: () => join(DIR, 'demo.zip'), pickFile: () => join(DIR, 'demo.zip') } });

test('an analyst’s workstation exports as the enrolled lead, with her passphrase', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  await dataRows(page).first().dblclick();
  await expect(page.getByTestId('finding-detail')).toBeVisible();
  await page.getByTestId('export-finding').click();
  const asLead = page.getByTestId('export-as-lead');
  await expect(asLead).toContainText('this workstation’s analyst is an analyst');
  await expect(page.getByTestId('export-lead')).toHaveValue(DEMO_APPROVER.handle);
  await page.getByTestId('export-reason').fill('Demo: what an auditor receives');
  // No passphrase yet: nothing to sign with.
  await expect(page.getByTestId('export-run')).toBeDisabled();
  await page.getByTestId('export-lead-passphrase').fill('not her passphrase');
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-dialog')).toContainText('Wrong passphrase for sofia.rossi');
  await page.getByTestId('export-lead-passphrase').fill(DEMO_APPROVER.passphrase);
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-result')).toContainText('1 finding');
  await expect(page.getByTestId('export-result')).toContainText('signed by sofia.rossi');
  const lead = harness.workspace.reg().containment().approverKeysOf(DEMO_APPROVER.handle)[0]!;
  await expect(page.getByTestId('export-key')).toHaveText(`${lead.key_id} ${lead.public_key}`);
  await shot(page, 'evidence-export-as-lead.png');
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Close' }).click();

  // Co-signing needs a second lead: the same lead again is refused, with the reason, and the bundle stays as it was.
  await page.keyboard.press('Escape');
  await page.getByTestId('evidence-menu-button').click();
  await page.getByTestId('cosign-bundle').click();
  const cosign = page.getByTestId('cosign-dialog');
  await expect(page.getByTestId('cosign-as-lead')).toContainText('Only a lead co-signs evidence bundles');
  await expect(page.getByTestId('cosign-pick')).toBeDisabled();
  await page.getByTestId('cosign-lead-passphrase').fill(DEMO_APPROVER.passphrase);
  await page.getByTestId('cosign-pick').click();
  await expect(page.getByTestId('cosign-error')).toContainText(`The bundle is already signed with ${lead.key_id}`);
  await expect(cosign.getByTestId('cosign-lead-passphrase')).toHaveValue('');
  await shot(page, 'evidence-cosign-refused.png');
  await cosign.getByRole('button', { name: 'Cancel' }).click();
  expect(watch.problems).toEqual([]);
});
