// `vigil sync` as a user runs it, against the fake Datadog.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import { Register } from '../../electron/core/register/register';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { FAKE_API_KEY, FAKE_APP_KEY, startFakeDatadog, type FakeDatadog, type SearchSignal } from '../fakes/datadog/server';
import { tempDir } from '../support/workspace';

const root = resolve(import.meta.dirname, '../..');
const PASS = 'cli sync passphrase';
let t: ReturnType<typeof tempDir>;
let dd: FakeDatadog;
let ws: string;

function vigil(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, [join(root, 'bin/vigil.mjs'), ...args], { cwd: root, env: { ...process.env, VIGIL_PASSPHRASE: PASS, ...env } });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('exit', (code) => res({ code, out, err }));
  });
}

beforeAll(async () => {
  t = tempDir('vigil-cli-sync-');
  ws = join(t.dir, 'team.vigil');
  (await Register.create(ws, { passphrase: PASS }, { scrypt: FAST_SCRYPT_FOR_TESTS })).close();
  dd = await startFakeDatadog({ signals: generateDemoSignals({ count: 250, seed: 3, now: new Date(Date.now() - 60_000), spanDays: 5 }) as unknown as SearchSignal[] });
});
afterAll(async () => {
  await dd.close();
  t.cleanup();
});

describe('vigil sync', () => {
  it('pulls signals with DD_API_KEY / DD_APP_KEY and --datadog-url, then finds nothing new', async () => {
    dd.faults.rateLimited('POST /api/v2/security_monitoring/signals/search', 1, 1);
    const env = { DD_API_KEY: FAKE_API_KEY, DD_APP_KEY: FAKE_APP_KEY, DD_SITE: 'datadoghq.eu' };
    const first = await vigil(['sync', '--workspace', ws, '--datadog-url', dd.url, '--page-size', '100'], env);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/Synced 250 signals in 4 pages .*250 new findings/);
    expect(first.err).toMatch(/rate limited, waiting 1\.0 s/);
    expect(first.err + first.out).not.toContain(FAKE_API_KEY);
    const again = await vigil(['sync', '--workspace', ws, '--datadog-url', dd.url, '--json'], env);
    expect(again.code, again.err).toBe(0);
    expect(JSON.parse(again.out)).toMatchObject({ phase: 'done', inserted: 0 });
  });

  it('--recheck-days re-reads a past window and picks up a signal updated after it fired', async () => {
    const env = { DD_API_KEY: FAKE_API_KEY, DD_APP_KEY: FAKE_APP_KEY, DD_SITE: 'datadoghq.eu' };
    expect((await vigil(['sync', '--workspace', ws, '--datadog-url', dd.url], env)).code).toBe(0);
    const old = dd.state.signals.find((x) => Date.now() - Date.parse(String(x.attributes.timestamp)) > 2 * 86_400_000)!;
    dd.updateSignal(old.id, { tags: [...(old.attributes.tags ?? []), 'team:payments'] });
    const inc = await vigil(['sync', '--workspace', ws, '--datadog-url', dd.url, '--json'], env);
    expect(JSON.parse(inc.out)).toMatchObject({ phase: 'done', revised: 0 });
    const re = await vigil(['sync', '--workspace', ws, '--datadog-url', dd.url, '--recheck-days', '5'], env);
    expect(re.code, re.err).toBe(0);
    expect(re.out).toMatch(/Re-checked 250 signals in 2 pages .*0 new findings, 1 revised, 249 unchanged/);
    const bad = await vigil(['sync', '--workspace', ws, '--recheck-days', '45'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--recheck-days must be between 1 and 30/);
  }, 90_000);

  it('says what is missing without keys, and what is wrong with a bad key', async () => {
    const none = await vigil(['sync', '--workspace', ws, '--datadog-url', dd.url], { DD_API_KEY: '', DD_APP_KEY: '' });
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/SOURCE_NOT_CONFIGURED/);
    const bad = await vigil(['sync', '--workspace', ws, '--datadog-url', dd.url], { DD_API_KEY: 'bad-key-bad-key-bad-key-bad-key-x', DD_APP_KEY: FAKE_APP_KEY });
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/SOURCE_(AUTH_FAILED|FORBIDDEN)/);
    expect(bad.err).not.toContain('bad-key-bad-key');
  });
});
