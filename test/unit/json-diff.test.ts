// The revision diff: objects key by key, scalar arrays as sets, other arrays by index, and the
// register's view of what changed between two fetched versions of a signal.
import { afterEach, describe, expect, it } from 'vitest';
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import type { Register } from '../../electron/core/register/register';
import { jsonDiff } from '../../shared/json-diff';
import { newRegister, tempDir } from '../support/workspace';

describe('jsonDiff', () => {
  it('reports added, removed and changed fields with their paths', () => {
    expect(jsonDiff({ a: 1, b: { c: 'x', d: true }, gone: 1 }, { a: 2, b: { c: 'x', d: false, e: null }, 'x/y': 1 })).toEqual([
      { path: '/a', kind: 'changed', old: 1, new: 2 },
      { path: '/b/d', kind: 'changed', old: true, new: false },
      { path: '/b/e', kind: 'added', new: null },
      { path: '/gone', kind: 'removed', old: 1 },
      { path: '/x~1y', kind: 'added', new: 1 },
    ]);
  });

  it('treats scalar arrays as sets and other arrays by index', () => {
    expect(jsonDiff({ tags: ['a', 'b', 'c'] }, { tags: ['c', 'a', 'd'] })).toEqual([
      { path: '/tags', kind: 'removed', old: 'b' },
      { path: '/tags', kind: 'added', new: 'd' },
    ]);
    expect(jsonDiff({ s: [{ x: 1 }, { x: 2 }] }, { s: [{ x: 1 }] })).toEqual([{ path: '/s/1', kind: 'removed', old: { x: 2 } }]);
    expect(jsonDiff([1], { a: 1 })).toEqual([{ path: '/', kind: 'changed', old: [1], new: { a: 1 } }]);
    expect(jsonDiff({ same: [1, 2] }, { same: [2, 1] })).toEqual([]);
  });

  it('stops at a limit rather than growing without bound', () => {
    const a = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
    const b = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i + 1]));
    expect(jsonDiff(a, b).length).toBe(500);
  });
});

describe('Register.revisionDiff', () => {
  let t: ReturnType<typeof tempDir> | null = null;
  let reg: Register | null = null;
  afterEach(() => {
    reg?.close();
    t?.cleanup();
  });

  it('shows what changed from one fetched version of the signal to the next', async () => {
    t = tempDir();
    reg = await newRegister(t.dir);
    const [signal] = generateDemoSignals({ count: 1, seed: 3 }) as unknown as { attributes: { tags: string[]; custom: Record<string, unknown> } }[];
    const opened = reg.ingestSignals([signal], { actor: 'sync' }).openedFindings[0]!;
    const changed = structuredClone(signal!);
    changed.attributes.tags = [...changed.attributes.tags, 'env:prod-eu'];
    changed.attributes.custom = { ...changed.attributes.custom, workflow: { triage: { state: 'under_review' } } };
    expect(reg.ingestSignals([changed], { actor: 'sync' }).revised).toBe(1);
    const first = reg.revisionDiff(opened, 1);
    expect(first.from).toBe(0);
    const d = reg.revisionDiff(opened, 2);
    expect(d.from).toBe(1);
    expect(d.to).toBe(2);
    expect(d.changes).toContainEqual({ path: '/attributes/tags', kind: 'added', new: 'env:prod-eu' });
    expect(d.changes).toContainEqual({ path: '/attributes/custom', kind: 'added', new: { workflow: { triage: { state: 'under_review' } } } });
    expect(d.changes.length).toBe(2);
    expect(() => reg!.revisionDiff(opened, 3)).toThrow(/no revision 3/);
  });
});
