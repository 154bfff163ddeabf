// Containment behind the gate in real Chromium against the real core and the fake Datadog: an
// admin configures a workflow action and a colleague enrols a key (sealed by her own passphrase)
// in Settings → Containment; in the case view containing an unsigned finding is refused with the
// reason shown; once signed, a critical finding alone only waits for a second key (nothing reaches
// Datadog, self-approval is refused, a wrong passphrase is refused); the colleague approves at
// this desk, exactly one workflow run reaches the fake Datadog, its status becomes evidence, the
// finding is contained, and the history names each step's analyst.
import * as custody from '../../electron/core/custody';
import { FAKE_API_KEY, FAKE_APP_KEY, RECORDED_WORKFLOW_ID } from '../fakes/datadog/server';
import { expect, test } from './fixtures';
import type { Harness } from './harness';
import { watchPage } from './page-watch';
import { dataRows, filterStatus, openDemoApp, shot } from './app-steps';

const PASSPHRASE = 'correct horse battery staple';
const LEE_PASSPHRASE = 'lee chen types this herself';
const DAY = 86_400_000;

test.use({ harnessOptions: { demoSignals: 120, demoTeam: false, sources: { signals: 5 } } });
test.describe.configure({ mode: 'serial' });

/** The lead's key lives only in this test process, like on the lead's own workstation. */
const lead = custody.generateAnalystKey();

function runsReachingDatadog(h: Harness) {
  return h.datadog!.requests.filter((r) => r.method === 'POST' && /^\/api\/v2\/workflows\/[^/]+\/instances$/.test(r.path));
}

test('Settings → Containment: a colleague enrols her key here, the admin configures an isolate-host workflow', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  const h = harness.workspace.handlers();
  // This workstation's analyst (the signoff spec walks these two steps in the UI).
  await h['custody.createKey']({ handle: 'amara.okafor', name: 'Amara Okafor' });
  await h['settings.saveDatadog']({ site: 'datadoghq.eu', baseUrl: harness.datadog!.url, apiKey: FAKE_API_KEY, appKey: FAKE_APP_KEY });

  await page.getByTestId('nav-settings').click();
  const card = page.getByTestId('containment-card');
  await expect(card).toBeVisible();
  await card.getByTestId('enrol-handle').fill('lee.chen');
  await card.getByTestId('enrol-name').fill('Lee Chen');
  await card.getByTestId('enrol-passphrase').fill(LEE_PASSPHRASE);
  await card.getByTestId('enrol-submit').click();
  const lee = card.getByTestId('approver-row');
  await expect(lee).toContainText('lee.chen');
  await expect(lee).toContainText('not in the roster yet');
  await expect(card).not.toContainText(LEE_PASSPHRASE);

  // The lead puts both keys in the roster (amara as admin, lee as lead) and signs it.
  const me = harness.workspace.reg().analystKey()!;
  const leeKey = (await h['containment.approvers']({})).find((a) => a.handle === 'lee.chen')!;
  await expect(lee.getByTestId('approver-public-key')).toContainText(leeKey.public_key);
  const notBefore = new Date(Date.now() - 2 * DAY).toISOString();
  const roster = custody.createRoster({
    team: 'blue',
    version: 1,
    issued_at: new Date(Date.now() - DAY).toISOString(),
    analysts: [
      { handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: notBefore }] },
      { handle: 'amara.okafor', name: 'Amara Okafor', role: 'admin', keys: [{ key_id: me.key_id, public_key: me.public_key, not_before: notBefore }] },
      { handle: 'lee.chen', name: 'Lee Chen', role: 'lead', keys: [{ key_id: leeKey.key_id, public_key: leeKey.public_key, not_before: notBefore }] },
    ],
  });
  await h['custody.importRoster']({ text: custody.exportRoster(custody.signRoster(roster, 'diego.ramos', lead)), pinKeyId: lead.keyId });
  await page.reload();
  await page.getByTestId('nav-settings').click();
  await expect(card.getByTestId('approver-row')).toContainText('(lead)');

  // An input mapping that reads something Vigil does not know is refused with its reason.
  await card.getByTestId('action-add').click();
  const form = card.getByTestId('containment-action-form');
  await form.getByTestId('action-name').fill('Isolate host');
  await form.getByTestId('action-workflow-id').fill(RECORDED_WORKFLOW_ID);
  await form.getByTestId('action-inputs').fill('{"hosts": "$entities.host", "cmd": "$process.env"}');
  await form.getByTestId('action-save').click();
  await expect(form.getByTestId('form-error')).toContainText('not a reference Vigil knows');
  await form.getByTestId('action-inputs').fill('{"hosts": "$entities.host", "finding": "$finding.id", "note": "Isolated from Vigil ${finding.id}"}');
  await form.getByTestId('action-save').click();
  const row = card.getByTestId('containment-action-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Isolate host');
  await expect(row).toContainText('danger high');
  await expect(row).toContainText('$entities.host, $finding.id');
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'settings-containment.png');
  expect(watch.problems).toEqual([]);
});

