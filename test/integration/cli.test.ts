// The vigil command end to end, as a user runs it: a child process over a real encrypted workspace.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/workspace';

const root = resolve(import.meta.dirname, '../..');
const PASS = 'cli test passphrase';
let t: ReturnType<typeof tempDir>;
let ws: string;

function vigil(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/vigil.mjs'), ...args], {
    cwd: root,
    env: { ...process.env, VIGIL_PASSPHRASE: PASS, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  t = tempDir('vigil-cli-');
  ws = join(t.dir, 'demo.vigil');
  const r = vigil(['demo', '--workspace', ws, '--signals', '300', '--json']);
  expect(r.code, r.err).toBe(0);
});
afterAll(() => t.cleanup());

describe('vigil CLI', () => {
  it('demo reports what it made', () => {
    const r = vigil(['queue', '--workspace', ws, '--limit', '1', '--json']);
    expect(JSON.parse(r.out).total).toBe(300);
  });

  it('queue --json prints rows keyed by the seed column names, filtered and sorted', () => {
    const r = vigil(['queue', '--workspace', ws, '--status', 'new,drafted', '--sort', 'severity', '--limit', '25', '--json']);
    expect(r.code, r.err).toBe(0);
    const page = JSON.parse(r.out);
    expect(page.rows.length).toBeGreaterThan(0);
    for (const k of ['finding_id', 'dd_signal_id', 'splunk_search', 'mitre_technique', 'severity', 'blast_radius', 'recommended_action', 'drafted_by', 'analyst_signoff', 'signed_at', 'status', 'priority', 'assignee']) {
      expect(page.rows[0]).toHaveProperty(k);
    }
    expect(page.rows.every((x: { status: string }) => x.status === 'new' || x.status === 'drafted')).toBe(true);
    const ranks = page.rows.map((x: { severity: string }) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(x.severity));
    expect(ranks).toEqual([...ranks].sort((a: number, b: number) => b - a));
  });

  it('queue filters by tactic and searches text', () => {
    const tactic = JSON.parse(vigil(['queue', '--workspace', ws, '--tactic', 'TA0006', '--json']).out);
    expect(tactic.rows.every((x: { mitre_tactic: string }) => x.mitre_tactic === 'TA0006')).toBe(true);
    const search = JSON.parse(vigil(['queue', '--workspace', ws, '--search', 'okta', '--json']).out);
    expect(search.total).toBeGreaterThan(0);
  });

  it('audit verify passes on an intact workspace', () => {
    const r = vigil(['audit', 'verify', '--workspace', ws]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Audit chain intact: \d+ entries/);
  });

  it('a wrong passphrase exits 1 with VAULT_KEY_INVALID and does not echo it', () => {
    const r = vigil(['queue', '--workspace', ws, '--json'], { VIGIL_PASSPHRASE: 'hunter2-wrong' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/VAULT_KEY_INVALID/);
    expect(r.err + r.out).not.toContain('hunter2-wrong');
  });

  it('bad usage exits 2 with a clear message', () => {
    const r = vigil(['queue', '--workspace', ws, '--sort', 'password']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--sort field "password"/);
    const s = vigil(['queue', '--workspace', ws, '--status', 'exploded']);
    expect(s.code).toBe(2);
    expect(vigil(['frobnicate']).code).toBe(2);
  });

  it('audit verify names the first broken link after tampering, and exits 1', async () => {
    const { copyFileSync } = await import('node:fs');
    const { Register } = await import('../../electron/core/register/register');
    const copy = join(t.dir, 'tampered.vigil');
    copyFileSync(ws, copy);
    copyFileSync(`${ws}.key`, `${copy}.key`);
    for (const ext of ['-wal', '-shm']) {
      try {
        copyFileSync(ws + ext, copy + ext);
      } catch {
        // no WAL left after a clean close
      }
    }
    const reg = await Register.open(copy, { passphrase: PASS });
    const db = reg.unsafeHandle();
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 42").run();
    reg.close();
    const r = vigil(['audit', 'verify', '--workspace', copy]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/BROKEN at entry 42/);
    const j = JSON.parse(vigil(['audit', 'verify', '--workspace', copy, '--json']).out);
    expect(j).toMatchObject({ ok: false, broken: { seq: 42 } });
  });

  it('signatures verify checks every sign-off against the roster, and names one that was altered', async () => {
    const ok = vigil(['signatures', 'verify', '--workspace', ws, '--json']);
    expect(ok.code, ok.err).toBe(0);
    const report = JSON.parse(ok.out);
    expect(report.roster).toEqual({ team: 'Northwind SOC', version: 1, trusted: true });
    expect(report.checked).toBeGreaterThan(10);
    expect(report.valid).toBe(report.checked);
    expect(report.failures).toEqual([]);
    const { copyFileSync } = await import('node:fs');
    const { Register } = await import('../../electron/core/register/register');
    const copy = join(t.dir, 'forged.vigil');
    copyFileSync(ws, copy);
    copyFileSync(`${ws}.key`, `${copy}.key`);
    const reg = await Register.open(copy, { passphrase: PASS });
    const db = reg.unsafeHandle();
    db.exec('DROP TRIGGER signoffs_no_update');
    // Somebody edits the signed payload (a different severity) and keeps the signature.
    const row = db.prepare('SELECT id, finding_id, payload FROM signoffs ORDER BY id LIMIT 1').get() as { id: number; finding_id: number; payload: string };
    const payload = JSON.parse(row.payload) as { decision: { severity: string } };
    payload.decision.severity = payload.decision.severity === 'critical' ? 'low' : 'critical';
    db.prepare('UPDATE signoffs SET payload = ? WHERE id = ?').run(JSON.stringify(payload), row.id);
    reg.close();
    const bad = vigil(['signatures', 'verify', '--workspace', copy]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`FND-${row.finding_id} sign-off #${row.id}`);
    expect(bad.out).toMatch(/1 invalid/);
  });

  it('init refuses to overwrite an existing workspace', () => {
    const r = vigil(['init', '--workspace', ws]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/VAULT_EXISTS/);
  });
});
