// Where a worker thread's script is, built or from source. Built, electron-vite writes each worker
// entry beside the main bundle (out/main/<name>.js; see electron.vite.config.ts) and the code that
// starts it may sit in out/main or in out/main/chunks. From source (tsx, vitest) it is <name>.ts
// beside the caller, and the worker needs the TypeScript loader this process runs under.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

export interface WorkerScript {
  url: URL;
  options: WorkerOptions;
}

/** The worker `name` started from the module at `callerUrl` (its import.meta.url), or null when it is not there. */
export function workerScript(callerUrl: string, name: string, options: WorkerOptions = {}): WorkerScript | null {
  const here = fileURLToPath(callerUrl);
  const dir = dirname(here);
  if (here.endsWith('.ts')) {
    const file = join(dir, `${name}.ts`);
    return existsSync(file) ? { url: pathToFileURL(file), options: fromSource(options) } : null;
  }
  for (const d of basename(dir) === 'chunks' ? [dir, dirname(dir)] : [dir]) {
    const file = join(d, `${name}.js`);
    if (existsSync(file)) return { url: pathToFileURL(file), options };
  }
  return null;
}

function fromSource(options: WorkerOptions): WorkerOptions {
  if (process.execArgv.some((a) => a.includes('tsx'))) return options;
  let tsx = 'tsx';
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    // resolved from the working directory instead
  }
  return { ...options, execArgv: [...process.execArgv, '--import', tsx] };
}
