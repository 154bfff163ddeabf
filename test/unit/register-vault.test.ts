// The encrypted register: open/unlock/re-open, wrong key, damaged files, no plaintext on disk.
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Register } from '../../electron/core/register/register';
import { keyFilePath } from '../../electron/core/register/vault-key';
import { latestSchemaVersion, migrate, assertMigrationOrder } from '../../electron/core/register/migrate';
import { MIGRATIONS } from '../../electron/core/register/migrations/index';
import { VigilError } from '../../shared/errors';
import { newRegister, tempDir, TEST_PASSPHRASE } from '../support/workspace';
import { variant } from '../support/signals';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  return out;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    expect((e as VigilError).code).toBe(code);
    return e as VigilError;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}

describe('register vault', () => {
  it('creates, closes and re-opens with the passphrase, data intact', async () => {
    const r = await newRegister(t.dir);
    const path = r.path;
    r.ingestSignals([variant(1), variant(2)], { actor: 'test' });
    r.close();
    const again = await Register.open(path, { passphrase: TEST_PASSPHRASE });
    expect(again.facets().total).toBe(2);
    expect(again.unsafeHandle().pragma('user_version', { simple: true })).toBe(latestSchemaVersion());
    expect(again.unsafeHandle().pragma('journal_mode', { simple: true })).toBe('wal');
    expect(again.unsafeHandle().pragma('synchronous', { simple: true })).toBe(2); // FULL
    again.close();
  });

  it('refuses to overwrite an existing workspace', async () => {
    const r = await newRegister(t.dir);
    r.close();
    await expectCode(newRegister(t.dir), 'VAULT_EXISTS');
  });

  it('a wrong passphrase fails with VAULT_KEY_INVALID and leaves every file byte-identical', async () => {
    const r = await newRegister(t.dir);
    r.ingestSignals([variant(1)], { actor: 'test' });
    r.close();
    const before = snapshot(t.dir);
    const e = await expectCode(Register.open(r.path, { passphrase: 'not the passphrase' }), 'VAULT_KEY_INVALID');
    expect(e.message).toMatch(/wrong passphrase/i);
    expect(e.message).not.toContain('not the passphrase');
    expect(snapshot(t.dir)).toEqual(before);
  });

  it('a key file from another workspace is caught by the proving read, file untouched', async () => {
    const a = await newRegister(t.dir, 'a.vigil');
    const b = await newRegister(t.dir, 'b.vigil');
    a.close();
    b.close();
    copyFileSync(keyFilePath(b.path), keyFilePath(a.path));
    const before = snapshot(t.dir);
    await expectCode(Register.open(a.path, { passphrase: TEST_PASSPHRASE }), 'VAULT_CORRUPT');
    expect(snapshot(t.dir)).toEqual(before);
  });

  it('a corrupted workspace gets VAULT_CORRUPT and stays untouched', async () => {
    const r = await newRegister(t.dir);
    r.ingestSignals([variant(1)], { actor: 'test' });
    r.close();
    const bytes = readFileSync(r.path);
    for (let i = 0; i < 64; i++) bytes[i] = (bytes[i]! ^ 0xa5) & 0xff; // first page header and salt
    writeFileSync(r.path, bytes);
    const before = snapshot(t.dir);
    await expectCode(Register.open(r.path, { passphrase: TEST_PASSPHRASE }), 'VAULT_CORRUPT');
    expect(snapshot(t.dir)).toEqual(before);
  });

  it('a plain SQLite file or an arbitrary file is not a Vigil workspace', async () => {
    const plain = join(t.dir, 'plain.vigil');
    const db = new Database(plain);
    db.exec('CREATE TABLE x (y)');
    db.close();
    writeFileSync(keyFilePath(plain), '{}');
    await expectCode(Register.open(plain, { passphrase: TEST_PASSPHRASE }), 'VAULT_NOT_VIGIL');
    const text = join(t.dir, 'notes.vigil');
    writeFileSync(text, 'hello, these are my notes\n');
    await expectCode(Register.open(text, { passphrase: TEST_PASSPHRASE }), 'VAULT_NOT_VIGIL');
  });

  it('a missing or damaged key file has its own codes', async () => {
    const r = await newRegister(t.dir);
    r.close();
    const kf = readFileSync(keyFilePath(r.path), 'utf8');
    rmSync(keyFilePath(r.path));
    await expectCode(Register.open(r.path, { passphrase: TEST_PASSPHRASE }), 'VAULT_KEYFILE_MISSING');
    writeFileSync(keyFilePath(r.path), kf.slice(0, 40));
    await expectCode(Register.open(r.path, { passphrase: TEST_PASSPHRASE }), 'VAULT_KEYFILE_INVALID');
  });

  it('no signal or finding text is readable in the database file or its WAL', async () => {
    const canary = 'ZEBRACANARY8812';
    const r = await newRegister(t.dir);
    r.ingestSignals(
      [variant(7, { message: `%%%\nLogin from ${canary} on host ${canary}-db\n%%%` }), variant(8, { tags: [`source:${canary}`, 'security:attack'] })],
      { actor: 'test' },
    );
    r.updateFinding(1, { assignee: `${canary}.analyst` }, 'test', { reason: canary });
    // Still open: the newest pages sit in the WAL.
    const files = readdirSync(t.dir);
    expect(files.some((f) => f.endsWith('-wal'))).toBe(true);
    for (const f of files) {
      const raw = readFileSync(join(t.dir, f));
      for (const needle of [canary, 'security:attack', 'runtime-security-agent', 'finding.opened']) {
        expect(raw.includes(Buffer.from(needle, 'utf8')), `${needle} in ${f}`).toBe(false);
        expect(raw.includes(Buffer.from(needle, 'utf16le')), `${needle} (utf16) in ${f}`).toBe(false);
      }
    }
    r.close();
    for (const f of readdirSync(t.dir)) {
      expect(readFileSync(join(t.dir, f)).includes(Buffer.from(canary))).toBe(false);
    }
  });
});

