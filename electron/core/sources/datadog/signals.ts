// Security signals: cursor-paged search, single get, triage (state, assignee, incidents).
// README §2. Signals go back to the caller as the JSON Datadog sent, not as the client's models:
// the models turn `timestamp` into a Date (dropping sub-millisecond digits), move severity/host/
// service into `additionalProperties` and camelCase nothing consistently — and the register hashes
// the payload it stores, so it must get the bytes Datadog meant.
import { type client, v2 } from '@datadog/datadog-api-client';
import { z } from 'zod';
import { VigilError } from '../../../../shared/errors';
import { call, type CallContext, type CallOptions } from './call';
import { badResponse, readRateLimit, type RateLimitInfo } from './failures';
import { decodeSignalPage, SignalListBody } from './page-decode';
import type { Operation } from './operation';
import { oneOf, requireId, short } from './input';
import { expectShape } from './shape';
import type { PreparedSignal } from '../../signals/prepare';

export const SIGNAL_SORTS = ['timestamp', '-timestamp'] as const;
export type SignalSort = (typeof SIGNAL_SORTS)[number];
export const TRIAGE_STATES = ['open', 'under_review', 'archived'] as const;
export type TriageState = (typeof TRIAGE_STATES)[number];
export const ARCHIVE_REASONS = [
  'none',
  'false_positive',
  'testing_or_maintenance',
  'remediated',
  'investigated_case_opened',
  'true_positive_benign',
  'true_positive_malicious',
  'other',
] as const;
export type ArchiveReason = (typeof ARCHIVE_REASONS)[number];

/** page.limit bounds from the spec: default 10, maximum 1000. */
export const MAX_SIGNAL_PAGE = 1000;

export interface SearchSignalsParams {
  /** Signals Explorer syntax, e.g. `security:attack status:high`; empty means everything */
  query: string;
  from: Date;
  to: Date;
  /** `nextCursor` of the previous page, with the identical query/from/to/sort */
  cursor?: string | null;
  limit: number;
  sort: SignalSort;
}

export interface SignalPage {
  /** each item exactly as Datadog sent it (search shape: custom data under attributes.attributes) */
  signals: unknown[];
  /** null when this page was empty or carried no meta.page.after: stop paging */
  nextCursor: string | null;
  /** the security_analytics bucket as of this answer, when Datadog sent the headers */
  rateLimit: RateLimitInfo | null;
}

/** A search page decoded for the register: every signal validated and hashed (page-decode.ts). */
export interface PreparedSignalPage {
  prepared: PreparedSignal[];
  /** signals on the page, quarantined ones included */
  count: number;
  nextCursor: string | null;
  rateLimit: RateLimitInfo | null;
}

export interface TriageResult {
  signalId: string;
  state: string;
  archiveReason: string | null;
  archiveComment: string | null;
  assignee: { uuid: string; name: string | null };
  incidentIds: number[];
  /** epoch milliseconds */
  updatedAt: number | null;
  /** the signal_metadata answer as received */
  raw: unknown;
}


const SignalBody = z.looseObject({ data: z.looseObject({ id: z.string().min(1) }) });

const TriageBody = z.looseObject({
  data: z.looseObject({
    id: z.string().optional(),
    attributes: z.looseObject({
      state: z.string(),
      archive_reason: z.string().nullish(),
      archive_comment: z.string().nullish(),
      assignee: z.looseObject({ uuid: z.string(), name: z.string().nullish() }),
      incident_ids: z.array(z.number()),
      state_update_timestamp: z.number().nullish(),
    }),
  }),
});

const read = (op: string): Operation => ({
  name: op,
  auth: 'api_and_app_key',
  permission: 'security_monitoring_signals_read',
  idempotent: true,
});

/**
 * Search through the official client minus its model deserialisation. The generated request factory
 * still builds, serialises and authenticates the request, and our transport still captures the exact
 * answer; only the 2xx body is left as bytes, because the sync reads the raw JSON anyway (above) and
 * turning 1,000 signals a page into models it never uses cost about a tenth of the whole sync. The
 * raw page is still checked (SignalListBody here, every signal through the shared zod schema when it
 * is ingested). A non-2xx answer throws, and the call loop classifies it from the captured exchange
 * exactly as it does for the generated processor's ApiException.
 */
