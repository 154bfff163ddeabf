// One sync of N signals from the fake Datadog (in another process) into a fresh encrypted register,
// through the production client and SignalSync. Prints {signals_per_s, peak_rss_mb} as JSON, with
// where the time went: wall time inside the register's page transactions, this process's CPU, and
// the fake server's CPU (its own process, so not Vigil's cost, but it shares the machine's cores).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { Register } from '../../electron/core/register/register';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { createDatadogClient } from '../../electron/core/sources/datadog/client';
import { SignalSync } from '../../electron/core/sources/datadog/signal-sync';
import { FAKE_API_KEY, FAKE_APP_KEY } from '../fakes/datadog/server';

const n = Number(process.argv[2] ?? 100_000);
const root = resolve(import.meta.dirname, '../..');
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/bench/fake-datadog-child.ts'), String(n), ...process.argv.slice(3)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const first = await new Promise<string>((res) => createInterface({ input: child.stdout }).once('line', res));
const { url } = JSON.parse(first) as { url: string };

/** CPU seconds a process has used so far (Linux /proc; null elsewhere). */
function cpuOf(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-sync-bench-'));
let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
try {
  const catalog = AttackCatalog.load();
  const reg = await Register.create(join(dir, 'sync.vigil'), { passphrase: 'bench passphrase' }, { scrypt: FAST_SCRYPT_FOR_TESTS });
  const client = createDatadogClient({ baseUrl: url, apiKey: FAKE_API_KEY, appKey: FAKE_APP_KEY, timeoutMs: 120_000 });
  // Time inside the register's page transactions (the rest is fetching, parsing and waiting).
  let registerNs = 0n;
  const ingestSyncPage = reg.ingestSyncPage.bind(reg);
  reg.ingestSyncPage = (...a) => {
    const t = process.hrtime.bigint();
    try {
      return ingestSyncPage(...a);
    } finally {
      registerNs += process.hrtime.bigint() - t;
    }
  };
  const cpu0 = process.cpuUsage();
  const childCpu0 = cpuOf(child.pid);
  const t0 = process.hrtime.bigint();
  const p = await new SignalSync(reg, client, { query: 'security:attack', pageSize: 1000, actor: 'bench', tacticFor: (t) => catalog.technique(t)?.tactics[0] ?? null }).run();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const childCpu1 = cpuOf(child.pid);
  peak = Math.max(peak, process.memoryUsage().rss);
  reg.close();
  if (p.inserted !== n) throw new Error(`sync bench: expected ${n} new findings, got ${p.inserted}`);
  process.stdout.write(
    JSON.stringify({
      signals: n,
      seconds: secs,
      signals_per_s: Math.round(n / secs),
      peak_rss_mb: Math.round(peak / 1048576),
      register_s: Number(registerNs) / 1e9,
      cpu_s: (cpu.user + cpu.system) / 1e6,
      fake_server_cpu_s: childCpu0 !== null && childCpu1 !== null ? childCpu1 - childCpu0 : null,
    }) + '\n',
  );
} finally {
  clearInterval(sampler);
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
