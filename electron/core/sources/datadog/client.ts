// Vigil's Datadog client: the official `@datadog/datadog-api-client` for request building, auth
// and models; Vigil's own transport, retry and error mapping around every call (see call.ts).
import { VigilError } from '../../../../shared/errors';
import type { CallContext, CallOptions } from './call';
import { type CasePriority, type CaseRef, type CaseStatus, casesApi, type CreateCaseParams, type CreatedCase } from './cases';
import { type ConnectionReport, connectionApi, type TestConnectionOptions, type ValidateResult } from './connection';
import { type CreatedIncident, type CreateIncidentParams, incidentsApi } from './incidents';
import { defaultSleep, type RetryPolicy, type Sleep, type WaitInfo } from './retry';
import { type ArchiveReason, type PreparedSignalPage, type SearchSignalsParams, type SignalPage, signalsApi, type TriageResult, type TriageState } from './signals';
import { apiBaseUrl, type DatadogSite, normalizeDatadogSite } from './site';
import { hostOf } from './transport';
import { type WaitForWorkflowOptions, type WorkflowInstance, workflowsApi } from './workflows';

export interface DatadogClientConfig {
  /** any form normalizeDatadogSite accepts; names the site in messages even when baseUrl is set */
  site?: string;
  /** wins over `site` for where requests go (tests point it at the fake server) */
  baseUrl?: string;
  apiKey: string;
  /** may be empty for a key-only check (validate); v2 calls then fail with SOURCE_NOT_CONFIGURED */
  appKey: string;
  /** per HTTP attempt, headers and body; default 30 s */
  timeoutMs?: number;
  /** retries after the first attempt; default 5 */
  maxRetries?: number;
  /** cap on any single wait, X-RateLimit-Reset included; default 60 s */
  maxWaitMs?: number;
  /** injectable for tests; must reject or return promptly when `signal` aborts */
  sleep?: Sleep;
  onWait?: (info: WaitInfo) => void;
  /** cancels everything this client does; each call also takes its own signal */
  signal?: AbortSignal;
  /** where a site's API lives, for testConnection's other-site probe; default apiBaseUrl */
  siteBaseUrl?: (site: DatadogSite) => string;
  /** transport override, e.g. a proxy-aware fetch */
  fetch?: typeof fetch;
}

