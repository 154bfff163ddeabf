// Triage detail the workflow needs: what a blocked finding waits for, and the assignment rules'
// own bookkeeping (the on-call rotation's cursor lives in settings; which rule assigned a finding
// is in the audit trail).
import type { Migration } from './types';

export const m0006: Migration = {
  version: 6,
  name: 'triage',
  sql: `
-- What a blocked finding waits for (information, a person, a system); cleared when it leaves blocked.
ALTER TABLE findings ADD COLUMN awaiting TEXT;
`,
};
