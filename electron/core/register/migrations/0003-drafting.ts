// Drafting: the entities of each finding (for related findings), and draft lookups by input hash.
import type { Migration } from './types';

export const m0003: Migration = {
  version: 3,
  name: 'drafting',
  sql: `
-- One row per entity of a finding's signal ("host:web-1" → type "host", value "web-1"), so related
-- findings (shared users, roles, IPs, hosts) are an index lookup, not a scan.
CREATE TABLE finding_entities (
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (finding_id, type, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX finding_entities_value ON finding_entities (value, finding_id);

INSERT OR IGNORE INTO finding_entities (finding_id, type, value)
SELECT f.id,
       CASE WHEN instr(j.value, ':') > 0 THEN substr(j.value, 1, instr(j.value, ':') - 1) ELSE 'entity' END,
       CASE WHEN instr(j.value, ':') > 0 THEN substr(j.value, instr(j.value, ':') + 1) ELSE j.value END
FROM findings f
JOIN signals s ON s.id = f.signal_id
JOIN signal_revisions r ON r.signal_id = s.id AND r.revision = s.revision
JOIN json_each(coalesce(json_extract(r.payload, '$.attributes.attributes.entities'), json_extract(r.payload, '$.attributes.custom.entities'), '[]')) j
WHERE j.type = 'text';

CREATE INDEX drafts_input ON drafts (input_hash, drafter, id);
`,
};
