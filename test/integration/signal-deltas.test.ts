// A signed finding whose signal changes afterwards, read through the workspace and the contract:
// finding.get carries the appended deltas, the "superseded by" link on the signed finding and the
// "supersedes" link on the one a material change opened — and the sign-off still verifies.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as custody from '../../electron/core/custody';
import { dispatch } from '../../electron/core/dispatch';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import type { FindingDetail, QueuePage } from '../../shared/domain';
import { tempDir } from '../support/workspace';

const PASS = 'signal deltas test passphrase';
const DAY = 86_400_000;
let t: ReturnType<typeof tempDir>;
let ws: Workspace;
let h: ReturnType<Workspace['handlers']>;
const lead = custody.generateAnalystKey();

async function call<T>(channel: string, input: unknown = {}): Promise<T> {
  const r = await dispatch(h, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

beforeEach(async () => {
  t = tempDir();
  ws = new Workspace({
    version: 'test',
    statePath: join(t.dir, 'state.json'),
    demoPath: join(t.dir, 'demo.vigil'),
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    demoSignals: 40,
    demoTeam: false,
    actor: 'local:analyst',
    sourceTimers: false,
  });
  h = ws.handlers();
  await call('workspace.openDemo', { passphrase: PASS });
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
});

afterEach(() => {
  ws.dispose();
  t.cleanup();
});

describe('signal changes after sign-off, through finding.get', () => {
  it('shows the delta and both supersede links; the sign-off still verifies', async () => {
    const page = await call<QueuePage>('queue.page', { filter: { status: ['drafted'] }, limit: 1 });
    const id = page.rows[0]!.finding_id;
    await call('finding.signOff', { id });
    const signed = await call<FindingDetail>('finding.get', { id });
    expect(signed.finding.status).toBe('signed');
    expect(signed.signal_deltas).toEqual([]);
    expect(signed.finding.superseded_by).toBeNull();

    // The same signal again from Datadog, now naming an entity it did not before.
    const changed = structuredClone(signed.signal.payload) as { attributes: { message: string; attributes?: { entities?: string[] }; custom?: { entities?: string[] } } };
    const custom = (changed.attributes.attributes ?? changed.attributes.custom)!;
    custom.entities = [...(custom.entities ?? []), 'host:i-0new-after-signoff'];
    changed.attributes.message += '\nAlso seen on a second host.';
    const res = ws.reg().ingestSignals([changed], { actor: 'system:sync' });
    expect(res).toMatchObject({ revised: 1, deltas: 1, superseded: 1 });

    const old = await call<FindingDetail>('finding.get', { id });
    expect(old.finding.status).toBe('signed');
    expect(old.finding.decision_revision).toBe(signed.finding.decision_revision);
    expect(old.signoffs.map((s) => [s.valid, s.stale])).toEqual([[true, false]]);
    expect(old.signal_deltas).toHaveLength(1);
    const d = old.signal_deltas[0]!;
    expect(d).toMatchObject({ from_revision: 1, to_revision: 2, baseline_revision: 1, material: [{ kind: 'new_entities' }] });
    expect(d.entities.added).toEqual(['host:i-0new-after-signoff']);
    expect(Object.keys(d.fields)).toEqual(['message']);
    const fresh = old.finding.superseded_by!;
    expect(fresh).toMatch(/^FND-\d+$/);
    expect(d.superseded_by).toBe(fresh);
    expect(old.history.map((e) => e.action).slice(-2)).toEqual(['finding.signal_delta', 'finding.superseded']);

    const next = await call<FindingDetail>('finding.get', { id: fresh });
    expect(next.finding).toMatchObject({ status: 'new', supersedes: id, superseded_by: null });
    expect(next.signal.entities).toContain('host:i-0new-after-signoff');
    expect(next.history.map((e) => e.action)).toContain('finding.opened');
    expect(ws.reg().verifyAudit().ok).toBe(true);
  });
});
