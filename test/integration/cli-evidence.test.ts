// `vigil export` and `vigil verify` as a lead and an auditor run them: child processes over a real
// encrypted workspace. The auditor's verify runs in a folder holding only the bundle and the lead's
// public key file, with no passphrase and no workspace anywhere in reach.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidenceFixture, FIXTURE_PASSPHRASE } from '../support/evidence-fixture';
import { tempDir } from '../support/workspace';

const root = resolve(import.meta.dirname, '../..');
let t: ReturnType<typeof tempDir>;
let ws: string;

function vigil(args: string[], o: { cwd?: string; passphrase?: boolean } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, VIGIL_PASSPHRASE: o.passphrase === false ? '' : FIXTURE_PASSPHRASE };
  const r = spawnSync(process.execPath, [join(root, 'bin/vigil.mjs'), ...args], { cwd: o.cwd ?? root, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(async () => {
  t = tempDir('vigil-cli-evidence-');
  const fx = await buildEvidenceFixture(t.dir, { findings: 12, signEvery: 3 });
  ws = fx.path;
  fx.reg.close();
}, 120_000);
afterAll(() => t.cleanup());

describe('vigil export / verify', () => {
  it('a lead exports; an auditor verifies with only the bundle and a public key file', () => {
    const out = join(t.dir, 'bundle.zip');
    const e = vigil(['export', '--workspace', ws, '--out', out, '--finding', 'FND-3,FND-6', '--finding', 'FND-7', '--reason', 'Audit AR-9', '--public-key-out', join(t.dir, 'lead.pub'), '--json']);
    expect(e.code, e.err).toBe(0);
    const r = JSON.parse(e.out);
    expect(r).toMatchObject({ findings: 3, exported_by: { handle: 'diego.ramos' }, content_digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readFileSync(join(t.dir, 'lead.pub'), 'utf8')).toContain(r.exported_by.public_key);

    const auditor = join(t.dir, 'auditor');
    mkdirSync(auditor);
    copyFileSync(out, join(auditor, 'bundle.zip'));
    copyFileSync(join(t.dir, 'lead.pub'), join(auditor, 'lead.pub'));
    const v = vigil(['verify', 'bundle.zip', '--trusted-keys', 'lead.pub', '--json'], { cwd: auditor, passphrase: false });
    expect(v.code, v.err).toBe(0);
    const report = JSON.parse(v.out);
    expect(report.valid).toBe(true);
    expect(report.failures).toEqual([]);
    expect(report.summary).toMatchObject({ findings: 3, signoffs: 2, trust: 'trusted-keys' });

    const text = vigil(['verify', 'bundle.zip', '--trusted-keys', 'lead.pub'], { cwd: auditor, passphrase: false });
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^VALID: 3 findings, \d+ files, 2 sign-offs/);

    // A tampered copy: exit 1 and one precise reason, in text and JSON.
    const bytes = readFileSync(out);
    const at = bytes.indexOf(Buffer.from('Spoke with the owner of user6'));
    bytes.writeUInt8(bytes.readUInt8(at + 4) ^ 0x01, at + 4);
    writeFileSync(join(auditor, 'tampered.zip'), bytes);
    const bad = vigil(['verify', 'tampered.zip', '--trusted-keys', 'lead.pub', '--json'], { cwd: auditor, passphrase: false });
    expect(bad.code).toBe(1);
    const badReport = JSON.parse(bad.out);
    expect(badReport.valid).toBe(false);
    expect(badReport.failures).toEqual([{ code: 'zip_crc_mismatch', file: expect.stringMatching(/^evidence\/FND-6\/E\d+\.txt$/), message: expect.any(String) }]);
    const badText = vigil(['verify', 'tampered.zip', '--trusted-keys', 'lead.pub'], { cwd: auditor, passphrase: false });
    expect(badText.code).toBe(1);
    expect(badText.out).toMatch(/INVALID: 1 problem\.\n {2}zip_crc_mismatch \[evidence\/FND-6\//);

    // Another key as the only trusted one: the signature is not trusted.
    writeFileSync(join(auditor, 'other.pub'), 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n');
    const other = vigil(['verify', 'bundle.zip', '--trusted-keys', 'other.pub', '--json'], { cwd: auditor, passphrase: false });
    expect(other.code).toBe(1);
    expect(JSON.parse(other.out).failures.map((f: { code: string }) => f.code)).toEqual(expect.arrayContaining(['signature_untrusted', 'roster_untrusted']));
  }, 600_000);

  it('exports a time range, and refuses bad usage and overwrites', () => {
    const out = join(t.dir, 'range.zip');
    const e = vigil(['export', '--workspace', ws, '--out', out, '--since', '2000-01-01', '--until', '2100-01-01T00:00:00Z', '--reason', 'everything', '--json']);
    expect(e.code, e.err).toBe(0);
    expect(JSON.parse(e.out).findings).toBe(12);
    expect(vigil(['verify', out]).code).toBe(0);
    const again = vigil(['export', '--workspace', ws, '--out', out, '--since', '2000-01-01', '--reason', 'x']);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);
    expect(vigil(['export', '--workspace', ws, '--out', join(t.dir, 'n.zip'), '--reason', 'x']).code).toBe(2);
    expect(vigil(['export', '--workspace', ws, '--out', join(t.dir, 'n.zip'), '--finding', 'FND-1']).code).toBe(2);
    expect(vigil(['export', '--workspace', ws, '--out', join(t.dir, 'n.zip'), '--since', 'yesterday', '--reason', 'x']).code).toBe(2);
    expect(vigil(['verify']).code).toBe(2);
    const missing = vigil(['verify', join(t.dir, 'nope.zip')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/NOT_FOUND/);
  }, 600_000);
});
