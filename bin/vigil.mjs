#!/usr/bin/env node
// The `vigil` command: runs electron/cli/main.ts over the same core the app uses.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`vigil: Node.js 22.12 or newer is required (this is ${process.versions.node}).\n`);
  process.exit(2);
}
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
