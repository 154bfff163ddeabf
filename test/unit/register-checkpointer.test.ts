// The register's checkpoint worker (register/checkpointer.ts) and sync pages whose payloads arrive as
// UTF-8 bytes from the page worker (packCanonical): what is stored is the same text, hashed the same,
// the WAL is folded back beside the writes, and closing leaves the file whole with no WAL behind.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_EVERY_SIGNALS } from '../../electron/core/register/checkpointer';
import { Register } from '../../electron/core/register/register';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import { isQuarantined, prepareSignals } from '../../electron/core/signals/prepare';
import { packCanonical } from '../../electron/core/sources/datadog/page-decode';
import { workerScript } from '../../electron/core/worker-file';
import { newRegister, tempDir, TEST_PASSPHRASE } from '../support/workspace';

let t: ReturnType<typeof tempDir>;
let r: Register;
beforeEach(async () => {
  t = tempDir();
  r = await newRegister(t.dir);
});
afterEach(() => {
  r.close();
  t.cleanup();
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const stats = (reg: Register) => (reg as unknown as { checkpointer: { stats: { started: number; checkpoints: number } } }).checkpointer.stats;

function pages(count: number, size: number, seed = 5) {
  const signals = generateDemoSignals({ count: count * size, seed, now: new Date('2026-11-01T00:00:00Z'), spanDays: 5 });
  return Array.from({ length: count }, (_, i) => signals.slice(i * size, (i + 1) * size));
}

function ingestPage(reg: Register, raws: unknown[], packed: boolean): void {
  const prepared = prepareSignals(raws);
  if (packed) packCanonical(prepared);
  const st = reg.syncState('datadog');
  reg.ingestSyncPage({ prepared }, { ...st, cursor: 'next', pages: st.pages + 1, signals: st.signals + raws.length }, { actor: 'sync' });
}

describe('payloads as bytes from the page worker', () => {
  it('packs every payload into one buffer of views, each the UTF-8 of its canonical text', () => {
    const [page] = pages(1, 20);
    const plain = prepareSignals(page!);
    const packed = prepareSignals(page!);
    const buffer = packCanonical(packed);
    let total = 0;
    packed.forEach((p, i) => {
      const q = plain[i]!;
      if (isQuarantined(p) || isQuarantined(q)) throw new Error('unexpected quarantine');
      expect(p.canonical).toBeInstanceOf(Uint8Array);
      expect((p.canonical as Uint8Array).buffer).toBe(buffer);
      expect(new TextDecoder().decode(p.canonical as Uint8Array)).toBe(q.canonical);
      total += (p.canonical as Uint8Array).byteLength;
    });
    expect(buffer.byteLength).toBe(total);
  });

  it('stores the same text either way: same payload, same hash, read back as a string', () => {
    const [a, b] = pages(2, 10);
    ingestPage(r, a!, false);
    ingestPage(r, b!, true);
    const ids = r.evidenceReader().createdBetween(null, null, 100);
    expect(ids).toHaveLength(20);
    for (const f of r.evidenceReader().findings(ids)) {
      const [rev] = f.signal.revisions;
      expect(typeof rev!.payload).toBe('string');
      expect(sha256(rev!.payload)).toBe(rev!.content_hash);
      const raw = [...a!, ...b!].find((s) => (s as { id: string }).id === f.signal.dd_signal_id);
      expect(JSON.parse(rev!.payload)).toEqual(raw);
    }
  });
});

describe('checkpoint worker', () => {
  it('starts only on bulk writes, folds the WAL back every few thousand signals, and leaves no WAL after close', async () => {
    const path = join(t.dir, 'ws.vigil');
    // A small write: no worker.
    ingestPage(r, pages(1, 5)[0]!, true);
    expect(stats(r).started).toBe(0);
    // Enough pages to pass the threshold twice.
    const size = 500;
    const n = Math.ceil((2 * CHECKPOINT_EVERY_SIGNALS) / size) + 1;
    for (const page of pages(n, size, 9)) {
      ingestPage(r, page, true);
      await new Promise((res) => setImmediate(res));
    }
    expect(stats(r).started).toBe(1);
    // The worker answers asynchronously; give it the time a checkpoint takes.
    for (let i = 0; i < 200 && stats(r).checkpoints < 1; i++) await new Promise((res) => setTimeout(res, 25));
    expect(stats(r).checkpoints).toBeGreaterThanOrEqual(1);
    expect(existsSync(`${path}-wal`)).toBe(true);
    r.close();
    // The worker's connection closed first, so the register's was the last: the WAL is folded back and gone.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const again = await Register.open(path, { passphrase: TEST_PASSPHRASE });
    try {
      expect(again.evidenceReader().createdBetween(null, null, 100_000)).toHaveLength(5 + n * size);
      expect(again.verifyAudit().ok).toBe(true);
    } finally {
      again.close();
    }
  });

  it('a close right after the worker was asked for never waits on a worker that has not opened the file', () => {
    for (const page of pages(1, CHECKPOINT_EVERY_SIGNALS, 11)) ingestPage(r, page, true);
    expect(stats(r).started).toBe(1);
    const t0 = Date.now();
    r.close();
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(existsSync(join(t.dir, 'ws.vigil-wal'))).toBe(false);
  });
});

describe('worker scripts, built', () => {
  it('are found beside the bundle whether the code starting them sits in out/main or out/main/chunks', () => {
    const main = join(t.dir, 'out', 'main');
    mkdirSync(join(main, 'chunks'), { recursive: true });
    writeFileSync(join(main, 'checkpoint-worker.js'), '');
    const expected = pathToFileURL(join(main, 'checkpoint-worker.js')).href;
    expect(workerScript(pathToFileURL(join(main, 'index.js')).href, 'checkpoint-worker')?.url.href).toBe(expected);
    expect(workerScript(pathToFileURL(join(main, 'chunks', 'checkpointer-x1.js')).href, 'checkpoint-worker')?.url.href).toBe(expected);
    // Built code never gets the TypeScript loader; a missing script is null (the caller does without).
    expect(workerScript(pathToFileURL(join(main, 'index.js')).href, 'checkpoint-worker')?.options.execArgv).toBeUndefined();
    expect(workerScript(pathToFileURL(join(main, 'index.js')).href, 'page-worker')).toBeNull();
  });
});
