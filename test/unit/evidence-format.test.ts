// The bundle format's fast paths write canonical JSON by hand (a bundle has 40,000 subjects and
// 100,000 audit entries); they must give the very bytes canonicalJson gives, for every string a
// name, an actor or a value can hold. And DSSE's pre-authentication encoding, byte for byte.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { auditEntryHash, auditEntryHashCanonical, contentDigest, REPORT_PATH, reportDigests } from '../../electron/core/evidence/bundle-format';
import { decodeBase64Strict, pae } from '../../electron/core/evidence/dsse';

const NASTY = ['', 'plain', 'quote " and \\ backslash', 'tab\tnew\nline\u0000nul', 'é ü 中文 😀', '\u2028\u2029', '</script><b>', 'a'.repeat(300), '\ud800'];

describe('canonical fast paths', () => {
  it('contentDigest is sha256 of canonicalJson(subjects without the report)', () => {
    const subjects = NASTY.map((n, i) => ({ name: `f/${i}/${n || 'x'}`, digest: { sha256: createHash('sha256').update(String(i)).digest('hex') } }));
    subjects.push({ name: REPORT_PATH, digest: { sha256: 'f'.repeat(64) } });
    const want = createHash('sha256').update(canonicalJson(subjects.filter((s) => s.name !== REPORT_PATH))).digest('hex');
    expect(contentDigest(subjects)).toBe(want);
  });

  it('auditEntryHash equals the canonicalJson form for any strings and nulls', () => {
    for (const [i, s] of NASTY.entries()) {
      const row = {
        seq: i + 1,
        at: new Date(1_700_000_000_000 + i).toISOString(),
        actor: s,
        action: `finding.${s}`,
        entity: 'finding',
        entity_id: `FND-${i + 1}`,
        field: i % 2 ? null : s,
        old_value: i % 3 ? JSON.stringify({ v: s }) : null,
        new_value: canonicalJson([s, i]),
        reason: i % 2 ? s : null,
        prev_hash: createHash('sha256').update(s).digest('hex'),
      };
      expect(auditEntryHash(row)).toBe(auditEntryHashCanonical(row));
    }
  });
});

describe('DSSE and the report digest', () => {
  it('PAE is "DSSEv1 len(type) type len(body) body" in bytes', () => {
    expect(pae('application/vnd.in-toto+json', Buffer.from('{"a":"é"}')).toString('utf8')).toBe('DSSEv1 28 application/vnd.in-toto+json 10 {"a":"é"}');
    expect(pae('t', Buffer.alloc(0)).toString()).toBe('DSSEv1 1 t 0 ');
  });

  it('base64 has one accepted spelling', () => {
    expect(decodeBase64Strict('aGk=')?.toString()).toBe('hi');
    for (const bad of ['aGk', 'aGk==', 'aG k=', 'aGl=', 'a-_=']) expect(decodeBase64Strict(bad), bad).toBeNull();
    // A large payload (megabytes) decodes without the pattern recursing.
    const big = Buffer.alloc(5_000_000, 7).toString('base64');
    expect(decodeBase64Strict(big)?.length).toBe(5_000_000);
  });

  it('reads the digest from both the meta tag and the footer', () => {
    const d = 'a'.repeat(64);
    expect(reportDigests(`<meta name="vigil-content-digest" content="${d}"> … <code id="content-digest">${d}</code>`)).toEqual({ meta: d, footer: d });
    expect(reportDigests('<p>nothing</p>')).toEqual({ meta: null, footer: null });
  });
});

describe('the verifier stands alone', () => {
  it('imports only node built-ins, zod, shared/, the pure custody and evidence modules and the worker locator', () => {
    const root = resolve(import.meta.dirname, '../..');
    const seen = new Set<string>();
    const external = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          const base = resolve(dirname(file), spec);
          walk(existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts'));
        } else external.add(spec);
      }
    };
    walk(join(root, 'electron/core/evidence/verify.ts'));
    const local = [...seen].map((f) => relative(root, f));
    expect(local).toEqual(expect.arrayContaining(['electron/core/custody/signoff.ts', 'electron/core/evidence/zip.ts', 'shared/canonical-json.ts']));
    // audit-hashes starts the slice-hashing worker; worker-file only finds that worker's script.
    for (const f of local) expect(f, f).toMatch(/^(shared\/|electron\/core\/custody\/|electron\/core\/evidence\/(verify|bundle-format|dsse|zip|audit-hashes)\.ts$|electron\/core\/worker-file\.ts$)/);
    for (const e of external) expect(e, e).toMatch(/^(node:|zod$)/);
  });
});