test('contain a finding: refused unsigned, waits alone when critical, one run after a second analyst approves', async ({ page, harness }) => {
  const watch = watchPage(page);
  await openDemoApp(page, PASSPHRASE);
  const h = harness.workspace.handlers();
  await filterStatus(page, 'drafted');
  const first = dataRows(page).first();
  const id = (await first.getAttribute('data-finding-id'))!;
  const n = Number(id.slice(4));
  // A critical finding (raised the audited way before anyone signs it).
  if (harness.workspace.reg().finding(n)!.row.severity !== 'critical') {
    harness.workspace.reg().updateFinding(n, { severity: 'critical' }, 'amara.okafor', { reason: 'customer data at risk' });
  }
  await first.dblclick();
  const detail = page.getByTestId('finding-detail');
  await expect(detail.getByTestId('detail-finding-id')).toHaveText(id);

  // Unsigned: the section says why, the button is off, and the core refuses the same way.
  const section = detail.getByTestId('containment-section');
  await expect(section.getByTestId('containment-refusal')).toContainText('not signed off');
  await expect(section.getByTestId('containment-refusal')).toHaveAttribute('data-code', 'SIGNOFF_REQUIRED');
  await expect(section.getByTestId('containment-request-button')).toBeDisabled();
  const action = (await h['containment.actions']({}))[0]!;
  await expect((async () => h['containment.request']({ id, action: action.id, reason: 'try anyway' }))()).rejects.toMatchObject({ code: 'SIGNOFF_REQUIRED' });

  // Sign off.
  await detail.getByTestId('signoff-section').getByTestId('signoff-button').click();
  await page.getByTestId('signoff-confirm').click();
  await expect(detail.getByTestId('triage-status')).toHaveText('signed');
  await expect(section.getByTestId('containment-refusal')).toHaveCount(0);

  // Critical, alone: the request is made, but it only waits for a second analyst.
  await section.getByRole('combobox', { name: 'Action' }).click();
  await page.getByTestId(`containment-action-${action.id}`).click();
  await expect(section.getByTestId('containment-needs-second-key')).toContainText('A critical finding');
  await section.getByTestId('containment-reason').fill('isolate the host before it spreads');
  await section.getByTestId('containment-request-button').click();
  await expect(page.getByTestId('notice')).toContainText("needs a second analyst's approval");
  const req = section.getByTestId('containment-request');
  await expect(req).toHaveAttribute('data-state', 'awaiting_approval');
  await expect(req.getByTestId('containment-deadline')).toContainText(/min left; 60 min for a critical finding/);
  expect(runsReachingDatadog(harness)).toHaveLength(0);

  // Self-approval is refused by the core (the dialog does not even offer the requester).
  const requestId = (await h['containment.state']({ id })).requests[0]!.id;
  await expect((async () => h['containment.approveLocal']({ request: requestId, handle: 'amara.okafor', passphrase: PASSPHRASE }))()).rejects.toMatchObject({ code: 'SELF_APPROVAL' });

  // The colleague approves at this desk; a wrong passphrase first.
  await req.getByTestId('containment-approve').click();
  const dialog = page.getByTestId('approve-dialog');
  await expect(dialog.getByTestId('approve-handle')).toHaveValue('lee.chen');
  await dialog.getByTestId('approve-passphrase').fill('not her passphrase');
  await dialog.getByTestId('approve-confirm').click();
  await expect(dialog.getByTestId('form-error')).toContainText('Wrong passphrase');
  expect(runsReachingDatadog(harness)).toHaveLength(0);
  await dialog.getByTestId('approve-passphrase').fill(LEE_PASSPHRASE);
  await dialog.getByTestId('approve-confirm').click();
  await expect(dialog).toBeHidden();

  // The run leaves through the outbox, is polled to its end, and becomes evidence.
  await expect(req).toHaveAttribute('data-state', 'succeeded', { timeout: 15_000 });
  await expect(req.getByTestId('containment-approved-by')).toHaveText('lee.chen');
  await expect(req.getByTestId('containment-instance-status')).toHaveText('SUCCEEDED');
  await expect(detail.getByTestId('triage-status')).toHaveText('contained');
  const runs = runsReachingDatadog(harness);
  expect(runs).toHaveLength(1);
  expect(runs[0]!.path).toBe(`/api/v2/workflows/${RECORDED_WORKFLOW_ID}/instances`);
  expect(runs[0]!.body).toMatchObject({ meta: { payload: { finding: id, note: `Isolated from Vigil ${id}` } } });

  // The history names who did what.
  const history = detail.getByTestId('history');
  await expect(history.locator('tr', { hasText: 'Containment requested' })).toContainText('amara.okafor');
  await expect(history.locator('tr', { hasText: 'Containment approved' })).toContainText('lee.chen');
  await expect(history.locator('tr', { hasText: 'Containment completed' })).toHaveCount(1);
  await section.scrollIntoViewIfNeeded();
  await shot(page, 'finding-containment.png');
  expect(runsReachingDatadog(harness)).toHaveLength(1);
  expect(harness.workspace.reg().verifyAudit().ok).toBe(true);
  expect(watch.problems).toEqual([]);
});
