// ATT&CK tagging through the contract, on a real demo workspace: the tactic matrix, confirming and
// overriding the drafter's technique (the override and its reason kept, the reason required),
// catalog checks on every id, the sign-off rule (a signed finding changes only as a new revision),
// the queue's tactic/technique filters, and Navigator layers checked against the 4.5 layer format.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as custody from '../../electron/core/custody';
import { dispatch } from '../../electron/core/dispatch';
import { runDrafts } from '../../electron/core/drafter/draft-runner';
import { OfflineDrafter } from '../../electron/core/drafter/offline-drafter';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import type { AttackMatrix, NavigatorLayerExport, TaggingView } from '../../shared/attack';
import type { FindingDetail, QueuePage, QueueRow } from '../../shared/domain';
import { tempDir } from '../support/workspace';

const PASS = 'attack tagging test passphrase';
const DAY = 86_400_000;
let t: ReturnType<typeof tempDir>;
let ws: Workspace;
let h: ReturnType<Workspace['handlers']>;

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(h, channel, input);
  if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code} ${r.error.message}`), { code: r.error.code });
  return r.value as T;
}

async function refused(channel: string, input: unknown, code: string): Promise<string> {
  const r = await dispatch(h, channel, input);
  expect(r.ok, `${channel} should have been refused`).toBe(false);
  if (r.ok) return '';
  expect(r.error.code).toBe(code);
  return r.error.message;
}

/** Drafted findings, drafted again by the offline drafter so each has a brief to suggest from. */
async function draftedWithBrief(count: number): Promise<string[]> {
  const page = await call<QueuePage>('queue.page', { filter: { status: ['drafted'] }, limit: count });
  expect(page.rows.length).toBe(count);
  const ids = page.rows.map((r) => r.finding_id);
  const p = await runDrafts(ws.reg(), ids.map((id) => Number(id.slice(4))), new OfflineDrafter(ws.catalog), { cost: () => null }, { force: true });
  expect(p.drafted).toBe(count);
  return ids;
}

/** An active technique other than `not`, under a tactic other than TA0006 where possible. */
function anotherTechnique(not: string): string {
  return not.startsWith('T1078') ? 'T1110.003' : 'T1078.004';
}

beforeEach(async () => {
  t = tempDir();
  ws = new Workspace({
    version: 'test',
    statePath: join(t.dir, 'state.json'),
    demoPath: join(t.dir, 'demo.vigil'),
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    demoSignals: 60,
    demoTeam: false,
    actor: 'local:analyst',
    sourceTimers: false,
  });
  h = ws.handlers();
  await call('workspace.openDemo', { passphrase: PASS });
});

afterEach(() => {
  ws.dispose();
  t.cleanup();
});

describe('attack.matrix', () => {
  it('lists the tactics in kill-chain order with their techniques and sub-techniques, once per catalog', async () => {
    const m = await call<AttackMatrix>('attack.matrix');
    expect(m.version).toBe(ws.catalog.attackVersion);
    expect(m.tactics.map((x) => x.id)).toEqual(ws.catalog.tactics().map((x) => x.id));
    expect(m.tactics[0]?.id).toBe('TA0043');
    expect(m.tactics.at(-1)?.id).toBe('TA0040');
    const credential = m.tactics.find((x) => x.id === 'TA0006')!;
    expect(credential.shortname).toBe('credential-access');
    const brute = credential.techniques.find((x) => x.id === 'T1110')!;
    expect(brute.subtechniques).toContain('T1110.003');
    expect(m.names['T1110.003']).toBe('Password Spraying');
    // Every active technique of a tactic appears in its column exactly once (top level or nested).
    for (const tactic of ws.catalog.tactics()) {
      const column = m.tactics.find((x) => x.id === tactic.id)!;
      const listed = column.techniques.flatMap((x) => [x.id, ...x.subtechniques]);
      expect(new Set(listed).size).toBe(listed.length);
      expect([...listed].sort()).toEqual(ws.catalog.techniquesForTactic(tactic.id).map((x) => x.id));
    }
    // Names sort within a column, as Navigator and attack.mitre.org show them.
    const names = credential.techniques.map((x) => m.names[x.id]!);
    expect(names).toEqual([...names].sort());
    expect(h['attack.matrix']({})).toBe(h['attack.matrix']({}));
  });
});

describe('finding.setTechnique', () => {
  it("confirms the drafter's technique without a reason and keeps the confirmation", async () => {
    const [id] = await draftedWithBrief(1);
    const before = await call<TaggingView>('attack.tagging', { id });
    const drafter = before.suggestions.find((s) => s.source === 'drafter')!;
    expect(drafter.confidence).toBeGreaterThan(0);
    expect(drafter.status).toBe('active');
    expect(before.technique?.id).toBe(drafter.id);

    const after = await call<TaggingView>('finding.setTechnique', { id, confirm: true });
    expect(after.technique?.id).toBe(drafter.id);
    expect(after.decisions).toHaveLength(1);
    expect(after.decisions[0]).toMatchObject({ kind: 'confirm', technique: drafter.id, suggested_technique: drafter.id, suggested_confidence: drafter.confidence, reason: null, actor: 'local:analyst' });
    // A second confirmation changes nothing in the decision (no new revision) and is kept too.
    const again = await call<TaggingView>('finding.setTechnique', { id, confirm: true });
    expect(again.decision_revision).toBe(after.decision_revision);
    expect(again.decisions.map((d) => d.kind)).toEqual(['confirm', 'confirm']);
    await refused('finding.setTechnique', { id, confirm: true, technique: anotherTechnique(drafter.id) }, 'VALIDATION_FAILED');
    const detail = await call<FindingDetail>('finding.get', { id });
    expect(detail.history.some((e) => e.action === 'finding.technique_confirmed')).toBe(true);
  });

  it('refuses an override without a reason, writing nothing', async () => {
    const [id] = await draftedWithBrief(1);
    const before = await call<TaggingView>('attack.tagging', { id });
    const other = anotherTechnique(before.technique!.id);
    const auditBefore = ws.reg().auditFor('finding', id!).length;
    expect(await refused('finding.setTechnique', { id, technique: other }, 'REASON_REQUIRED')).toContain(before.technique!.id);
    expect(await refused('finding.setTechnique', { id, technique: other, reason: '   ' }, 'REASON_REQUIRED')).toMatch(/why/);
    const after = await call<TaggingView>('attack.tagging', { id });
    expect(after.technique?.id).toBe(before.technique!.id);
    expect(after.decisions).toEqual([]);
    expect(ws.reg().auditFor('finding', id!).length).toBe(auditBefore);
  });

  it('keeps an override with its reason, the suggestion it replaced, and an audit entry old → new', async () => {
    const [id] = await draftedWithBrief(1);
    const before = await call<TaggingView>('attack.tagging', { id });
    const suggested = before.suggestions.find((s) => s.source === 'drafter')!;
    const reason = 'Okta logs show one source spraying many accounts, not a valid-account login';
    const after = await call<TaggingView>('finding.setTechnique', { id, technique: 't1110.003', secondary: ['T1078', 'T1110.003', 'T1078'], reason });

    expect(after.technique).toEqual({ id: 'T1110.003', name: 'Password Spraying', tactics: ['TA0006'] });
    expect(after.tactic).toEqual({ id: 'TA0006', shortname: 'credential-access', name: 'Credential Access' });
    // The primary is not repeated as a secondary, and duplicates collapse.
    expect(after.secondary.map((s) => s.id)).toEqual(['T1078']);
    expect(after.decision_revision).toBe(before.decision_revision + 1);
    expect(after.decisions).toHaveLength(1);
    expect(after.decisions[0]).toMatchObject({
      kind: 'override',
      technique: 'T1110.003',
      tactic: 'TA0006',
      secondary: ['T1078'],
      previous_technique: before.technique!.id,
      suggested_technique: suggested.id,
      suggested_confidence: suggested.confidence,
      reason,
      decision_revision: before.decision_revision + 1,
    });
    // The drafter's suggestion is still shown as such: the override does not rewrite history.
    expect(after.suggestions.find((s) => s.source === 'drafter')?.id).toBe(suggested.id);

    const detail = await call<FindingDetail>('finding.get', { id });
    expect(detail.finding.mitre_technique).toBe('T1110.003');
    expect(detail.finding.mitre_tactic).toBe('TA0006');
    expect(detail.finding.secondary_techniques).toEqual(['T1078']);
    const overridden = detail.history.find((e) => e.action === 'finding.technique_overridden')!;
    expect(overridden).toMatchObject({ actor: 'local:analyst', reason, old: { technique: before.technique!.id }, new: { technique: 'T1110.003', secondary: ['T1078'], suggested: suggested.id } });
    const field = detail.history.find((e) => e.action === 'finding.updated' && e.field === 'mitre_technique' && e.new === 'T1110.003')!;
    expect(field).toMatchObject({ old: before.technique!.id, reason });
    expect(ws.reg().verifyAudit().ok).toBe(true);

    // The kept decision is immutable in the register.
    expect(() => ws.reg().unsafeHandle().prepare("UPDATE technique_decisions SET reason = 'edited'").run()).toThrow(/immutable/);

    // Back to the drafter's technique: a confirmation, no reason needed; both decisions kept.
    const back = await call<TaggingView>('finding.setTechnique', { id, technique: suggested.id });
    expect(back.decisions.map((d) => d.kind)).toEqual(['override', 'confirm']);
  });

  it('refuses unknown, revoked and deprecated ids, and a tactic the technique is not in', async () => {
    const [id] = await draftedWithBrief(1);
    expect(await refused('finding.setTechnique', { id, technique: 'T9999', reason: 'x' }, 'TECHNIQUE_UNKNOWN')).toContain('T9999');
    expect(await refused('finding.setTechnique', { id, technique: 'T1002', reason: 'x' }, 'TECHNIQUE_REVOKED')).toContain('T1560');
    expect(await refused('finding.setTechnique', { id, technique: 'T1026', reason: 'x' }, 'TECHNIQUE_DEPRECATED')).toContain('T1026');
    expect(await refused('finding.setTechnique', { id, technique: 'T1110.003', secondary: ['T1004'], reason: 'x' }, 'TECHNIQUE_REVOKED')).toContain('T1547.004');
    expect(await refused('finding.setTechnique', { id, technique: 'T1110.003', tactic: 'TA0001', reason: 'x' }, 'VALIDATION_FAILED')).toContain('TA0006');
    await refused('finding.setTechnique', { id, technique: 'not-an-id' }, 'VALIDATION_FAILED');
    await refused('finding.setTechnique', { id: 'FND-999999', technique: 'T1110' }, 'NOT_FOUND');
    // A technique in two tactics takes the one asked for.
    const v = await call<TaggingView>('finding.setTechnique', { id, technique: 'T1037', tactic: 'TA0004', reason: 'logon script for escalation' });
    expect(v.tactic?.id).toBe('TA0004');
    expect((await call<TaggingView>('attack.tagging', { id })).decisions).toHaveLength(1);
  });

  it('on a signed finding: refused unless it is a new revision, which then needs a new sign-off', async () => {
    const [id] = await draftedWithBrief(1);
    const lead = custody.generateAnalystKey();
    await call('custody.createKey', { handle: 'amara.okafor', name: 'Amara Okafor' });
    const me = ws.reg().analystKey()!;
    const notBefore = new Date(Date.now() - 2 * DAY).toISOString();
    const roster = custody.createRoster({
      team: 'blue',
      version: 1,
      issued_at: new Date(Date.now() - DAY).toISOString(),
      analysts: [
        { handle: 'diego.ramos', name: 'Diego Ramos', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: notBefore }] },
        { handle: me.handle, name: 'Amara Okafor', role: 'analyst', keys: [{ key_id: me.key_id, public_key: me.public_key, not_before: notBefore }] },
      ],
    });
    await call('custody.importRoster', { text: custody.exportRoster(custody.signRoster(roster, 'diego.ramos', lead)), pinKeyId: lead.keyId });
    const receipt = await call<{ revision: number }>('finding.signOff', { id });
    const signed = await call<TaggingView>('attack.tagging', { id });
    expect(signed.signed).toBe(true);
    expect(signed.decision_revision).toBe(receipt.revision);

    const input = { id, technique: anotherTechnique(signed.technique!.id), reason: 'the sign-off was on the wrong technique' };
    expect(await refused('finding.setTechnique', input, 'FINDING_SIGNED')).toMatch(/new revision/);
    expect((await call<TaggingView>('attack.tagging', { id })).decisions).toEqual([]);

    const revised = await call<TaggingView>('finding.setTechnique', { ...input, newRevision: true });
    expect(revised.decision_revision).toBe(receipt.revision + 1);
    expect(revised.signed).toBe(false);
    expect(revised.status).toBe('in_review');
    expect(revised.decisions[0]).toMatchObject({ kind: 'override', decision_revision: receipt.revision + 1, reason: input.reason });
    const detail = await call<FindingDetail>('finding.get', { id });
    expect(detail.finding.analyst_signoff).toBeNull();
    expect(detail.signoffs).toHaveLength(1);
    expect(detail.signoffs[0]).toMatchObject({ valid: true, stale: true, revision: receipt.revision });
    expect(detail.history.some((e) => e.action === 'finding.revised')).toBe(true);
  });
});

// ATT&CK Navigator layer format 4.5, written from the specification (attack-navigator,
// layers/spec/v4.5/layerformat.md) independently of the schema Vigil uses to produce layers.
const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/);
const meta = z.union([z.strictObject({ name: z.string(), value: z.string() }), z.strictObject({ divider: z.boolean() })]);
const link = z.union([z.strictObject({ label: z.string(), url: z.string().regex(/^https?:\/\//) }), z.strictObject({ divider: z.boolean() })]);
const SpecLayer = z.strictObject({
  versions: z.strictObject({
    attack: z.string().regex(/^\d+$/).optional(),
    navigator: z.string().refine((v) => {
      const [a = 0, b = 0] = v.split('.').map(Number);
      return a > 4 || (a === 4 && b >= 9);
    }, 'navigator must be at least 4.9.0'),
    layer: z.literal('4.5'),
  }),
  name: z.string(),
  description: z.string().optional(),
  domain: z.enum(['enterprise-attack', 'mobile-attack', 'ics-attack']),
  customDataURL: z.string().optional(),
  filters: z.strictObject({ platforms: z.array(z.string()).optional() }).optional(),
  sorting: z.number().int().min(0).max(3).optional(),
  layout: z
    .strictObject({
      layout: z.enum(['side', 'flat', 'mini']).optional(),
      showID: z.boolean().optional(),
      showName: z.boolean().optional(),
      showAggregateScores: z.boolean().optional(),
      countUnscored: z.boolean().optional(),
      aggregateFunction: z.enum(['average', 'min', 'max', 'sum']).optional(),
      expandedSubtechniques: z.enum(['none', 'all', 'annotated']).optional(),
    })
    .optional(),
  hideDisabled: z.boolean().optional(),
  techniques: z
    .array(
      z.strictObject({
        techniqueID: z.string().regex(/^T\d{4}(\.\d{3})?$/),
        tactic: z.string().regex(/^[a-z]+(-[a-z]+)*$/).optional(),
        comment: z.string().optional(),
        enabled: z.boolean().optional(),
        score: z.number().optional(),
        color: hex.optional(),
        metadata: z.array(meta).optional(),
        links: z.array(link).optional(),
        showSubtechniques: z.boolean().optional(),
      }),
    )
    .optional(),
  gradient: z.strictObject({ colors: z.array(hex).min(2), minValue: z.number(), maxValue: z.number() }).refine((g) => g.maxValue > g.minValue).optional(),
  legendItems: z.array(z.strictObject({ label: z.string(), color: hex })).optional(),
  showTacticRowBackground: z.boolean().optional(),
  tacticRowBackground: hex.optional(),
  selectTechniquesAcrossTactics: z.boolean().optional(),
  selectSubtechniquesWithParent: z.boolean().optional(),
  selectVisibleTechniques: z.boolean().optional(),
  metadata: z.array(meta).optional(),
  links: z.array(link).optional(),
});

describe('attack.navigatorLayer', () => {
  it("exports one finding's layer: primary, secondary and the overridden suggestion, valid for format 4.5", async () => {
    const [id] = await draftedWithBrief(1);
    const before = await call<TaggingView>('attack.tagging', { id });
    const suggested = before.suggestions.find((s) => s.source === 'drafter')!.id;
    const primary = suggested === 'T1110.003' ? 'T1078.004' : 'T1110.003';
    await call('finding.setTechnique', { id, technique: primary, secondary: ['T1098'], reason: 'analyst review' });

    const out = await call<NavigatorLayerExport>('attack.navigatorLayer', { id });
    const layer = SpecLayer.parse(JSON.parse(JSON.stringify(out.layer)));
    expect(out.filename).toBe(`vigil-${id}-attack-layer.json`);
    expect(out.findings).toBe(1);
    expect(layer.versions).toEqual({ attack: '18', navigator: '5.2.0', layer: '4.5' });
    expect(layer.domain).toBe('enterprise-attack');
    const byId = new Map(layer.techniques!.map((x) => [x.techniqueID, x]));
    const tactic = ws.catalog.tactic(ws.catalog.technique(primary)!.tactics[0]!)!.shortname;
    expect(byId.get(primary)).toMatchObject({ tactic, score: 1, color: '#e6550d' });
    expect(byId.get(primary)!.metadata).toContainEqual({ name: 'reason', value: 'analyst review' });
    expect(byId.get('T1098')).toMatchObject({ score: 1, color: '#fdae6b' });
    expect(byId.get(suggested)?.comment).toContain('overridden');
    expect(byId.get(suggested)?.score).toBeUndefined();
    expect(layer.techniques).toHaveLength(3);
    // The export is attributed.
    expect(ws.reg().auditFor('finding', id!).some((e) => e.action === 'attack.layer_exported')).toBe(true);
  });

  it('exports a filtered set with findings per technique as the score, matching the queue', async () => {
    await draftedWithBrief(2);
    const filter = { status: ['drafted' as const, 'in_review' as const] };
    const out = await call<NavigatorLayerExport>('attack.navigatorLayer', { filter });
    const layer = SpecLayer.parse(JSON.parse(JSON.stringify(out.layer)));

    // The same counts from the queue's own rows and details, tallied here.
    const rows: QueueRow[] = (await call<QueuePage>('queue.page', { filter, limit: 500 })).rows;
    expect(out.findings).toBe(rows.length);
    const expected = new Map<string, number>();
    for (const r of rows) {
      const d = await call<FindingDetail>('finding.get', { id: r.finding_id });
      for (const x of new Set([r.mitre_technique, ...d.finding.secondary_techniques].filter((v): v is string => v !== null))) expected.set(x, (expected.get(x) ?? 0) + 1);
    }
    expect(new Map(layer.techniques!.map((x) => [x.techniqueID, x.score]))).toEqual(expected);
    expect(layer.gradient!.maxValue).toBe(Math.max(...expected.values()));
    expect(layer.gradient!.minValue).toBe(0);
    expect(layer.metadata).toContainEqual({ name: 'filter', value: 'status: drafted, in_review' });

    // A technique filter narrows the set the same way the queue does (a parent matches its subs).
    const one = [...expected.keys()][0]!;
    const parent = one.slice(0, 5);
    const narrowed = await call<NavigatorLayerExport>('attack.navigatorLayer', { filter: { ...filter, technique: [parent] } });
    const queued = await call<QueuePage>('queue.page', { filter: { ...filter, technique: [parent] }, limit: 500 });
    expect(narrowed.findings).toBe(queued.total);
    expect(narrowed.findings).toBeGreaterThan(0);

    await refused('attack.navigatorLayer', {}, 'VALIDATION_FAILED');
    await refused('attack.navigatorLayer', { id: 'FND-1', filter: {} }, 'VALIDATION_FAILED');
  });
});

describe('queue filters by tactic and technique', () => {
  it('finds an overridden finding under its new tactic and technique, a parent id matching the sub-technique', async () => {
    const [id] = await draftedWithBrief(1);
    await call('finding.setTechnique', { id, technique: 'T1552.005', reason: 'instance metadata credentials' });
    const byTactic = await call<QueuePage>('queue.page', { filter: { tactic: ['TA0006'] }, limit: 500 });
    expect(byTactic.rows.map((r) => r.finding_id)).toContain(id);
    expect(byTactic.rows.every((r) => r.mitre_tactic === 'TA0006')).toBe(true);
    const byParent = await call<QueuePage>('queue.page', { filter: { technique: ['T1552'] }, limit: 500 });
    expect(byParent.rows.map((r) => r.finding_id)).toContain(id);
    const byOtherSub = await call<QueuePage>('queue.page', { filter: { technique: ['T1552.001'] }, limit: 500 });
    expect(byOtherSub.rows.map((r) => r.finding_id)).not.toContain(id);
    // The menus: tactics in kill-chain order; a parent entry counts what choosing it filters.
    const facets = await call<{ tactic: { value: string }[]; technique: { value: string; label: string; count: number }[] }>('queue.facets');
    const order = ws.catalog.tactics().map((x) => x.id);
    const shown = facets.tactic.map((f) => order.indexOf(f.value));
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    const parentEntry = facets.technique.find((f) => f.value === 'T1552')!;
    expect(parentEntry.label).toContain('Unsecured Credentials');
    expect(parentEntry.count).toBe(byParent.total);
    const sub = facets.technique.findIndex((f) => f.value === 'T1552.005');
    expect(sub).toBeGreaterThan(facets.technique.indexOf(parentEntry));
    expect(facets.technique[sub]?.label).toMatch(/^↳ T1552\.005 /);
    for (const f of facets.technique.filter((x) => !x.value.includes('.'))) {
      const q = await call<QueuePage>('queue.page', { filter: { technique: [f.value] }, limit: 1 });
      expect(q.total, f.value).toBe(f.count);
    }
  });
});
