// The append-only, hash-chained audit trail.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryHash, verifyAuditRows, type AuditRow } from '../../electron/core/register/audit';
import { newRegister, tempDir } from '../support/workspace';
import { variant } from '../support/signals';
import type { Register } from '../../electron/core/register/register';

let t: ReturnType<typeof tempDir>;
let r: Register;
beforeEach(async () => {
  t = tempDir();
  r = await newRegister(t.dir);
  r.ingestSignals([variant(1), variant(2), variant(3)], { actor: 'sync' });
  r.updateFinding(1, { status: 'drafted', assignee: 'amara.okafor' }, 'amara.okafor', { reason: 'taking it' });
  r.updateFinding(2, { severity: 'critical' }, 'li.wei', { reason: 'customer data involved' });
});
afterEach(() => {
  r.close();
  t.cleanup();
});

describe('audit chain', () => {
  it('records every change with actor, time, action, field, old and new', () => {
    const h = r.auditFor('finding', 'FND-1');
    expect(h.map((x) => [x.action, x.field])).toEqual([
      ['finding.opened', null],
      ['finding.updated', 'status'],
      ['finding.updated', 'assignee'],
    ]);
    expect(h[1]).toMatchObject({ actor: 'amara.okafor', old_value: '"new"', new_value: '"drafted"', reason: 'taking it' });
  });

  it('verifies intact', () => {
    expect(r.verifyAudit()).toMatchObject({ ok: true, entries: 6 });
  });

  it('refuses UPDATE and DELETE through triggers', () => {
    const db = r.unsafeHandle();
    expect(() => db.prepare("UPDATE audit SET actor = 'mallory' WHERE seq = 2").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 2').run()).toThrow(/append-only/);
  });

  it('names the first broken link when an entry is altered behind the triggers', () => {
    const db = r.unsafeHandle();
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare(`UPDATE audit SET new_value = '"closed"' WHERE seq = 5`).run();
    expect(r.verifyAudit()).toMatchObject({ ok: false, entries: 4, broken: { seq: 5 } });
    expect(r.verifyAudit().broken?.reason).toMatch(/altered/);
  });

  it('detects a dropped entry and a reorder', () => {
    const rows = r.unsafeHandle().prepare('SELECT * FROM audit ORDER BY seq').all() as AuditRow[];
    const dropped = rows.filter((x) => x.seq !== 3);
    expect(verifyAuditRows(dropped)).toMatchObject({ ok: false, broken: { seq: 4 } });
    const swapped = [rows[0]!, rows[2]!, rows[1]!, ...rows.slice(3)];
    expect(verifyAuditRows(swapped)).toMatchObject({ ok: false, broken: { seq: 3 } });
  });

  it('detects a rehashed entry whose successor still points at the old hash', () => {
    const db = r.unsafeHandle();
    db.exec('DROP TRIGGER audit_no_update');
    // An attacker who recomputes one entry's hash still breaks the next link.
    const rows = db.prepare('SELECT * FROM audit ORDER BY seq').all() as AuditRow[];
    const target = { ...rows[1]!, actor: 'mallory' };
    const newHash = entryHash(target);
    db.prepare('UPDATE audit SET actor = ?, hash = ? WHERE seq = ?').run('mallory', newHash, target.seq);
    expect(r.verifyAudit()).toMatchObject({ ok: false, broken: { seq: 3 } });
  });
});