describe('migrations', () => {
  it('run from an empty file to the latest version, and refuse a newer database', async () => {
    const r = await newRegister(t.dir);
    const db = r.unsafeHandle();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((x) => x.name);
    for (const name of ['settings', 'analysts', 'signals', 'signal_revisions', 'findings', 'drafts', 'evidence', 'signoffs', 'audit', 'outbox', 'quarantine']) {
      expect(tables).toContain(name);
    }
    expect(migrate(db)).toEqual([]); // idempotent
    db.pragma('user_version = 99');
    r.close();
    const e = await expectCode(Register.open(r.path, { passphrase: TEST_PASSPHRASE }), 'VAULT_NEWER');
    expect(e.message).toMatch(/newer Vigil/);
  });

  it('refuses an out-of-order migration list', () => {
    const m = MIGRATIONS[0]!;
    expect(() => assertMigrationOrder([{ ...m, version: 2 }])).toThrow(/out of order/);
  });

  it('findings carry the seed columns plus status, priority and assignee', async () => {
    const r = await newRegister(t.dir);
    const cols = (r.unsafeHandle().prepare('PRAGMA table_info(findings)').all() as { name: string }[]).map((c) => c.name);
    for (const c of ['dd_signal_id', 'splunk_search', 'mitre_technique', 'severity', 'blast_radius', 'recommended_action', 'drafted_by', 'analyst_signoff', 'signed_at', 'status', 'priority', 'assignee']) {
      expect(cols).toContain(c);
    }
    r.close();
  });
});

describe('key file', () => {
  it('holds only wrapped material: the raw key never appears in it', async () => {
    const r = await newRegister(t.dir);
    r.close();
    const kf = JSON.parse(readFileSync(keyFilePath(r.path), 'utf8'));
    expect(kf.format).toBe('vigil-vault-key');
    expect(JSON.stringify(kf)).not.toContain(TEST_PASSPHRASE);
    expect(existsSync(r.path)).toBe(true);
  });
});

describe('migrations only add', () => {
  it('every step keeps every table and column of the steps before it', () => {
    const db = new Database(':memory:');
    let before = new Map<string, Set<string>>();
    for (let i = 1; i <= MIGRATIONS.length; i++) {
      migrate(db, MIGRATIONS.slice(0, i));
      const now = new Map<string, Set<string>>();
      for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'finding_fts_%'").all() as { name: string }[]) {
        now.set(name, new Set((db.prepare(`PRAGMA table_info(${name})`).all() as { name: string }[]).map((c) => c.name)));
      }
      for (const [table, cols] of before) {
        expect(now.has(table), `migration ${i} dropped table ${table}`).toBe(true);
        for (const c of cols) expect(now.get(table)!.has(c), `migration ${i} dropped ${table}.${c}`).toBe(true);
      }
      before = now;
    }
    db.close();
  });
});
