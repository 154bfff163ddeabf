// Domain schemas shared by every layer. The schema is the type: z.infer everywhere.
import { z } from 'zod';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

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
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const SignalRevisionView = z.object({
  revision: z.number().int(),
  content_hash: z.string(),
  fetched_at: isoTime,
});

export const FindingDetail = z.object({
  finding: QueueRow.extend({
    tactic_name: z.string().nullable(),
    technique_name: z.string().nullable(),
    risk_factors: z.record(z.string(), z.number()).nullable(),
    mitigation_plan: z.string().nullable(),
    supersedes: FindingId.nullable(),
  }),
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
  idleLockMinutes: z.number().int(),
  osKeystore: z.enum(['available', 'unavailable']),
});
export type VaultStatus = z.infer<typeof VaultStatus>;

export const Connectivity = z.enum(['online', 'offline', 'not-configured']);
export type Connectivity = z.infer<typeof Connectivity>;

export const AppInfo = z.object({
  version: z.string(),
  connectivity: Connectivity,
  outbox: z.object({ pending: z.number().int(), lastError: z.string().nullable() }),
  attack: z.object({ version: z.string() }),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const VigilEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('vault'), status: VaultStatus }),
  z.object({ type: z.literal('connectivity'), connectivity: Connectivity }),
]);
export type VigilEvent = z.infer<typeof VigilEvent>;
