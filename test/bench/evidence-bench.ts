// Evidence bundles at scale: export and verify 10,000 findings with evidence (each with its signal
// revision, a draft, Splunk results and a note; every third signed off). The worked register is
// built once into .cache/bench and reused. Runs in its own process (bench.ts spawns it) and prints
// {export_10k_s, verify_10k_s, …} as its last line: wall-clock seconds for the whole operation as
// a lead or an auditor runs it (export from an open register to a file on disk; verify from the
// file's bytes to the verdict), the best of three runs because the machine is shared; every run
// is listed too, with its CPU time.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exportBundle } from '../../electron/core/evidence/export';
import { verifyBundleAsync } from '../../electron/core/evidence/verify';
import { Register } from '../../electron/core/register/register';
import { buildEvidenceFixture, FIXTURE_PASSPHRASE } from '../support/evidence-fixture';

const n = Number(process.argv[2] ?? 10_000);
const root = resolve(import.meta.dirname, '../..');
const dir = join(root, '.cache', 'bench', `evidence-${n}-v1`);
const log = (s: string) => process.stderr.write(s + '\n');

async function open(): Promise<Register> {
  const path = join(dir, 'evidence.vigil');
  if (existsSync(path)) {
    try {
      return await Register.open(path, { passphrase: FIXTURE_PASSPHRASE });
    } catch (e) {
      log(`evidence bench: cached register unusable (${(e as Error).message}); rebuilding`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = Date.now();
  log(`evidence bench: building a worked register of ${n.toLocaleString()} findings (once)…`);
  const fx = await buildEvidenceFixture(dir, { findings: n, signEvery: 3 });
  log(`  built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  return fx.reg;
}

const reg = await open();
const out = join(dir, 'bundle.zip');
const runs: { export_s: number; verify_s: number; export_cpu_s: number; verify_cpu_s: number }[] = [];
let last: { files: number; bytes: number; valid: boolean; failures: number; signoffs: number; audit: number } | null = null;
const lead = reg.signingKey()!.key;
for (let i = 0; i < 3; i++) {
  rmSync(out, { force: true });
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  let t = performance.now();
  let c = cpu();
  const r = await exportBundle(reg, { since: 0 }, out, { reason: `bench run ${i + 1}`, tool: { name: 'vigil-bench', version: '1' } });
  const exportS = (performance.now() - t) / 1000;
  const exportCpu = cpu() - c;
  t = performance.now();
  c = cpu();
  const v = await verifyBundleAsync(readFileSync(out), { trustedKeys: [{ key_id: lead.keyId, public_key: lead.publicKey }] });
  const verifyS = (performance.now() - t) / 1000;
  const verifyCpu = cpu() - c;
  if (!v.valid) throw new Error(`the bench bundle does not verify: ${JSON.stringify(v.failures.slice(0, 3))}`);
  runs.push({ export_s: exportS, verify_s: verifyS, export_cpu_s: exportCpu, verify_cpu_s: verifyCpu });
  last = { files: r.files, bytes: r.bytes, valid: v.valid, failures: v.failures.length, signoffs: v.summary!.signoffs, audit: v.summary!.audit_entries };
  log(
    `evidence ${n.toLocaleString()} findings, run ${i + 1}: export ${exportS.toFixed(2)} s (CPU ${exportCpu.toFixed(2)} s), verify ${verifyS.toFixed(2)} s (CPU ${verifyCpu.toFixed(2)} s); ${r.files.toLocaleString()} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB`,
  );
}
reg.close();
rmSync(out, { force: true });
const best = (k: 'export_s' | 'verify_s') => Math.min(...runs.map((r) => r[k]));
const round = (x: number) => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    findings: n,
    export_10k_s: round(best('export_s')),
    verify_10k_s: round(best('verify_s')),
    export_runs_s: runs.map((r) => round(r.export_s)),
    verify_runs_s: runs.map((r) => round(r.verify_s)),
    // CPU of this process (user + system, all its threads) per run: on a shared machine, a wall
    // time far above its CPU time was spent waiting for a core.
    export_cpu_runs_s: runs.map((r) => round(r.export_cpu_s)),
    verify_cpu_runs_s: runs.map((r) => round(r.verify_cpu_s)),
    bundle_files: last!.files,
    bundle_mb: round(last!.bytes / 1024 / 1024),
    signoffs: last!.signoffs,
    audit_entries: last!.audit,
  }),
);
