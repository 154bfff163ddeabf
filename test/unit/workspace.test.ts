// The workspace behind every channel: first launch, demo, lock on demand and when idle.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dispatch } from '../../electron/core/dispatch';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import type { VigilEvent } from '../../shared/domain';
import { tempDir } from '../support/workspace';

let t: ReturnType<typeof tempDir>;
let ws: Workspace;
const PASS = 'workspace test pass';

function make(): Workspace {
  return new Workspace({
    version: 'test',
    statePath: join(t.dir, 'state.json'),
    demoPath: join(t.dir, 'demo.vigil'),
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    demoSignals: 60,
    actor: 'local:test',
  });
}

beforeEach(() => {
  t = tempDir();
  ws = make();
});
afterEach(() => {
  ws.dispose();
  vi.useRealTimers();
  t.cleanup();
});

describe('workspace', () => {
  it('starts with no workspace, and says what to do', async () => {
    expect(ws.status()).toMatchObject({ state: 'none', workspace: null, osKeystore: 'unavailable' });
    const r = await dispatch(ws.handlers(), 'queue.page', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'VAULT_NOT_OPEN' } });
  });

  it('without an OS key store the demo needs a passphrase', async () => {
    const r = await dispatch(ws.handlers(), 'workspace.openDemo', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_REQUIRED' } });
  });

  it('opens the demo, locks on demand (closing the handle) and unlocks with the passphrase only', async () => {
    const h = ws.handlers();
    const events: VigilEvent[] = [];
    ws.onEvent((e) => events.push(e));
    expect(await dispatch(h, 'workspace.openDemo', { passphrase: PASS })).toMatchObject({ ok: true, value: { state: 'unlocked', workspace: { demo: true } } });
    const page = await dispatch(h, 'queue.page', { limit: 5 });
    expect(page).toMatchObject({ ok: true, value: { total: 60 } });
    const reg = ws.reg();
    await dispatch(h, 'vault.lock', {});
    expect(reg.closed).toBe(true);
    expect(await dispatch(h, 'queue.page', {})).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });
    expect(ws.status()).toMatchObject({ state: 'locked', unlockMethods: ['passphrase'] });
    expect(await dispatch(h, 'vault.unlock', { passphrase: 'wrong wrong wrong' })).toMatchObject({ ok: false, error: { code: 'VAULT_KEY_INVALID' } });
    expect(await dispatch(h, 'vault.unlock', {})).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_REQUIRED' } });
    expect(await dispatch(h, 'vault.unlock', { passphrase: PASS })).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    expect(events.map((e) => (e.type === 'vault' ? e.status.state : e.type))).toEqual(['unlocked', 'locked', 'unlocked']);
  });

  it('a restarted app remembers the workspace, locked', async () => {
    await ws.openDemo(PASS);
    ws.dispose();
    ws = make();
    expect(ws.status()).toMatchObject({ state: 'locked', workspace: { demo: true } });
    await ws.unlock(PASS);
    expect(ws.reg().facets().total).toBe(60);
  });

  it('locks after the idle time; activity pushes the deadline back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await ws.openDemo(PASS);
    ws.setIdleLock(5);
    vi.advanceTimersByTime(4 * 60_000);
    await dispatch(ws.handlers(), 'session.touch', {});
    vi.advanceTimersByTime(4 * 60_000);
    expect(ws.status().state).toBe('unlocked');
    vi.advanceTimersByTime(61_000);
    expect(ws.status().state).toBe('locked');
  });

  it('finding.get returns the finding, its signal and its history, with ATT&CK names', async () => {
    await ws.openDemo(PASS);
    const page = ws.reg().queuePage({ filter: { status: ['signed'] }, sort: { field: 'finding_id', dir: 'asc' }, offset: 0, limit: 1 });
    const id = page.rows[0]!.finding_id;
    const r = await dispatch(ws.handlers(), 'finding.get', { id });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = r.value as import('../../shared/domain').FindingDetail;
    expect(d.finding.finding_id).toBe(id);
    expect(d.finding.analyst_signoff).toBeTruthy();
    expect(d.history.map((x) => x.action)).toContain('finding.opened');
    expect(d.history.some((x) => x.field === 'status' && x.new === 'signed')).toBe(true);
    expect(d.signal.message.length).toBeGreaterThan(0);
    if (d.finding.mitre_technique) expect(d.finding.technique_name).toBeTruthy();
    expect(await dispatch(ws.handlers(), 'finding.get', { id: 'FND-999999' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
