import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttackCatalog, AttackCatalogError } from '../../electron/core/attack/catalog';
import { DEFAULT_BUNDLE, DEFAULT_OUT, buildCatalog, excerpt } from '../../scripts/build-attack-catalog';
import { TACTIC_ID, TECHNIQUE_ID, parentTechniqueId, parseMitreTag } from '../../shared/attack-ids';

const catalog = AttackCatalog.load();
const ids = (list: readonly { id: string }[]) => list.map((t) => t.id);

describe('ATT&CK catalog contents (v18.1)', () => {
  it('has the README counts: 14 tactics, 216 techniques and 475 sub-techniques active', () => {
    expect(catalog.attackVersion).toBe('18.1');
    expect(catalog.domain).toBe('enterprise-attack');
    expect(catalog.tactics()).toHaveLength(14);
    const active = ids(catalog.tactics()).flatMap((id) => ids(catalog.techniquesForTactic(id)));
    const unique = [...new Set(active)];
    expect(unique.filter((id) => !id.includes('.'))).toHaveLength(216);
    expect(unique.filter((id) => id.includes('.'))).toHaveLength(475);
  });

  it('lists tactics in matrix order and finds them by id or shortname, any case', () => {
    const tactics = ids(catalog.tactics());
    expect(tactics[0]).toBe('TA0043');
    expect(tactics.at(-1)).toBe('TA0040');
    expect(catalog.tactic('ta0006')?.shortname).toBe('credential-access');
    expect(catalog.tactic('Credential-Access')?.id).toBe('TA0006');
    expect(catalog.tactic('TA9999')).toBeUndefined();
  });

  it('knows T1110 Brute Force: credential access, with its sub-techniques right after it', () => {
    const bruteForce = catalog.technique('t1110');
    expect(bruteForce?.name).toBe('Brute Force');
    expect(bruteForce?.tactics).toEqual(['TA0006']);
    expect(bruteForce?.is_subtechnique).toBe(false);
    expect(catalog.technique('T1110.003')).toMatchObject({ name: 'Password Spraying', parent: 'T1110', is_subtechnique: true });

    const column = ids(catalog.techniquesForTactic('credential-access'));
    const at = column.indexOf('T1110');
    expect(column.slice(at, at + 5)).toEqual(['T1110', 'T1110.001', 'T1110.002', 'T1110.003', 'T1110.004']);
    expect(catalog.techniquesForTactic('no-such-tactic')).toEqual([]);
  });

  it('keeps descriptions short and free of citation markers', () => {
    expect(catalog.technique('T1110.003')?.description).toMatch(/^Adversaries may use a single or small list/);
    const all = catalog.tactics().flatMap((t) => catalog.techniquesForTactic(t.id));
    for (const { id, description } of all) {
      expect(description.length, id).toBeGreaterThan(0);
      expect(description.length, id).toBeLessThanOrEqual(600);
      expect(description, id).not.toMatch(/\(Citation:|\]\(https?:|<code>/);
    }
  });

  it('returns frozen entries, so one caller cannot corrupt another', () => {
    const technique = catalog.technique('T1110');
    expect(Object.isFrozen(technique)).toBe(true);
    expect(Object.isFrozen(technique?.tactics)).toBe(true);
  });
});

describe('resolving old ids', () => {
  it('active ids resolve to themselves', () => {
    const resolution = catalog.resolve('t1110');
    expect(resolution.status).toBe('active');
  });

  it('a revoked id resolves to its replacement (T1066 → T1027.005)', () => {
    const resolution = catalog.resolve('T1066');
    expect(resolution.status).toBe('revoked');
    if (resolution.status !== 'revoked') return;
    expect(resolution.technique.name).toBe('Indicator Removal from Tools');
    expect(resolution.replacement.id).toBe('T1027.005');
  });

  it('follows chained revocations to a live technique (T1150 → T1547.011 → T1647)', () => {
    expect(catalog.technique('T1547.011')?.revoked).toBe(true);
    const resolution = catalog.resolve('T1150');
    expect(resolution.status === 'revoked' && resolution.replacement.id).toBe('T1647');
  });

  it('a deprecated id has no replacement (T1064 Scripting)', () => {
    const resolution = catalog.resolve('T1064');
    expect(resolution.status).toBe('deprecated');
    expect(resolution.status === 'deprecated' && resolution.technique.replaced_by).toBeNull();
  });

  it('unknown and malformed ids are unknown, not errors', () => {
    expect(catalog.resolve('T9999')).toEqual({ status: 'unknown' });
    expect(catalog.resolve('brute force')).toEqual({ status: 'unknown' });
  });
});

describe('search', () => {
  it('an id prefix lists the technique, then its sub-techniques, in id order', () => {
    expect(ids(catalog.search('t1110'))).toEqual(['T1110', 'T1110.001', 'T1110.002', 'T1110.003', 'T1110.004']);
    expect(ids(catalog.search('T1110.0'))).toEqual(['T1110.001', 'T1110.002', 'T1110.003', 'T1110.004']);
    expect(ids(catalog.search('1110'))[0]).toBe('T1110');
    expect(ids(catalog.search('technique:t1110.003-password-spraying'))).toEqual(['T1110.003']);
  });

  it('an exact id comes first', () => {
    expect(ids(catalog.search('T1110.003'))).toEqual(['T1110.003']);
    expect(ids(catalog.search('T1059'))[0]).toBe('T1059');
  });

  it('matches word prefixes of names, in-order matches first', () => {
    expect(ids(catalog.search('pass spray'))[0]).toBe('T1110.003');
    expect(ids(catalog.search('spray pass'))).toContain('T1110.003');
    expect(ids(catalog.search('Password Spraying'))[0]).toBe('T1110.003');
  });

  it('ranks own-name matches above parent-name matches, shorter names first', () => {
    const results = ids(catalog.search('brute'));
    expect(results[0]).toBe('T1110');
    expect(results.slice(1).sort()).toEqual(['T1110.001', 'T1110.002', 'T1110.003', 'T1110.004']);
    const dumping = catalog.search('credential dump');
    expect(dumping[0]?.name).toBe('OS Credential Dumping');
  });

  it('never offers revoked or deprecated techniques', () => {
    // T1150 "Plist Modification" is revoked; T1647 "Plist File Modification" replaced it.
    expect(ids(catalog.search('plist'))).toContain('T1647');
    expect(ids(catalog.search('plist'))).not.toContain('T1150');
    expect(ids(catalog.search('scripting'))).not.toContain('T1064');
    expect(ids(catalog.search('T1150'))).toEqual([]);
  });

  it('honours the limit and returns nothing for empty or unmatched queries', () => {
    expect(catalog.search('t1')).toHaveLength(20);
    expect(catalog.search('t1', 3)).toHaveLength(3);
    expect(catalog.search('t1', 0)).toEqual([]);
    expect(catalog.search('   ')).toEqual([]);
    expect(catalog.search('zzzqqq')).toEqual([]);
  });
});

describe('parseMitreTag and id helpers', () => {
  it('parses recorded lower-case Datadog tags, returning upper-case ids', () => {
    expect(parseMitreTag('tactic:ta0003-persistence')).toEqual({ kind: 'tactic', id: 'TA0003', slug: 'persistence' });
    expect(parseMitreTag('technique:t1556-modify-authentication-process')).toEqual({
      kind: 'technique',
      id: 'T1556',
      slug: 'modify-authentication-process',
    });
  });

  it('parses upper-case rule tags and sub-techniques', () => {
    expect(parseMitreTag('technique:T1110-brute-force')).toEqual({ kind: 'technique', id: 'T1110', slug: 'brute-force' });
    expect(parseMitreTag('TACTIC:TA0001-Initial-Access')).toEqual({ kind: 'tactic', id: 'TA0001', slug: 'initial-access' });
    expect(parseMitreTag('technique:T1110.003-password-spraying')).toEqual({
      kind: 'technique',
      id: 'T1110.003',
      slug: 'password-spraying',
    });
  });

  it('returns null for anything else', () => {
    for (const junk of ['security:attack', 'source:cloudtrail', 'technique:T111-x', 'technique:T1110.03-x', 'tactic:T0003-persistence', 'technique:T1110', 'technique:T1110-', '']) {
      expect(parseMitreTag(junk), junk).toBeNull();
    }
  });

  it('derives parents from ids and exposes the id patterns', () => {
    expect(parentTechniqueId('T1110.003')).toBe('T1110');
    expect(parentTechniqueId('t1110.003')).toBe('T1110');
    expect(parentTechniqueId('T1110')).toBeNull();
    expect(parentTechniqueId('junk')).toBeNull();
    expect(TACTIC_ID.test('TA0001')).toBe(true);
    expect(TECHNIQUE_ID.test('T1110.003')).toBe(true);
    expect(TECHNIQUE_ID.test('t1110')).toBe(false);
  });
});

describe('loading', () => {
  const shipped = readFileSync(join(DEFAULT_OUT, 'catalog.json'), 'utf8');

  it('accepts an explicit path', () => {
    expect(AttackCatalog.load(join(DEFAULT_OUT, 'catalog.json')).tactics()).toHaveLength(14);
  });

  it('a missing file is ATTACK_CATALOG_NOT_FOUND with a path and a fix', () => {
    expect(() => AttackCatalog.load('/nonexistent/catalog.json')).toThrowError(
      expect.objectContaining({ code: 'ATTACK_CATALOG_NOT_FOUND', message: expect.stringContaining('build-attack-catalog') }),
    );
  });

  it('a malformed file is ATTACK_CATALOG_INVALID naming the bad field', () => {
    const bad = JSON.parse(shipped) as { techniques: { id: string }[] };
    const first = bad.techniques[0];
    if (first) first.id = 'X1';
    const error = captureError(() => AttackCatalog.fromJson(JSON.stringify(bad), 'test.json'));
    expect(error).toBeInstanceOf(AttackCatalogError);
    expect(error).toMatchObject({ code: 'ATTACK_CATALOG_INVALID' });
    expect(error?.message).toContain('test.json');
    expect(error?.message).toContain('techniques.0.id');
    expect(() => AttackCatalog.fromJson('{', 'test.json')).toThrowError(/not valid JSON/);
  });

  it('rejects a revoked technique whose replacement is missing', () => {
    const bad = JSON.parse(shipped) as { techniques: { id: string; replaced_by: string | null }[] };
    const revoked = bad.techniques.find((t) => t.id === 'T1066');
    if (revoked) revoked.replaced_by = 'T9999';
    expect(() => AttackCatalog.fromJson(JSON.stringify(bad))).toThrowError(/T1066: replacement T9999 is not in the catalog/);
  });
});

describe('build-attack-catalog', () => {
  it('the shipped catalog is exactly what the script builds from ../shared (rerun the script if not)', () => {
    const { json } = buildCatalog(readFileSync(DEFAULT_BUNDLE));
    expect(json === readFileSync(join(DEFAULT_OUT, 'catalog.json'), 'utf8')).toBe(true);
  });

  it('reduces a description to its first paragraph as plain text', () => {
    const markdown =
      'Uses [schtasks](https://attack.mitre.org/software/S0111) and <code>at</code>.(Citation: A) **Really**. (Citation: B)\n\nSecond paragraph.';
    expect(excerpt(markdown)).toBe('Uses schtasks and `at`. Really.');
    expect(excerpt(`${'word '.repeat(200)}end`, 50)).toMatch(/^(word ){9}word…$/);
  });
});

function captureError(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof Error ? error : undefined;
  }
  return undefined;
}
