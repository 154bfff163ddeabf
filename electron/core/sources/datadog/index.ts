// Public surface of the Datadog source.
export { createDatadogClient, type DatadogClient, type DatadogClientConfig } from './client';
export type { CallOptions } from './call';
export type { ConnectionCheck, ConnectionReport, TestConnectionOptions, ValidateResult } from './connection';
export type { RateLimitInfo } from './failures';
export type { WaitInfo, WaitReason, Sleep } from './retry';
export {
  ARCHIVE_REASONS,
  MAX_SIGNAL_PAGE,
  TRIAGE_STATES,
  type ArchiveReason,
  type SearchSignalsParams,
  type SignalPage,
  type SignalSort,
  type TriageResult,
  type TriageState,
} from './signals';
export {
  CASE_MARKER,
  CASE_PRIORITIES,
  CASE_STATUSES,
  SECURITY_CASE_TYPE,
  STANDARD_CASE_TYPE,
  type CaseRef,
  type CasePriority,
  type CaseStatus,
  type CreateCaseParams,
  type CreatedCase,
} from './cases';
export type { WorkflowInstance, WaitForWorkflowOptions } from './workflows';
export { INCIDENT_SEVERITIES, type CreateIncidentParams, type CreatedIncident, type IncidentSeverity } from './incidents';
export { DATADOG_SITES, apiBaseUrl, normalizeDatadogSite, uiBaseUrl, type DatadogSite } from './site';
