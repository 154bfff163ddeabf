// ATT&CK tagging: every time an analyst confirms, overrides or sets a finding's technique, the
// decision is kept with what the drafter had suggested and the stated reason. The findings row holds
// only the current tags; this table answers "who overrode the drafter, to what, and why" a year on.
import type { Migration } from './types';

export const m0008: Migration = {
  version: 8,
  name: 'technique-decisions',
  sql: `
CREATE TABLE technique_decisions (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  kind TEXT NOT NULL CHECK (kind IN ('confirm', 'override', 'set')),
  technique TEXT NOT NULL,
  tactic TEXT,
  -- JSON array of technique ids beyond the primary one
  secondary TEXT NOT NULL,
  previous_technique TEXT,
  suggested_technique TEXT,
  suggested_confidence REAL,
  draft_id INTEGER REFERENCES drafts (id),
  reason TEXT,
  -- the finding's decision revision once this decision was applied
  decision_revision INTEGER NOT NULL,
  actor TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX technique_decisions_finding ON technique_decisions (finding_id, id);
CREATE TRIGGER technique_decisions_no_update BEFORE UPDATE ON technique_decisions BEGIN SELECT RAISE(ABORT, 'technique decisions are immutable'); END;
CREATE TRIGGER technique_decisions_no_delete BEFORE DELETE ON technique_decisions BEGIN SELECT RAISE(ABORT, 'technique decisions are immutable'); END;
`,
};
