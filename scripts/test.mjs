#!/usr/bin/env node
// `npm test`: build (the e2e suite drives the built renderer), run vitest and Playwright, then print
// one closing line that counts both: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const results = resolve(root, 'test-results');
// Playwright empties test-results/ when it starts, so vitest reports beside it.
const reports = resolve(root, 'test-reports');
mkdirSync(reports, { recursive: true });
const bin = (name) => resolve(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

function run(label, cmd, args) {
  console.log(`\n▶ ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const unitJson = resolve(reports, 'unit-results.json');
const e2eJson = resolve(results, 'e2e-results.json');
for (const f of [unitJson, e2eJson]) rmSync(f, { force: true });

let failedStep = false;
if (run('build (electron-vite: main, preload, renderer)', bin('electron-vite'), ['build']) !== 0) {
  console.error('build failed: the end-to-end tests need the built renderer');
  process.exit(1);
}
const unit = run('unit + integration (vitest)', bin('vitest'), [
  'run',
  '-c',
  'test/vitest.config.ts',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${unitJson}`,
]);
const e2e = run('end to end (Playwright, Chromium)', bin('playwright'), ['test', '-c', 'test/playwright.config.ts']);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(unitJson)) {
  const u = JSON.parse(readFileSync(unitJson, 'utf8'));
  passed += u.numPassedTests ?? 0;
  failed += (u.numFailedTests ?? 0) + (u.numRuntimeErrorTestSuites ?? 0);
  skipped += (u.numPendingTests ?? 0) + (u.numTodoTests ?? 0);
} else failedStep = true;
if (existsSync(e2eJson)) {
  const s = JSON.parse(readFileSync(e2eJson, 'utf8')).stats ?? {};
  passed += s.expected ?? 0;
  failed += (s.unexpected ?? 0) + (s.flaky ?? 0);
  skipped += s.skipped ?? 0;
} else failedStep = true;
if (unit !== 0 || e2e !== 0) failedStep = true;
if (failedStep && failed === 0) failed = 1; // a runner that crashed before reporting still fails

console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
