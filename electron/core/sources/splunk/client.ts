// The Splunk client the workbench uses: find a saved search, run it in its own namespace with the
// signal's values as args, wait for it, read every row. Thin on purpose — one method per REST call
// the workflow needs (reference §11) plus runSavedSearch composing them.
import { VigilError, isVigilError } from '../../../../shared/errors';
import { resolveConfig, type ResolvedConfig, type SplunkConfig } from './config';
import { checkConnection, type ConnectionReport } from './connection-check';
import { Jobs, type JobResults, type JobStatus, type ResultsOptions } from './jobs';
import {
  dispatchForm,
  dispatchPath,
  notFound,
  pickSavedSearch,
  toSavedSearchInfo,
  type DispatchOptions,
  type SavedSearchInfo,
} from './saved-searches';
import { SavedSearchListBody, ServerInfoBody, SidBody } from './schemas';
import { chooseSearchApi, searchPaths, type SearchApi, type SearchPaths } from './search-api';
import { Transport } from './transport';
import type { Row } from './results';
import type { SplunkMessage } from './schemas';

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ServerInfo {
  version: string;
  instanceType?: string;
  serverName?: string;
  build?: string;
  /** Which job endpoints this client will use against the server. */
  searchApi: SearchApi;
}

export interface FindOptions extends CallOptions {
  /** Disambiguates a name that exists in several apps. */
  app?: string;
}

export interface RunSavedSearchOptions extends DispatchOptions, FindOptions {
  /** Results page size. */
  count?: number;
  maxRows?: number;
}

/** Everything a finding needs to cite the Splunk evidence it was built from. */
export interface SavedSearchRun {
  sid: string;
  savedSearch: { name: string; owner: string; app: string };
  /** The saved search's SPL as stored in Splunk; `args` fill its $tokens$. */
  spl: string;
  args: Record<string, string>;
  earliest: string;
  latest: string;
  /** The window Splunk actually searched, as the job reports it (absolute times), when it does. */
  searchedFrom: string | undefined;
  searchedTo: string | undefined;
  resultCount: number;
  fields: string[];
  rows: Row[];
  truncated: boolean;
  messages: SplunkMessage[];
  runDurationSec: number;
  startedAt: string;
  finishedAt: string;
}

export class SplunkClient {
  private readonly cfg: ResolvedConfig;
  private readonly t: Transport;
  private readonly jobs: Jobs;
  private info: Promise<ServerInfo> | undefined;

  /** Throws SOURCE_NOT_CONFIGURED when the settings cannot work (no token, not https…). */
  constructor(config: SplunkConfig) {
    this.cfg = resolveConfig(config);
    this.t = new Transport(this.cfg);
    this.jobs = new Jobs(this.t, this.cfg);
  }

  /** Version and search API, fetched once and cached: both SDKs decide v1/v2 from it. */
  serverInfo(opts: CallOptions & { refresh?: boolean } = {}): Promise<ServerInfo> {
    if (!this.info || opts.refresh) {
      const p = this.fetchServerInfo(opts.signal);
      // A failed look-up (offline, bad token) must not stick: the next call asks again.
      p.catch(() => {
        if (this.info === p) this.info = undefined;
      });
      this.info = p;
    }
    return this.info;
  }

  async findSavedSearch(name: string, opts: FindOptions = {}): Promise<SavedSearchInfo> {
    const list = async (query: Record<string, string>) => {
      const what = 'listing saved searches';
      const res = await this.t.request({
        method: 'GET',
        path: '/servicesNS/-/-/saved/searches',
        query: { count: '0', ...query },
        what,
        signal: opts.signal,
      });
      return this.t.parse(res, SavedSearchListBody, what).entry.map(toSavedSearchInfo);
    };
    // Splunk's `search` filter keeps the answer small but its matching rules are loose and
    // undocumented for odd names; an exact miss is confirmed against the full list.
    const filtered = await list({ search: `name=${name}` });
    try {
      return pickSavedSearch(filtered, name, opts.app);
    } catch (e) {
      if (!isVigilError(e) || e.code !== 'SOURCE_NOT_FOUND') throw e;
    }
    return pickSavedSearch(await list({}), name, opts.app);
  }

