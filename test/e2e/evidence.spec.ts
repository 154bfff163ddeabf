// Evidence bundles in real Chromium against the real core: this workstation holds a lead's key and
// the roster that lead signed (set up through the register, as a lead's own workstation has them);
// the lead exports one finding from its case view with a reason and sees the digest and the key an
// auditor needs, then the filtered queue from the Evidence menu, and verifies a bundle through the
// Verify view — first the genuine one against the lead's key, then a copy with one byte changed.
// The desktop's save and open dialogs are answered by the harness.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as custody from '../../electron/core/custody';
import { formatTrustedKey } from '../../electron/core/evidence/verify';
import { dataRows, filterStatus, openDemoApp, shot } from './app-steps';
import { expect, test } from './fixtures';
import { watchPage } from './page-watch';

const PASSPHRASE = 'correct horse battery staple';
const DIR = mkdtempSync(join(tmpdir(), 'vigil-e2e-evidence-'));
const answers = { save: join(DIR, 'one.zip'), open: join(DIR, 'one.zip') };

test.use({ harnessOptions: { demoSignals: 60, demoTeam: false, pickSavePath: () => answers.save, pickFile: () => answers.open } });
test.describe.configure({ mode: 'serial' });

test('a lead exports a finding and the filtered queue; the Verify view shows valid and tampered bundles', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);

  // This workstation is the lead's: their key, and the roster they signed, pinned.
  const reg = harness.workspace.reg();
  reg.storeAnalystKey({ handle: 'diego.ramos', name: 'Diego Ramos' }, custody.generateAnalystKey(), 'e2e');
  const lead = reg.signingKey()!.key;
  const roster = custody.createRoster({
    team: 'blue',
    version: 1,
    issued_at: new Date(Date.now() - 3_600_000).toISOString(),
    analysts: [{ handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: new Date(Date.now() - 86_400_000).toISOString() }] }],
  });
  reg.importRoster(custody.exportRoster(custody.signRoster(roster, 'diego.ramos', lead)), lead.keyId, 'e2e');

  // One finding, from its case view.
  await filterStatus(page, 'drafted');
  const row = dataRows(page).first();
  const id = (await row.getAttribute('data-finding-id'))!;
  await row.dblclick();
  await expect(page.getByTestId('finding-detail')).toBeVisible();
  await page.getByTestId('export-finding').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toContainText(`Export evidence: ${id}`);
  await expect(page.getByTestId('export-run')).toBeDisabled();
  await page.getByTestId('export-reason').fill('Audit AR-7: credential findings');
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-result')).toBeVisible();
  const digest = (await page.getByTestId('export-digest').textContent())!.trim();
  expect(digest).toMatch(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId('export-key')).toHaveText(`${lead.keyId} ${lead.publicKey}`);
  expect(reg.auditFor('bundle', digest)).toHaveLength(1);
  await shot(page, 'evidence-export.png');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // Everything the filter matches, from the Evidence menu.
  answers.save = join(DIR, 'drafted.zip');
  await page.getByTestId('evidence-menu-button').click();
  await page.getByTestId('export-filter').click();
  await page.getByTestId('export-reason').fill('All drafted findings');
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-result')).toContainText(/\d+ findings/);
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Close' }).click();

  // A time range of opened findings (UTC days, the end inclusive).
  answers.save = join(DIR, 'range.zip');
  await page.getByTestId('evidence-menu-button').click();
  await page.getByTestId('export-range').click();
  await page.getByTestId('export-reason').fill('Everything opened in the demo window');
  await expect(page.getByTestId('export-run')).toBeDisabled();
  await page.getByTestId('export-since').fill('2000-01-01');
  await page.getByTestId('export-until').fill('2099-12-31');
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-result')).toContainText(/\d+ findings/);
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Close' }).click();

  // The auditor's view: the genuine bundle against the lead's key.
  await page.getByTestId('evidence-menu-button').click();
  await page.getByTestId('verify-bundle').click();
  // The key file the lead sent out of band (the format `vigil export --public-key-out` writes).
  const keyFile = join(DIR, 'diego.ramos.pub');
  writeFileSync(keyFile, formatTrustedKey({ key_id: lead.keyId, public_key: lead.publicKey }, 'diego.ramos, lead'));
  await page.getByTestId('verify-keys-file').setInputFiles(keyFile);
  await expect(page.getByTestId('verify-keys')).toHaveValue(`${lead.keyId} ${lead.publicKey}  # diego.ramos, lead\n`);
  await page.getByTestId('verify-pick').click();
  await expect(page.getByTestId('verify-valid')).toContainText('Valid: 1 findings');
  await expect(page.getByTestId('verify-verdict')).toContainText('Audit AR-7: credential findings');
  await shot(page, 'evidence-verify-valid.png');

  // A copy with one byte changed (in the small, stored audit/head.json): refused, with the file named.
  const bytes = readFileSync(join(DIR, 'drafted.zip'));
  const at = bytes.indexOf(Buffer.from('{"seq":'));
  expect(at).toBeGreaterThan(0);
  bytes.write('{"SEQ":', at);
  answers.open = join(DIR, 'tampered.zip');
  writeFileSync(answers.open, bytes);
  await page.getByTestId('verify-pick').click();
  await expect(page.getByTestId('verify-invalid')).toBeVisible();
  await expect(page.getByTestId('verify-failures')).toContainText('zip_crc_mismatch');
  await expect(page.getByTestId('verify-failures')).toContainText('audit/head.json');
  await shot(page, 'evidence-verify-tampered.png');
  expect(watch.problems).toEqual([]);
});
