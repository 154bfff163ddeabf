// Sources: connection secrets, resumable sync state, Splunk context requests, Datadog case links.
import type { Migration } from './types';

export const m0002: Migration = {
  version: 2,
  name: 'sources',
  sql: `
-- Secrets live only here, inside the encrypted register: API keys, application keys, tokens.
CREATE TABLE secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- One row per source. The cursor and the high-water mark commit with each page, so a stopped sync
-- resumes exactly where it stopped.
CREATE TABLE sync_state (
  source TEXT PRIMARY KEY,
  high_water INTEGER,
  window_from INTEGER,
  window_to INTEGER,
  cursor TEXT,
  status TEXT NOT NULL CHECK (status IN ('idle', 'running', 'failed')),
  pages INTEGER NOT NULL DEFAULT 0,
  signals INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER,
  finished_at INTEGER,
  last_error TEXT,
  last_error_code TEXT
) STRICT;

-- Splunk context per finding: what was asked, and how it went (errors stay visible, retry possible).
CREATE TABLE context_requests (
  finding_id INTEGER PRIMARY KEY REFERENCES findings (id),
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_error_code TEXT,
  evidence_id INTEGER REFERENCES evidence (id),
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX context_requests_state ON context_requests (state, finding_id);

-- The Datadog case that mirrors a finding, once the outbox has created it.
CREATE TABLE finding_cases (
  finding_id INTEGER PRIMARY KEY REFERENCES findings (id),
  case_id TEXT NOT NULL,
  case_key TEXT,
  created_at INTEGER NOT NULL
) STRICT;

-- Outbox rows of one finding leave in order: a case update waits for the case to exist.
-- An analyst's Datadog user, so assignments reach Datadog too.
ALTER TABLE analysts ADD COLUMN dd_user_uuid TEXT;

ALTER TABLE outbox ADD COLUMN stream TEXT;
ALTER TABLE outbox ADD COLUMN last_error_code TEXT;
CREATE INDEX outbox_stream ON outbox (stream, id);
`,
};