  /** Starts a run and returns its sid. Pass the SavedSearchInfo to skip the look-up. */
  async dispatchSavedSearch(
    search: string | SavedSearchInfo,
    opts: DispatchOptions & FindOptions = {},
  ): Promise<string> {
    const s = typeof search === 'string' ? await this.findSavedSearch(search, opts) : search;
    const what = `dispatching saved search "${s.name}"`;
    try {
      const res = await this.t.request({
        method: 'POST',
        path: dispatchPath(s),
        form: dispatchForm(s, opts),
        what,
        // A dropped connection may have started the job; replaying would start a second one.
        idempotent: false,
        signal: opts.signal,
      });
      return this.t.parse(res, SidBody, what).sid;
    } catch (e) {
      if (isVigilError(e) && e.code === 'SOURCE_NOT_FOUND') throw notFound(s.name, s.app);
      throw e;
    }
  }

  async waitForJob(sid: string, opts: CallOptions = {}): Promise<JobStatus> {
    return this.jobs.wait(await this.paths(opts.signal), sid, opts.signal);
  }

  async results(sid: string, opts: ResultsOptions = {}): Promise<JobResults> {
    return this.jobs.results(await this.paths(opts.signal), sid, opts);
  }

  async cancel(sid: string, opts: CallOptions = {}): Promise<void> {
    return this.jobs.cancel(await this.paths(opts.signal), sid, opts.signal);
  }

  /** find → dispatch → wait → read all pages. */
  async runSavedSearch(name: string, opts: RunSavedSearchOptions = {}): Promise<SavedSearchRun> {
    const startedAt = this.isoNow();
    // server/info first: the cheapest call to fail on for a bad token, URL or certificate.
    await this.paths(opts.signal);
    const s = await this.findSavedSearch(name, opts);
    const earliest = opts.earliest ?? '-30d';
    const latest = opts.latest ?? 'now';
    const sid = await this.dispatchSavedSearch(s, { ...opts, earliest, latest });
    const job = await this.waitForJob(sid, opts);
    const res = await this.results(sid, {
      count: opts.count,
      maxRows: opts.maxRows,
      resultCount: job.resultCount,
      signal: opts.signal,
    });
    return {
      sid,
      savedSearch: { name: s.name, owner: s.owner, app: s.app },
      spl: s.search,
      args: { ...opts.args },
      earliest,
      latest,
      searchedFrom: job.earliestTime,
      searchedTo: job.latestTime,
      resultCount: job.resultCount,
      fields: res.fields,
      rows: res.rows,
      truncated: res.truncated,
      messages: [...job.messages.filter((m) => !/^DEBUG$/i.test(m.type)), ...res.messages],
      runDurationSec: job.runDuration,
      startedAt,
      finishedAt: this.isoNow(),
    };
  }

  /** Settings-screen diagnosis; never throws except CANCELLED. */
  testConnection(opts: CallOptions & { savedSearch?: string } = {}): Promise<ConnectionReport> {
    return checkConnection(this, this.cfg.base, opts);
  }

  close(): Promise<void> {
    return this.t.close();
  }

  private async paths(signal?: AbortSignal): Promise<SearchPaths> {
    return searchPaths((await this.serverInfo({ signal })).searchApi);
  }

  private async fetchServerInfo(signal?: AbortSignal): Promise<ServerInfo> {
    const what = 'reading server info';
    const res = await this.t.request({ method: 'GET', path: '/services/server/info', what, signal });
    const body = this.t.parse(res, ServerInfoBody, what);
    const content = body.entry[0]?.content;
    const version = content?.version ?? body.generator?.version;
    if (!version) throw new VigilError('SOURCE_BAD_RESPONSE', `Splunk did not report its version (${what})`);
    const instanceType = content?.instance_type ?? body.generator?.instance_type;
    return {
      version,
      instanceType,
      serverName: content?.serverName,
      build: content?.build ?? body.generator?.build,
      searchApi: chooseSearchApi(version, instanceType),
    };
  }

  private isoNow(): string {
    return new Date(this.cfg.now()).toISOString();
  }
}

export function createSplunkClient(config: SplunkConfig): SplunkClient {
  return new SplunkClient(config);
}
