// Containment behind the gate: the configured actions (Datadog workflows or an incident), the
// requests made on signed findings with the requester's signed request and, when the policy asks
// for one, a second analyst's approval; and second analysts' keys kept on this workstation, each
// locked by its owner's own passphrase.
import type { Migration } from './types';

export const m0007: Migration = {
  version: 7,
  name: 'containment',
  sql: `
-- What an admin configured: a workflow (or an incident) and how a finding's fields fill its inputs.
CREATE TABLE containment_actions (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('workflow', 'incident')),
  workflow_id TEXT,
  inputs TEXT NOT NULL,
  danger TEXT NOT NULL CHECK (danger IN ('info', 'low', 'medium', 'high', 'critical')),
  description TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((kind = 'workflow') = (workflow_id IS NOT NULL))
) STRICT;

-- One request to run one action on one signed finding. request_record is the requester's signed
-- approval request (it names the exact workflow and inputs); approval_record the second analyst's
-- signed answer. The drain re-verifies both before anything leaves.
CREATE TABLE containment_requests (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  action_id TEXT NOT NULL UNIQUE,
  action_name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('workflow', 'incident')),
  danger TEXT NOT NULL,
  severity TEXT NOT NULL,
  needs_second_key INTEGER NOT NULL CHECK (needs_second_key IN (0, 1)),
  request_record TEXT NOT NULL,
  approval_record TEXT,
  state TEXT NOT NULL CHECK (state IN ('awaiting_approval', 'queued', 'running', 'succeeded', 'failed', 'refused', 'expired')),
  requested_by TEXT NOT NULL,
  requested_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  approved_by TEXT,
  approved_at INTEGER,
  queued_at INTEGER,
  escalated_at INTEGER,
  escalated_to TEXT,
  instance_id TEXT,
  instance_status TEXT,
  incident_id TEXT,
  evidence_id INTEGER REFERENCES evidence (id),
  last_error TEXT,
  last_error_code TEXT,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX containment_requests_finding ON containment_requests (finding_id, id);
CREATE INDEX containment_requests_waiting ON containment_requests (state, expires_at);

-- A second analyst's key on this workstation: the private half sealed (scrypt + AES-256-GCM) by a
-- passphrase only its owner knows, inside the encrypted register. The workstation's own analyst
-- cannot sign with it.
CREATE TABLE approver_keys (
  key_id TEXT PRIMARY KEY,
  handle TEXT NOT NULL,
  name TEXT NOT NULL,
  public_key TEXT NOT NULL UNIQUE,
  sealed_private_key TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX approver_keys_handle ON approver_keys (handle);
`,
};
