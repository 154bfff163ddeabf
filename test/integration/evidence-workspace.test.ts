// Evidence bundles through the contract, as the app calls them: export one finding, the queue's
// filter and a selection (the save dialog answered by the test), progress events on the way, the
// verdict of a picked bundle with and without trusted keys, and the refusals (no lead key, a
// cancelled dialog, hostile input).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/dispatch';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import type { EvidenceCosignResult, EvidenceExportResult, EvidenceVerifyResult } from '../../shared/evidence';
import type { ApproverView } from '../../shared/containment';
import * as custody from '../../electron/core/custody';
import type { VigilEvent } from '../../shared/domain';
import { buildEvidenceFixture, FIXTURE_PASSPHRASE, type EvidenceFixture } from '../support/evidence-fixture';
import { tempDir } from '../support/workspace';

let t: ReturnType<typeof tempDir>;
let fx: EvidenceFixture;
let ws: Workspace;
let savePath: string | null = null;
let pickPath: string | null = null;
const events: VigilEvent[] = [];

async function call<T>(channel: string, input: unknown): Promise<T> {
  const r = await dispatch(ws.handlers(), channel, input);
  if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.value as T;
}

beforeAll(async () => {
  t = tempDir('vigil-evidence-ws-');
  fx = await buildEvidenceFixture(t.dir, { findings: 20, signEvery: 4 });
  fx.reg.close();
  const statePath = join(t.dir, 'state.json');
  writeFileSync(statePath, JSON.stringify({ workspacePath: fx.path, idleLockMinutes: 60 }));
  ws = new Workspace({
    version: 'test',
    statePath,
    demoPath: join(t.dir, 'demo.vigil'),
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    actor: 'local:diego',
    sourceTimers: false,
    pickFile: async () => pickPath,
    pickSavePath: async () => savePath,
  });
  ws.onEvent((e) => events.push(e));
  await ws.unlock(FIXTURE_PASSPHRASE);
}, 120_000);
afterAll(() => {
  ws.dispose();
  t.cleanup();
});

