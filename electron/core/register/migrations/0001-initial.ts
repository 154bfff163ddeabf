// The first schema. Later migrations only add (a test diffs the schema across migrations).
import type { Migration } from './types';

const SEVERITY_RANK = `CASE severity WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END`;
const STATUS_RANK = `CASE status WHEN 'new' THEN 0 WHEN 'drafted' THEN 1 WHEN 'in_review' THEN 2 WHEN 'blocked' THEN 3 WHEN 'signed' THEN 4 WHEN 'containing' THEN 5 WHEN 'contained' THEN 6 WHEN 'closed' THEN 7 END`;
const FACET_KEY = (r: 'NEW' | 'OLD') =>
  `${r}.status, ${r}.severity, ${r}.priority, coalesce(${r}.assignee, ''), coalesce(${r}.mitre_tactic, ''), coalesce(${r}.mitre_technique, '')`;

export const m0001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE analysts (
  id INTEGER PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('analyst', 'lead', 'admin')),
  public_key TEXT,
  private_key BLOB,
  created_at INTEGER NOT NULL
) STRICT;

-- The latest known version of each Datadog signal; every fetched version lives in signal_revisions.
CREATE TABLE signals (
  id INTEGER PRIMARY KEY,
  dd_signal_id TEXT NOT NULL UNIQUE,
  ts INTEGER NOT NULL,
  severity TEXT NOT NULL,
  rule_id TEXT,
  rule_name TEXT,
  rule_type TEXT,
  source TEXT,
  title TEXT NOT NULL,
  triage_state TEXT,
  revision INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  fetched_at INTEGER NOT NULL
) STRICT;
CREATE INDEX signals_ts ON signals (ts);

-- A rowid table on purpose: payloads are kilobytes, and WITHOUT ROWID suits only small rows.
CREATE TABLE signal_revisions (
  id INTEGER PRIMARY KEY,
  signal_id INTEGER NOT NULL REFERENCES signals (id),
  revision INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  payload TEXT NOT NULL,
  fetched_at INTEGER NOT NULL,
  UNIQUE (signal_id, revision)
) STRICT;

-- Payloads that failed validation: kept with the reason, never dropped silently.
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  dd_signal_id TEXT,
  reason TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;

-- Findings: FND-<id>. Columns follow the seed's Findings table.
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  signal_id INTEGER NOT NULL REFERENCES signals (id),
  dd_signal_id TEXT NOT NULL,
  title TEXT NOT NULL,
  source TEXT,
  splunk_search TEXT,
  mitre_technique TEXT,
  mitre_tactic TEXT,
  severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),
  blast_radius TEXT,
  blast_radius_count INTEGER,
  recommended_action TEXT,
  drafted_by TEXT,
  analyst_signoff TEXT,
  signed_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('new', 'drafted', 'in_review', 'blocked', 'signed', 'containing', 'contained', 'closed')),
  priority TEXT NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4', 'P5')),
  assignee TEXT,
  risk_score REAL,
  risk_factors TEXT,
  mitigation_plan TEXT,
  supersedes INTEGER REFERENCES findings (id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  severity_rank INTEGER GENERATED ALWAYS AS (${SEVERITY_RANK}) VIRTUAL,
  status_rank INTEGER GENERATED ALWAYS AS (${STATUS_RANK}) VIRTUAL,
  technique_parent TEXT GENERATED ALWAYS AS (substr(mitre_technique, 1, 5)) VIRTUAL
) STRICT;

