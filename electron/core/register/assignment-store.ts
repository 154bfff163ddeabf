// Assignment rules and the on-call rotation, kept as one setting, applied to findings as they open
// (inside the ingest transaction, so a finding never exists unassigned when a rule says otherwise)
// and on demand to findings still new and unassigned. Each assignment is an audited field change
// whose reason names the rule or the shift.
import { AssignmentConfig, chooseAssignee, EMPTY_ASSIGNMENT, type AssignableFinding } from '../../../shared/assignment';
import { VigilError } from '../../../shared/errors';
import type { AuditWriter } from './audit';
import type { DB } from './database';
import type { FacetDims } from './facet-index';
import type { FindingStore } from './findings';

export const ASSIGNMENT_SETTING = 'assignment.config';
export const ASSIGNMENT_ACTOR = 'system:assignment';

export class AssignmentStore {
  /** undefined = not read yet; the setting is read once and kept until it is saved again */
  private cached: AssignmentConfig | undefined;
  private readonly attrs;
  private readonly setting;

  constructor(
    private readonly db: DB,
    private readonly findings: FindingStore,
    private readonly audit: AuditWriter,
    private readonly onFacet: (from: FacetDims, to: FacetDims) => void,
  ) {
    this.attrs = db.prepare('SELECT source, mitre_tactic AS tactic, severity, assignee, status, created_at FROM findings WHERE id = ?');
    this.setting = db.prepare('SELECT value FROM settings WHERE key = ?');
  }

  config(): AssignmentConfig {
    if (this.cached === undefined) {
      const row = this.setting.get(ASSIGNMENT_SETTING) as { value: string } | undefined;
      if (!row) this.cached = EMPTY_ASSIGNMENT;
      else {
        const parsed = AssignmentConfig.safeParse(JSON.parse(row.value));
        // A stored config that no longer parses assigns nobody rather than guessing.
        this.cached = parsed.success ? parsed.data : EMPTY_ASSIGNMENT;
      }
    }
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  /** Whether opening findings needs any work at all (the common case on a fresh workspace: no). */
  active(): boolean {
    const c = this.config();
    return c.enabled && (c.rules.length > 0 || (c.fallback_on_call && c.rotation !== null));
  }

  /**
   * Assign each finding (must run inside the caller's write transaction). Only findings that are
   * still unassigned and new are touched: a person's choice is never overridden by a rule.
   */
  assign(ids: readonly number[], at?: number): { id: number; handle: string; why: string }[] {
    if (!this.db.inTransaction) throw new VigilError('INTERNAL', 'assignment must run inside a write transaction');
    if (!this.active()) return [];
    const c = this.config();
    const done: { id: number; handle: string; why: string }[] = [];
    for (const id of ids) {
      const f = this.attrs.get(id) as (AssignableFinding & { assignee: string | null; status: string; created_at: number }) | undefined;
      if (!f || f.assignee !== null || f.status !== 'new') continue;
      // Whoever was on call when the finding opened (at ingest: now); applied later, whoever is now.
      const when = at ?? f.created_at;
      const who = chooseAssignee(c, f, when);
      if (!who) continue;
      this.findings.update(id, { assignee: who.handle }, this.audit.begin(), ASSIGNMENT_ACTOR, { reason: who.why, at: Math.max(when, f.created_at), onFacet: this.onFacet });
      done.push({ id, ...who });
    }
    return done;
  }
}
