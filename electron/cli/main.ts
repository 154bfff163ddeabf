// `vigil`: the same core as the app, headless. Exit codes: 0 done, 1 the check failed or the
// operation was refused, 2 bad usage.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { MAX_RECHECK_DAYS, QUEUE_SORT_FIELDS, QueueQuery, type QueuePage, type QueueSortField } from '../../shared/domain';
import { VigilError, isVigilError } from '../../shared/errors';
import { AttackCatalog } from '../core/attack/catalog';
import { createDemoWorkspace } from '../core/demo/demo-workspace';
import { Register } from '../core/register/register';
import { readPassphrase } from './passphrase';
import { createDatadogClient } from '../core/sources/datadog/client';
import { recheckWindow, SignalSync } from '../core/sources/datadog/signal-sync';
import { runDrafts } from '../core/drafter/draft-runner';
import { LlmDrafter } from '../core/drafter/llm-drafter';
import { OfflineDrafter } from '../core/drafter/offline-drafter';
import { costUsd } from '../core/drafter/pricing';
import { DEFAULT_PROMPT_VERSION, isPromptVersion, PROMPT_VERSION_IDS } from '../core/drafter/prompts';
import { evalCommand } from '../core/eval/cli-eval';
import { verifyRegisterSignoffs } from '../core/register/signoff-report';
import { cosignCommand, EvidenceUsageError, exportCommand, verifyCommand } from './evidence-commands';
import { approveCommand, ApproveUsageError } from './approve-command';

const HELP = `vigil — Vigil's command line (same register and rules as the app)

Usage:
  vigil init  --workspace FILE                 create an empty encrypted workspace
  vigil demo  --workspace FILE [--signals N] [--seed N] [--no-team]
                                               create a demo workspace (default 500 signals)
  vigil queue --workspace FILE [--status S] [--severity S] [--priority P] [--assignee A]
              [--tactic TA…] [--technique T…] [--search TEXT] [--sort FIELD[:asc|desc]]
              [--limit N] [--offset N] [--json]
                                               print a page of the findings queue
  vigil sync  --workspace FILE [--datadog-url URL] [--page-size N] [--query Q]
              [--recheck-days N] [--json]
                                               pull new and changed Datadog signals (resumes an
                                               interrupted sync); keys from DD_API_KEY, DD_APP_KEY,
                                               DD_SITE or the workspace's saved connection;
                                               --recheck-days re-reads the last N days (1–30) for
                                               signals changed after they fired, without moving
                                               the sync's high-water mark
  vigil draft --workspace FILE [--finding ID …] [--offline] [--force] [--prompt VERSION] [--json]
                                               draft briefs for the given findings (default: every
                                               new finding) with the LLM (OPENAI_BASE_URL,
                                               OPENAI_API_KEY, VIGIL_MODEL) or --offline
  vigil eval  --set FILE.jsonl [--offline] [--prompt VERSION] [--compare VERSION] [--json]
                                               measure a drafter on a labelled set of signals
  vigil audit verify --workspace FILE [--json] check the hash chain of the audit trail
  vigil signatures verify --workspace FILE [--json]
                                               check every sign-off in the workspace against its
                                               team roster (signature, signer, evidence hashes)
  vigil export --workspace FILE --out BUNDLE.zip --reason TEXT [--finding ID …]
               [--since DATE] [--until DATE] [--public-key-out FILE] [--json]
                                               a signed evidence bundle (leads only)
  vigil verify BUNDLE.zip [--trusted-keys FILE] [--threshold K] [--json]
                                               check a bundle offline: no workspace needed
  vigil cosign BUNDLE.zip --workspace FILE [--out FILE]
                                               add your (lead's) signature to a bundle
  vigil approve REQUEST.json --workspace FILE [--out APPROVED.json] [--json]
                                               approve a colleague's containment request with your
                                               key (the second key); nothing runs here
  vigil --version | --help

Filters take a comma-separated list or repeat (--status new,drafted). --assignee "" selects
unassigned findings. Sort fields: ${QUEUE_SORT_FIELDS.join(', ')}.
The passphrase comes from VIGIL_PASSPHRASE or is asked on the terminal.
`;

class UsageError extends Error {}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

