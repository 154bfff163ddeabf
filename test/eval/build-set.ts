// Writes the labelled eval sets from the hand-written case tables:
//   test/eval/signals.jsonl    main set (cases-main.ts)
//   test/eval/holdout.jsonl    holdout set (cases-holdout.ts), never used for tuning
//   test/eval/smoke.jsonl      5 lines for tests; smoke-bad.jsonl is the same with line 3 malformed
// Run: node --import tsx test/eval/build-set.ts [--check]   (--check: verify the files are current)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AttackCatalog } from '../../electron/core/attack/catalog';
import { parseMitreTag } from '../../shared/attack-ids';
import { buildLines, type EvalCase, type EvalLine } from './case-builder';
import { HOLDOUT_CASES } from './cases-holdout';
import { MAIN_CASES } from './cases-main';

const here = dirname(fileURLToPath(import.meta.url));

function jsonl(lines: readonly unknown[]): string {
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

/** Coverage figures, and a hard failure if any label is not an active ATT&CK id. */
export function describeSet(name: string, cases: readonly EvalCase[], lines: readonly EvalLine[], catalog: AttackCatalog): string {
  const parents = new Set<string>();
  const tactics = new Set<string>();
  const order = catalog.tactics().map((t) => t.id);
  let tagged = 0;
  let corrected = 0;
  for (const c of cases) {
    const r = catalog.resolve(c.expect);
    if (r.status !== 'active') throw new Error(`${name}: case ${c.id} is labelled ${c.expect}, which is ${r.status} in ATT&CK ${catalog.attackVersion}`);
    parents.add(c.expect.split('.')[0] ?? c.expect);
    const first = [...r.technique.tactics].sort((a, b) => order.indexOf(a) - order.indexOf(b))[0];
    if (first) tactics.add(first);
    const techTags = (c.tags ?? []).map(parseMitreTag).filter((m) => m?.kind === 'technique');
    if (techTags.length > 0) tagged++;
    if (techTags.length > 0 && c.note) corrected++;
  }
  return `${name}: ${lines.length} lines, ${parents.size} parent techniques, ${tactics.size} tactics, ${(((lines.length - tagged) / lines.length) * 100).toFixed(0)}% untagged, ${tagged} tagged (${corrected} with a wrong/revoked/deprecated tag the label corrects)`;
}

function main(): void {
  const check = process.argv.includes('--check');
  const catalog = AttackCatalog.load();
  const main = buildLines(MAIN_CASES, 'main');
  const holdout = buildLines(HOLDOUT_CASES, 'holdout');
  const smoke = main.filter((l) => ['aws-trail-stop', 'okta-spray', 'cws-sudoers', 'gh-clone-burst', 'win-vssadmin'].includes(l.id));
  const smokeText = jsonl(smoke);
  const smokeLines = smokeText.trimEnd().split('\n');
  // Line 3: `expected.technique` is not an ATT&CK id.
  smokeLines[2] = (smokeLines[2] ?? '').replace(/"expected":\{"technique":"[^"]+"\}/, '"expected":{"technique":"T110"}');
  const files: [string, string][] = [
    ['signals.jsonl', jsonl(main)],
    ['holdout.jsonl', jsonl(holdout)],
    ['smoke.jsonl', smokeText],
    ['smoke-bad.jsonl', smokeLines.join('\n') + '\n'],
  ];
  let stale = 0;
  for (const [file, text] of files) {
    const path = join(here, file);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        // missing counts as stale
      }
      if (current !== text) {
        stale++;
        console.error(`${file} is out of date; run node --import tsx test/eval/build-set.ts`);
      }
    } else writeFileSync(path, text);
  }
  console.log(describeSet('signals.jsonl', MAIN_CASES, main, catalog));
  console.log(describeSet('holdout.jsonl', HOLDOUT_CASES, holdout, catalog));
  if (stale > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