-- Filter indexes (filter column, then newest first) and one sort index per sortable column.
CREATE INDEX findings_severity ON findings (severity_rank, id);
CREATE INDEX findings_priority ON findings (priority, id);
CREATE INDEX findings_assignee ON findings (assignee, id);
CREATE INDEX findings_tactic ON findings (mitre_tactic, id);
CREATE INDEX findings_technique ON findings (mitre_technique, id);
CREATE INDEX findings_technique_parent ON findings (technique_parent, id);
CREATE INDEX findings_dd_signal ON findings (dd_signal_id, id);
CREATE INDEX findings_title ON findings (title, id);
CREATE INDEX findings_splunk_search ON findings (splunk_search, id);
CREATE INDEX findings_blast ON findings (blast_radius_count, id);
CREATE INDEX findings_action ON findings (recommended_action, id);
CREATE INDEX findings_drafted_by ON findings (drafted_by, id);
CREATE INDEX findings_signoff ON findings (analyst_signoff, id);
CREATE INDEX findings_signed_at ON findings (signed_at, id);
CREATE INDEX findings_status_rank ON findings (status_rank, id);
CREATE INDEX findings_source ON findings (source, id);
CREATE INDEX findings_created ON findings (created_at, id);
CREATE INDEX findings_updated ON findings (updated_at, id);
CREATE INDEX findings_risk ON findings (risk_score, id);

-- Exact counts for every filter combination the queue offers, so the count the view shows never
-- needs a count(*) over the findings. Updates and deletes keep it by trigger; inserts are counted
-- by the ingester itself (ingest.ts), because any AFTER INSERT trigger on this wide, indexed table
-- measured ~30 µs per row, a quarter of the whole ingest budget.
CREATE TABLE finding_facets (
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  priority TEXT NOT NULL,
  assignee TEXT NOT NULL,
  tactic TEXT NOT NULL,
  technique TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (status, severity, priority, assignee, tactic, technique)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER findings_facets_delete AFTER DELETE ON findings BEGIN
  UPDATE finding_facets SET n = n - 1
  WHERE (status, severity, priority, assignee, tactic, technique) = (${FACET_KEY('OLD')});
END;
CREATE TRIGGER findings_facets_update AFTER UPDATE OF status, severity, priority, assignee, mitre_tactic, mitre_technique ON findings BEGIN
  UPDATE finding_facets SET n = n - 1
  WHERE (status, severity, priority, assignee, tactic, technique) = (${FACET_KEY('OLD')});
  INSERT INTO finding_facets VALUES (${FACET_KEY('NEW')}, 1)
  ON CONFLICT DO UPDATE SET n = n + 1;
END;

-- Full text over findings and their signal text. Contentless: the text lives (encrypted) in the
-- tables above; the index only maps words to finding ids, newest = highest rowid. detail=none: the
-- queue matches words and word prefixes, never phrases, so positions are not worth their cost.
CREATE VIRTUAL TABLE finding_fts USING fts5 (
  title, body,
  content = '', contentless_delete = 1, detail = none,
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE drafts (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  drafter TEXT NOT NULL,
  model TEXT,
  prompt_version TEXT,
  input_hash TEXT NOT NULL,
  output TEXT,
  tokens_in INTEGER,
  tokens_out INTEGER,
  cost_usd REAL,
  latency_ms INTEGER,
  retries INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX drafts_finding ON drafts (finding_id, id);

CREATE TABLE evidence (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  kind TEXT NOT NULL CHECK (kind IN ('signal_snapshot', 'splunk_results', 'note', 'workflow_run')),
  title TEXT NOT NULL,
  content TEXT NOT NULL,
  meta TEXT,
  sha256 TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX evidence_finding ON evidence (finding_id, id);

-- Sign-offs never change.
CREATE TABLE signoffs (
  id INTEGER PRIMARY KEY,
  finding_id INTEGER NOT NULL REFERENCES findings (id),
  analyst TEXT NOT NULL,
  payload TEXT NOT NULL,
  signature TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signed_at INTEGER NOT NULL
) STRICT;
CREATE INDEX signoffs_finding ON signoffs (finding_id);
CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs BEGIN SELECT RAISE(ABORT, 'sign-offs are immutable'); END;
CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs BEGIN SELECT RAISE(ABORT, 'sign-offs are immutable'); END;

-- Every outbound write waits here, written in the same transaction as the local change.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER
) STRICT;
CREATE INDEX outbox_pending ON outbox (state, next_attempt_at);

-- Append-only audit trail: hash = sha256(prev_hash || canonical(entry)).
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  reason TEXT,
  prev_hash TEXT NOT NULL,
  -- no index on hash: random keys would cost a page per insert, and the chain needs none
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX audit_entity ON audit (entity, entity_id, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
`,
};