const rawBodySearch = {
  async searchSecurityMonitoringSignals(response: client.ResponseContext): Promise<null> {
    if (response.httpStatusCode >= 200 && response.httpStatusCode < 300) return null;
    throw new Error(`HTTP ${response.httpStatusCode}`);
  },
} as unknown as ConstructorParameters<typeof v2.SecurityMonitoringApi>[2];

export function signalsApi(ctx: CallContext) {
  const api = (c: client.Configuration) => new v2.SecurityMonitoringApi(c);
  const searchApi = (c: client.Configuration) => new v2.SecurityMonitoringApi(c, undefined, rawBodySearch);

  function searchBody(p: SearchSignalsParams): v2.SecurityMonitoringSignalListRequest {
    checkWindow(p);
    return {
      filter: {
        // The client serialises these without milliseconds (README §7). Widening to whole seconds
        // (floor the start, ceil the end) means truncation can only add signals, never drop one.
        from: new Date(Math.floor(p.from.getTime() / 1000) * 1000),
        to: new Date(Math.ceil(p.to.getTime() / 1000) * 1000),
        ...(p.query.trim() ? { query: p.query.trim() } : {}),
      },
      page: { limit: p.limit, ...(p.cursor ? { cursor: p.cursor } : {}) },
      sort: p.sort,
    };
  }

  // README §2: the last data page still carries a cursor and the page after it is empty, so stop
  // on empty data or a missing cursor — never on `data.length < limit`. links.next is not used: it
  // is a GET URL whose window was rewritten to now-15m..now.
  function nextCursorOf(count: number, after: string | null | undefined, p: SearchSignalsParams): string | null {
    const nextCursor = count > 0 && after ? after : null;
    if (nextCursor !== null && nextCursor === p.cursor) {
      throw new VigilError('SOURCE_BAD_RESPONSE', 'Datadog returned the same signals page cursor twice; stopping instead of looping.');
    }
    return nextCursor;
  }

  async function searchSignalsPage(p: SearchSignalsParams, opts?: CallOptions): Promise<SignalPage> {
    const body = searchBody(p);
    const op = read('search signals');
    const { raw, response } = await call(ctx, op, (c) => searchApi(c).searchSecurityMonitoringSignals({ body }), opts);
    const page = expectShape(SignalListBody, raw, op);
    return { signals: page.data, nextCursor: nextCursorOf(page.data.length, page.meta?.page?.after, p), rateLimit: readRateLimit(response.headers) };
  }

  /**
   * The same page, decoded for the register: the exchange is made, and the body parsed,
   * shape-checked and every signal validated and hashed, in the page worker (page-decoder.ts), beside
   * whatever the caller's thread is doing — for the sync, committing the page before.
   */
  async function searchSignalsPrepared(p: SearchSignalsParams, opts?: CallOptions): Promise<PreparedSignalPage> {
    const body = searchBody(p);
    const op = read('search signals');
    const { response } = await call(ctx, op, (c) => searchApi(c).searchSecurityMonitoringSignals({ body }), opts, { parseBody: false, decodeSignalPage: true });
    // Decoded in the page worker with the exchange; here when the worker was not available.
    const page = response.decoded ?? decodeSignalPage(response.body, response.headers['content-type']);
    if (!page.ok) throw badResponse(op, page.html, page.why);
    return { prepared: page.prepared, count: page.count, nextCursor: nextCursorOf(page.count, page.after, p), rateLimit: readRateLimit(response.headers) };
  }

  /** The cheapest v2 read there is: one signal of the last hour. Proves the application key and signals read. */
  async function probeSignalsRead(opts?: CallOptions): Promise<void> {
    const op = read('read security signals');
    const now = Date.now();
    await call(
      ctx,
      op,
      (c) => api(c).listSecurityMonitoringSignals({ filterFrom: new Date(now - 3_600_000), filterTo: new Date(now), pageLimit: 1 }),
      opts,
    );
  }

  /** One signal in the GET shape (custom data under attributes.custom, plus internal fields). */
  async function getSignal(id: string, opts?: CallOptions): Promise<unknown> {
    const signalId = requireId(id, 'signal id');
    const op = { ...read('get the signal'), subject: `Signal ${short(signalId)}` };
    const { raw } = await call(ctx, op, (c) => api(c).getSecurityMonitoringSignal({ signalId }), opts);
    return expectShape(SignalBody, raw, op).data;
  }

  async function setSignalState(
    id: string,
    state: TriageState,
    archiveReason?: ArchiveReason,
    comment?: string,
    opts?: CallOptions,
  ): Promise<TriageResult> {
    const signalId = requireId(id, 'signal id');
    oneOf(state, TRIAGE_STATES, 'triage state');
    if (archiveReason !== undefined) oneOf(archiveReason, ARCHIVE_REASONS, 'archive reason');
    const body: v2.SecurityMonitoringSignalStateUpdateRequest = {
      data: {
        attributes: {
          state,
          ...(archiveReason !== undefined ? { archiveReason } : {}),
          ...(comment !== undefined ? { archiveComment: comment } : {}),
        },
      },
    };
    const op = triageOp('change the signal triage state', signalId);
    const { raw } = await call(ctx, op, (c) => api(c).editSecurityMonitoringSignalState({ signalId, body }), opts);
    return triageResult(raw, op, signalId);
  }

  /** `uuid` "" unassigns (recorded). */
  async function setSignalAssignee(id: string, uuid: string, opts?: CallOptions): Promise<TriageResult> {
    const signalId = requireId(id, 'signal id');
    if (typeof uuid !== 'string') throw new VigilError('VALIDATION_FAILED', 'The assignee must be a user UUID, or "" to unassign.');
    const body: v2.SecurityMonitoringSignalAssigneeUpdateRequest = { data: { attributes: { assignee: { uuid } } } };
    const op = triageOp('change the signal assignee', signalId);
    const { raw } = await call(ctx, op, (c) => api(c).editSecurityMonitoringSignalAssignee({ signalId, body }), opts);
    return triageResult(raw, op, signalId);
  }

  /** Replaces the signal's incident list; ids are incidents' numeric public_id. */
  async function setSignalIncidents(id: string, incidentIds: number[], opts?: CallOptions): Promise<TriageResult> {
    const signalId = requireId(id, 'signal id');
    if (!incidentIds.every((n) => Number.isSafeInteger(n) && n > 0)) {
      throw new VigilError('VALIDATION_FAILED', 'Incident ids are the incidents’ numeric public ids (e.g. 2066).');
    }
    const body: v2.SecurityMonitoringSignalIncidentsUpdateRequest = { data: { attributes: { incidentIds } } };
    const op = triageOp('link incidents to the signal', signalId);
    const { raw } = await call(ctx, op, (c) => api(c).editSecurityMonitoringSignalIncidents({ signalId, body }), opts);
    return triageResult(raw, op, signalId);
  }

  return { searchSignalsPage, searchSignalsPrepared, probeSignalsRead, getSignal, setSignalState, setSignalAssignee, setSignalIncidents };
}