/** Every method maps failures to a VigilError (SOURCE_*, VALIDATION_FAILED, CANCELLED) whose message never holds a key. */
export interface DatadogClient {
  readonly site: DatadogSite | null;
  readonly baseUrl: string;
  /** GET /api/v1/validate (API key only). Returns the diagnosis instead of throwing; throws only CANCELLED. */
  validate(opts?: CallOptions): Promise<ValidateResult>;
  /** validate + a one-signal v2 read: api_key, app_key, signals_read. */
  testConnection(opts?: TestConnectionOptions): Promise<ConnectionReport>;
  /** One page of POST /signals/search; signals are the raw JSON received. nextCursor null = stop. */
  searchSignalsPage(p: SearchSignalsParams, opts?: CallOptions): Promise<SignalPage>;
  /** The same page validated and hashed for the register, off the calling thread when it can be (page-decoder.ts). */
  searchSignalsPrepared(p: SearchSignalsParams, opts?: CallOptions): Promise<PreparedSignalPage>;
  /** GET /signals/{id}, raw `data` in the GET shape (custom data under attributes.custom). */
  getSignal(id: string, opts?: CallOptions): Promise<unknown>;
  setSignalState(id: string, state: TriageState, archiveReason?: ArchiveReason, comment?: string, opts?: CallOptions): Promise<TriageResult>;
  /** uuid "" unassigns. */
  setSignalAssignee(id: string, uuid: string, opts?: CallOptions): Promise<TriageResult>;
  /** Replaces the list; numeric incident public ids. */
  setSignalIncidents(id: string, incidentIds: number[], opts?: CallOptions): Promise<TriageResult>;
  /** Create (never retried once it may have arrived), then attach the signal as a SECURITY_SIGNAL insight. */
  createCase(p: CreateCaseParams, opts?: CallOptions): Promise<CreatedCase>;
  addSignalToCase(caseId: string, signalId: string, opts?: CallOptions): Promise<CaseRef>;
  getCase(caseId: string, opts?: CallOptions): Promise<CaseRef>;
  /** Oldest case whose title or description contains the marker (CASE_MARKER syntax), or null. */
  findCaseByMarker(marker: string, opts?: CallOptions): Promise<CaseRef | null>;
  updateCaseStatus(caseId: string, status: CaseStatus, opts?: CallOptions): Promise<CaseRef>;
  updateCasePriority(caseId: string, priority: CasePriority, opts?: CallOptions): Promise<CaseRef>;
  assignCase(caseId: string, userUuid: string, opts?: CallOptions): Promise<CaseRef>;
  commentCase(caseId: string, comment: string, opts?: CallOptions): Promise<{ cellId: string }>;
  /** Starts the workflow; returns the instance id. Not retried once it may have arrived. */
  runWorkflow(workflowId: string, payload: Record<string, unknown>, opts?: CallOptions): Promise<string>;
  getWorkflowInstance(workflowId: string, instanceId: string, opts?: CallOptions): Promise<WorkflowInstance>;
  waitForWorkflowInstance(workflowId: string, instanceId: string, opts?: WaitForWorkflowOptions): Promise<WorkflowInstance>;
  createIncident(p: CreateIncidentParams, opts?: CallOptions): Promise<CreatedIncident>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 5;
export const DEFAULT_MAX_WAIT_MS = 60_000;

export function createDatadogClient(cfg: DatadogClientConfig): DatadogClient {
  const site = cfg.site !== undefined && cfg.site.trim() !== '' ? normalizeDatadogSite(cfg.site) : null;
  const baseUrl = cfg.baseUrl !== undefined && cfg.baseUrl.trim() !== '' ? checkBaseUrl(cfg.baseUrl) : site ? apiBaseUrl(site) : null;
  if (!baseUrl) throw new VigilError('SOURCE_NOT_CONFIGURED', 'Choose your Datadog site (for example datadoghq.com or datadoghq.eu).');
  const apiKey = checkKey(cfg.apiKey, 'API key', true);
  const appKey = checkKey(cfg.appKey, 'application key', false);

  const sleep = cfg.sleep ?? defaultSleep;
  const policy: RetryPolicy = {
    maxRetries: nonNegativeInt(cfg.maxRetries, DEFAULT_MAX_RETRIES, 'maxRetries'),
    maxWaitMs: positive(cfg.maxWaitMs, DEFAULT_MAX_WAIT_MS, 'maxWaitMs'),
    baseDelayMs: 1_000,
    random: Math.random,
  };
  const ctx: CallContext = {
    baseServer: baseUrl,
    apiKey,
    appKey,
    timeoutMs: positive(cfg.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs'),
    policy,
    sleep,
    where: site ?? hostOf(baseUrl),
    ...(cfg.onWait ? { onWait: cfg.onWait } : {}),
    ...(cfg.signal ? { signal: cfg.signal } : {}),
    ...(cfg.fetch ? { fetch: cfg.fetch } : {}),
  };

  const signals = signalsApi(ctx);
  const connection = connectionApi({
    ctx,
    site,
    siteBaseUrl: cfg.siteBaseUrl ?? apiBaseUrl,
    probeSignalsRead: signals.probeSignalsRead,
  });
  // Late-bound: the 403 diagnosis itself needs the client (it calls validate).
  ctx.explainForbidden = connection.explainForbidden;

  const cases = casesApi(ctx);
  const workflows = workflowsApi(ctx, sleep);
  const incidents = incidentsApi(ctx);

  return {
    site,
    baseUrl,
    validate: connection.validate,
    testConnection: connection.testConnection,
    searchSignalsPage: signals.searchSignalsPage,
    searchSignalsPrepared: signals.searchSignalsPrepared,
    getSignal: signals.getSignal,
    setSignalState: signals.setSignalState,
    setSignalAssignee: signals.setSignalAssignee,
    setSignalIncidents: signals.setSignalIncidents,
    createCase: cases.createCase,
    addSignalToCase: cases.addSignalToCase,
    getCase: cases.getCase,
    findCaseByMarker: cases.findCaseByMarker,
    updateCaseStatus: cases.updateCaseStatus,
    updateCasePriority: cases.updateCasePriority,
    assignCase: cases.assignCase,
    commentCase: cases.commentCase,
    runWorkflow: workflows.runWorkflow,
    getWorkflowInstance: workflows.getWorkflowInstance,
    waitForWorkflowInstance: workflows.waitForWorkflowInstance,
    createIncident: incidents.createIncident,
  };
}

function checkBaseUrl(input: string): string {
  let u: URL;
  try {
    u = new URL(input.trim());
  } catch {
    throw new VigilError('VALIDATION_FAILED', 'The Datadog API base URL is not a valid URL.');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new VigilError('VALIDATION_FAILED', 'The Datadog API base URL must start with https://.');
  }
  if (u.username || u.password || u.search || u.hash) {
    throw new VigilError('VALIDATION_FAILED', 'The Datadog API base URL must be a plain origin such as https://api.datadoghq.com.');
  }
  // The client appends "/api/v2/…" verbatim: a trailing slash would double it (README §7).
  return `${u.origin}${u.pathname}`.replace(/\/+$/, '');
}

/** Keys travel as HTTP header values; anything outside visible ASCII is a paste accident. */
function checkKey(value: string, what: string, required: boolean): string {
  const v = typeof value === 'string' ? value.trim() : '';
  if (!v) {
    if (required) throw new VigilError('SOURCE_NOT_CONFIGURED', `Add your Datadog ${what} in the connection settings.`);
    return '';
  }
  if (!/^[\x21-\x7e]+$/.test(v)) {
    throw new VigilError('VALIDATION_FAILED', `The Datadog ${what} contains characters a key cannot have. Paste it again.`);
  }
  return v;
}

function positive(v: number | undefined, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v <= 0) throw new VigilError('VALIDATION_FAILED', `${what} must be a positive number.`);
  return v;
}

function nonNegativeInt(v: number | undefined, fallback: number, what: string): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 0) throw new VigilError('VALIDATION_FAILED', `${what} must be a whole number, 0 or more.`);
  return v;
}
