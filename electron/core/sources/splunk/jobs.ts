// A search job's life after dispatch (reference §5, §6, §9): poll until DONE or FAILED, read the
// results in pages, and cancel what the analyst abandons or what overruns its deadline — each
// running job holds one of the search head's limited search slots.
import { VigilError, isVigilError } from '../../../../shared/errors';
import type { ResolvedConfig } from './config';
import { joinMessages } from './errors';
import { EMPTY_PAGE, mergeFields, normalizePage, type ResultsPage, type Row } from './results';
import { enc } from './saved-searches';
import { JobStatusBody, ResultsBody, type SplunkMessage } from './schemas';
import type { SearchPaths } from './search-api';
import type { Transport } from './transport';

export interface JobStatus {
  sid: string;
  dispatchState: string;
  isDone: boolean;
  isFailed: boolean;
  isZombie: boolean;
  resultCount: number;
  /** Seconds splunkd spent on the search. */
  runDuration: number;
  earliestTime: string | undefined;
  latestTime: string | undefined;
  messages: SplunkMessage[];
}

export interface ResultsOptions {
  /** Page size. Splunk caps one page at maxresultrows (50 000 by default). */
  count?: number;
  offset?: number;
  /** Known total (from waitForJob); saves one status request. */
  resultCount?: number;
  /** Stop after this many rows and report `truncated`; a 30-day pull must not exhaust memory. */
  maxRows?: number;
  signal?: AbortSignal;
}

export interface JobResults {
  fields: string[];
  rows: Row[];
  /** The job's resultCount, which can exceed rows.length when truncated. */
  resultCount: number;
  truncated: boolean;
  /** True if Splunk marked any page as preview (partial) data. */
  preview: boolean;
  /** WARN/ERROR/INFO messages from the pages, e.g. a search peer that did not answer. */
  messages: SplunkMessage[];
}

export class Jobs {
  constructor(
    private readonly t: Transport,
    private readonly cfg: ResolvedConfig,
  ) {}

  /** Current status, or undefined while splunkd answers 204 (job created but not readable yet). */
  async status(paths: SearchPaths, sid: string, signal?: AbortSignal): Promise<JobStatus | undefined> {
    const what = `reading the status of job ${sid}`;
    let res;
    try {
      res = await this.t.request({ method: 'GET', path: `${paths.jobs}/${enc(sid)}`, what, signal });
    } catch (e) {
      if (isVigilError(e) && e.code === 'SOURCE_NOT_FOUND') {
        throw new VigilError('SOURCE_NOT_FOUND', `Splunk job ${sid} no longer exists (expired or cancelled)`);
      }
      throw e;
    }
    if (res.status === 204 || !res.text.trim()) return undefined;
    const body = this.t.parse(res, JobStatusBody, what);
    const c = body.entry[0]?.content;
    if (!c) throw new VigilError('SOURCE_BAD_RESPONSE', `Splunk's answer has no job entry (${what})`);
    return {
      sid: c.sid ?? sid,
      dispatchState: c.dispatchState,
      isDone: c.isDone ?? c.dispatchState === 'DONE',
      isFailed: c.isFailed ?? c.dispatchState === 'FAILED',
      isZombie: c.isZombie ?? false,
      resultCount: c.resultCount ?? 0,
      runDuration: c.runDuration ?? 0,
      earliestTime: c.earliestTime,
      latestTime: c.latestTime,
      messages: c.messages ?? [],
    };
  }

