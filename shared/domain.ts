// Domain schemas shared by every layer. The schema is the type: z.infer everywhere.
import { z } from 'zod';
import { DraftView as DraftRef, FindingBrief as BriefRef } from './brief';

export { SEVERITIES, Severity } from './severity';
import { Severity } from './severity';
import { SEVERITIES } from './severity';

export const FINDING_STATUSES = [
  'new',
  'drafted',
  'in_review',
  'blocked',
  'signed',
  'containing',
  'contained',
  'closed',
] as const;
export const FindingStatus = z.enum(FINDING_STATUSES);
export type FindingStatus = z.infer<typeof FindingStatus>;

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const FindingId = z
  .string()
  .regex(/^FND-[1-9]\d{0,11}$/, 'a finding id looks like FND-42');
export type FindingId = z.infer<typeof FindingId>;

export const TacticId = z.string().regex(/^TA\d{4}$/i, 'a tactic id looks like TA0006').transform((s) => s.toUpperCase());
export const TechniqueId = z
  .string()
  .regex(/^T\d{4}(?:\.\d{3})?$/i, 'a technique id looks like T1110 or T1110.003')
  .transform((s) => s.toUpperCase());

/** Columns an analyst can sort the queue by. Names follow the seed's Findings table. */
export const QUEUE_SORT_FIELDS = [
  'finding_id',
  'dd_signal_id',
  'title',
  'splunk_search',
  'mitre_technique',
  'mitre_tactic',
  'severity',
  'blast_radius',
  'recommended_action',
  'drafted_by',
  'analyst_signoff',
  'signed_at',
  'status',
  'priority',
  'assignee',
  'source',
  'created_at',
  'updated_at',
  'risk_score',
] as const;
export const QueueSortField = z.enum(QUEUE_SORT_FIELDS);
export type QueueSortField = z.infer<typeof QueueSortField>;

const shortText = z.string().max(200);

export const QueueFilter = z
  .object({
    status: z.array(FindingStatus).max(FINDING_STATUSES.length).optional(),
    severity: z.array(Severity).max(SEVERITIES.length).optional(),
    priority: z.array(Priority).max(PRIORITIES.length).optional(),
    /** analyst handles; the empty string selects unassigned findings */
    assignee: z.array(shortText).max(100).optional(),
    tactic: z.array(TacticId).max(20).optional(),
    /** a parent id (T1110) also matches its sub-techniques */
    technique: z.array(TechniqueId).max(50).optional(),
    /** full-text words over findings and signal text */
    search: z.string().max(500).optional(),
  })
  .strict();
export type QueueFilter = z.infer<typeof QueueFilter>;

