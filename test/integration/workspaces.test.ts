// More than the demo: a new team workspace created and opened from the app, another opened from
// the recent list or a picked file (never an arbitrary path from the renderer), leaving one for the
// Welcome view; and the roles that guard connections (admins) once a team roster exists.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/core/dispatch';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { Workspace } from '../../electron/core/workspace';
import { workspaceFileName, withRecent } from '../../electron/core/workspace-files';
import type { CustodyStatus } from '../../shared/custody';
import type { VaultStatus } from '../../shared/domain';
import { tempDir } from '../support/workspace';

const PASS = 'workspaces test passphrase';
let t: ReturnType<typeof tempDir>;
let ws: Workspace;
let h: ReturnType<Workspace['handlers']>;
let picked: string | null = null;

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

beforeEach(() => {
  t = tempDir();
  picked = null;
  ws = new Workspace({
    version: 'test',
    statePath: join(t.dir, 'state.json'),
    demoPath: join(t.dir, 'demo.vigil'),
    workspacesDir: join(t.dir, 'workspaces'),
    os: null,
    scrypt: FAST_SCRYPT_FOR_TESTS,
    demoSignals: 40,
    actor: 'local:analyst',
    sourceTimers: false,
    pickFile: async () => picked,
  });
  h = ws.handlers();
});

afterEach(() => {
  ws.dispose();
  t.cleanup();
});

describe('workspace files', () => {
  it('names files from workspace names, and keeps a short recent list', () => {
    expect(workspaceFileName('Blue team (EU)')).toBe('blue-team-eu.vigil');
    expect(workspaceFileName('  Équipe Rouge  ')).toBe('equipe-rouge.vigil');
    expect(() => workspaceFileName('!!!')).toThrow(/letter or digit/);
    expect(withRecent(['a', 'b', 'c'], 'b')).toEqual(['b', 'a', 'c']);
    expect(withRecent(Array.from({ length: 8 }, (_, i) => `p${i}`), 'new')).toHaveLength(8);
  });
});

describe('creating, opening and leaving workspaces', () => {
  it('creates a team workspace, opens it at once, and refuses a second with the same name', async () => {
    await refused('workspace.create', { name: 'Blue team' }, 'PASSPHRASE_REQUIRED');
    const s = await call<VaultStatus>('workspace.create', { name: 'Blue team', passphrase: PASS });
    expect(s.state).toBe('unlocked');
    expect(s.workspace).toMatchObject({ name: 'Blue team', demo: false, path: join(t.dir, 'workspaces', 'blue-team.vigil') });
    expect(s.recent).toEqual([{ path: join(t.dir, 'workspaces', 'blue-team.vigil'), name: 'blue-team' }]);
    expect((await call<{ total: number }>('queue.facets')).total).toBe(0);
    await refused('workspace.create', { name: 'blue TEAM', passphrase: PASS }, 'VAULT_EXISTS');
    await refused('workspace.create', { name: 'x', passphrase: PASS, path: '/etc/passwd' }, 'VALIDATION_FAILED');
  });

  it('leaves a workspace for the Welcome view, and opens it again from the recent list, locked', async () => {
    const created = await call<VaultStatus>('workspace.create', { name: 'Blue team', passphrase: PASS });
    const closed = await call<VaultStatus>('workspace.close');
    expect(closed.state).toBe('none');
    expect(closed.workspace).toBeNull();
    expect(closed.recent.map((r) => r.path)).toEqual([created.workspace!.path]);
    const opened = await call<VaultStatus>('workspace.open', { recent: created.workspace!.path });
    expect(opened).toMatchObject({ state: 'locked', workspace: { path: created.workspace!.path } });
    expect((await call<VaultStatus>('vault.unlock', { passphrase: PASS })).state).toBe('unlocked');
    // The renderer cannot name any other path.
    await refused('workspace.open', { recent: join(t.dir, 'demo.vigil') }, 'NOT_FOUND');
    expect((await call<VaultStatus>('vault.status')).state).toBe('unlocked');
  });

  it('opens a picked file, refuses one that is not a workspace, and does nothing when the dialog is cancelled', async () => {
    const created = await call<VaultStatus>('workspace.create', { name: 'Red team', passphrase: PASS });
    await call('workspace.close');
    picked = null;
    expect((await call<VaultStatus>('workspace.open')).state).toBe('none');
    const junk = join(t.dir, 'notes.vigil');
    writeFileSync(junk, 'not a database, just words '.repeat(200));
    picked = junk;
    await refused('workspace.open', {}, 'VAULT_NOT_VIGIL');
    expect((await call<VaultStatus>('vault.status')).state).toBe('none');
    picked = created.workspace!.path;
    expect(await call<VaultStatus>('workspace.open')).toMatchObject({ state: 'locked', workspace: { name: 'red-team' } });
    expect(existsSync(picked)).toBe(true);
  });
});

describe('roles guard the connections', () => {
  it('a workspace without a roster (a team of one, setting up) may change them', async () => {
    await call('workspace.create', { name: 'Solo', passphrase: PASS });
    expect((await call<CustodyStatus>('custody.status')).role).toBeNull();
    await call('settings.saveLlm', { baseUrl: 'http://127.0.0.1:9/v1', model: 'gpt-test' });
  });

  it('in the demo team this workstation is an analyst: connections are refused, with who may', async () => {
    await call('workspace.openDemo', { passphrase: PASS });
    expect((await call<CustodyStatus>('custody.status')).role).toBe('analyst');
    const msg = await refused('settings.saveLlm', { baseUrl: 'http://127.0.0.1:9/v1', model: 'gpt-test' }, 'ROLE_NOT_PERMITTED');
    expect(msg).toMatch(/Only an admin may change the LLM endpoint/);
    expect(msg).toMatch(/makes amara\.okafor an analyst/);
    await refused('settings.saveDatadog', { site: 'datadoghq.eu', apiKey: 'a'.repeat(32), appKey: 'b'.repeat(40) }, 'ROLE_NOT_PERMITTED');
    await refused('settings.saveSplunk', { url: 'https://127.0.0.1:8089', token: 'x'.repeat(20), savedSearch: 'x' }, 'ROLE_NOT_PERMITTED');
    expect((await call<{ llm: { configured: boolean } }>('settings.get')).llm.configured).toBe(false);
  });
});
