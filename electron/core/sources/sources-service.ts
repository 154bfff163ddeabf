// The sources of one unlocked workspace: Datadog and Splunk settings (secrets only in the
// register), the background sync, the outbox drainer, Splunk context, and connectivity. Everything
// here pauses itself when the network is gone and resumes when it returns.
import type {
  ConnectionReport,
  Connectivity,
  DatadogSettings,
  OutboxStatus,
  SaveDatadogInput,
  SaveSplunkInput,
  SourcesSettings,
  SplunkSettings,
  SyncStatus,
  VigilEvent,
} from '../../../shared/domain';
import { DEFAULT_RECHECK_DAYS, MAX_RECHECK_DAYS } from '../../../shared/domain';
import { VigilError, isVigilError } from '../../../shared/errors';
import type { Register } from '../register/register';
import { drainOutbox, OFFLINE_CODES } from '../outbox/drainer';
import { createDatadogClient, type DatadogClient } from './datadog/client';
import { normalizeDatadogSite } from './datadog/site';
import { DATADOG_RECHECK_SOURCE, DATADOG_SOURCE, recheckWindow, SignalSync, type SyncProgress } from './datadog/signal-sync';
import { createSplunkClient, type SplunkClient } from './splunk/client';
import { fetchContext } from './splunk/context';

const K = {
  site: 'datadog.site',
  baseUrl: 'datadog.base_url',
  query: 'datadog.query',
  projectId: 'datadog.case_project_id',
  caseTypeId: 'datadog.case_type_id',
  pageSize: 'datadog.page_size',
  autoSync: 'datadog.auto_sync_minutes',
  recheckDays: 'datadog.recheck_days',
  apiKey: 'datadog.api_key',
  appKey: 'datadog.app_key',
  splunkUrl: 'splunk.url',
  splunkSaved: 'splunk.saved_search',
  splunkCa: 'splunk.ca_file',
  splunkToken: 'splunk.token',
} as const;

export const DEFAULT_QUERY = 'security:attack';
type SyncMode = SyncStatus['mode'];
const PROBE_MS = 15_000;
const DRAIN_MS = 10_000;
const CONTEXT_CONCURRENCY = 2;
const DAY_MS = 24 * 3600_000;

export interface SourcesOptions {
  actor: string;
  emit: (e: VigilEvent) => void;
  tacticFor?: (t: string) => string | null;
  /** tests shorten the waits of the clients */
  clientOverrides?: { sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; maxRetries?: number; timeoutMs?: number };
  /** background timers (auto sync, probe, drain); tests drive things by hand */
  timers?: boolean;
}

export class Sources {
  private connectivity: Connectivity;
  private sync: { run: SignalSync; abort: AbortController; done: Promise<unknown>; mode: SyncMode } | null = null;
  private lastMode: SyncMode = 'incremental';
  private lastProgress: SyncProgress | null = null;
  private draining: Promise<unknown> | null = null;
  private contextRunning = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly abort = new AbortController();
  private disposed = false;

  constructor(
    private readonly reg: Register,
    private readonly opts: SourcesOptions,
  ) {
    this.connectivity = this.datadogConfigured() ? 'online' : 'not-configured';
    if (opts.timers !== false) {
      const every = (ms: number, fn: () => void) => {
        const t = setInterval(fn, ms);
        t.unref?.();
        this.timers.push(t);
      };
      every(DRAIN_MS, () => void this.kick());
      every(PROBE_MS, () => void this.probe());
      every(60_000, () => void this.syncIfDue());
    }
  }

  // -------------------------------------------------------------------------------- settings

  private s(key: string): string | null {
    return this.reg.setting(key);
  }

  datadogConfigured(): boolean {
    return this.reg.secret(K.apiKey) !== null && this.reg.secret(K.appKey) !== null && (this.s(K.site) !== null || this.s(K.baseUrl) !== null);
  }