export const QueueQuery = z
  .object({
    filter: QueueFilter.default({}),
    sort: z
      .object({ field: QueueSortField, dir: z.enum(['asc', 'desc']) })
      .strict()
      .default({ field: 'created_at', dir: 'desc' }),
    offset: z.number().int().min(0).max(10_000_000).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type QueueQuery = z.input<typeof QueueQuery>;
export type QueueQueryParsed = z.output<typeof QueueQuery>;

const isoTime = z.string();

/** One queue row, keyed by the seed's column names plus status, priority, assignee. */
export const QueueRow = z.object({
  finding_id: FindingId,
  dd_signal_id: z.string(),
  title: z.string(),
  splunk_search: z.string().nullable(),
  mitre_technique: z.string().nullable(),
  mitre_tactic: z.string().nullable(),
  severity: Severity,
  blast_radius: z.string().nullable(),
  recommended_action: z.string().nullable(),
  drafted_by: z.string().nullable(),
  analyst_signoff: z.string().nullable(),
  signed_at: isoTime.nullable(),
  status: FindingStatus,
  priority: Priority,
  assignee: z.string().nullable(),
  source: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  risk_score: z.number().nullable(),
});
export type QueueRow = z.infer<typeof QueueRow>;

export const QueuePage = z.object({
  rows: z.array(QueueRow),
  /** rows matching the filter; a lower bound when totalExact is false */
  total: z.number().int().min(0),
  totalExact: z.boolean(),
  offset: z.number().int().min(0),
  limit: z.number().int().min(1),
});
export type QueuePage = z.infer<typeof QueuePage>;

export const FacetCount = z.object({ value: z.string(), label: z.string(), count: z.number().int() });
export type FacetCount = z.infer<typeof FacetCount>;

export const QueueFacets = z.object({
  status: z.array(FacetCount),
  severity: z.array(FacetCount),
  priority: z.array(FacetCount),
  assignee: z.array(FacetCount),
  tactic: z.array(FacetCount),
  technique: z.array(FacetCount),
  total: z.number().int(),
});
export type QueueFacets = z.infer<typeof QueueFacets>;

export const AuditEntryView = z.object({
  seq: z.number().int(),
  at: isoTime,
  actor: z.string(),
  action: z.string(),
  field: z.string().nullable(),
  old: z.unknown(),
  new: z.unknown(),
  reason: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const SignalRevisionView = z.object({
  revision: z.number().int(),
  content_hash: z.string(),
  fetched_at: isoTime,
});

/** One sign-off of a finding, as checked against the trusted roster when the finding was read. */
export const SignoffView = z.object({
  analyst: z.string(),
  key_id: z.string().nullable(),
  signed_at: isoTime,
  revision: z.number().int().nullable(),
  signature_sha256: z.string().nullable(),
  valid: z.boolean(),
  /** why it does not verify (signature_mismatch, evidence_mismatch, unknown_key, roster_missing, …) */
  reason: z.string().nullable(),
  /** signed for an older decision revision than the finding's current one */
  stale: z.boolean(),
});
export type SignoffView = z.infer<typeof SignoffView>;

/** What the signal did after the finding was signed: one revision's delta (register/signal-deltas.ts). */
export const SignalDeltaView = z.object({
  from_revision: z.number().int(),
  to_revision: z.number().int(),
  /** the signal revision in force when the finding was signed */
  baseline_revision: z.number().int(),
  at: isoTime,
  fields: z.record(z.string(), z.object({ old: z.unknown(), new: z.unknown() })),
  tags: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  entities: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  techniques: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  /** why the change was material (severity_up, new_entities, new_technique); empty when it was not */
  material: z.array(z.object({ kind: z.string() }).loose()),
  superseded_by: FindingId.nullable(),
});
export type SignalDeltaView = z.infer<typeof SignalDeltaView>;

export const FindingDetail = z.object({
  /** the newest successful draft's brief, and every draft attempt */
  brief: z.lazy(() => BriefRef).nullable(),
  drafts: z.array(z.lazy(() => DraftRef)),
  evidence: z.array(z.lazy(() => EvidenceView)),
  context: z.lazy(() => ContextState),
  datadogCase: z.object({ id: z.string(), key: z.string().nullable() }).nullable(),
  finding: QueueRow.extend({
    tactic_name: z.string().nullable(),
    technique_name: z.string().nullable(),
    risk_factors: z.record(z.string(), z.number()).nullable(),
    mitigation_plan: z.string().nullable(),
    supersedes: FindingId.nullable(),
    /** the finding a material signal change opened after this one was signed */
    superseded_by: FindingId.nullable().default(null),
    /** bumped by every decision change; a sign-off covers exactly one revision */
    decision_revision: z.number().int().min(0),
    secondary_techniques: z.array(z.string()),
    /** what a blocked finding waits for */
    awaiting: z.string().nullable(),
  }),
  /** every sign-off, oldest first, each verified now */
  signoffs: z.array(SignoffView),
  /** signal changes appended after sign-off, oldest first */
  signal_deltas: z.array(SignalDeltaView).default([]),
  signal: z.object({
    dd_signal_id: z.string(),
    timestamp: isoTime,
    rule_name: z.string().nullable(),
    rule_type: z.string().nullable(),
    source: z.string().nullable(),
    message: z.string(),
    tags: z.array(z.string()),
    entities: z.array(z.string()),
    samples: z.array(z.unknown()),
    triage_state: z.string().nullable(),
    revision: z.number().int(),
    revisions: z.array(SignalRevisionView),
    payload: z.unknown(),
  }),
  history: z.array(AuditEntryView),
});
export type FindingDetail = z.infer<typeof FindingDetail>;

export const UnlockMethod = z.enum(['passphrase', 'os']);
export const VaultStatus = z.object({
  state: z.enum(['none', 'locked', 'unlocked']),
  workspace: z
    .object({ path: z.string(), name: z.string(), demo: z.boolean() })
    .nullable(),
  unlockMethods: z.array(UnlockMethod),
  /** team workspaces opened lately (the demo has its own button) */
  recent: z.array(z.object({ path: z.string(), name: z.string() })),
  idleLockMinutes: z.number().int(),
  osKeystore: z.enum(['available', 'unavailable']),
});
export type VaultStatus = z.infer<typeof VaultStatus>;

export const Connectivity = z.enum(['online', 'offline', 'not-configured']);
export type Connectivity = z.infer<typeof Connectivity>;

export const AppInfo = z.object({
  version: z.string(),
  connectivity: Connectivity,
  outbox: z.object({ pending: z.number().int(), failed: z.number().int(), lastError: z.string().nullable() }),
  attack: z.object({ version: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

// ---------------------------------------------------------------------------------------------
// Sources: connections, sync, outbox, Splunk context

const secretInput = z.string().trim().min(1).max(512);

/** The furthest back a re-check of past signals reads (the sync's own first lookback is 30 days). */
export const MAX_RECHECK_DAYS = 30;
/** The daily re-check reads this far back unless the workspace says otherwise (0 turns it off). */
export const DEFAULT_RECHECK_DAYS = 7;

export const DatadogSettings = z.object({
  configured: z.boolean(),
  site: z.string(),
  baseUrl: z.string().nullable(),
  query: z.string(),
  projectId: z.string().nullable(),
  caseTypeId: z.string().nullable(),
  pageSize: z.number().int(),
  autoSyncMinutes: z.number().int(),
  /** days read again once a day, for signals changed in Datadog after they fired; 0 = off */
  recheckDays: z.number().int(),
  hasApiKey: z.boolean(),
  hasAppKey: z.boolean(),
});
export type DatadogSettings = z.infer<typeof DatadogSettings>;

export const SplunkSettings = z.object({
  configured: z.boolean(),
  url: z.string().nullable(),
  savedSearch: z.string().nullable(),
  caFile: z.string().nullable(),
  hasToken: z.boolean(),
});
export type SplunkSettings = z.infer<typeof SplunkSettings>;

export const LlmSettings = z.object({
  configured: z.boolean(),
  baseUrl: z.string().nullable(),
  model: z.string().nullable(),
  promptVersion: z.string(),
  concurrency: z.number().int(),
  autoDraft: z.boolean(),
  hasApiKey: z.boolean(),
});
export type LlmSettings = z.infer<typeof LlmSettings>;

export const SaveLlmInput = z
  .object({
    baseUrl: z.string().trim().url().max(500),
    model: z.string().trim().min(1).max(200),
    apiKey: z.string().trim().min(1).max(512).optional(),
    promptVersion: z.string().trim().min(1).max(20).optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    autoDraft: z.boolean().optional(),
  })
  .strict();
export type SaveLlmInput = z.infer<typeof SaveLlmInput>;

export const SourcesSettings = z.object({ datadog: DatadogSettings, splunk: SplunkSettings, llm: LlmSettings });
export type SourcesSettings = z.infer<typeof SourcesSettings>;

/** Absent secret fields keep what is stored; an empty string is refused (use clear*). */
export const SaveDatadogInput = z
  .object({
    site: z.string().trim().min(1).max(200),
    baseUrl: z.string().trim().url().max(500).nullable().optional(),
    apiKey: secretInput.optional(),
    appKey: secretInput.optional(),
    query: z.string().trim().max(1000).optional(),
    projectId: z.string().trim().max(100).nullable().optional(),
    caseTypeId: z.string().trim().max(100).nullable().optional(),
    pageSize: z.number().int().min(1).max(1000).optional(),
    autoSyncMinutes: z.number().int().min(0).max(1440).optional(),
    recheckDays: z.number().int().min(0).max(MAX_RECHECK_DAYS).optional(),
  })
  .strict();
export type SaveDatadogInput = z.infer<typeof SaveDatadogInput>;

export const SaveSplunkInput = z
  .object({
    url: z.string().trim().url().max(500),
    token: secretInput.optional(),
    savedSearch: z.string().trim().min(1).max(300),
    caFile: z.string().trim().max(1000).nullable().optional(),
  })
  .strict();
export type SaveSplunkInput = z.infer<typeof SaveSplunkInput>;

export const ConnectionCheck = z.object({ name: z.string(), ok: z.boolean(), code: z.string().optional(), message: z.string() });
export const ConnectionReport = z.object({ source: z.enum(['datadog', 'splunk']), ok: z.boolean(), checks: z.array(ConnectionCheck) });
export type ConnectionReport = z.infer<typeof ConnectionReport>;

export const SyncStatus = z.object({
  running: z.boolean(),
  /** incremental: new signals since the high-water mark; recheck: a past window read again */
  mode: z.enum(['incremental', 'recheck']),
  phase: z.enum(['idle', 'fetching', 'waiting', 'done', 'failed', 'cancelled']),
  pages: z.number().int(),
  signals: z.number().int(),
  inserted: z.number().int(),
  revised: z.number().int(),
  quarantined: z.number().int(),
  waits: z.number().int(),
  resumable: z.boolean(),
  recheckResumable: z.boolean(),
  lastSyncAt: z.string().nullable(),
  highWater: z.string().nullable(),
  lastRecheckAt: z.string().nullable(),
  /** start of the last (or interrupted) re-check window */
  recheckFrom: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const OutboxEntryView = z.object({
  id: z.number().int(),
  kind: z.string(),
  target: z.string(),
  state: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  createdAt: z.string(),
});
export const OutboxStatus = z.object({
  pending: z.number().int(),
  failed: z.number().int(),
  sent: z.number().int(),
  lastError: z.string().nullable(),
  entries: z.array(OutboxEntryView),
});
export type OutboxStatus = z.infer<typeof OutboxStatus>;

export const EvidenceView = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  sha256: z.string(),
  created_by: z.string(),
  created_at: z.string(),
  meta: z.record(z.string(), z.unknown()).nullable(),
  /** Splunk results as a table; null for other kinds */
  table: z.object({ fields: z.array(z.string()), rows: z.array(z.record(z.string(), z.unknown())) }).nullable(),
  text: z.string().nullable(),
});
export type EvidenceView = z.infer<typeof EvidenceView>;

export const ContextState = z.object({
  state: z.enum(['none', 'pending', 'running', 'done', 'failed']),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  attempts: z.number().int(),
});

export const DraftRunStatus = z.object({
  running: z.boolean(),
  total: z.number().int(),
  done: z.number().int(),
  drafted: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
  fellBack: z.number().int(),
  drafter: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type DraftRunStatus = z.infer<typeof DraftRunStatus>;

export const DraftRunInput = z
  .object({
    /** "new": findings not yet drafted; "ids": the given findings; "filter": everything the queue filter matches */
    scope: z.enum(['new', 'ids', 'filter']),
    ids: z.array(FindingId).max(10_000).optional(),
    filter: z.lazy(() => QueueFilter).optional(),
    force: z.boolean().optional(),
  })
  .strict();

export const FindingUpdateInput = z
  .object({
    id: FindingId,
    status: FindingStatus.optional(),
    priority: Priority.optional(),
    assignee: z.string().trim().max(100).nullable().optional(),
    reason: z.string().trim().max(2000).optional(),
    /** raising or lowering it needs a reason; it is a decision field */
    severity: Severity.optional(),
    /** what a blocked finding waits for: required when moving to blocked */
    awaiting: z.string().trim().min(1).max(500).optional(),
    /** decision fields the analyst edits (the drafter proposes them) */
    mitigation_plan: z.string().trim().max(20_000).nullable().optional(),
    recommended_action: z.string().trim().max(2_000).nullable().optional(),
    blast_radius: z.string().trim().max(2_000).nullable().optional(),
    /** on a signed finding, a decision edit must say so: it makes a new revision that needs a new sign-off */
    newRevision: z.boolean().optional(),
  })
  .strict();

export const VigilEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('vault'), status: VaultStatus }),
  z.object({ type: z.literal('connectivity'), connectivity: Connectivity }),
  z.object({ type: z.literal('sync'), status: SyncStatus }),
  z.object({ type: z.literal('outbox'), status: OutboxStatus.omit({ entries: true }) }),
  z.object({ type: z.literal('findings'), changed: z.array(FindingId), reason: z.string() }),
  z.object({ type: z.literal('drafts'), status: DraftRunStatus }),
  /** an evidence export's progress (shared/evidence.ts) */
  z.object({ type: z.literal('export'), phase: z.enum(['reading', 'writing', 'signing', 'done']), done: z.number().int(), total: z.number().int() }),
]);
export type VigilEvent = z.infer<typeof VigilEvent>;
