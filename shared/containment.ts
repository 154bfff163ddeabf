// Containment over the contract: configured actions, a finding's containment state (what may be
// asked now and why not), requests with their approval state and deadline, and second analysts on
// this workstation. Only public material crosses back: handles, key ids, hashes. Passphrases go in
// (to unlock a second analyst's key in the core) and never come back.
import { z } from 'zod';
import { AnalystHandle } from './custody';
import { FindingId } from './domain';
import { Severity } from './severity';

export const ContainmentActionKind = z.enum(['workflow', 'incident']);
export const DangerLevel = Severity;

const WorkflowId = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a Datadog workflow id is a UUID, as in the workflow URL');

export const ContainmentActionView = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: ContainmentActionKind,
  workflow_id: z.string().nullable(),
  /** the input mapping, as pretty JSON text */
  inputs: z.string(),
  /** the references the mapping reads ($entity.user, $finding.id, …) */
  refs: z.array(z.string()),
  danger: DangerLevel,
  description: z.string().nullable(),
  updated_at: z.string(),
});
export type ContainmentActionView = z.infer<typeof ContainmentActionView>;

export const SaveContainmentActionInput = z
  .object({
    /** absent: a new action */
    id: z.number().int().positive().optional(),
    name: z.string().trim().min(1).max(80),
    kind: ContainmentActionKind,
    workflow_id: WorkflowId.optional(),
    /** JSON object text: {"user": "$entity.user", "finding": "$finding.id"} */
    inputs: z.string().min(2).max(8_000),
    danger: DangerLevel,
    description: z.string().trim().max(500).optional(),
  })
  .strict();

export const ContainmentRequestState = z.enum(['awaiting_approval', 'queued', 'running', 'succeeded', 'failed', 'refused', 'expired']);

export const ContainmentRequestView = z.object({
  id: z.number().int(),
  action_id: z.string(),
  action_name: z.string(),
  kind: ContainmentActionKind,
  danger: DangerLevel,
  severity: Severity,
  needs_second_key: z.boolean(),
  state: ContainmentRequestState,
  reason: z.string(),
  requested_by: z.string(),
  requested_at: z.string(),
  /** the approval deadline (minutes by severity: 60 critical, 720 high, 1,440 otherwise) */
  expires_at: z.string(),
  deadline_minutes: z.number().int(),
  approved_by: z.string().nullable(),
  approved_at: z.string().nullable(),
  /** the deadline passed without an approval: handed to the leads */
  escalated_at: z.string().nullable(),
  escalated_to: z.array(z.string()),
  workflow_id: z.string().nullable(),
  /** the exact inputs the requester signed */
  inputs: z.record(z.string(), z.unknown()),
  instance_id: z.string().nullable(),
  instance_status: z.string().nullable(),
  incident_id: z.string().nullable(),
  evidence_id: z.number().int().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type ContainmentRequestView = z.infer<typeof ContainmentRequestView>;

export const ContainmentGate = z.object({
  /** true when this workstation's analyst may ask for containment of this finding now */
  ok: z.boolean(),
  code: z.string().nullable(),
  message: z.string().nullable(),
});

export const ContainmentFindingState = z.object({
  finding_id: FindingId,
  gate: ContainmentGate,
  actions: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      kind: ContainmentActionKind,
      danger: DangerLevel,
      /** on this finding: its severity or the action's danger asks for a second analyst */
      needs_second_key: z.boolean(),
      /** roles that may give the second key */
      approver_roles: z.array(z.string()),
    }),
  ),
  requests: z.array(ContainmentRequestView),
  /** second analysts whose keys are on this workstation */
  approvers: z.array(z.object({ handle: z.string(), key_id: z.string(), role: z.string().nullable() })),
});
export type ContainmentFindingState = z.infer<typeof ContainmentFindingState>;

export const RequestContainmentInput = z
  .object({ id: FindingId, action: z.number().int().positive(), reason: z.string().trim().min(1).max(2_000) })
  .strict();

const Passphrase = z.string().min(1).max(1024);

export const ApproveLocalInput = z.object({ request: z.number().int().positive(), handle: AnalystHandle, passphrase: Passphrase }).strict();

export const ApprovalFileText = z.object({ text: z.string().min(2).max(512 * 1024) }).strict();

export const EnrolApproverInput = z
  .object({ handle: AnalystHandle, name: z.string().trim().min(1).max(200), passphrase: z.string().min(8, 'at least 8 characters').max(1024) })
  .strict();

export const ApproverView = z.object({
  handle: z.string(),
  name: z.string(),
  key_id: z.string(),
  public_key: z.string(),
  created_at: z.string(),
  /** the role the trusted roster gives this key; null when the roster does not name it (yet) */
  role: z.string().nullable(),
});
export type ApproverView = z.infer<typeof ApproverView>;