  splunkConfigured(): boolean {
    return this.s(K.splunkUrl) !== null && this.s(K.splunkSaved) !== null && this.reg.secret(K.splunkToken) !== null;
  }

  settings(): Omit<SourcesSettings, 'llm'> {
    const datadog: DatadogSettings = {
      configured: this.datadogConfigured(),
      site: this.s(K.site) ?? 'datadoghq.com',
      baseUrl: this.s(K.baseUrl),
      query: this.s(K.query) ?? DEFAULT_QUERY,
      projectId: this.s(K.projectId),
      caseTypeId: this.s(K.caseTypeId),
      pageSize: Number(this.s(K.pageSize) ?? 1000),
      autoSyncMinutes: Number(this.s(K.autoSync) ?? 5),
      recheckDays: Number(this.s(K.recheckDays) ?? DEFAULT_RECHECK_DAYS),
      hasApiKey: this.reg.secret(K.apiKey) !== null,
      hasAppKey: this.reg.secret(K.appKey) !== null,
    };
    const splunk: SplunkSettings = {
      configured: this.splunkConfigured(),
      url: this.s(K.splunkUrl),
      savedSearch: this.s(K.splunkSaved),
      caFile: this.s(K.splunkCa),
      hasToken: this.reg.secret(K.splunkToken) !== null,
    };
    return { datadog, splunk };
  }

  saveDatadog(i: SaveDatadogInput, actor: string): Omit<SourcesSettings, 'llm'> {
    const site = normalizeDatadogSite(i.site);
    this.reg.transaction(() => {
      this.reg.setSetting(K.site, site, actor);
      this.setOrClear(K.baseUrl, i.baseUrl, actor);
      if (i.query !== undefined) this.reg.setSetting(K.query, i.query || DEFAULT_QUERY, actor);
      this.setOrClear(K.projectId, i.projectId, actor);
      this.setOrClear(K.caseTypeId, i.caseTypeId, actor);
      if (i.pageSize !== undefined) this.reg.setSetting(K.pageSize, String(i.pageSize), actor);
      if (i.autoSyncMinutes !== undefined) this.reg.setSetting(K.autoSync, String(i.autoSyncMinutes), actor);
      if (i.recheckDays !== undefined) this.reg.setSetting(K.recheckDays, String(i.recheckDays), actor);
      if (i.apiKey !== undefined) this.reg.setSecret(K.apiKey, i.apiKey, actor);
      if (i.appKey !== undefined) this.reg.setSecret(K.appKey, i.appKey, actor);
    });
    this.setConnectivity(this.datadogConfigured() ? 'online' : 'not-configured');
    return this.settings();
  }

  saveSplunk(i: SaveSplunkInput, actor: string): Omit<SourcesSettings, 'llm'> {
    this.reg.transaction(() => {
      this.reg.setSetting(K.splunkUrl, i.url.replace(/\/+$/, ''), actor);
      this.reg.setSetting(K.splunkSaved, i.savedSearch, actor);
      this.setOrClear(K.splunkCa, i.caFile, actor);
      if (i.token !== undefined) this.reg.setSecret(K.splunkToken, i.token, actor);
    });
    return this.settings();
  }

  private setOrClear(key: string, v: string | null | undefined, actor: string): void {
    if (v === undefined) return;
    if (v === null || v === '') this.reg.clearSetting(key, actor);
    else this.reg.setSetting(key, v, actor);
  }

  // -------------------------------------------------------------------------------- clients

  datadog(onWait?: (ms: number) => void): DatadogClient {
    const apiKey = this.reg.secret(K.apiKey);
    const appKey = this.reg.secret(K.appKey);
    if (!apiKey || !appKey) throw new VigilError('SOURCE_NOT_CONFIGURED', 'Datadog is not connected yet: add the site, API key and application key in Settings.');
    const baseUrl = this.s(K.baseUrl);
    return createDatadogClient({
      site: this.s(K.site) ?? 'datadoghq.com',
      ...(baseUrl ? { baseUrl } : {}),
      apiKey,
      appKey,
      signal: this.abort.signal,
      ...(onWait ? { onWait: (w) => onWait(w.waitMs) } : {}),
      ...this.opts.clientOverrides,
    });
  }

