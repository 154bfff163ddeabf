// Signing off a finding in real Chromium against the real core: Settings → Analyst & team creates
// this workstation's key for amara.okafor; a lead (a key made here, in the test process) signs a
// roster naming them both, which is pasted into Settings and pinned to the lead's key id; then a
// drafted finding is signed off from its detail panel, shows a valid sign-off by amara.okafor, turns
// "signed", records finding.signed in its history, and cannot be signed again at that revision.
import * as custody from '../../electron/core/custody';
import { expect, test } from './fixtures';
import { watchPage } from './page-watch';
import { dataRows, filterStatus, openDemoApp, shot } from './app-steps';

const PASSPHRASE = 'correct horse battery staple';
const HANDLE = 'amara.okafor';
const DAY = 86_400_000;

test.use({ harnessOptions: { demoSignals: 120, demoTeam: false } });
test.describe.configure({ mode: 'serial' });

/** The lead's key lives only in this test process, like on the lead's own workstation. */
const lead = custody.generateAnalystKey();

function signedRoster(me: { handle: string; key_id: string; public_key: string }): string {
  const notBefore = new Date(Date.now() - 2 * DAY).toISOString();
  const roster = custody.createRoster({
    team: 'blue',
    version: 1,
    issued_at: new Date(Date.now() - DAY).toISOString(),
    analysts: [
      { handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: notBefore }] },
      { handle: me.handle, name: 'Amara Okafor', role: 'analyst', keys: [{ key_id: me.key_id, public_key: me.public_key, not_before: notBefore }] },
    ],
  });
  return custody.exportRoster(custody.signRoster(roster, 'diego.ramos', lead));
}

test('Settings → Analyst & team: create a key, import the lead-signed roster pinned to the lead', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  await page.getByTestId('nav-settings').click();
  const card = page.getByTestId('team-card');
  await expect(card.getByTestId('custody-no-key')).toBeVisible();
  await expect(card.getByTestId('roster-state')).toHaveText('No roster');

  await card.getByTestId('custody-handle').fill(HANDLE);
  await card.getByTestId('custody-name').fill('Amara Okafor');
  await card.getByTestId('custody-create-key').click();
  await expect(card.getByTestId('custody-me-handle')).toHaveText(HANDLE);
  const keyId = (await card.getByTestId('custody-me-key-id').textContent())!.trim();
  expect(keyId).toMatch(/^ed25519:[0-9a-f]{16}$/);

  // The lead gets amara's public key as the card shows it.
  const publicKey = (await card.getByTestId('custody-me-public-key').textContent())!.trim();
  expect(publicKey).toBe(harness.workspace.reg().analystKey()!.public_key);
  const text = signedRoster({ handle: HANDLE, key_id: keyId, public_key: publicKey });

  // Without the pin the first roster is refused, with its code.
  await card.getByTestId('roster-text').fill(text);
  await expect(card.getByTestId('roster-import')).toBeDisabled();
  await card.getByTestId('roster-pin').fill(custody.generateAnalystKey().keyId);
  await card.getByTestId('roster-import').click();
  await expect(card.getByTestId('form-error')).toContainText('ROSTER_UNTRUSTED');
  await expect(card.getByTestId('roster-state')).toHaveText('No roster');

  await card.getByTestId('roster-pin').fill(lead.keyId);
  await card.getByTestId('roster-import').click();
  await expect(card.getByTestId('roster-state')).toHaveText('Roster trusted');
  await expect(card.getByTestId('form-error')).toHaveCount(0);
  await expect(card.getByTestId('roster-team')).toHaveText('blue');
  await expect(card.getByTestId('roster-version')).toHaveText('1');
  await expect(card.getByTestId('roster-signer')).toContainText('diego.ramos');
  await expect(card.getByTestId('roster-signer')).toContainText(lead.keyId);

  await card.getByTestId('roster-export').click();
  await expect(card.getByTestId('roster-export-text')).toHaveValue(text);
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'settings-team.png');
  expect(watch.problems).toEqual([]);
});

test('a drafted finding is signed off: a valid sign-off by amara.okafor, status signed, and no second one', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  await filterStatus(page, 'drafted');
  const row = dataRows(page).first();
  const id = (await row.getAttribute('data-finding-id'))!;
  await row.dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id);

  const section = detail.getByTestId('signoff-section');
  await expect(section.getByTestId('signoffs-empty')).toBeVisible();
  const revision = (await section.getByTestId('decision-revision').textContent())!.trim();
  await section.getByTestId('signoff-button').click();

  const dialog = page.getByTestId('signoff-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('signoff-confirm-severity')).toHaveText(/\S/);
  await expect(dialog.getByTestId('signoff-confirm-evidence')).toContainText(/\d+ items?/);
  await dialog.getByTestId('signoff-confirm').click();
  await expect(dialog).toBeHidden();

  const keyId = harness.workspace.reg().analystKey()!.key_id;
  await expect(page.getByTestId('notice')).toContainText(`Signed off ${id}`);
  await expect(page.getByTestId('notice')).toContainText(keyId);

  const signoff = section.getByTestId('signoff');
  await expect(signoff).toHaveCount(1);
  await expect(signoff.getByTestId('signoff-analyst')).toHaveText(HANDLE);
  await expect(signoff.getByTestId('signoff-key-id')).toHaveText(keyId);
  await expect(signoff.getByTestId('signoff-verdict')).toHaveText('✓ valid');
  await expect(signoff.getByTestId('signoff-revision')).toHaveText(revision);
  await expect(signoff.getByTestId('signoff-stale')).toHaveCount(0);
  await expect(signoff.getByTestId('signoff-signature')).toHaveAttribute('data-full', /^[0-9a-f]{64}$/);
  await expect(detail.getByTestId('triage-status')).toHaveText('signed');
  await expect(detail.getByTestId('detail-signoff')).toContainText(HANDLE);

  const history = detail.getByTestId('history');
  const signedEntry = history.locator('tr', { hasText: keyId });
  await expect(signedEntry).toHaveCount(1);
  await expect(signedEntry).toContainText('signed');
  await expect(signedEntry).toContainText(HANDLE);

  // Signing again is refused: the button is off with the reason, and the core says FINDING_SIGNED.
  await expect(section.getByTestId('signoff-button')).toBeDisabled();
  await expect(section.getByTestId('signoff-hint')).toContainText(`Signed at revision ${revision}`);
  let refused: unknown = null;
  try {
    await harness.workspace.handlers()['finding.signOff']({ id });
  } catch (e) {
    refused = e;
  }
  expect(refused).toMatchObject({ code: 'FINDING_SIGNED' });

  await section.scrollIntoViewIfNeeded();
  await shot(page, 'finding-signoff.png');
  expect(watch.problems).toEqual([]);
});
