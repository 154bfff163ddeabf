// A compact copy of each finding's filter columns. Walking a sort index and checking each row's
// filters against the wide findings table costs a page decrypt per row on a large register; this
// table is ~25 bytes a row and stays in the page cache, so the same walk costs a cached lookup.
import type { Migration } from './types';

export const m0004: Migration = {
  version: 4,
  name: 'finding-dims',
  sql: `
CREATE TABLE finding_dims (
  id INTEGER PRIMARY KEY,
  status_rank INTEGER NOT NULL,
  severity_rank INTEGER NOT NULL,
  priority TEXT NOT NULL,
  assignee TEXT,
  mitre_tactic TEXT,
  mitre_technique TEXT,
  technique_parent TEXT
) STRICT;

INSERT INTO finding_dims (id, status_rank, severity_rank, priority, assignee, mitre_tactic, mitre_technique, technique_parent)
SELECT id, status_rank, severity_rank, priority, assignee, mitre_tactic, mitre_technique, technique_parent FROM findings;

-- Inserts are written by the ingester itself (see 0001 on insert triggers); changes follow here.
CREATE TRIGGER findings_dims_update AFTER UPDATE OF status, severity, priority, assignee, mitre_tactic, mitre_technique ON findings BEGIN
  UPDATE finding_dims SET status_rank = NEW.status_rank, severity_rank = NEW.severity_rank, priority = NEW.priority,
    assignee = NEW.assignee, mitre_tactic = NEW.mitre_tactic, mitre_technique = NEW.mitre_technique, technique_parent = NEW.technique_parent
  WHERE id = NEW.id;
END;
CREATE TRIGGER findings_dims_delete AFTER DELETE ON findings BEGIN
  DELETE FROM finding_dims WHERE id = OLD.id;
END;
`,
};
