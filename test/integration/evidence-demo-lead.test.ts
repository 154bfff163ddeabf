// Exporting from a workstation whose analyst is not a lead (the demo team's amara.okafor): refused
// on the workstation's own key, allowed as a lead enrolled on this workstation (sofia.rossi) with
// her passphrase, the bundle signed by her and valid. A wrong passphrase writes nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APPROVER } from '../../electron/core/demo/demo-workspace';
import { dispatch } from '../../electron/core/dispatch';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import type { EvidenceExportResult, EvidenceVerifyResult } from '../../shared/evidence';
import { tempDir } from '../support/workspace';

const PASS = 'demo passphrase for tests';
let t: ReturnType<typeof tempDir>;
let ws: Workspace;
let savePath: string | null = null;
let pickPath: string | null = null;

async function result(channel: string, input: unknown) {
  return dispatch(ws.handlers(), channel, input);
}

beforeAll(async () => {
  t = tempDir('vigil-evidence-demo-');
  ws = new Workspace({
    version: 'test',
    statePath: join(t.dir, 'state.json'),
    demoPath: join(t.dir, 'demo.vigil'),
    demoSignals: 60,
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    actor: 'local:amara',
    sourceTimers: false,
    pickFile: async () => pickPath,
    pickSavePath: async () => savePath,
  });
  const opened = await result('workspace.openDemo', { passphrase: PASS });
  expect(opened.ok).toBe(true);
}, 180_000);
afterAll(() => {
  ws.dispose();
  t.cleanup();
});

describe('export as a lead enrolled on this workstation', () => {
  const input = { scope: 'ids', ids: ['FND-1'], reason: 'Quarterly audit sample' };

  it('is refused on the analyst’s own key, and with a wrong lead passphrase nothing is written', async () => {
    savePath = join(t.dir, 'refused.zip');
    const own = await result('evidence.export', input);
    expect(own).toMatchObject({ ok: false, error: { code: 'EXPORT_NOT_PERMITTED' } });
    expect((own as { error: { message: string } }).error.message).toContain('amara.okafor is an analyst; only a lead exports');
    const wrong = await result('evidence.export', { ...input, as: { handle: DEMO_APPROVER.handle, passphrase: 'not her passphrase' } });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'VAULT_KEY_INVALID' } });
    expect(JSON.stringify(wrong)).not.toContain('not her passphrase');
    const nobody = await result('evidence.export', { ...input, as: { handle: 'li.wei', passphrase: 'whatever' } });
    expect(nobody).toMatchObject({ ok: false, error: { code: 'KEY_MISSING' } });
    expect(existsSync(savePath)).toBe(false);
  });

  it('signs as the lead with her passphrase; the bundle verifies against her key', async () => {
    savePath = join(t.dir, 'as-lead.zip');
    const r = await result('evidence.export', { ...input, as: { handle: DEMO_APPROVER.handle, passphrase: DEMO_APPROVER.passphrase } });
    expect(r.ok).toBe(true);
    const out = (r as { value: EvidenceExportResult }).value;
    expect(out).toMatchObject({ saved: true, path: savePath, findings: 1, exported_by: { handle: 'sofia.rossi' } });
    pickPath = savePath;
    const trusted = `${out.exported_by!.key_id} ${out.exported_by!.public_key}`;
    const v = await result('evidence.verify', { trustedKeys: trusted });
    expect(v).toMatchObject({ ok: true, value: { picked: true, valid: true, failures: [] } });
    expect((v as { value: EvidenceVerifyResult }).value.summary).not.toBeNull();
  });
});
