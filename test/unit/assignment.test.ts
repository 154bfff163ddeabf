// Assignment rules and the on-call rotation: the pure choice (order, matching, shifts across the
// start and across many rotations), the config's own checks, and the register applying the rules as
// findings open, never over a person's choice, each with its reason in the audit trail.
import { afterEach, describe, expect, it } from 'vitest';
import { AssignmentConfig, chooseAssignee, onCallAt, ruleMatches, type AssignmentConfigInput } from '../../shared/assignment';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import type { Register } from '../../electron/core/register/register';
import { newRegister, tempDir } from '../support/workspace';

const H = 3_600_000;
const START = '2026-11-01T08:00:00.000Z';
const rotation = { handles: ['amara.okafor', 'jonas.berg', 'priya.nair'], shift_hours: 12, starts_at: START };

function config(c: Partial<AssignmentConfigInput>): AssignmentConfig {
  return AssignmentConfig.parse({ enabled: true, rules: [], rotation: null, ...c });
}

describe('on-call rotation', () => {
  it('walks the handles shift by shift, wraps, and says until when and who is next', () => {
    const t0 = Date.parse(START);
    expect(onCallAt(rotation, t0)).toEqual({ handle: 'amara.okafor', until: t0 + 12 * H, next: 'jonas.berg' });
    expect(onCallAt(rotation, t0 + 12 * H - 1).handle).toBe('amara.okafor');
    expect(onCallAt(rotation, t0 + 12 * H).handle).toBe('jonas.berg');
    expect(onCallAt(rotation, t0 + 36 * H)).toEqual({ handle: 'amara.okafor', until: t0 + 48 * H, next: 'jonas.berg' });
    expect(onCallAt(rotation, t0 + 1000 * 12 * H + 5).handle).toBe(rotation.handles[1000 % 3]);
  });

  it('before the start runs backwards through the same order', () => {
    const t0 = Date.parse(START);
    expect(onCallAt(rotation, t0 - 1)).toEqual({ handle: 'priya.nair', until: t0, next: 'amara.okafor' });
    expect(onCallAt(rotation, t0 - 12 * H - 1).handle).toBe('jonas.berg');
  });
});

describe('rules', () => {
  const f = { source: 'CloudTrail', tactic: 'TA0004', severity: 'high' as const };

  it('match on source (any case), tactic and minimum severity; empty lists match anything', () => {
    const base = { name: 'r', sources: [], tactics: [], assign: { to: 'analyst' as const, handle: 'li.wei' } };
    expect(ruleMatches({ ...base }, f)).toBe(true);
    expect(ruleMatches({ ...base, sources: ['cloudtrail'] }, f)).toBe(true);
    expect(ruleMatches({ ...base, sources: ['okta'] }, f)).toBe(false);
    expect(ruleMatches({ ...base, tactics: ['TA0004'] }, f)).toBe(true);
    expect(ruleMatches({ ...base, tactics: ['TA0006'] }, f)).toBe(false);
    expect(ruleMatches({ ...base, min_severity: 'high' }, f)).toBe(true);
    expect(ruleMatches({ ...base, min_severity: 'critical' }, f)).toBe(false);
    expect(ruleMatches({ ...base, sources: ['okta'] }, { ...f, source: null })).toBe(false);
  });

  it('the first matching rule wins; on-call rules use the rotation; fallback only when asked', () => {
    const c = config({
      rules: [
        { name: 'critical on call', min_severity: 'critical', assign: { to: 'on_call' } },
        { name: 'cloud', sources: ['cloudtrail'], assign: { to: 'analyst', handle: 'li.wei' } },
        { name: 'everything else', assign: { to: 'analyst', handle: 'diego.ramos' } },
      ],
      rotation,
    });
    const at = Date.parse(START) + 13 * H;
    expect(chooseAssignee(c, { ...f, severity: 'critical' }, at)).toEqual({ handle: 'jonas.berg', why: expect.stringMatching(/^assignment rule 1 "critical on call": on call until /) });
    expect(chooseAssignee(c, f, at)).toEqual({ handle: 'li.wei', why: 'assignment rule 2 "cloud"' });
    expect(chooseAssignee(c, { ...f, source: 'okta' }, at)?.handle).toBe('diego.ramos');
    const onlyCloud = config({ rules: [{ name: 'cloud', sources: ['cloudtrail'], assign: { to: 'analyst', handle: 'li.wei' } }], rotation, fallback_on_call: false });
    expect(chooseAssignee(onlyCloud, { ...f, source: 'okta' }, at)).toBeNull();
    expect(chooseAssignee({ ...onlyCloud, fallback_on_call: true }, { ...f, source: 'okta' }, at)?.why).toMatch(/^no rule matched: on call until/);
    expect(chooseAssignee({ ...c, enabled: false }, f, at)).toBeNull();
  });

  it('refuses a config that cannot work', () => {
    const bad = (c: unknown) => AssignmentConfig.safeParse(c).success;
    expect(bad({ enabled: true, rules: [{ name: 'x', assign: { to: 'on_call' } }], rotation: null })).toBe(false);
    expect(bad({ enabled: true, rules: [], rotation: { ...rotation, handles: ['a.b', 'a.b'] } })).toBe(false);
    expect(bad({ enabled: true, rules: [], rotation: { ...rotation, handles: ['Not A Handle'] } })).toBe(false);
    expect(bad({ enabled: true, rules: [], rotation: { ...rotation, shift_hours: 0 } })).toBe(false);
    expect(bad({ enabled: true, rules: [{ name: 'x', tactics: ['TA12'], assign: { to: 'analyst', handle: 'li.wei' } }], rotation: null })).toBe(false);
    expect(bad({ enabled: true, rules: [], rotation: null, surprise: 1 })).toBe(false);
  });
});