function triageOp(name: string, signalId: string): Operation {
  // "Set to X" is safe to repeat, so triage writes retry like reads.
  return {
    name,
    auth: 'api_and_app_key',
    permission: 'security_monitoring_signals_write',
    idempotent: true,
    subject: `Signal ${short(signalId)}`,
  };
}

function triageResult(raw: unknown, op: Operation, signalId: string): TriageResult {
  const a = expectShape(TriageBody, raw, op).data.attributes;
  return {
    signalId,
    state: a.state,
    archiveReason: a.archive_reason ?? null,
    archiveComment: a.archive_comment ?? null,
    assignee: { uuid: a.assignee.uuid, name: a.assignee.name ?? null },
    incidentIds: a.incident_ids,
    updatedAt: a.state_update_timestamp ?? null,
    raw,
  };
}

function checkWindow(p: SearchSignalsParams): void {
  if (!(p.from instanceof Date) || Number.isNaN(p.from.getTime()) || !(p.to instanceof Date) || Number.isNaN(p.to.getTime())) {
    throw new VigilError('VALIDATION_FAILED', 'The signal search window needs valid from and to dates.');
  }
  if (p.from.getTime() > p.to.getTime()) throw new VigilError('VALIDATION_FAILED', 'The signal search window starts after it ends.');
  if (!Number.isInteger(p.limit) || p.limit < 1 || p.limit > MAX_SIGNAL_PAGE) {
    throw new VigilError('VALIDATION_FAILED', `A signals page holds 1 to ${MAX_SIGNAL_PAGE} signals.`);
  }
  oneOf(p.sort, SIGNAL_SORTS, 'sort order');
}
