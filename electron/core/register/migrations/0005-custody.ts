// Custody: this workstation's analyst keys, the signed team rosters it trusts, and what a sign-off
// needs to be checked later (which key, which algorithm, which decision revision). Rosters, like
// sign-offs, never change once stored: a newer version is a new row.
import type { Migration } from './types';

export const m0005: Migration = {
  version: 5,
  name: 'custody',
  sql: `
-- The private half lives only here, inside the encrypted register; a retired key keeps its row
-- (past sign-offs name it) but not its private half.
CREATE TABLE analyst_keys (
  key_id TEXT PRIMARY KEY,
  handle TEXT NOT NULL,
  public_key TEXT NOT NULL UNIQUE,
  private_key BLOB,
  created_at INTEGER NOT NULL,
  retired_at INTEGER
) STRICT;

-- Every roster version ever trusted, verbatim (the signatures cover its exact content).
CREATE TABLE rosters (
  version INTEGER PRIMARY KEY,
  team TEXT NOT NULL,
  text TEXT NOT NULL,
  signer_key_id TEXT NOT NULL,
  imported_by TEXT NOT NULL,
  imported_at INTEGER NOT NULL
) STRICT;
CREATE TRIGGER rosters_no_update BEFORE UPDATE ON rosters BEGIN SELECT RAISE(ABORT, 'rosters are immutable'); END;
CREATE TRIGGER rosters_no_delete BEFORE DELETE ON rosters BEGIN SELECT RAISE(ABORT, 'rosters are immutable'); END;

ALTER TABLE signoffs ADD COLUMN key_id TEXT;
ALTER TABLE signoffs ADD COLUMN algorithm TEXT;
ALTER TABLE signoffs ADD COLUMN revision INTEGER;
ALTER TABLE signoffs ADD COLUMN signature_sha256 TEXT;

-- Bumped whenever a decision field changes: a sign-off covers exactly one revision.
ALTER TABLE findings ADD COLUMN decision_revision INTEGER NOT NULL DEFAULT 0;
-- JSON array of ATT&CK technique ids beyond the primary one.
ALTER TABLE findings ADD COLUMN secondary_techniques TEXT;
`,
};
