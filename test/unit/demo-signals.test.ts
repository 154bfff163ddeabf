// The demo signal generator: deterministic, ordered, realistic, and shaped like the search API.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DatadogSignal } from '../../shared/datadog-signal';
import { normalizeSignal } from '../../electron/core/signals/normalize';
import { RULE_TEMPLATES } from '../../electron/core/demo/rule-templates';
import { DEMO_ANALYSTS, DEMO_DEFAULT_NOW, generateDemoSignals, iterateDemoSignals, type DemoSignal } from '../../electron/core/demo/signal-factory';

const catalog = JSON.parse(readFileSync(fileURLToPath(new URL('../../resources/attack/catalog.json', import.meta.url)), 'utf8')) as {
  tactics: { id: string; shortname: string; name: string }[];
  techniques: { id: string; name: string; tactics: string[]; revoked: boolean; deprecated: boolean }[];
};
const DAY = 86_400_000;
const kebab = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const sourceOf = (s: DemoSignal) => s.attributes.tags.find((t) => t.startsWith('source:'))!;
const MITRE = /^(tactic|technique):/i;

const SAMPLE = generateDemoSignals({ count: 2000 });

describe('demo signal generator', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = JSON.stringify(generateDemoSignals({ count: 300, seed: 11 }));
    const b = JSON.stringify([...iterateDemoSignals({ count: 300, seed: 11 })]);
    const c = JSON.stringify(generateDemoSignals({ count: 300, seed: 12 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(JSON.stringify(generateDemoSignals({ count: 50 }))).toBe(JSON.stringify(generateDemoSignals({ count: 50, seed: 1337 })));
  });

  it('honours count, including 0 and 1', () => {
    expect(generateDemoSignals({ count: 0 })).toEqual([]);
    expect(generateDemoSignals({ count: 1 })).toHaveLength(1);
    expect(generateDemoSignals({ count: 257, seed: 3 })).toHaveLength(257);
    expect(() => generateDemoSignals({ count: -1 })).toThrow(RangeError);
    expect(() => generateDemoSignals({ count: 1, spanDays: 0 })).toThrow(RangeError);
  });

  it('yields ascending timestamps inside the window ending at now', () => {
    const end = DEMO_DEFAULT_NOW.getTime();
    let prev = -Infinity;
    for (const s of SAMPLE) {
      const ts = Date.parse(s.attributes.timestamp);
      expect(ts).toBeGreaterThanOrEqual(prev);
      expect(ts).toBeLessThan(end);
      expect(ts).toBeGreaterThanOrEqual(end - 30 * DAY);
      prev = ts;
    }
    // spread over the window rather than bunched at one end
    const first = Date.parse(SAMPLE[0]!.attributes.timestamp);
    expect(first).toBeLessThan(end - 29 * DAY);
    const now = new Date('2025-03-01T00:00:00Z');
    const custom = generateDemoSignals({ count: 500, seed: 9, now, spanDays: 7 });
    const times = custom.map((s) => Date.parse(s.attributes.timestamp));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now.getTime() - 7 * DAY);
    expect(Math.max(...times)).toBeLessThan(now.getTime());
  });

  it('covers at least 9 log sources in 500 signals', () => {
    const sources = new Set(SAMPLE.slice(0, 500).map(sourceOf));
    expect(sources.size).toBeGreaterThanOrEqual(9);
  });

  it('mixes lowercase, uppercase and absent MITRE tags', () => {
    let lower = 0;
    let upper = 0;
    let none = 0;
    for (const s of SAMPLE) {
      const mitre = s.attributes.tags.filter((t) => MITRE.test(t));
      if (mitre.length === 0) none++;
      else if (mitre.every((t) => t === t.toLowerCase())) {
        lower++;
        expect(s.attributes.tags.length).toBeGreaterThan(new Set(s.attributes.tags).size); // duplicated, as recorded
      } else if (mitre.some((t) => /^(tactic:TA|technique:T)\d/.test(t))) upper++;
    }
    const n = SAMPLE.length;
    expect(lower / n).toBeGreaterThan(0.5);
    expect(lower / n).toBeLessThan(0.7);
    expect(upper / n).toBeGreaterThan(0.05);
    expect(upper / n).toBeLessThan(0.15);
    expect(none / n).toBeGreaterThan(0.2);
    expect(none / n).toBeLessThan(0.4);
    const first500 = SAMPLE.slice(0, 500).map((s) => s.attributes.tags.filter((t) => MITRE.test(t)));
    expect(first500.some((m) => m.length > 0 && m[0] === m[0]!.toLowerCase())).toBe(true);
    expect(first500.some((m) => m.some((t) => /^technique:T\d/.test(t)))).toBe(true);
    expect(first500.some((m) => m.length === 0)).toBe(true);
  });

  it('rule templates: enough of them, unique ids, real ATT&CK techniques and tactics', () => {
    expect(RULE_TEMPLATES.length).toBeGreaterThanOrEqual(36);
    expect(new Set(RULE_TEMPLATES.map((t) => t.source)).size).toBeGreaterThanOrEqual(9);
    expect(new Set(RULE_TEMPLATES.map((t) => t.id)).size).toBe(RULE_TEMPLATES.length);
    expect(new Set(RULE_TEMPLATES.map((t) => t.key)).size).toBe(RULE_TEMPLATES.length);
    expect(new Set(RULE_TEMPLATES.map((t) => t.name)).size).toBe(RULE_TEMPLATES.length);
    const tactics = new Map(catalog.tactics.map((t) => [t.id, t]));
    const techniques = new Map(catalog.techniques.map((t) => [t.id, t]));
    for (const t of RULE_TEMPLATES) {
      expect(t.id, t.key).toMatch(/^[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}$/);
      expect(t.defaultRuleId, t.key).toMatch(/^[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}$/);
      const tech = techniques.get(t.mitre.technique);
      expect(tech, `${t.key}: ${t.mitre.technique} in catalog`).toBeDefined();
      expect(tech!.revoked || tech!.deprecated, `${t.key}: ${t.mitre.technique} active`).toBe(false);
      expect(tech!.tactics, `${t.key}: ${t.mitre.technique} under ${t.mitre.tactic}`).toContain(t.mitre.tactic);
      expect(t.mitre.techniqueSlug, t.key).toBe(kebab(tech!.name));
      expect(t.mitre.tacticSlug, t.key).toBe(tactics.get(t.mitre.tactic)!.shortname);
      expect(t.entities.length, t.key).toBeGreaterThan(0);
      expect(t.severity.length, t.key).toBeGreaterThan(0);
    }
  });

  it('signal ids are unique, opaque and URL-safe over 20,000 signals', () => {
    const ids = new Set<string>();
    let n = 0;
    for (const s of iterateDemoSignals({ count: 20_000, seed: 5 })) {
      expect(s.id).toMatch(/^[A-Za-z0-9_-]{50,60}$/);
      ids.add(s.id);
      n++;
    }
    expect(ids.size).toBe(n);
    expect(generateDemoSignals({ count: 5, seed: 6 })[0]!.id).not.toBe(generateDemoSignals({ count: 5, seed: 5 })[0]!.id);
  });

  it('every signal has the search-API shape, entities and 1–2 samples', () => {
    for (const s of SAMPLE) {
      expect(s.type).toBe('signal');
      const a = s.attributes;
      const c = a.attributes;
      expect(a.message.startsWith('%%%\n## Goal\n')).toBe(true);
      expect(a.message).toContain('\n## Strategy\n');
      expect(a.message).toContain('\n## Triage and response\n');
      expect(a.message.endsWith('\n%%%')).toBe(true);
      expect(a.message).not.toMatch(/\{[a-zA-Z]+\}/);
      expect(a.tags).toContain('security:attack');
      expect(a.tags.some((t) => /^env:(prod|staging)$/.test(t))).toBe(true);
      expect(a.tags.some((t) => t.startsWith('team:'))).toBe(true);
      expect(Array.isArray(a.service)).toBe(true);
      expect(c.entities.length).toBeGreaterThan(0);
      expect(c.samples.length).toBeGreaterThanOrEqual(1);
      expect(c.samples.length).toBeLessThanOrEqual(2);
      for (const sm of c.samples) {
        expect(sm.eventId).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(sm.content).toMatchObject({ status: expect.any(String), service: expect.any(String), tags: expect.any(Array), timestamp: expect.any(String) });
      }
      expect(['Log Detection', 'Workload Security', 'Signal Correlation']).toContain(c.workflow.rule.type);
      expect(['open', 'under_review', 'archived']).toContain(c.workflow.triage.state);
      expect(Date.parse(c.workflow.first_seen)).toBeLessThanOrEqual(Date.parse(c.workflow.last_seen));
      expect(Date.parse(c.workflow.last_seen)).toBeLessThanOrEqual(Date.parse(a.timestamp));
      expect(c.triggeringRuleCase.status).toBe(a.status);
      expect(c.relatedLogsQueryUrl.startsWith('/logs?query=')).toBe(true);
      if (a.host !== undefined) expect(c.entities).toContain(`host:${a.host}`);
    }
    const avg = SAMPLE.reduce((n, s) => n + JSON.stringify(s).length, 0) / SAMPLE.length;
    expect(avg).toBeGreaterThan(1500);
    expect(avg).toBeLessThan(4500);
  });

  it('passes the DatadogSignal schema and normalises to sensible fields', () => {
    const byName = new Map(RULE_TEMPLATES.map((t) => [t.name, t]));
    for (const s of SAMPLE) {
      expect(DatadogSignal.safeParse(s).success).toBe(true);
      const n = normalizeSignal(s);
      const t = byName.get(n.ruleName!)!;
      expect(t).toBeDefined();
      expect(n.ddId).toBe(s.id);
      expect(n.ts).toBe(Date.parse(s.attributes.timestamp));
      expect(n.severity).toBe(s.attributes.status);
      expect(n.title).toBe(t.name);
      expect(n.ruleId).toBe(t.id);
      expect(n.ruleType).toBe(t.type);
      expect(n.source).toBe(t.source);
      expect(n.host).toBe(s.attributes.host ?? null);
      expect(n.entities.length).toBeGreaterThan(0);
      expect(n.samples.length).toBeGreaterThan(0);
      expect(n.triageState).toBe(s.attributes.attributes.workflow.triage.state);
      expect(n.tags.length).toBe(new Set(s.attributes.tags).size);
      if (s.attributes.tags.some((x) => MITRE.test(x))) {
        expect(n.techniques).toEqual([t.mitre.technique]);
        expect(n.tactics).toEqual([t.mitre.tactic]);
      } else {
        expect(n.techniques).toEqual([]);
        expect(n.tactics).toEqual([]);
      }
    }
  });

  it('has a realistic severity and triage mix, with assignees from the demo analysts', () => {
    const sev: Record<string, number> = {};
    const states: Record<string, number> = {};
    const names = new Set(DEMO_ANALYSTS.map((a) => a.name));
    for (const s of SAMPLE) {
      sev[s.attributes.status] = (sev[s.attributes.status] ?? 0) + 1;
      const tr = s.attributes.attributes.workflow.triage;
      states[tr.state] = (states[tr.state] ?? 0) + 1;
      if (tr.assignee.id === -1) expect(tr.assignee.name).toBe('Unassigned');
      else expect(names.has(tr.assignee.name)).toBe(true);
      if (tr.state !== 'open') expect(tr.assignee.id).not.toBe(-1);
    }
    for (const level of ['info', 'low', 'medium', 'high', 'critical']) expect(sev[level], level).toBeGreaterThan(0);
    expect(sev['low']! + sev['medium']!).toBeGreaterThan(sev['high']! + sev['critical']!);
    expect(sev['critical']!).toBeLessThan(sev['high']!);
    expect(states['open']!).toBeGreaterThan(SAMPLE.length / 2);
    expect(states['under_review']!).toBeGreaterThan(0);
    expect(states['archived']!).toBeGreaterThan(0);
  });

  it('recurring attacker IPs and users tie different detections together', () => {
    const rulesByIp = new Map<string, Set<string>>();
    for (const s of SAMPLE) {
      for (const e of s.attributes.attributes.entities) {
        if (!e.startsWith('@network.client.ip:')) continue;
        let set = rulesByIp.get(e);
        if (!set) rulesByIp.set(e, (set = new Set()));
        set.add(s.attributes.attributes.workflow.rule.id);
      }
    }
    expect(rulesByIp.size).toBeLessThanOrEqual(25);
    expect([...rulesByIp.values()].filter((r) => r.size >= 5).length).toBeGreaterThanOrEqual(3);
    const users = new Set(SAMPLE.flatMap((s) => s.attributes.attributes.entities.filter((e) => e.startsWith('@usr.email:'))));
    expect(users.size).toBeGreaterThan(20);
    expect(users.size).toBeLessThanOrEqual(40);
    for (const u of users) expect(u).toMatch(/^@usr\.email:[a-z]+\.[a-z]+@northwind\.io$/);
  });

  it('DEMO_ANALYSTS: 5 analysts, 2 leads, 1 admin with first.last handles', () => {
    expect(DEMO_ANALYSTS).toHaveLength(8);
    expect(DEMO_ANALYSTS.filter((a) => a.role === 'analyst')).toHaveLength(5);
    expect(DEMO_ANALYSTS.filter((a) => a.role === 'lead')).toHaveLength(2);
    expect(DEMO_ANALYSTS.filter((a) => a.role === 'admin')).toHaveLength(1);
    expect(new Set(DEMO_ANALYSTS.map((a) => a.handle)).size).toBe(8);
    for (const a of DEMO_ANALYSTS) {
      expect(a.handle).toMatch(/^[a-z]+\.[a-z]+$/);
      expect(Object.keys(a).sort()).toEqual(['handle', 'name', 'role']);
    }
  });
});