  splunk(): SplunkClient {
    const url = this.s(K.splunkUrl);
    const token = this.reg.secret(K.splunkToken);
    if (!url || !token) throw new VigilError('SOURCE_NOT_CONFIGURED', 'Splunk is not connected yet: add the management URL, token and saved search in Settings.');
    const ca = this.s(K.splunkCa);
    return createSplunkClient({ baseUrl: url, token, ...(ca ? { caFile: ca } : {}), signal: this.abort.signal, ...this.opts.clientOverrides });
  }

  async testConnection(source: 'datadog' | 'splunk'): Promise<ConnectionReport> {
    if (source === 'datadog') {
      // On a real site, a rejected key is checked against the other Datadog sites so the answer can
      // be "this key belongs to datadoghq.eu"; with a base URL override there is nowhere else to ask.
      const r = await this.datadog().testConnection({ probeOtherSites: this.s(K.baseUrl) === null });
      if (r.ok) this.setConnectivity('online');
      else if (r.checks.some((c) => c.code && OFFLINE_CODES.has(c.code as never))) this.setConnectivity('offline');
      return { source, ok: r.ok, checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, ...(c.code ? { code: c.code } : {}), message: c.message })) };
    }
    const client = this.splunk();
    try {
      const r = await client.testConnection({ savedSearch: this.s(K.splunkSaved) ?? undefined });
      return { source, ok: r.ok, checks: r.checks.map((c) => ({ name: c.name, ok: c.ok, ...(c.code ? { code: c.code } : {}), message: c.message })) };
    } finally {
      await client.close();
    }
  }

  // -------------------------------------------------------------------------------- connectivity

  getConnectivity(): Connectivity {
    return this.connectivity;
  }

  private setConnectivity(c: Connectivity): void {
    if (c === this.connectivity) return;
    const wasOffline = this.connectivity === 'offline';
    this.connectivity = c;
    this.opts.emit({ type: 'connectivity', connectivity: c });
    if (wasOffline && c === 'online') {
      // Back online: writes that waited leave, an interrupted sync resumes.
      void this.kick(true);
      if (this.reg.syncState(DATADOG_SOURCE).cursor !== null) void this.startSync().catch(() => undefined);
      else if (this.reg.syncState(DATADOG_RECHECK_SOURCE).cursor !== null) void this.startRecheck().catch(() => undefined);
      void this.runPendingContext();
    }
  }

  private noteFailure(e: unknown): void {
    if (isVigilError(e) && OFFLINE_CODES.has(e.code)) this.setConnectivity('offline');
  }

  /** While offline, a cheap key check tells when the network is back. */
  async probe(): Promise<void> {
    if (this.connectivity !== 'offline' || this.disposed) return;
    try {
      const r = await this.datadog().validate();
      if (r.ok || !OFFLINE_CODES.has(r.code as never)) this.setConnectivity('online');
    } catch {
      // still offline
    }
  }

  // -------------------------------------------------------------------------------- sync

  syncStatus(): SyncStatus {
    const mode = this.sync?.mode ?? this.lastMode;
    const st = this.reg.syncState(DATADOG_SOURCE);
    const re = this.reg.syncState(DATADOG_RECHECK_SOURCE);
    const cur = mode === 'recheck' ? re : st;
    const p = this.lastProgress;
    const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);
    return {
      running: this.sync !== null,
      mode,
      phase: p ? p.phase : 'idle',
      pages: p?.pages ?? cur.pages,
      signals: p?.signals ?? cur.signals,
      inserted: p?.inserted ?? 0,
      revised: p?.revised ?? 0,
      quarantined: p?.quarantined ?? 0,
      waits: p?.waits ?? 0,
      resumable: st.cursor !== null,
      recheckResumable: re.cursor !== null,
      lastSyncAt: iso(st.finishedAt),
      highWater: iso(st.highWater),
      lastRecheckAt: iso(re.finishedAt),
      recheckFrom: re.windowFrom !== null && (re.cursor !== null || re.finishedAt !== null) ? iso(re.windowFrom) : null,
      error: cur.status === 'failed' && cur.lastErrorCode ? { code: cur.lastErrorCode, message: cur.lastError ?? '' } : p?.error ?? null,
    };
  }

  /** Start the incremental sync in the background (or return the running one's status). */
  async startSync(): Promise<SyncStatus> {
    return this.launch('incremental');
  }

  /**
   * Re-read the last `days` days of signals (default: the workspace's re-check window), so signals
   * changed in Datadog after they fired (triage, assignee, incidents, late updates) get their new
   * revision. An interrupted re-check resumes where it stopped, whatever `days` says.
   */
  async startRecheck(days?: number): Promise<SyncStatus> {
    // 0 turns the daily re-check off; a re-check asked for by hand then reads the default window.
    const d = days ?? (this.settings().datadog.recheckDays || DEFAULT_RECHECK_DAYS);
    if (!Number.isInteger(d) || d < 1 || d > MAX_RECHECK_DAYS) throw new VigilError('VALIDATION_FAILED', `A re-check reads back 1 to ${MAX_RECHECK_DAYS} days.`);
    return this.launch('recheck', d);
  }

  private async launch(mode: SyncMode, days = 0): Promise<SyncStatus> {
    if (this.sync) return this.syncStatus();
    const settings = this.settings().datadog;
    let run: SignalSync | null = null;
    const client = this.datadog((ms) => run?.noteWait(ms));
    const abort = new AbortController();
    run = new SignalSync(this.reg, client, {
      query: settings.query,
      pageSize: settings.pageSize,
      actor: mode === 'recheck' ? 'system:datadog-recheck' : 'system:datadog-sync',
      ...(mode === 'recheck' ? { recheck: recheckWindow(days, Date.now()) } : {}),
      ...(this.opts.tacticFor ? { tacticFor: this.opts.tacticFor } : {}),
      requestContext: this.splunkConfigured(),
      signal: AbortSignal.any([abort.signal, this.abort.signal]),
      onProgress: (p) => {
        this.lastProgress = p;
        this.opts.emit({ type: 'sync', status: this.syncStatus() });
      },
    });
    const done = run
      .run()
      .then((p) => {
        this.setConnectivity('online');
        if (p.inserted + p.revised > 0) this.opts.emit({ type: 'findings', changed: [], reason: 'sync' });
        void this.runPendingContext();
      })
      .catch((e) => this.noteFailure(e))
      .finally(() => {
        this.sync = null;
        if (!this.disposed) this.opts.emit({ type: 'sync', status: this.syncStatus() });
      });
    this.sync = { run, abort, done, mode };
    this.lastMode = mode;
    this.lastProgress = { ...run.progress };
    this.opts.emit({ type: 'sync', status: this.syncStatus() });
    return this.syncStatus();
  }

  /** Wait for the running sync, if any (CLI and tests). */
  async whenSynced(): Promise<void> {
    await this.sync?.done;
  }

  cancelSync(): SyncStatus {
    this.sync?.abort.abort();
    return this.syncStatus();
  }

  /** The minute timer: the incremental sync when due, else the daily re-check when due. */
  async syncIfDue(): Promise<void> {
    const minutes = this.settings().datadog.autoSyncMinutes;
    if (minutes <= 0 || this.sync || this.connectivity !== 'online' || !this.datadogConfigured()) return;
    const st = this.reg.syncState(DATADOG_SOURCE);
    const last = st.finishedAt ?? 0;
    if (st.cursor !== null || Date.now() - last >= minutes * 60_000) {
      await this.startSync().catch(() => undefined);
      return;
    }
    // Once a day, after an up-to-date sync, read the re-check window again (or finish one).
    const days = this.settings().datadog.recheckDays;
    const re = this.reg.syncState(DATADOG_RECHECK_SOURCE);
    if (days > 0 && st.highWater !== null && (re.cursor !== null || Date.now() - (re.finishedAt ?? 0) >= DAY_MS)) {
      await this.startRecheck().catch(() => undefined);
    }
  }

  // -------------------------------------------------------------------------------- outbox

  outboxStatus(): OutboxStatus {
    const s = this.reg.outboxSummary();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      pending: s.pending,
      failed: s.failed,
      sent: s.sent,
      lastError: s.lastError,
      entries: this.reg.outboxRows(200).map((r) => ({
        id: r.id,
        kind: r.kind,
        target: r.target,
        state: r.state,
        attempts: r.attempts,
        nextAttemptAt: r.state === 'pending' ? iso(r.next_attempt_at) : null,
        lastError: r.last_error,
        lastErrorCode: r.last_error_code,
        createdAt: iso(r.created_at)!,
      })),
    };
  }

  private emitOutbox(): void {
    const { entries: _entries, ...rest } = this.outboxStatus();
    this.opts.emit({ type: 'outbox', status: rest });
  }

  /** Drain what is due, unless offline (the probe brings it back). force: ignore backoff times. */
  async kick(force = false): Promise<void> {
    if (this.draining) {
      // One drain at a time; a caller that asks meanwhile waits for it.
      await this.draining.catch(() => undefined);
      if (!force) return;
    }
    if (this.disposed || !this.datadogConfigured()) return;
    if (this.connectivity === 'offline' && !force) return;
    const run = (async () => {
      if (force) this.reg.outboxDueNow();
      const r = await drainOutbox(this.reg, this.datadog(), { signal: this.abort.signal });
      if (r.offline) this.setConnectivity('offline');
      else if (r.sent > 0) this.setConnectivity('online');
      if (r.sent + r.retrying + r.failed > 0) this.emitOutbox();
      // A case created or updated shows on its finding.
      if (r.sent > 0) this.opts.emit({ type: 'findings', changed: [], reason: 'outbox' });
    })();
    this.draining = run;
    try {
      await run;
    } catch (e) {
      this.noteFailure(e);
    } finally {
      this.draining = null;
    }
  }

  notifyEnqueued(): void {
    this.emitOutbox();
    void this.kick();
  }

  retryFailed(actor: string): OutboxStatus {
    this.reg.outboxRequeue(actor);
    void this.kick(true);
    return this.outboxStatus();
  }

  // -------------------------------------------------------------------------------- Splunk context

  async fetchContext(findingId: number, actor: string): Promise<void> {
    const name = this.s(K.splunkSaved);
    if (!name || !this.splunkConfigured()) throw new VigilError('SOURCE_NOT_CONFIGURED', 'Splunk is not connected yet: add the management URL, token and saved search in Settings.');
    const client = this.splunk();
    try {
      await fetchContext(this.reg, client, findingId, name, actor, this.abort.signal);
    } finally {
      await client.close();
    }
    this.opts.emit({ type: 'findings', changed: [`FND-${findingId}`], reason: 'context' });
  }

  private async runPendingContext(): Promise<void> {
    if (!this.splunkConfigured() || this.disposed) return;
    while (this.contextRunning < CONTEXT_CONCURRENCY) {
      const next = this.reg.pendingContext(1)[0];
      if (next === undefined) return;
      this.contextRunning++;
      // fetchContext marks the request running before its first await, so the loop never picks it twice.
      void this.fetchContext(next, 'system:splunk-context')
        .catch((e) => {
          if (isVigilError(e) && OFFLINE_CODES.has(e.code)) this.reg.setContextRequest(next, 'pending', { code: e.code, message: e.message });
          this.opts.emit({ type: 'findings', changed: [`FND-${next}`], reason: 'context' });
        })
        .finally(() => {
          this.contextRunning--;
          if (!this.disposed) void this.runPendingContext();
        });
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) clearInterval(t);
    this.abort.abort();
  }
}