function list(values: string[] | undefined): string[] | undefined {
  if (!values) return undefined;
  const out = values.flatMap((v) => (v === '' ? [''] : v.split(',').map((s) => s.trim()).filter(Boolean)));
  return out.length ? out : undefined;
}

function intOpt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} takes a whole number, got "${v}"`);
  return Number(v);
}

function requireWorkspace(v: string | undefined): string {
  if (!v) throw new UsageError('--workspace FILE is required');
  return resolve(v);
}

export function parseSort(s: string | undefined): { field: QueueSortField; dir: 'asc' | 'desc' } | undefined {
  if (!s) return undefined;
  let field = s;
  let dir: 'asc' | 'desc' = 'desc';
  if (s.startsWith('-')) field = s.slice(1);
  else if (s.includes(':')) {
    const [f, d] = s.split(':');
    field = f ?? '';
    if (d !== 'asc' && d !== 'desc') throw new UsageError(`--sort direction must be asc or desc, got "${d}"`);
    dir = d;
  }
  if (!(QUEUE_SORT_FIELDS as readonly string[]).includes(field)) {
    throw new UsageError(`--sort field "${field}" is not one of: ${QUEUE_SORT_FIELDS.join(', ')}`);
  }
  return { field: field as QueueSortField, dir };
}

type Out = { log: (s: string) => void; err: (s: string) => void };

export async function main(argv: string[], out: Out = { log: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        workspace: { type: 'string', short: 'w' },
        signals: { type: 'string' },
        seed: { type: 'string' },
        'no-team': { type: 'boolean' },
        status: { type: 'string', multiple: true },
        severity: { type: 'string', multiple: true },
        priority: { type: 'string', multiple: true },
        assignee: { type: 'string', multiple: true },
        tactic: { type: 'string', multiple: true },
        technique: { type: 'string', multiple: true },
        search: { type: 'string' },
        sort: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        json: { type: 'boolean', default: false },
        'datadog-url': { type: 'string' },
        finding: { type: 'string', multiple: true },
        offline: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        prompt: { type: 'string' },
        compare: { type: 'string' },
        set: { type: 'string' },
        'page-size': { type: 'string' },
        'recheck-days': { type: 'string' },
        query: { type: 'string' },
        out: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        reason: { type: 'string' },
        'trusted-keys': { type: 'string' },
        threshold: { type: 'string' },
        'public-key-out': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    out.err(`vigil: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.version) {
    out.log(version());
    return 0;
  }
  const [cmd, sub] = positionals;
  if (v.help || !cmd) {
    out.log(HELP);
    return v.help ? 0 : 2;
  }
  try {
    switch (cmd) {
      case 'init': {
        const path = requireWorkspace(v.workspace);
        const passphrase = await readPassphrase({ confirm: true, prompt: 'New workspace passphrase: ' });
        const reg = await Register.create(path, { passphrase });
        reg.close();
        out.log(v.json ? JSON.stringify({ workspace: path, created: true }) : `Created an empty encrypted workspace at ${path} (key file: ${path}.key).`);
        return 0;
      }
      case 'demo': {
        const path = requireWorkspace(v.workspace);
        const signals = intOpt(v.signals, 'signals') ?? 500;
        if (signals < 1 || signals > 5_000_000) throw new UsageError('--signals must be between 1 and 5,000,000');
        const seed = intOpt(v.seed, 'seed');
        const passphrase = await readPassphrase({ confirm: true, prompt: 'New workspace passphrase: ' });
        const started = Date.now();
        const reg = await createDemoWorkspace(path, { passphrase }, {
          signals,
          ...(seed !== undefined ? { seed } : {}),
          ...(v['no-team'] ? { team: false } : {}),
          catalog: AttackCatalog.load(),
          onProgress: v.json ? undefined : (done, total) => process.stderr.write(`\rdemo: ${done}/${total} signals`),
        });
        const total = reg.facets().total;
        reg.close();
        if (!v.json) process.stderr.write('\n');
        out.log(
          v.json
            ? JSON.stringify({ workspace: path, signals, findings: total, ms: Date.now() - started })
            : `Created demo workspace ${path}: ${signals} signals, ${total} findings (${((Date.now() - started) / 1000).toFixed(1)} s).`,
        );
        return 0;
      }
      case 'queue': {
        const path = requireWorkspace(v.workspace);
        const sort = parseSort(v.sort);
        const candidate = {
          filter: {
            status: list(v.status),
            severity: list(v.severity),
            priority: list(v.priority),
            assignee: list(v.assignee),
            tactic: list(v.tactic),
            technique: list(v.technique),
            search: v.search,
          },
          ...(sort ? { sort } : { sort: { field: 'finding_id', dir: 'desc' } }),
          offset: intOpt(v.offset, 'offset') ?? 0,
          limit: intOpt(v.limit, 'limit') ?? 100,
        };
        const q = QueueQuery.safeParse(JSON.parse(JSON.stringify(candidate)));
        if (!q.success) {
          const i = q.error.issues[0];
          throw new UsageError(`${i?.path.join('.') ?? 'query'}: ${i?.message ?? 'invalid'}`);
        }
        const reg = await Register.open(path, { passphrase: await readPassphrase() });
        let page: QueuePage;
        try {
          page = reg.queuePage(q.data);
        } finally {
          reg.close();
        }
        out.log(v.json ? JSON.stringify(page) : formatPage(page));
        return 0;
      }
      case 'sync': {
        const path = requireWorkspace(v.workspace);
        const pageSize = intOpt(v['page-size'], 'page-size');
        if (pageSize !== undefined && (pageSize < 1 || pageSize > 1000)) throw new UsageError('--page-size must be between 1 and 1000');
        const recheckDays = intOpt(v['recheck-days'], 'recheck-days');
        if (recheckDays !== undefined && (recheckDays < 1 || recheckDays > MAX_RECHECK_DAYS)) throw new UsageError(`--recheck-days must be between 1 and ${MAX_RECHECK_DAYS}`);
        const reg = await Register.open(path, { passphrase: await readPassphrase() });
        try {
          const code = await runSync(reg, {
            baseUrl: v['datadog-url'],
            pageSize,
            recheckDays,
            query: v.query,
            json: v.json ?? false,
            out,
          });
          return code;
        } finally {
          reg.close();
        }
      }
      case 'draft': {
        const path = requireWorkspace(v.workspace);
        const catalog = AttackCatalog.load();
        const drafter = v.offline ? new OfflineDrafter(catalog) : llmFromEnv(catalog, v.prompt);
        const reg = await Register.open(path, { passphrase: await readPassphrase() });
        try {
          const ids = v.finding?.length
            ? list(v.finding)!.map((x) => {
                if (!/^FND-[1-9]\d*$/.test(x)) throw new UsageError(`--finding takes ids like FND-42, got "${x}"`);
                return Number(x.slice(4));
              })
            : collectNew(reg);
          const started = Date.now();
          const p = await runDrafts(reg, ids, drafter, { ...(v.offline ? {} : { fallback: new OfflineDrafter(catalog) }), cost: (m, u) => costUsd(m, u) }, {
            force: v.force ?? false,
            onProgress: v.json ? undefined : (x) => process.stderr.write(`\rdraft: ${x.done}/${x.total} (${x.drafted} drafted, ${x.skipped} unchanged, ${x.failed} failed)   `),
          });
          const t = reg.draftTotals();
          if (!v.json) process.stderr.write('\n');
          out.log(
            v.json
              ? JSON.stringify({ ...p, drafter: drafter.identity, seconds: (Date.now() - started) / 1000 })
              : `Drafted ${p.drafted} of ${p.total} findings with ${drafter.identity} (${p.skipped} unchanged, ${p.failed} failed${p.fellBack ? `, ${p.fellBack} offline fallbacks` : ''}) in ${((Date.now() - started) / 1000).toFixed(1)} s. Workspace totals: ${t.count} drafts, ${t.tokens_in} tokens in, ${t.tokens_out} out, $${t.cost_usd.toFixed(4)}.`,
          );
          return p.failed > 0 && p.drafted === 0 ? 1 : 0;
        } finally {
          reg.close();
        }
      }
      case 'eval': {
        if (!v.set) throw new UsageError('--set FILE.jsonl is required');
        const catalog = AttackCatalog.load();
        return await evalCommand(
          { set: resolve(v.set), offline: v.offline ?? false, ...(v.prompt ? { prompt: v.prompt } : {}), ...(v.compare ? { compare: v.compare } : {}), json: v.json ?? false },
          { catalog, makeLlmDrafter: llmConfigured() ? (version: string) => llmFromEnv(catalog, version) : undefined, out: out.log },
        );
      }
      case 'audit': {
        if (sub !== 'verify') throw new UsageError('usage: vigil audit verify --workspace FILE');
        const path = requireWorkspace(v.workspace);
        const reg = await Register.open(path, { passphrase: await readPassphrase() });
        const verdict = (() => {
          try {
            return reg.verifyAudit();
          } finally {
            reg.close();
          }
        })();
        if (v.json) out.log(JSON.stringify(verdict));
        else if (verdict.ok) out.log(`Audit chain intact: ${verdict.entries} entries, head ${verdict.head}.`);
        else out.log(`Audit chain BROKEN at entry ${verdict.broken?.seq}: ${verdict.broken?.reason}. ${verdict.entries} entries before it verify.`);
        return verdict.ok ? 0 : 1;
      }
      case 'signatures': {
        if (sub !== 'verify') throw new UsageError('usage: vigil signatures verify --workspace FILE');
        const path = requireWorkspace(v.workspace);
        const reg = await Register.open(path, { passphrase: await readPassphrase() });
        const report = (() => {
          try {
            return verifyRegisterSignoffs(reg);
          } finally {
            reg.close();
          }
        })();
        if (v.json) out.log(JSON.stringify(report));
        else {
          out.log(
            report.roster
              ? `Roster "${report.roster.team}" v${report.roster.version}${report.roster.trusted ? '' : ' (NOT trusted)'}: ${report.checked} sign-offs on ${report.findings} findings, ${report.valid} valid (${report.stale} of an older decision revision), ${report.failures.length} invalid.`
              : `No roster in this workspace: ${report.checked} sign-offs cannot be checked.`,
          );
          for (const f of report.failures) out.log(`  ${f.finding_id} sign-off #${f.id} by ${f.analyst}: ${f.reason}${f.message ? ` — ${f.message}` : ''}`);
        }
        return report.failures.length === 0 && report.roster?.trusted !== false ? 0 : 1;
      }
      case 'export':
        return await exportCommand(
          {
            workspace: requireWorkspace(v.workspace),
            out: v.out,
            findings: v.finding,
            since: v.since,
            until: v.until,
            reason: v.reason,
            publicKeyOut: v['public-key-out'],
            json: v.json ?? false,
            version: version(),
          },
          out,
        );
      case 'verify':
        return await verifyCommand({ bundle: sub, trustedKeys: v['trusted-keys'], threshold: intOpt(v.threshold, 'threshold'), json: v.json ?? false }, out);
      case 'cosign':
        return await cosignCommand({ bundle: sub, workspace: requireWorkspace(v.workspace), out: v.out, json: v.json ?? false }, out);
      case 'approve':
        return await approveCommand({ file: sub, workspace: requireWorkspace(v.workspace), out: v.out, json: v.json ?? false }, out);
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof EvidenceUsageError || e instanceof ApproveUsageError) {
      out.err(`vigil: ${e.message}\n\n${HELP}`);
      return 2;
    }
    if (isVigilError(e)) {
      out.err(`vigil: ${e.code}: ${e.message}`);
      return 1;
    }
    out.err(`vigil: INTERNAL: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

function llmConfigured(): boolean {
  return Boolean(process.env['OPENAI_BASE_URL'] || process.env['OPENAI_API_KEY']) && Boolean(process.env['VIGIL_MODEL']);
}

/** The LLM drafter from the ecosystem's usual variables (OPENAI_BASE_URL defaults to OpenAI's). */
function llmFromEnv(catalog: AttackCatalog, prompt: string | undefined): LlmDrafter {
  const model = process.env['VIGIL_MODEL'];
  if (!llmConfigured() || !model) {
    throw new VigilError('SOURCE_NOT_CONFIGURED', 'No LLM configured: set OPENAI_BASE_URL (or OPENAI_API_KEY) and VIGIL_MODEL, or use --offline.');
  }
  const version = prompt ?? DEFAULT_PROMPT_VERSION;
  if (!isPromptVersion(version)) throw new UsageError(`--prompt must be one of ${PROMPT_VERSION_IDS.join(', ')}`);
  return new LlmDrafter({
    baseUrl: process.env['OPENAI_BASE_URL'] || 'https://api.openai.com/v1',
    apiKey: process.env['OPENAI_API_KEY'] ?? '',
    model,
    promptVersion: version,
    catalog,
  });
}

function collectNew(reg: Register): number[] {
  const ids: number[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = reg.queuePage({ filter: { status: ['new'] }, sort: { field: 'finding_id', dir: 'asc' }, offset, limit: 500 });
    ids.push(...page.rows.map((r) => Number(r.finding_id.slice(4))));
    if (page.rows.length < 500) return ids;
  }
}

async function runSync(
  reg: Register,
  o: { baseUrl: string | undefined; pageSize: number | undefined; recheckDays: number | undefined; query: string | undefined; json: boolean; out: Out },
): Promise<number> {
  const env = process.env;
  const apiKey = env['DD_API_KEY'] || reg.secret('datadog.api_key');
  const appKey = env['DD_APP_KEY'] || reg.secret('datadog.app_key');
  if (!apiKey || !appKey) {
    throw new VigilError('SOURCE_NOT_CONFIGURED', 'No Datadog keys: set DD_API_KEY and DD_APP_KEY, or connect Datadog in the app first.');
  }
  const baseUrl = o.baseUrl ?? reg.setting('datadog.base_url') ?? undefined;
  const site = env['DD_SITE'] || reg.setting('datadog.site') || 'datadoghq.com';
  const catalog = AttackCatalog.load();
  let sync: SignalSync | null = null;
  const client = createDatadogClient({
    site,
    ...(baseUrl ? { baseUrl } : {}),
    apiKey,
    appKey,
    onWait: (w) => {
      sync?.noteWait(w.waitMs);
      if (!o.json) process.stderr.write(`\nsync: ${w.reason.replace('_', ' ')}, waiting ${(w.waitMs / 1000).toFixed(1)} s\n`);
    },
  });
  const started = Date.now();
  sync = new SignalSync(reg, client, {
    query: o.query ?? reg.setting('datadog.query') ?? 'security:attack',
    pageSize: o.pageSize ?? Number(reg.setting('datadog.page_size') ?? 1000),
    actor: o.recheckDays !== undefined ? 'cli:recheck' : 'cli:sync',
    ...(o.recheckDays !== undefined ? { recheck: recheckWindow(o.recheckDays, started) } : {}),
    tacticFor: (t) => catalog.technique(t)?.tactics[0] ?? null,
    requestContext: reg.setting('splunk.url') !== null,
    onProgress: (p) => {
      if (!o.json) process.stderr.write(`\r${o.recheckDays !== undefined ? 're-check' : 'sync'}: ${p.pages} pages, ${p.signals} signals (${p.inserted} new, ${p.revised} changed, ${p.quarantined} quarantined)${p.resumed ? ' [resumed]' : ''}   `);
    },
  });
  const p = await sync.run();
  const secs = (Date.now() - started) / 1000;
  if (o.json) o.out.log(JSON.stringify({ ...p, seconds: secs }));
  else {
    process.stderr.write('\n');
    o.out.log(
      `${o.recheckDays !== undefined ? 'Re-checked' : 'Synced'} ${p.signals} signals in ${p.pages} pages (${secs.toFixed(1)} s): ${p.inserted} new findings, ${p.revised} revised, ${p.unchanged} unchanged, ${p.quarantined} quarantined${p.waits ? `, ${p.waits} waits` : ''}.`,
    );
  }
  return 0;
}

function formatPage(p: QueuePage): string {
  const cols: [string, number][] = [
    ['finding_id', 10],
    ['severity', 8],
    ['status', 10],
    ['priority', 3],
    ['assignee', 16],
    ['mitre_technique', 10],
    ['title', 60],
  ];
  const cell = (s: unknown, w: number) => {
    const t = s === null || s === undefined ? '-' : String(s);
    return t.length > w ? t.slice(0, w - 1) + '…' : t.padEnd(w);
  };
  const lines = [cols.map(([c, w]) => cell(c, w)).join('  ')];
  for (const r of p.rows) lines.push(cols.map(([c, w]) => cell((r as Record<string, unknown>)[c], w)).join('  '));
  lines.push(`${p.rows.length} of ${p.totalExact ? p.total : `${p.total}+`} findings (offset ${p.offset})`);
  return lines.join('\n');
}

export { VigilError };