describe('evidence over the contract', () => {
  it('exports one finding with progress events, and the picked bundle verifies', async () => {
    savePath = join(t.dir, 'one.zip');
    events.length = 0;
    const r = await call<EvidenceExportResult>('evidence.export', { scope: 'ids', ids: ['FND-8'], reason: 'Case 12: customer asked' });
    expect(r).toMatchObject({ saved: true, path: savePath, findings: 1, exported_by: { handle: 'diego.ramos', key_id: fx.lead.keyId, public_key: fx.lead.publicKey } });
    const progress = events.filter((e) => e.type === 'export');
    expect(progress.at(-1)).toEqual({ type: 'export', phase: 'done', done: 1, total: 1 });
    expect(progress.map((e) => (e as { phase: string }).phase)).toEqual(expect.arrayContaining(['reading', 'writing', 'signing', 'done']));

    pickPath = savePath;
    const v = await call<EvidenceVerifyResult>('evidence.verify', { trustedKeys: `${fx.lead.keyId} ${fx.lead.publicKey}\n` });
    expect(v).toMatchObject({ picked: true, path: savePath, valid: true, failures: [], summary: { findings: 1, signoffs: 1, trust: 'trusted-keys', reason: 'Case 12: customer asked' } });
    const bare = await call<EvidenceVerifyResult>('evidence.verify', {});
    expect(bare.valid).toBe(true);
    expect(bare.notes[0]).toMatch(/No trusted keys/);
  });

  it('exports the queue filter; a tampered bundle is shown invalid with its reasons', async () => {
    savePath = join(t.dir, 'filtered.zip');
    const r = await call<EvidenceExportResult>('evidence.export', { scope: 'filter', filter: { status: ['signed'] }, reason: 'All signed findings for the quarterly audit' });
    expect(r.findings).toBe(5);
    const bytes = readFileSync(savePath);
    const at = bytes.indexOf(Buffer.from('Spoke with the owner of user12'));
    expect(at).toBeGreaterThan(0);
    bytes.write('Spoke with the owner of user13', at);
    pickPath = join(t.dir, 'tampered.zip');
    writeFileSync(pickPath, bytes);
    const v = await call<EvidenceVerifyResult>('evidence.verify', { trustedKeys: fx.lead.publicKey });
    expect(v.valid).toBe(false);
    expect(v.failures.length).toBeGreaterThan(0);
    expect(v.failures).toEqual([{ code: 'zip_crc_mismatch', file: expect.stringMatching(/^evidence\/FND-12\/E\d+\.txt$/), message: expect.any(String) }]);
  });

  it('exports a time range of opened findings', async () => {
    savePath = join(t.dir, 'range.zip');
    const all = await call<EvidenceExportResult>('evidence.export', { scope: 'range', since: '2000-01-01T00:00:00.000Z', until: '2100-01-01T00:00:00.000Z', reason: 'Everything, for the yearly audit' });
    expect(all).toMatchObject({ saved: true, findings: 20 });
    savePath = join(t.dir, 'empty.zip');
    await expect(call('evidence.export', { scope: 'range', until: '2001-01-01T00:00:00Z', reason: 'nothing that old' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('evidence.export', { scope: 'range', reason: 'no bounds' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('a cancelled dialog exports nothing; bad input is refused before any dialog', async () => {
    savePath = null;
    const before = ws.reg().verifyAudit().entries;
    expect(await call<EvidenceExportResult>('evidence.export', { scope: 'ids', ids: ['FND-1'], reason: 'x' })).toMatchObject({ saved: false, path: null });
    expect(ws.reg().verifyAudit().entries).toBe(before);
    await expect(call('evidence.export', { scope: 'ids', ids: ['FND-1'], reason: '   ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(call('evidence.export', { scope: 'ids', reason: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(call('evidence.export', { scope: 'ids', ids: ['FND-999'], reason: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(call('evidence.export', { scope: 'ids', ids: ['FND-1'], reason: 'x', path: '/etc/passwd' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(call('evidence.verify', { trustedKeys: 'not a key' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    pickPath = null;
    expect(await call<EvidenceVerifyResult>('evidence.verify', {})).toMatchObject({ picked: false, valid: false });
  });

  it('a second lead enrolled here co-signs a bundle (k of n); refusals write nothing', async () => {
    // Lena, a second lead, enrols at this workstation; Diego issues the roster that names her key.
    const LENA_PASS = 'lena second lead passphrase';
    const approvers = await call<ApproverView[]>('containment.enrolApprover', { handle: 'lena.fischer', name: 'Lena Fischer', passphrase: LENA_PASS });
    const lena = approvers.find((a) => a.handle === 'lena.fischer')!;
    const current = ws.reg().roster()!.roster;
    const next = custody.createRoster({
      team: current.team,
      version: current.version + 1,
      issued_at: new Date().toISOString(),
      analysts: [...current.analysts, { handle: 'lena.fischer', name: 'Lena Fischer', role: 'lead', keys: [{ key_id: lena.key_id, public_key: lena.public_key, not_before: new Date(Date.now() - 60_000).toISOString() }] }],
    });
    await call('custody.importRoster', { text: custody.exportRoster(custody.signRoster(next, 'diego.ramos', fx.lead)) });

    savePath = join(t.dir, 'by-diego.zip');
    await call<EvidenceExportResult>('evidence.export', { scope: 'ids', ids: ['FND-4'], reason: 'Two leads vouch for this one' });
    const original = readFileSync(savePath);
    pickPath = savePath;

    // Diego already signed it; a wrong passphrase for Lena; a cancelled dialog: nothing written, nothing audited.
    const before = ws.reg().verifyAudit().entries;
    savePath = join(t.dir, 'cosigned.zip');
    await expect(call('evidence.cosign', {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(call('evidence.cosign', { as: { handle: 'lena.fischer', passphrase: 'not lena' } })).rejects.toMatchObject({ code: 'VAULT_KEY_INVALID' });
    savePath = null;
    expect(await call<EvidenceCosignResult>('evidence.cosign', { as: { handle: 'lena.fischer', passphrase: LENA_PASS } })).toMatchObject({ saved: false, path: null });
    expect(existsSync(join(t.dir, 'cosigned.zip'))).toBe(false);
    expect(ws.reg().verifyAudit().entries).toBe(before);

    savePath = join(t.dir, 'cosigned.zip');
    const r = await call<EvidenceCosignResult>('evidence.cosign', { as: { handle: 'lena.fischer', passphrase: LENA_PASS } });
    expect(r).toMatchObject({ saved: true, path: savePath, signatures: 2, key_id: lena.key_id, handle: 'lena.fischer' });
    expect(readFileSync(pickPath).equals(original)).toBe(true);
    const audit = ws.reg().unsafeHandle().prepare("SELECT actor, entity_id FROM audit WHERE action = 'evidence.cosigned'").all();
    expect(audit).toEqual([{ actor: 'lena.fischer', entity_id: r.content_digest }]);

    pickPath = savePath;
    const both = `${fx.lead.keyId} ${fx.lead.publicKey}\n${lena.key_id} ${lena.public_key}\n`;
    const v = await call<EvidenceVerifyResult>('evidence.verify', { trustedKeys: both, threshold: 2 });
    expect(v).toMatchObject({ valid: true, failures: [] });
    expect(v.summary!.signatures.map((x) => x.handle)).toEqual(['diego.ramos', 'lena.fischer']);
    // Against the original, two signers are not there.
    pickPath = join(t.dir, 'by-diego.zip');
    const one = await call<EvidenceVerifyResult>('evidence.verify', { trustedKeys: both, threshold: 2 });
    expect(one.failures.map((f) => f.code)).toEqual(['signature_threshold']);
  });
});
