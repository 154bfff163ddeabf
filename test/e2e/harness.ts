// The e2e harness: a real Workspace (real SQLCipher register, real handlers) behind the built
// renderer, served by Vite's preview server on loopback. Only the transport differs from the app:
// instead of Electron IPC, the page's window.vigil (injected by fixtures.ts) posts each call to
// /__vigil/invoke, which runs the very same dispatch() electron/main uses, and reads core events
// from /__vigil/events as Server-Sent Events.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, preview, type Logger, type Plugin, type PreviewServer } from 'vite';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import { dispatch, type Handlers } from '../../electron/core/dispatch';
import { Register } from '../../electron/core/register/register';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import type { VigilEvent } from '../../shared/domain';
import { startFakeDatadog, type FakeDatadog, type SearchSignal } from '../fakes/datadog/server';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../fakes/openai/server';
import { startFakeSplunk, type FakeSplunk } from '../fakes/splunk/server';
import { FAKE_NOW } from '../fakes/splunk/seed';

const PROJECT_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const RENDERER_DIR = resolve(PROJECT_ROOT, 'out/renderer');

export const INVOKE_PATH = '/__vigil/invoke';
export const EVENTS_PATH = '/__vigil/events';
/** A contract call is a small JSON object; anything bigger is a test bug or abuse. */
const MAX_BODY_BYTES = 1 << 20;

export interface HarnessOptions {
  /** signals in the demo workspace; the app's default (500) when omitted */
  demoSignals?: number;
  /** the demo team's roster, keys and sign-offs; false for the first-use walk */
  demoTeam?: boolean;
  /**
   * Start with an existing, empty workspace (the state a team's new workspace is in before its
   * first sync) instead of the Welcome view. The page shows the Unlock view for it.
   */
  emptyWorkspace?: { name: string; passphrase: string };
  /**
   * Start the fake Datadog (seeded with this many generated signals, all naming a host) and the
   * fake Splunk (with the "Vigil - prior activity" saved search and history for those hosts).
   * The core's background timers are off and its retry waits are instant, so the tests decide
   * when the outbox drains and nothing happens behind their back.
   */
  sources?: { signals: number; seed?: number };
  /**
   * Start the fake OpenAI-compatible endpoint (key FAKE_OPENAI_KEY unless told otherwise; its
   * default responder drafts a brief from the fenced evidence). Vigil is not pointed at it: the
   * tests configure it the way a user would, in Settings → LLM.
   */
  openai?: true | FakeOpenAIOptions;
  /** what the desktop's open and save dialogs answer (evidence bundles); absent: no dialog, as in a browser */
  pickFile?: () => string | null;
  pickSavePath?: () => string | null;
}

/** The saved search the sources tests point Vigil at. */
export const PRIOR_ACTIVITY_SEARCH = 'Vigil - prior activity';

export interface Harness {
  /** http://127.0.0.1:<port>/ serving out/renderer */
  url: string;
  workspace: Workspace;
  /** the temp folder holding the workspace and app state; removed by close() */
  dir: string;
  /**
   * How many event subscriptions pages have opened so far. A test that makes the core emit
   * (e.g. an idle lock) first waits for its page's subscription, or the event would be lost.
   */
  eventSubscriptions: () => number;
  /** the fake Datadog, when started with `sources` */
  datadog: FakeDatadog | null;
  /** the fake Splunk, when started with `sources` */
  splunk: FakeSplunk | null;
  /** the fake OpenAI endpoint, when started with `openai` */
  openai: FakeOpenAI | null;
  /**
   * New signals appear in the fake Datadog (dated within the last minute, so the next sync's window
   * holds them), with prior activity in the fake Splunk for their hosts.
   */
  addSignals: (count: number, seed: number) => void;
  close: () => Promise<void>;
}

export class RendererNotBuiltError extends Error {
  constructor() {
    super(
      `The e2e tests drive the built renderer, but ${join(RENDERER_DIR, 'index.html')} does not exist. ` +
        'Build it first: `node --import tsx test/e2e/build-renderer.ts` (renderer only) or `npm run build`.',
    );
    this.name = 'RendererNotBuiltError';
  }
}

function appVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The Vite plugin that turns the preview server into Vigil's loopback transport. */
function vigilTransport(handlers: Handlers, workspace: Workspace, streams: Set<ServerResponse>, subscriptions: { count: number }): Plugin {
  return {
    name: 'vigil-e2e-transport',
    configurePreviewServer(server: PreviewServer) {
      server.middlewares.use(INVOKE_PATH, (req, res) => {
        if (req.method !== 'POST') {
          sendJson(res, 405, { ok: false, error: { code: 'VALIDATION_FAILED', message: `Use POST for ${INVOKE_PATH}.` } });
          return;
        }
        void (async () => {
          let body: { channel?: unknown; input?: unknown };
          try {
            body = JSON.parse(await readBody(req)) as typeof body;
          } catch (e) {
            sendJson(res, 400, { ok: false, error: { code: 'VALIDATION_FAILED', message: `The request is not a JSON call: ${(e as Error).message}` } });
            return;
          }
          // dispatch never throws: every failure comes back as { ok: false, error } like over IPC.
          const reply = await dispatch(handlers, body?.channel, body?.input, (entry) => {
            console.error(`[vigil e2e] ${entry.channel}: ${entry.code} ${entry.message}`, entry.cause ?? '');
          });
          sendJson(res, 200, reply);
        })();
      });

      server.middlewares.use(EVENTS_PATH, (req, res) => {
        if (req.method !== 'GET') {
          res.statusCode = 405;
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        // A comment line flushes the headers so EventSource reports "open" at once.
        res.write(': vigil events\n\n');
        streams.add(res);
        subscriptions.count++;
        const off = workspace.onEvent((e: VigilEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`));
        req.on('close', () => {
          off();
          streams.delete(res);
        });
      });
    },
  };
}

/**
 * Vite warns when root and outDir are the same folder, which is exactly what serving a finished
 * build means; keep every other warning.
 */
function quietLogger(): Logger {
  const logger = createLogger('warn');
  const warn = logger.warn.bind(logger);
  logger.warn = (msg, options) => {
    if (!msg.includes('build.outDir must not be the same directory')) warn(msg, options);
  };
  return logger;
}

function entitiesOf(s: SearchSignal): string[] {
  const ents = (s.attributes as { attributes?: { entities?: unknown } }).attributes?.entities;
  return Array.isArray(ents) ? ents.filter((e): e is string => typeof e === 'string') : [];
}

/**
 * Signals for the fake Datadog: the demo generator's, dated up to a minute ago, keeping those that
 * name a host so every finding has Splunk context to show.
 */
function sourceSignals(count: number, seed: number, now = new Date(Date.now() - 60_000), spanDays = 10): SearchSignal[] {
  const all = generateDemoSignals({ count: count * 3, seed, now, spanDays }) as unknown as SearchSignal[];
  const withHost = all.filter((s) => entitiesOf(s).some((e) => e.startsWith('host:')));
  if (withHost.length < count) throw new Error(`only ${withHost.length} of ${all.length} generated signals name a host; ask for fewer`);
  return withHost.slice(0, count);
}

async function startSources(opts: NonNullable<HarnessOptions['sources']>): Promise<{ datadog: FakeDatadog; splunk: FakeSplunk }> {
  const datadog = await startFakeDatadog({ signals: sourceSignals(opts.signals, opts.seed ?? 11) });
  let splunk: FakeSplunk;
  try {
    splunk = await startFakeSplunk({ version: '9.1.2' });
  } catch (e) {
    await datadog.close();
    throw e;
  }
  // A saved search over the signal's host, and three days of prior logins for every host the signals name.
  splunk.state.savedSearches.push({
    name: PRIOR_ACTIVITY_SEARCH,
    owner: 'admin',
    app: 'search',
    sharing: 'global',
    search: 'search index=* host="$host$" | table _time host user src_ip action',
  });
  addPriorActivity(splunk, datadog.state.signals);
  return { datadog, splunk };
}

/** Three days of prior logins in the fake Splunk for every host these signals name (once per host). */
function addPriorActivity(splunk: FakeSplunk, signals: readonly SearchSignal[]): void {
  const known = new Set(splunk.state.history.map((r) => r['host']).filter((h): h is string => typeof h === 'string'));
  const hosts = new Set<string>();
  for (const s of signals) for (const e of entitiesOf(s)) if (e.startsWith('host:') && !known.has(e.slice(5))) hosts.add(e.slice(5));
  for (const host of hosts) {
    for (let i = 0; i < 3; i++) {
      splunk.state.history.push({ _time: new Date(FAKE_NOW - (i + 1) * 86_400_000).toISOString(), host, user: 'alice', src_ip: '192.0.2.44', action: 'success' });
    }
  }
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new RendererNotBuiltError();

  const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  const statePath = join(dir, 'app-state.json');
  let fakes: { datadog: FakeDatadog; splunk: FakeSplunk } | null = null;
  let openai: FakeOpenAI | null = null;
  const cleanup = async () => {
    await fakes?.datadog.close();
    await fakes?.splunk.close();
    await openai?.close();
    rmSync(dir, { recursive: true, force: true });
  };

  let workspace: Workspace;
  try {
    if (opts.emptyWorkspace) {
      // What creating a workspace leaves behind: an empty, encrypted register the app state points at.
      const path = join(dir, `${opts.emptyWorkspace.name}.vigil`);
      const reg = await Register.create(path, { passphrase: opts.emptyWorkspace.passphrase }, { scrypt: FAST_SCRYPT_FOR_TESTS });
      reg.close();
      writeFileSync(statePath, JSON.stringify({ workspacePath: path, idleLockMinutes: 15 }));
    }
    if (opts.sources) fakes = await startSources(opts.sources);
    if (opts.openai) openai = await startFakeOpenAI(opts.openai === true ? {} : opts.openai);
    workspace = new Workspace({
      version: appVersion(),
      statePath,
      demoPath: join(dir, 'demo.vigil'),
      os: null,
      scrypt: FAST_SCRYPT_FOR_TESTS,
      actor: 'e2e',
      ...(opts.demoSignals !== undefined ? { demoSignals: opts.demoSignals } : {}),
      ...(opts.demoTeam !== undefined ? { demoTeam: opts.demoTeam } : {}),
      ...(opts.pickFile ? { pickFile: async () => opts.pickFile!() } : {}),
      ...(opts.pickSavePath ? { pickSavePath: async () => opts.pickSavePath!() } : {}),
      ...(opts.sources ? { sourceTimers: false, clientOverrides: { sleep: async () => undefined, maxRetries: 2 } } : {}),
    });
  } catch (e) {
    await cleanup();
    throw e;
  }
  const streams = new Set<ServerResponse>();
  const subscriptions = { count: 0 };

  let server: PreviewServer;
  try {
    server = await preview({
      configFile: false,
      root: RENDERER_DIR,
      base: './',
      customLogger: quietLogger(),
      build: { outDir: RENDERER_DIR },
      preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
      plugins: [vigilTransport(workspace.handlers(), workspace, streams, subscriptions)],
    });
  } catch (e) {
    workspace.dispose();
    await cleanup();
    throw e;
  }

  const address = server.httpServer.address() as AddressInfo | null;
  if (!address || typeof address === 'string') throw new Error('the preview server is not listening on a TCP port');
  const url = `http://127.0.0.1:${address.port}/`;

  let closed = false;
  return {
    url,
    workspace,
    dir,
    eventSubscriptions: () => subscriptions.count,
    datadog: fakes?.datadog ?? null,
    splunk: fakes?.splunk ?? null,
    openai,
    addSignals: (count, seed) => {
      if (!fakes) throw new Error('addSignals needs the harness started with `sources`');
      // Dated within the last minute: after the previous sync's window, inside the next one.
      const signals = sourceSignals(count, seed, new Date(), 50 / 86_400);
      fakes.datadog.addSignals(...signals);
      addPriorActivity(fakes.splunk, signals);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // Open event streams would keep the HTTP server from closing.
      for (const s of streams) s.end();
      streams.clear();
      await server.close();
      workspace.dispose();
      await cleanup();
    },
  };
}
