// The fake's in-memory Datadog org: signals with their triage metadata, case projects and cases,
// workflows and their instances, incidents. Shapes follow the recorded bodies in
// shared/reference/datadog/examples; anything not recorded is marked as the fake's own choice.
import { randomUUID } from 'node:crypto';

/** A signal in the search/list shape: custom data under attributes.attributes. */
export interface SearchSignal {
  id: string;
  type: 'signal';
  attributes: {
    timestamp: string;
    status?: string;
    message?: string;
    tags?: string[];
    host?: string;
    service?: string[];
    attributes?: Record<string, unknown>;
    [k: string]: unknown;
  };
}

export type FakePermission =
  | 'security_monitoring_signals_read'
  | 'security_monitoring_signals_write'
  | 'cases_read'
  | 'cases_write'
  | 'workflows_read'
  | 'workflows_run'
  | 'incident_write';

export interface TriageMeta {
  state: string;
  archive_reason: string;
  archive_comment?: string;
  assignee: { id: number; name: string | null; uuid: string; handle?: string };
  incident_ids: number[];
  state_update_timestamp: number;
}

export interface FakeCase {
  id: string;
  key: string;
  publicId: number;
  title: string;
  description: string;
  status: string;
  priority: string;
  typeId: string;
  projectId: string;
  assigneeId: string | null;
  insights: { type: string; ref: string; resource_id: string }[];
  comments: { id: string; message: string; created_at: string }[];
  createdAt: string;
  modifiedAt: string | null;
  closedAt: string | null;
  archivedAt: string | null;
}

export interface FakeWorkflow {
  /** GETs answered IN_PROGRESS before the terminal kind */
  pollsBeforeDone: number;
  terminalKind: string;
  terminalDisplayName: string;
  outputs: Record<string, unknown>;
}

export interface FakeInstance {
  id: string;
  workflowId: string;
  payload: unknown;
  polls: number;
  startedAt: string;
  endedAt: string | null;
}

export interface FakeIncident {
  id: string;
  publicId: number;
  body: unknown;
  response: unknown;
}

export const FAKE_USER = {
  id: '9919ec9b-ebc7-49ee-8dc8-03626e717cca',
  handle: '9919ec9b-ebc7-49ee-8dc8-03626e717cca',
  email: 'vigil-fake@example.invalid',
  name: 'Vigil Fake',
  numericId: 2115689,
};

/** The project of every recorded case cassette. */
export const RECORDED_PROJECT_ID = 'd4bbe1af-f36e-42f1-87c1-493ca35c320e';
/** The workflow of the recorded workflow cassettes. */
export const RECORDED_WORKFLOW_ID = 'ccf73164-1998-4785-a7a3-8d06c7e5f558';

export const CASE_TYPES: Record<string, string> = {
  '00000000-0000-0000-0000-000000000001': 'STANDARD',
  '00000000-0000-0000-0000-000000000002': 'EVENT_MANAGEMENT',
  '00000000-0000-0000-0000-000000000003': 'SECURITY',
  '00000000-0000-0000-0000-000000000004': 'CHANGE_REQUEST',
  '00000000-0000-0000-0000-000000000005': 'ERROR_TRACKING_ISSUE',
};

/** From the recorded 400: every status name the API accepts across case types. */
export const CASE_STATUS_NAMES = [
  'NOT_STARTED', 'IN_PROGRESS', 'CLOSED', 'ACKNOWLEDGED', 'TRIGGERED', 'PENDING_APPROVAL', 'COMPLETED', 'CANCELLED',
  'DECLINED', 'SUNKNOWN', 'OPEN', 'RESOLVED', 'APPROVED', 'IMPLEMENTING',
];

export class FakeDatadogState {
  /** bumped by every change to `signals` made through the fake's API; search caches key on it */
  signalsVersion = 0;
  apiKey: string;
  appKey: string;
  /** API keys that "belong to another site": validate answers the recorded invalid-key 403 */
  wrongSiteApiKeys = new Set<string>();
  /** permissions the application key's user lacks: endpoints needing them answer 403 */
  deniedPermissions = new Set<FakePermission>();
  signals: SearchSignal[] = [];
  triage = new Map<string, TriageMeta>();
  projects = new Map<string, { key: string; name: string }>([[RECORDED_PROJECT_ID, { key: 'DDFC', name: 'Vigil fake project' }]]);
  cases = new Map<string, FakeCase>();
  /** successful POST /api/v2/cases — what a duplicate-case test counts */
  casesCreated = 0;
  workflows = new Map<string, FakeWorkflow>();
  instances = new Map<string, FakeInstance>();
  incidents: FakeIncident[] = [];
  rateLimit: { name: string; limit: number; periodSec: number };
  private nextCaseNumber = 1;
  private nextIncidentNumber = 1;

  constructor(opts: { apiKey: string; appKey: string; rateLimit: { name: string; limit: number; periodSec: number } }) {
    this.apiKey = opts.apiKey;
    this.appKey = opts.appKey;
    this.rateLimit = opts.rateLimit;
  }

  findSignal(id: string): SearchSignal | undefined {
    return this.signals.find((s) => s.id === id);
  }

  /** Triage metadata, initialised from the signal's own workflow.triage the first time it is touched. */
  triageOf(s: SearchSignal, now: number): TriageMeta {
    let t = this.triage.get(s.id);
    if (!t) {
      const wf = (s.attributes.attributes?.['workflow'] ?? {}) as { triage?: { state?: string; incidentIds?: number[] } };
      t = {
        state: wf.triage?.state ?? 'open',
        archive_reason: 'none',
        assignee: { id: -1, name: 'Unassigned', uuid: '' },
        incident_ids: wf.triage?.incidentIds ?? [],
        state_update_timestamp: now,
      };
      this.triage.set(s.id, t);
    }
    return t;
  }

  /** Mirror triage into the signal, so `@workflow.triage.state:archived` queries see the change. */
  reflectTriage(s: SearchSignal, t: TriageMeta): void {
    const custom = (s.attributes.attributes ??= {});
    const wf = (custom['workflow'] ??= {}) as Record<string, unknown>;
    const prev = (wf['triage'] ?? {}) as Record<string, unknown>;
    wf['triage'] = { ...prev, state: t.state, assignee: { id: t.assignee.id, name: t.assignee.name ?? '' }, incidentIds: t.incident_ids };
  }

  newCase(init: Omit<FakeCase, 'id' | 'key' | 'publicId' | 'insights' | 'comments' | 'modifiedAt' | 'closedAt' | 'archivedAt'>): FakeCase {
    const project = this.projects.get(init.projectId);
    const n = this.nextCaseNumber++;
    const c: FakeCase = {
      ...init,
      id: randomUUID(),
      key: `${project?.key ?? 'CASE'}-${n}`,
      publicId: n,
      insights: [],
      comments: [],
      modifiedAt: null,
      closedAt: null,
      archivedAt: null,
    };
    this.cases.set(c.id, c);
    this.casesCreated += 1;
    return c;
  }

  nextIncidentPublicId(): number {
    return this.nextIncidentNumber++;
  }
}
