// Builds resources/attack/ (catalog.json, LICENSE.txt, NOTICE.md) from MITRE's Enterprise ATT&CK
// STIX 2.1 bundle. The app reads only the generated files; ../shared is a build-time input.
//
//   node --import tsx scripts/build-attack-catalog.ts [--bundle PATH] [--out DIR]
//
// Field meanings follow ../shared/data/attack/README.md. Output is deterministic (same bundle →
// same bytes), so a diff of catalog.json is a diff of ATT&CK.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { BuildError, buildCatalog, notice } from '../electron/core/attack/build-catalog';
export { buildCatalog, excerpt } from '../electron/core/attack/build-catalog';

const USAGE = 'usage: node --import tsx scripts/build-attack-catalog.ts [--bundle PATH] [--out DIR]';
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_BUNDLE = resolve(PROJECT_ROOT, '../shared/data/attack/enterprise-attack.json');
export const DEFAULT_OUT = resolve(PROJECT_ROOT, 'resources/attack');
/** Long enough to say what a technique is; the full text stays one click away (url). */
function main(): void {
  const { values } = parseArgs({
    options: { bundle: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const bundlePath = values.bundle === undefined ? DEFAULT_BUNDLE : resolve(values.bundle);
  const outDir = values.out === undefined ? DEFAULT_OUT : resolve(values.out);
  const licensePath = join(dirname(bundlePath), 'LICENSE.txt');

  const started = performance.now();
  const { catalog, json } = buildCatalog(readFileSync(bundlePath));
  const licenseBytes = readFileSync(licensePath);

  mkdirSync(outDir, { recursive: true });
  const catalogPath = join(outDir, 'catalog.json');
  writeFileSync(catalogPath, json);
  // Written rather than copied so the source's read-only mode does not block the next rebuild.
  writeFileSync(join(outDir, 'LICENSE.txt'), licenseBytes);
  writeFileSync(join(outDir, 'NOTICE.md'), notice(catalog, licenseBytes.toString('utf8')));

  const active = catalog.techniques.filter((t) => !t.revoked && !t.deprecated);
  const subs = active.filter((t) => t.is_subtechnique).length;
  const show = (p: string) => relative(process.cwd(), p) || '.';
  console.log(
    [
      `ATT&CK ${catalog.domain} v${catalog.attack_version} (modified ${catalog.modified}) from ${show(bundlePath)}`,
      `  tactics ${catalog.tactics.length}, techniques ${active.length - subs} + sub-techniques ${subs} active,` +
        ` ${catalog.techniques.filter((t) => t.revoked).length} revoked, ${catalog.techniques.filter((t) => t.deprecated).length} deprecated`,
      `  wrote ${show(catalogPath)} (${statSync(catalogPath).size} bytes), LICENSE.txt, NOTICE.md in ${Math.round(performance.now() - started)} ms`,
    ].join('\n'),
  );
}

// Importable (tests call buildCatalog) as well as runnable.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    // Bad input (arguments, a missing file, an unexpected bundle) gets one line; a bug keeps its stack.
    const code = (error as { code?: unknown } | null)?.code;
    const expected = error instanceof BuildError || (typeof code === 'string' && /^(ERR_PARSE_ARGS|ENOENT|EACCES)/.test(code));
    console.error(expected && error instanceof Error ? `build-attack-catalog: ${error.message}\n${USAGE}` : error);
    process.exitCode = 1;
  }
}
