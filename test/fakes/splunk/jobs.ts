// Search jobs in the fake: a dispatched saved search becomes a job whose rows are computed at once
// from the seeded history, while its visible state walks QUEUED → RUNNING → DONE one poll at a time.
import { BAD_SPL_MESSAGE, FAKE_NOW, type FakeSavedSearch, type HistoryRow } from './seed';

export interface FakeJob {
  sid: string;
  /** The user who dispatched it. */
  user: string;
  savedSearch: FakeSavedSearch;
  /** SPL after $token$ substitution. */
  search: string;
  args: Record<string, string>;
  /** Every dispatch.* parameter as received. */
  dispatch: Record<string, string>;
  earliestMs: number;
  latestMs: number;
  rows: HistoryRow[];
  fields: string[];
  /** Set when the SPL does not parse: the job ends FAILED with this message. */
  failure: string | undefined;
  polls: number;
}

export interface JobTiming {
  /** The first status poll answers 204 No Content, as splunkd may for a fresh job. */
  first204: boolean;
  /** Polls answered QUEUED, then RUNNING, before DONE. Infinity keeps a job running forever. */
  queuedPolls: number;
  runningPolls: number;
}

export type JobView =
  | { kind: 'not-ready' }
  | { kind: 'state'; dispatchState: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED'; doneProgress: number };

let counter = 0;

/** Splunk time modifiers the fake understands: now, -<n><unit>[@snap], epoch seconds, ISO-8601. */
export function parseTime(v: string): number | undefined {
  if (v === 'now' || v === '') return FAKE_NOW;
  const rel = /^-(\d+)(s|m|h|d|w)(@\w+)?$/.exec(v);
  if (rel) {
    const unit = { s: 1e3, m: 60e3, h: 3600e3, d: 86_400e3, w: 7 * 86_400e3 }[rel[2] as 's'];
    return FAKE_NOW - Number(rel[1]) * unit;
  }
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const iso = Date.parse(v);
  return Number.isNaN(iso) ? undefined : iso;
}

export function createJob(
  user: string,
  saved: FakeSavedSearch,
  params: Record<string, string>,
  history: readonly HistoryRow[],
): FakeJob | { error: string } {
  const args: Record<string, string> = {};
  const dispatch: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith('args.')) args[k.slice(5)] = v;
    if (k.startsWith('dispatch.')) dispatch[k] = v;
  }
  const earliestMs = parseTime(dispatch['dispatch.earliest_time'] ?? saved.earliest ?? '');
  const latestMs = parseTime(dispatch['dispatch.latest_time'] ?? saved.latest ?? 'now');
  if (earliestMs === undefined) return { error: 'Invalid earliest_time.' };
  if (latestMs === undefined) return { error: 'Invalid latest_time.' };

  // Tokens are replaced textually, as Splunk's saved-search templating does; unknown ones stay.
  const search = saved.search.replace(/\$(\w+)\$/g, (m, name: string) => args[name] ?? m);
  const failure = /\b\w+=(?=\s|\||$)/.test(search) ? BAD_SPL_MESSAGE : undefined;

  // Equality terms on the fields the history has; the SPL (after substitution) decides, not the args.
  const terms = [...search.matchAll(/\b(user|src_ip|host)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? ''] as const);
  const table = /\|\s*table\s+([^|]+)/.exec(search)?.[1]?.trim().split(/\s+/);
  const rows = failure
    ? []
    : history
        .filter((r) => {
          const t = Date.parse(String(r._time));
          return t >= earliestMs && t <= latestMs && terms.every(([f, v]) => r[f] === v);
        })
        .map((r) => (table ? Object.fromEntries(table.flatMap((f) => (f in r ? [[f, r[f]]] : []))) : { ...r }));
  const fields = table ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];

  counter++;
  const epoch = Math.floor(Date.now() / 1000);
  const hash = (counter * 2654435761).toString(16).padStart(16, '0').slice(-16).toUpperCase();
  return {
    // Saved-search sid shape: <user>__<owner>__<app>__RMD5<hash>_at_<epoch>_<n>.
    sid: `${user}__${saved.owner}__${saved.app}__RMD5${hash}_at_${epoch}_${counter}`,
    user,
    savedSearch: saved,
    search,
    args,
    dispatch,
    earliestMs,
    latestMs,
    rows: rows as HistoryRow[],
    fields,
    failure,
    polls: 0,
  };
}

/** What this poll sees; advances the job by one step. */
export function pollJob(job: FakeJob, timing: JobTiming): JobView {
  const p = job.polls++;
  if (timing.first204 && p === 0) return { kind: 'not-ready' };
  const k = p - (timing.first204 ? 1 : 0);
  if (k < timing.queuedPolls) return { kind: 'state', dispatchState: 'QUEUED', doneProgress: 0 };
  // A parse error surfaces once the job leaves the queue, never as RUNNING.
  if (job.failure) return { kind: 'state', dispatchState: 'FAILED', doneProgress: 1 };
  const r = k - timing.queuedPolls;
  if (r < timing.runningPolls) {
    return { kind: 'state', dispatchState: 'RUNNING', doneProgress: Math.min(0.95, (r + 1) / (timing.runningPolls + 1)) };
  }
  return { kind: 'state', dispatchState: 'DONE', doneProgress: 1 };
}

/** Job status `content` as splunkd's JSON renders it (reference §5 field names). */
export function jobContent(job: FakeJob, view: Extract<JobView, { kind: 'state' }>): Record<string, unknown> {
  const done = view.dispatchState === 'DONE';
  const failed = view.dispatchState === 'FAILED';
  return {
    sid: job.sid,
    dispatchState: view.dispatchState,
    isDone: done || failed,
    isFailed: failed,
    isFinalized: false,
    isPaused: false,
    isZombie: false,
    doneProgress: view.doneProgress,
    resultCount: done ? job.rows.length : 0,
    eventCount: done ? job.rows.length : 0,
    scanCount: done ? job.rows.length * 3 : 0,
    runDuration: done ? 0.412 : 0.05,
    ttl: 600,
    earliestTime: new Date(job.earliestMs).toISOString().replace('Z', '+00:00'),
    latestTime: new Date(job.latestMs).toISOString().replace('Z', '+00:00'),
    label: job.savedSearch.name,
    messages: failed ? [{ type: 'FATAL', text: job.failure }] : [],
    request: { search: job.savedSearch.search, ...job.dispatch },
  };
}
