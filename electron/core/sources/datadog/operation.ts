// What the call loop needs to know about an operation to retry it safely and to explain its failure.
export type DatadogPermission =
  | 'security_monitoring_signals_read'
  | 'security_monitoring_signals_write'
  | 'cases_read'
  | 'cases_write'
  | 'workflows_read'
  | 'workflows_run'
  | 'incident_write';

export interface Operation {
  /** Verb phrase for messages: "search signals", "create a case". */
  name: string;
  /** `api_key` only for /api/v1/validate; everything else needs both keys (README §1). */
  auth: 'api_key' | 'api_and_app_key';
  /** The x-permission of the endpoint, named in SOURCE_FORBIDDEN messages. */
  permission?: DatadogPermission;
  /**
   * Whether sending the request twice is harmless. Reads and "set X to Y" updates are; creating a case,
   * running a workflow, commenting or declaring an incident are not, so those are retried only when
   * the request cannot have reached Datadog (429, refused connection, DNS failure).
   */
  idempotent: boolean;
  /** "Signal AQAA…", "Case 58b1…": the subject of a SOURCE_NOT_FOUND message. */
  subject?: string;
  /** Extra advice for a 403, e.g. workflows also need a registered application key. */
  forbiddenHint?: string;
}
