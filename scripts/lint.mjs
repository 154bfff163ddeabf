#!/usr/bin/env node
// Vigil's lint: the layering rules that keep the architecture true (VS Code's code-layering idea),
// plus a few bans that matter for a security tool. TypeScript itself is checked by `npm run typecheck`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';
import { builtinModules } from 'node:module';

const root = resolve(import.meta.dirname, '..');
const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isNode = (s) => NODE.has(s) || s.startsWith('node:');

/** Each rule: which files, and what their imports may not be. */
const RULES = [
  {
    files: 'electron/core/',
    why: 'electron/core is the product in plain Node: it never imports electron, main, preload or the renderer',
    bad: (spec, target) => spec === 'electron' || spec.startsWith('electron/') || inside(target, 'electron/main', 'electron/preload', 'renderer'),
  },
  {
    files: 'shared/',
    why: 'shared/ is pure TypeScript for every layer: zod and other shared files only',
    bad: (spec, target) => (target ? !inside(target, 'shared') : spec !== 'zod'),
  },
  {
    files: 'renderer/',
    why: 'the renderer knows nothing of Node or Electron: window.vigil is the only door',
    bad: (spec, target) =>
      isNode(spec) || spec === 'electron' || spec.startsWith('better-sqlite3') || inside(target, 'electron'),
  },
  {
    files: 'electron/preload/',
    why: 'the preload exposes the contract and nothing else',
    bad: (spec, target) => (target ? !inside(target, 'shared') : spec !== 'electron'),
  },
  {
    files: 'electron/main/',
    why: 'electron/main is glue: it reaches the core through the Workspace, never the SQLite driver',
    bad: (spec, target) => spec.startsWith('better-sqlite3') || inside(target, 'electron/core/register/database', 'renderer'),
  },
  {
    files: '',
    why: 'only electron/core/register touches the SQLite driver',
    bad: (spec, _t, file) =>
      spec.startsWith('better-sqlite3') && !file.startsWith('electron/core/register/') && !file.startsWith('test/'),
  },
];

const BANS = [
  { files: 'renderer/', re: /dangerouslySetInnerHTML/, why: 'no raw HTML in the renderer' },
  { files: '', re: /\beval\s*\(|new Function\s*\(/, why: 'no eval' },
  { files: 'test/', re: /\b(it|test|describe)\.only\s*\(/, why: 'a focused test hides the rest of the suite' },
  { files: 'electron/', re: /nodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false|webSecurity:\s*false/, why: 'Electron hardening flags stay on' },
];

function inside(target, ...dirs) {
  if (!target) return false;
  const rel = relative(root, target).split(sep).join('/');
  return dirs.some((d) => rel === d || rel.startsWith(d + '/') || rel.startsWith(d + '.'));
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'out' || name === 'dist' || name.startsWith('.') || name === 'test-results') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts|mjs|cts)$/.test(name)) yield p;
  }
}

const IMPORT = /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w.])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[^\w.])import\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/gm;

const problems = [];
let files = 0;
for (const abs of walk(root)) {
  const file = relative(root, abs).split(sep).join('/');
  const text = readFileSync(abs, 'utf8');
  files++;
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (!spec) continue;
    const target = spec.startsWith('.') ? resolve(dirname(abs), spec) : null;
    for (const r of RULES) {
      if (file.startsWith(r.files) && r.bad(spec, target, file)) {
        const line = text.slice(0, m.index).split('\n').length;
        problems.push(`${file}:${line}: imports '${spec}' — ${r.why}`);
      }
    }
  }
  for (const b of BANS) {
    if (!file.startsWith(b.files) || file === 'scripts/lint.mjs') continue;
    const m = b.re.exec(text);
    if (m) problems.push(`${file}:${text.slice(0, m.index).split('\n').length}: ${b.why}`);
  }
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\nlint: ${problems.length} problem(s) in ${files} files`);
  process.exit(1);
}
console.log(`lint: ${files} files, layering and bans hold`);
