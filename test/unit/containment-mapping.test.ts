// The input mapping language of containment actions: plain JSON with a fixed set of references,
// nothing evaluated; and the sealed second-analyst keys: only their owner's passphrase opens them.
import { describe, expect, it } from 'vitest';
import { generateAnalystKey } from '../../electron/core/custody';
import { parseTemplate, resolveTemplate, templateRefs, type MappingContext } from '../../electron/core/containment/mapping';
import { sealKey, unsealKey } from '../../electron/core/containment/sealed-key';
import { secondKeyNeeded, maxDanger } from '../../electron/core/containment/gate';
import { FAST_SCRYPT_FOR_TESTS } from '../../electron/core/register/vault-key';

const ctx: MappingContext = {
  finding: {
    id: 'FND-7',
    title: 'Impossible travel for alice',
    severity: 'high',
    status: 'signed',
    technique: 'T1078',
    tactic: 'TA0001',
    signal_id: 'AAAA-1',
    blast_radius: '2 hosts',
    recommended_action: 'contain',
    risk_score: 72,
    revision: 3,
  },
  entities: Object.assign(Object.create(null) as Record<string, string[]>, { user: ['alice'], host: ['web-1', 'web-2'] }),
  signoff: { analyst: 'amara.okafor', signature_sha256: 'ab'.repeat(32) },
  requester: 'amara.okafor',
  reason: 'stop it',
  workspace: '00000000-0000-4000-8000-000000000000',
};

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? 'none';
  }
  return 'no throw';
}

describe('input mapping', () => {
  it('resolves whole references typed, embedded ones as text, and leaves literals alone', () => {
    const t = parseTemplate(
      JSON.stringify({
        user: '$entity.user',
        hosts: '$entities.host',
        score: '$finding.risk_score',
        note: 'Contain ${finding.id} (${finding.severity}) on ${entities.host}',
        nested: { finding: '$finding.id', by: '$signoff.analyst', keep: ['literal', 3, true, null] },
        price: '$$5',
        why: '$reason',
      }),
    );
    expect(resolveTemplate(t, ctx)).toEqual({
      user: 'alice',
      hosts: ['web-1', 'web-2'],
      score: 72,
      note: 'Contain FND-7 (high) on web-1,web-2',
      nested: { finding: 'FND-7', by: 'amara.okafor', keep: ['literal', 3, true, null] },
      price: '$5',
      why: 'stop it',
    });
    expect(templateRefs(t)).toEqual(['$entities.host', '$entity.user', '$finding.id', '$finding.risk_score', '$finding.severity', '$reason', '$signoff.analyst']);
  });

  it('refuses unknown references, code, prototype walks and oversized or malformed templates', () => {
    for (const bad of [
      '{"a": "$finding.__proto__"}',
      '{"a": "$process.env"}',
      '{"a": "${require(\\"fs\\")}"}',
      '{"a": "$entity.constructor()"}',
      '{"a": "$finding"}',
    ]) {
      expect(codeOf(() => parseTemplate(bad)), bad).toBe('VALIDATION_FAILED');
    }
    // An unterminated "${" names nothing: it stays literal text.
    expect(parseTemplate('{"a": "x ${finding.id"}')).toEqual({ a: 'x ${finding.id' });
    expect(codeOf(() => parseTemplate('[1]'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => parseTemplate('{"bad key": 1}'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => parseTemplate('{"a": {"b": {"c": {"d": {"e": 1}}}}}'))).toBe('VALIDATION_FAILED');
    expect(codeOf(() => parseTemplate(JSON.stringify({ a: 'x'.repeat(9000) })))).toBe('VALIDATION_FAILED');
  });

  it('an entity type the finding lacks is a clear refusal; "constructor" is just a missing type', () => {
    expect(() => resolveTemplate(parseTemplate('{"ip": "$entity.ip"}'), ctx)).toThrow(/FND-7 has none/);
    expect(() => resolveTemplate(parseTemplate('{"c": "$entity.constructor"}'), ctx)).toThrow(/has none/);
    expect(resolveTemplate(parseTemplate('{"c": "$entities.constructor"}'), ctx)).toEqual({ c: [] });
  });
});

describe('who needs a second key', () => {
  it('a critical finding always, a workflow by its danger, an incident only for a critical finding', () => {
    expect(secondKeyNeeded('workflow', 'low', 'critical')).toBe(true);
    expect(secondKeyNeeded('workflow', 'critical', 'low')).toBe(true);
    expect(secondKeyNeeded('workflow', 'high', 'high')).toBe(false);
    expect(secondKeyNeeded('incident', 'critical', 'high')).toBe(false);
    expect(secondKeyNeeded('incident', 'low', 'critical')).toBe(true);
    expect(maxDanger('low', 'critical')).toBe('critical');
    expect(maxDanger('high', 'medium')).toBe('high');
  });
});

describe('sealed second-analyst keys', () => {
  const where = { workspaceId: '00000000-0000-4000-8000-000000000000', handle: 'lee.chen' };
  it('open only with the owner passphrase, for the handle and workspace they were sealed for', async () => {
    const key = generateAnalystKey();
    const sealed = await sealKey(key, 'lee passphrase', where, FAST_SCRYPT_FOR_TESTS);
    expect(sealed).not.toContain(key.privateKeyPkcs8.toString('base64'));
    const back = await unsealKey(sealed, 'lee passphrase', { ...where, keyId: key.keyId });
    expect(back.keyId).toBe(key.keyId);
    await expect(unsealKey(sealed, 'wrong passphrase', { ...where, keyId: key.keyId })).rejects.toMatchObject({ code: 'VAULT_KEY_INVALID' });
    // Moved to another analyst's name, or another workspace: the associated data no longer matches.
    await expect(unsealKey(sealed, 'lee passphrase', { ...where, handle: 'kai.osei', keyId: key.keyId })).rejects.toMatchObject({ code: 'VAULT_KEY_INVALID' });
    await expect(unsealKey(sealed, 'lee passphrase', { ...where, workspaceId: '11111111-1111-4111-8111-111111111111', keyId: key.keyId })).rejects.toMatchObject({ code: 'VAULT_KEY_INVALID' });
    await expect(sealKey(key, 'short', where, FAST_SCRYPT_FOR_TESTS)).rejects.toMatchObject({ code: 'PASSPHRASE_WEAK' });
  });
});