describe('the register applies the rules as findings open', () => {
  let t: ReturnType<typeof tempDir> | null = null;
  let reg: Register | null = null;
  afterEach(() => {
    reg?.close();
    t?.cleanup();
    reg = null;
    t = null;
  });

  it('assigns new findings with the rule in the audit reason, and leaves people’s choices alone', async () => {
    t = tempDir();
    reg = await newRegister(t.dir);
    const signals = generateDemoSignals({ count: 60, seed: 7 });
    reg.setAssignment(config({ rules: [{ name: 'cloud', sources: ['cloudtrail'], assign: { to: 'analyst', handle: 'li.wei' } }], rotation, fallback_on_call: true }), 'lead');
    const res = reg.ingestSignals(signals.slice(0, 40), { actor: 'sync' });
    expect(res.openedFindings.length).toBe(40);
    for (const id of res.openedFindings) {
      const f = reg.finding(id)!;
      const expected = f.row.source?.toLowerCase() === 'cloudtrail' ? 'li.wei' : onCallAt(rotation, Date.parse(f.row.created_at)).handle;
      expect(f.row.assignee, `FND-${id} from ${f.row.source}`).toBe(expected);
      const entry = f.history.find((e) => e.field === 'assignee')!;
      expect(entry.actor).toBe('system:assignment');
      expect(entry.reason).toMatch(f.row.source?.toLowerCase() === 'cloudtrail' ? /^assignment rule 1 "cloud"$/ : /^no rule matched: on call until /);
    }
    // The facet counts the queue shows kept up with the assignments.
    const byAssignee = new Map(reg.facets().assignee.map((a) => [a.value, a.count]));
    expect([...byAssignee.values()].reduce((a, b) => a + b, 0)).toBe(40);
    expect(byAssignee.get('') ?? 0).toBe(0);

    // Disabled: later findings open unassigned; applying later touches only new, unassigned ones.
    reg.setAssignment({ ...reg.assignment(), enabled: false }, 'lead');
    const later = reg.ingestSignals(signals.slice(40), { actor: 'sync' });
    expect(later.openedFindings.every((id) => reg!.finding(id)!.row.assignee === null)).toBe(true);
    const [mine, ...rest] = later.openedFindings;
    reg.updateFinding(mine!, { assignee: 'kenji.sato' }, 'kenji.sato');
    reg.updateFinding(rest[0]!, { status: 'in_review' }, 'kenji.sato');
    reg.setAssignment({ ...reg.assignment(), enabled: true }, 'lead');
    const applied = reg.applyAssignment(later.openedFindings);
    expect(applied.map((a) => a.id).sort()).toEqual(rest.slice(1).sort());
    expect(reg.finding(mine!)!.row.assignee).toBe('kenji.sato');
    expect(reg.finding(rest[0]!)!.row.assignee).toBeNull();
    expect(reg.verifyAudit().ok).toBe(true);
  });
});
