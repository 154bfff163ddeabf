// A signed finding whose Datadog signal changes afterwards, in real Chromium against the real core:
// the demo team's signed finding gets a new revision naming a host it did not before (ingested by
// the real register, as a sync would), and its case view shows the appended delta, the sign-off
// untouched, and "superseded by" the new finding; that one links back with "supersedes".
import { expect, test } from './fixtures';
import { watchPage } from './page-watch';
import { dataRows, filterStatus, openDemoApp, shot } from './app-steps';

const PASSPHRASE = 'correct horse battery staple';
const NEW_HOST = 'host:i-0e2e-after-signoff';

test.use({ harnessOptions: { demoSignals: 120 } });

test('a material signal change after sign-off: delta shown, sign-off kept, superseded by / supersedes links', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  await filterStatus(page, 'signed');
  const row = dataRows(page).first();
  const id = (await row.getAttribute('data-finding-id'))!;
  const n = Number(id.replace('FND-', ''));
  const reg = harness.workspace.reg();
  expect(reg.signedAtCurrentRevision(n)).toBe(true);

  // Datadog sends the signal again, now naming one more host.
  const payload = structuredClone(reg.finding(n)!.signal.payload) as { attributes: { attributes: { entities?: string[] } } };
  payload.attributes.attributes.entities = [...(payload.attributes.attributes.entities ?? []), NEW_HOST];
  const res = reg.ingestSignals([payload], { actor: 'system:sync' });
  expect(res).toMatchObject({ revised: 1, deltas: 1, superseded: 1 });
  const fresh = `FND-${res.openedFindings[0]}`;

  await row.dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id);
  await expect(detail.getByTestId('triage-status')).toHaveText('signed');
  await expect(detail.getByTestId('signoff-section').getByTestId('signoff-verdict').first()).toHaveText('✓ valid');
  const section = detail.getByTestId('signal-deltas-section');
  await expect(section.getByTestId('superseded-by')).toContainText(fresh);
  await expect(section.getByTestId('signal-delta')).toHaveCount(1);
  await expect(section.getByTestId('signal-delta-kind')).toHaveText('material: new entities');
  await expect(section.getByTestId('signal-delta')).toContainText(`+${NEW_HOST}`);
  await section.scrollIntoViewIfNeeded();
  await shot(page, 'finding-signal-delta.png');

  await section.getByTestId('superseded-by-link').click();
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(fresh);
  await expect(detail.getByTestId('triage-status')).toHaveText('new');
  const back = detail.getByTestId('signal-deltas-section').getByTestId('supersedes');
  await expect(back).toContainText(id);
  await back.getByTestId('supersedes-link').click();
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id);
  expect(watch.problems).toEqual([]);
});
