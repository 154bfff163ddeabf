// What changed in a signal after its finding was signed. A sign-off never changes, so a later
// revision of the signal does not touch the signed finding: it appends one row here (and an audit
// entry). A material change (severity up, new entities, a new technique tag) also opens a new
// finding whose `supersedes` points back; `superseded_by` on the delta row is the way back.
import type { Migration } from './types';

export const m0009: Migration = {
  version: 9,
  name: 'signal-deltas',
  sql: `
CREATE TABLE signal_deltas (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  signal_id INTEGER NOT NULL REFERENCES signals (id),
  from_revision INTEGER NOT NULL,
  to_revision INTEGER NOT NULL,
  -- the signal revision in force when the finding was signed: materiality is judged against it
  baseline_revision INTEGER NOT NULL,
  -- the finding's decision revision that was signed when this delta arrived
  decision_revision INTEGER NOT NULL,
  -- JSON: changed fields, tags / entities / techniques / tactics added and removed, both hashes
  delta TEXT NOT NULL,
  -- JSON array of the material reasons; NULL when the change is not material
  material TEXT,
  superseded_by INTEGER REFERENCES findings (id),
  created_at INTEGER NOT NULL,
  UNIQUE (finding_id, to_revision)
) STRICT;
CREATE TRIGGER signal_deltas_no_update BEFORE UPDATE ON signal_deltas BEGIN SELECT RAISE(ABORT, 'signal deltas are append-only'); END;
CREATE TRIGGER signal_deltas_no_delete BEFORE DELETE ON signal_deltas BEGIN SELECT RAISE(ABORT, 'signal deltas are append-only'); END;
`,
};
