// `vigil approve`: the second key from the approver's own workstation, as a child process over a
// real encrypted workspace. The request file is verified against that workspace's roster; the
// requester cannot approve their own; a tampered file is refused; nothing else is written.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as custody from '../../electron/core/custody';
import { Register } from '../../electron/core/register/register';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { tempDir } from '../support/workspace';

const root = resolve(import.meta.dirname, '../..');
const PASS = 'cli approve passphrase';
const DAY = 86_400_000;
let t: ReturnType<typeof tempDir>;

const lead = custody.generateAnalystKey();
const amara = custody.generateAnalystKey();
const lee = custody.generateAnalystKey();
const notBefore = new Date(Date.now() - 2 * DAY).toISOString();
const rosterText = custody.exportRoster(
  custody.signRoster(
    custody.createRoster({
      team: 'blue',
      version: 1,
      issued_at: new Date(Date.now() - DAY).toISOString(),
      analysts: [
        { handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: notBefore }] },
        { handle: 'amara.okafor', name: 'Amara Okafor', role: 'analyst', keys: [{ key_id: amara.keyId, public_key: amara.publicKey, not_before: notBefore }] },
        { handle: 'lee.chen', name: 'Lee Chen', role: 'lead', keys: [{ key_id: lee.keyId, public_key: lee.publicKey, not_before: notBefore }] },
      ],
    }),
    'diego.ramos',
    lead,
  ),
);

function vigil(args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/vigil.mjs'), ...args], { cwd: root, env: { ...process.env, VIGIL_PASSPHRASE: PASS }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A workstation whose analyst is `who`, trusting the team roster. */
async function workstation(name: string, handle: string, key: custody.AnalystKey): Promise<string> {
  const path = join(t.dir, `${name}.vigil`);
  const reg = await Register.create(path, { passphrase: PASS }, { scrypt: FAST_SCRYPT_FOR_TESTS });
  reg.storeAnalystKey({ handle, name: handle }, key, 'test');
  reg.importRoster(rosterText, lead.keyId, 'test');
  reg.close();
  return path;
}

/** amara's request, as her Vigil exports it (the sign-off it builds on stays on her machine). */
function requestFile(): string {
  const workspace = randomUUID();
  const signoff = { payload: JSON.stringify({ finding_id: 'FND-12', workspace_id: workspace }), signature: custody.toBase64url(Buffer.alloc(64, 7)) };
  const file = custody.createApprovalRequest(
    {
      workspace_id: workspace,
      finding_id: 'FND-12',
      severity: 'critical',
      action_id: `ctn-${randomUUID()}`,
      action_kind: 'contain',
      danger: 'critical',
      action_target: 'Isolate host (workflow 5b1f3c2e-8d4a-4e6b-9c1d-2a3b4c5d6e7f)',
      action_params: { kind: 'workflow', workflow_id: '5b1f3c2e-8d4a-4e6b-9c1d-2a3b4c5d6e7f', inputs: { hosts: ['web-1'] } },
      reason: 'isolate',
      requested_by: 'amara.okafor',
      signoff,
    },
    amara,
  );
  return custody.exportApprovalFile(file);
}

beforeAll(() => {
  t = tempDir('vigil-cli-approve-');
});
afterAll(() => t.cleanup());

describe('vigil approve', () => {
  it("signs a colleague's request with this workstation's key; the requester and a tampered file are refused", async () => {
    const leeWs = await workstation('lee', 'lee.chen', lee);
    const amaraWs = await workstation('amara', 'amara.okafor', amara);
    const req = join(t.dir, 'request.json');
    const text = requestFile();
    writeFileSync(req, text);

    const out = join(t.dir, 'approved.json');
    const r = vigil(['approve', req, '--workspace', leeWs, '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ approved: true, file: out });
    const approved = custody.parseApprovalFile(readFileSync(out, 'utf8'));
    const roster = custody.parseRoster(rosterText);
    const v = custody.verifyApprovalRequest(approved, roster);
    expect(v).toMatchObject({ valid: true, state: 'approved', requester: 'amara.okafor', approver: 'lee.chen' });

    const self = vigil(['approve', req, '--workspace', amaraWs, '--out', join(t.dir, 'self.json')]);
    expect(self.code).toBe(1);
    expect(self.err).toMatch(/SELF_APPROVAL/);
    expect(existsSync(join(t.dir, 'self.json'))).toBe(false);

    const tampered = join(t.dir, 'tampered.json');
    writeFileSync(tampered, text.replace('web-1', 'web-2'));
    const bad = vigil(['approve', tampered, '--workspace', leeWs, '--out', join(t.dir, 'bad.json')]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/APPROVAL_INVALID: .*signature/);
    expect(existsSync(join(t.dir, 'bad.json'))).toBe(false);

    expect(vigil(['approve', '--workspace', leeWs]).code).toBe(2);
  });
});
