// Ingest: Vigil's register code (validation, canonical hashing, revisions, finding, full text, audit)
// against a bare loop of prepared inserts of exactly the rows Vigil wrote, into the same encrypted
// configuration, and that bare loop against a plain unencrypted file.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3-multiple-ciphers';
import type { AttackCatalog } from '../../electron/core/attack/catalog';
import { Register } from '../../electron/core/register/register';
import { migrate } from '../../electron/core/register/migrate';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';
import { normalizeSignal, searchableText } from '../../electron/core/signals/normalize';
import { iterateDemoSignals } from '../../electron/core/demo/signal-factory';
import { round } from './stats';

const BATCH = 1000;
const CHUNK = 10_000;

function bareDb(path: string, key: Buffer | null): Database.Database {
  const db = new Database(path);
  if (key) {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(`key = "x'${key.toString('hex')}'"`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  migrate(db);
  return db;
}

function inserter(db: Database.Database) {
  const sig = db.prepare(
    'INSERT INTO signals (id, dd_signal_id, ts, severity, rule_id, rule_name, rule_type, source, title, triage_state, revision, content_hash, fetched_at) VALUES (@id, @dd_signal_id, @ts, @severity, @rule_id, @rule_name, @rule_type, @source, @title, @triage_state, @revision, @content_hash, @fetched_at)',
  );
  const rev = db.prepare('INSERT INTO signal_revisions (signal_id, revision, content_hash, payload, fetched_at) VALUES (@signal_id, @revision, @content_hash, @payload, @fetched_at)');
  const fnd = db.prepare(
    `INSERT INTO findings (id, signal_id, dd_signal_id, title, source, mitre_technique, mitre_tactic, severity, status, priority, blast_radius, blast_radius_count, created_at, updated_at)
     VALUES (@id, @signal_id, @dd_signal_id, @title, @source, @mitre_technique, @mitre_tactic, @severity, @status, @priority, @blast_radius, @blast_radius_count, @created_at, @updated_at)`,
  );
  const fts = db.prepare('INSERT INTO finding_fts (rowid, title, body) VALUES (?, ?, ?)');
  const aud = db.prepare(
    'INSERT INTO audit (seq, at, actor, action, entity, entity_id, field, old_value, new_value, reason, prev_hash, hash) VALUES (@seq, @at, @actor, @action, @entity, @entity_id, @field, @old_value, @new_value, @reason, @prev_hash, @hash)',
  );
  return (rows: Rows, from: number, to: number) => {
    db.transaction(() => {
      for (let i = from; i < to; i++) {
        sig.run(rows.signals[i]!);
        rev.run(rows.revisions[i]!);
        fnd.run(rows.findings[i]!);
        const f = rows.fts[i]!;
        fts.run(f[0], f[1], f[2]);
        aud.run(rows.audit[i]!);
      }
    })();
  };
}

interface Rows {
  signals: Record<string, unknown>[];
  revisions: Record<string, unknown>[];
  findings: Record<string, unknown>[];
  fts: [number, string, string][];
  audit: Record<string, unknown>[];
}

export async function benchIngest(n: number, catalog: AttackCatalog, log: (s: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ingest-bench-'));
  try {
    const reg = await Register.create(join(dir, 'vigil.vigil'), { passphrase: 'bench passphrase' }, { scrypt: FAST_SCRYPT_FOR_TESTS });
    const key = Buffer.alloc(32, 7);
    const enc = bareDb(join(dir, 'bare-encrypted.db'), key);
    const plain = bareDb(join(dir, 'bare-plain.db'), null);
    const insEnc = inserter(enc);
    const insPlain = inserter(plain);
    const a = reg.unsafeHandle();
    const tacticFor = (t: string) => catalog.technique(t)?.tactics[0] ?? null;

    let vigilNs = 0n;
    let encNs = 0n;
    let plainNs = 0n;
    let chunk: unknown[] = [];
    let done = 0;
    const runChunk = () => {
      // Vigil's path, timed.
      for (let i = 0; i < chunk.length; i += BATCH) {
        const batch = chunk.slice(i, i + BATCH);
        const t = process.hrtime.bigint();
        reg.ingestSignals(batch, { actor: 'bench', tacticFor });
        vigilNs += process.hrtime.bigint() - t;
      }
      // The rows it wrote, read back untimed, then inserted bare, timed.
      const lo = done + 1;
      const hi = done + chunk.length;
      const rows: Rows = {
        signals: a.prepare('SELECT * FROM signals WHERE id BETWEEN ? AND ? ORDER BY id').all(lo, hi) as Record<string, unknown>[],
        revisions: a.prepare('SELECT * FROM signal_revisions WHERE signal_id BETWEEN ? AND ? ORDER BY signal_id').all(lo, hi) as Record<string, unknown>[],
        findings: a
          .prepare('SELECT id, signal_id, dd_signal_id, title, source, mitre_technique, mitre_tactic, severity, status, priority, blast_radius, blast_radius_count, created_at, updated_at FROM findings WHERE id BETWEEN ? AND ? ORDER BY id')
          .all(lo, hi) as Record<string, unknown>[],
        fts: chunk.map((raw, i) => {
          const s = normalizeSignal(raw);
          return [lo + i, s.title, searchableText(s) + (s.techniques[0] ? `\n${s.techniques[0]}` : '')];
        }),
        audit: a.prepare('SELECT * FROM audit WHERE seq BETWEEN ? AND ? ORDER BY seq').all(lo, hi) as Record<string, unknown>[],
      };
      if (rows.signals.length !== chunk.length || rows.audit.length !== chunk.length) throw new Error('bench: row read-back mismatch');
      for (let i = 0; i < chunk.length; i += BATCH) {
        let t = process.hrtime.bigint();
        insEnc(rows, i, Math.min(i + BATCH, chunk.length));
        encNs += process.hrtime.bigint() - t;
        t = process.hrtime.bigint();
        insPlain(rows, i, Math.min(i + BATCH, chunk.length));
        plainNs += process.hrtime.bigint() - t;
      }
      done += chunk.length;
      chunk = [];
    };
    for (const s of iterateDemoSignals({ count: n, seed: 7 })) {
      chunk.push(s);
      if (chunk.length === CHUNK) runChunk();
    }
    if (chunk.length) runChunk();
    reg.close();
    enc.close();
    plain.close();

    const vigilS = Number(vigilNs) / 1e9;
    const encS = Number(encNs) / 1e9;
    const plainS = Number(plainNs) / 1e9;
    log(`ingest ${n.toLocaleString()} signals: Vigil ${vigilS.toFixed(2)} s (${Math.round(n / vigilS).toLocaleString()}/s), bare encrypted ${encS.toFixed(2)} s, bare plain ${plainS.toFixed(2)} s`);
    return {
      ingest_signals: n,
      ingest_vigil_s: round(vigilS),
      ingest_bare_encrypted_s: round(encS),
      ingest_bare_plain_s: round(plainS),
      ingest_signals_per_s: Math.round(n / vigilS),
      ingest_vs_bare_ratio: round(vigilS / encS, 2),
      encrypted_vs_plain_ratio: round(encS / plainS, 2),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