  /**
   * Polls with a growing interval until the job is DONE. A FAILED job becomes SOURCE_BAD_REQUEST
   * with Splunk's own explanation (a bad SPL lands here, not at dispatch). Past maxWaitMs, or when
   * the caller aborts, the job is cancelled before the error is thrown.
   */
  async wait(paths: SearchPaths, sid: string, signal?: AbortSignal): Promise<JobStatus> {
    const deadline = this.cfg.now() + this.cfg.maxWaitMs;
    const combined = this.t.combine(signal);
    let interval = this.cfg.pollIntervalMs;
    try {
      for (;;) {
        const s = await this.status(paths, sid, signal);
        if (s?.isZombie) {
          throw new VigilError('SOURCE_UNAVAILABLE', `The Splunk search process for job ${sid} died (zombie job)`);
        }
        if (s && (s.isFailed || s.dispatchState === 'FAILED')) {
          throw new VigilError('SOURCE_BAD_REQUEST', joinMessages(s.messages) ?? `Splunk job ${sid} failed`);
        }
        if (s && s.dispatchState === 'DONE' && s.isDone) return s;
        const left = deadline - this.cfg.now();
        if (left <= 0) {
          await this.cancel(paths, sid).catch(() => undefined);
          throw new VigilError(
            'SOURCE_TIMEOUT',
            `The Splunk search did not finish within ${Math.round(this.cfg.maxWaitMs / 1000)} s` +
              ` (last state ${s?.dispatchState ?? 'not ready'}); job ${sid} was cancelled`,
          );
        }
        await this.t.pause(Math.min(interval, left), combined);
        interval = Math.min(interval * 1.5, this.cfg.maxPollIntervalMs);
      }
    } catch (e) {
      if (isVigilError(e) && e.code === 'CANCELLED') await this.cancel(paths, sid).catch(() => undefined);
      throw e;
    }
  }

  /** Reads pages of `count` rows until resultCount (or maxRows) is reached. */
  async results(paths: SearchPaths, sid: string, opts: ResultsOptions = {}): Promise<JobResults> {
    const count = clampInt(opts.count ?? 1000, 1, 50_000);
    const maxRows = clampInt(opts.maxRows ?? 50_000, 1, Number.MAX_SAFE_INTEGER);
    const total = opts.resultCount ?? (await this.status(paths, sid, opts.signal))?.resultCount ?? 0;
    const fields: string[] = [];
    const rows: Row[] = [];
    const messages: SplunkMessage[] = [];
    let preview = false;
    let offset = clampInt(opts.offset ?? 0, 0, Number.MAX_SAFE_INTEGER);
    while (offset < total && rows.length < maxRows) {
      const want = Math.min(count, maxRows - rows.length);
      const page = await this.page(paths, sid, offset, want, opts.signal);
      // A page with nothing in it while resultCount says more: trust the data, not the counter.
      if (!page.rows.length) break;
      mergeFields(fields, page.fields);
      rows.push(...page.rows);
      messages.push(...page.messages);
      preview ||= page.preview;
      offset += page.rows.length;
    }
    return {
      fields,
      rows,
      resultCount: total,
      truncated: total > (opts.offset ?? 0) + rows.length,
      preview,
      messages: dedupe(messages),
    };
  }

  /** 404 means the job is already gone, which is what cancelling wanted. */
  async cancel(paths: SearchPaths, sid: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.t.request({
        method: 'POST',
        path: `${paths.jobs}/${enc(sid)}/control`,
        form: { action: 'cancel' },
        what: `cancelling job ${sid}`,
        idempotent: true,
        detached: true,
        signal,
      });
    } catch (e) {
      if (isVigilError(e) && e.code === 'SOURCE_NOT_FOUND') return;
      throw e;
    }
  }

  private async page(
    paths: SearchPaths,
    sid: string,
    offset: number,
    count: number,
    signal: AbortSignal | undefined,
  ): Promise<ResultsPage> {
    const params = { count, offset };
    const what = `reading results of job ${sid}`;
    const res = await this.t.request({
      method: paths.resultsMethod,
      path: `${paths.jobs}/${enc(sid)}/results`,
      // v2 takes its parameters in the POST body; v1 in the query string.
      ...(paths.resultsMethod === 'POST' ? { form: params } : { query: params }),
      what,
      idempotent: true,
      signal,
    });
    // Older servers answer an empty result set with no body at all.
    if (res.status === 204 || !res.text.trim()) return EMPTY_PAGE;
    return normalizePage(this.t.parse(res, ResultsBody, what));
  }
}

function clampInt(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(Math.trunc(n), min), max) : min;
}

function dedupe(messages: SplunkMessage[]): SplunkMessage[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    const k = `${m.type}\u0000${m.text}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}
