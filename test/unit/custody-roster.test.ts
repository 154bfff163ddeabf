// The team roster: who signs it, what trust it needs from outside, how it may move forward, and
// how its file reads back.
import { describe, expect, it } from 'vitest';
import { generateAnalystKey, signBytes, type AnalystKey } from '../../electron/core/custody/keys';
import {
  createRoster,
  exportRoster,
  keyFor,
  parseRoster,
  rosterSigningBytes,
  signRoster,
  verifyRoster,
  type Roster,
  type RosterAnalyst,
} from '../../electron/core/custody/roster';
import { VigilError } from '../../shared/errors';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-02-01T00:00:00.000Z';
const T2 = '2025-03-01T00:00:00.000Z';

const diego = generateAnalystKey(); // lead
const amara = generateAnalystKey(); // analyst
const amara2 = generateAnalystKey(); // amara's next key
const li = generateAnalystKey(); // analyst, later a lead

function member(handle: string, role: RosterAnalyst['role'], ...keys: { k: AnalystKey; from?: string; until?: string }[]): RosterAnalyst {
  return {
    handle,
    name: handle.replace('.', ' '),
    role,
    keys: keys.map(({ k, from, until }) => ({ key_id: k.keyId, public_key: k.publicKey, not_before: from ?? T0, ...(until ? { not_after: until } : {}) })),
  };
}

function v1(): Roster {
  return createRoster({
    team: 'blue',
    version: 1,
    issued_at: T0,
    analysts: [member('diego.ramos', 'lead', { k: diego }), member('amara.okafor', 'analyst', { k: amara }), member('li.wei', 'analyst', { k: li })],
  });
}

const signedV1 = signRoster(v1(), 'diego.ramos', diego);
const pin = { trustedKeys: [diego.keyId] };

function v2(analysts?: RosterAnalyst[], over: Partial<Pick<Roster, 'version' | 'issued_at' | 'team'>> = {}): Roster {
  return createRoster({
    team: over.team ?? 'blue',
    version: over.version ?? 2,
    issued_at: over.issued_at ?? T2,
    analysts: analysts ?? [
      member('diego.ramos', 'lead', { k: diego }),
      member('amara.okafor', 'analyst', { k: amara, until: T1 }, { k: amara2, from: T1 }),
      member('li.wei', 'analyst', { k: li }),
    ],
  });
}

describe('signing and verifying', () => {
  it('a lead-signed roster verifies against a pinned lead key', () => {
    expect(signedV1.signatures).toHaveLength(1);
    expect(verifyRoster(signedV1, pin)).toEqual({
      valid: true,
      signer: { handle: 'diego.ramos', key_id: diego.keyId },
      signers: [{ handle: 'diego.ramos', key_id: diego.keyId }],
      reasons: [],
    });
  });

  it('without a trust anchor it names the signer but does not vouch for itself', () => {
    const v = verifyRoster(signedV1);
    expect(v.valid).toBe(false);
    expect(v.signer).toEqual({ handle: 'diego.ramos', key_id: diego.keyId });
    expect(v.reasons.map((r) => r.code)).toEqual(['no_trust_anchor']);
  });

  it('refuses an unsigned roster', () => {
    expect(verifyRoster(v1(), pin).reasons.map((r) => r.code)).toEqual(['unsigned']);
  });

  it('an analyst cannot sign, and a forged analyst signature is refused', () => {
    expect(() => signRoster(v1(), 'amara.okafor', amara)).toThrow(/only a lead/);
    expect(() => signRoster(v1(), 'diego.ramos', amara)).toThrow(VigilError);
    const forged: Roster = { ...v1(), signatures: [{ key_id: amara.keyId, signature: signBytes(amara, rosterSigningBytes(v1())) }] };
    const v = verifyRoster(forged, { trustedKeys: [amara.keyId] });
    expect(v.valid).toBe(false);
    expect(v.reasons.map((r) => r.code)).toEqual(['signer_not_lead']);
  });

  it('detects a tampered field', () => {
    const promoted: Roster = { ...signedV1, analysts: signedV1.analysts.map((a) => (a.handle === 'amara.okafor' ? { ...a, role: 'lead' } : a)) };
    expect(verifyRoster(promoted, pin).reasons.map((r) => r.code)).toEqual(['signature_mismatch']);
    expect(verifyRoster({ ...signedV1, team: 'red' }, pin).reasons.map((r) => r.code)).toEqual(['signature_mismatch']);
    expect(verifyRoster({ ...signedV1, version: 9 }, pin).valid).toBe(false);
    const swappedKey: Roster = {
      ...signedV1,
      analysts: signedV1.analysts.map((a) => (a.handle === 'li.wei' ? member('li.wei', 'analyst', { k: amara2 }) : a)),
    };
    expect(verifyRoster(swappedKey, pin).reasons.map((r) => r.code)).toEqual(['signature_mismatch']);
  });

  it('one bad signature among good ones fails the roster', () => {
    const extra: Roster = { ...signedV1, signatures: [...signedV1.signatures, { key_id: li.keyId, signature: signBytes(li, rosterSigningBytes(signedV1)) }] };
    expect(verifyRoster(extra, pin).reasons.map((r) => r.code)).toEqual(['signer_not_lead']);
    const twice: Roster = { ...signedV1, signatures: [...signedV1.signatures, ...signedV1.signatures] };
    expect(verifyRoster(twice, pin).reasons.map((r) => r.code)).toEqual(['duplicate_signature']);
    expect(() => signRoster(signedV1, 'diego.ramos', diego)).toThrow(/already signed/);
  });

  it('refuses a signature by a key nobody holds', () => {
    const stranger = generateAnalystKey();
    const r: Roster = { ...v1(), signatures: [{ key_id: stranger.keyId, signature: signBytes(stranger, rosterSigningBytes(v1())) }] };
    expect(verifyRoster(r, pin).reasons.map((x) => x.code)).toEqual(['unknown_signer']);
  });

  it('refuses a signer whose key is not valid at issued_at', () => {
    const r = createRoster({
      team: 'blue',
      version: 1,
      issued_at: T2,
      analysts: [member('diego.ramos', 'lead', { k: diego, until: T1 }), member('li.wei', 'lead', { k: li })],
    });
    expect(() => signRoster(r, 'diego.ramos', diego)).toThrow(/valid at/);
    const forged: Roster = { ...r, signatures: [{ key_id: diego.keyId, signature: signBytes(diego, rosterSigningBytes(r)) }] };
    expect(verifyRoster(forged, pin).reasons.map((x) => x.code)).toEqual(['signer_key_not_valid']);
  });
});

describe('succession', () => {
  it('the previous lead signs the next version', () => {
    const next = signRoster(v2(), 'diego.ramos', diego);
    expect(verifyRoster(next, { previous: signedV1 })).toMatchObject({ valid: true, signer: { handle: 'diego.ramos' } });
  });

  it('the version must increase', () => {
    const same = signRoster(v2(undefined, { version: 1 }), 'diego.ramos', diego);
    expect(verifyRoster(same, { previous: signedV1 }).reasons.map((r) => r.code)).toEqual(['version_not_increased']);
    const older = signRoster(v2(undefined, { version: 2 }), 'diego.ramos', diego);
    const v3 = signRoster(v2(undefined, { version: 3 }), 'diego.ramos', diego);
    expect(verifyRoster(older, { previous: v3 }).reasons.map((r) => r.code)).toEqual(['version_not_increased']);
  });

  it('the team must stay the same and time must not run backwards', () => {
    const red = signRoster(v2(undefined, { team: 'red' }), 'diego.ramos', diego);
    expect(verifyRoster(red, { previous: signedV1 }).reasons.map((r) => r.code)).toEqual(['team_mismatch']);
    const at2 = signRoster(v2(undefined, { issued_at: T2 }), 'diego.ramos', diego);
    const back = signRoster(v2(undefined, { version: 3, issued_at: T1 }), 'diego.ramos', diego);
    expect(verifyRoster(back, { previous: at2 }).reasons.map((r) => r.code)).toEqual(['issued_before_previous']);
  });

  it('a lead hands over: the old lead signs a roster where someone else leads', () => {
    const handover = v2([member('diego.ramos', 'analyst', { k: diego }), member('amara.okafor', 'analyst', { k: amara }), member('li.wei', 'lead', { k: li })]);
    expect(() => signRoster(handover, 'diego.ramos', diego)).toThrow(VigilError);
    const signed = signRoster(handover, 'diego.ramos', diego, { previous: signedV1 });
    expect(verifyRoster(signed, { previous: signedV1 })).toMatchObject({ valid: true, signer: { handle: 'diego.ramos' } });
    // and from then on the new lead signs
    const v3 = signRoster(v2(handover.analysts, { version: 3 }), 'li.wei', li);
    expect(verifyRoster(v3, { previous: signed }).valid).toBe(true);
  });

  it('an analyst cannot promote themselves and sign the result', () => {
    const coup = v2([member('diego.ramos', 'lead', { k: diego }), member('amara.okafor', 'lead', { k: amara }), member('li.wei', 'analyst', { k: li })]);
    const signed = signRoster(coup, 'amara.okafor', amara); // she is a lead in the roster she wrote…
    const v = verifyRoster(signed, { previous: signedV1 });
    expect(v.valid).toBe(false); // …but not in the one anybody trusts
    expect(v.reasons.map((r) => r.code)).toEqual(['signer_not_trusted']);
  });

  it('a promotion counts once a trusted lead co-signs it', () => {
    const promoted = v2([member('diego.ramos', 'lead', { k: diego }), member('amara.okafor', 'lead', { k: amara }), member('li.wei', 'analyst', { k: li })]);
    const both = signRoster(signRoster(promoted, 'amara.okafor', amara), 'diego.ramos', diego);
    expect(verifyRoster(both, { previous: signedV1 })).toMatchObject({
      valid: true,
      signer: { handle: 'amara.okafor' },
      signers: [{ handle: 'diego.ramos' }, { handle: 'amara.okafor' }],
      reasons: [],
    });
  });

  it('keys are never dropped, rewritten or revived', () => {
    const dropped = signRoster(v2([member('diego.ramos', 'lead', { k: diego }), member('li.wei', 'analyst', { k: li })]), 'diego.ramos', diego);
    expect(verifyRoster(dropped, { previous: signedV1 }).reasons.map((r) => r.code)).toEqual(['key_removed']);

    const moved = signRoster(
      v2([member('diego.ramos', 'lead', { k: diego }), member('amara.okafor', 'analyst', { k: li }), member('li.wei', 'analyst', { k: amara })]),
      'diego.ramos',
      diego,
    );
    expect(verifyRoster(moved, { previous: signedV1 }).reasons.map((r) => r.code)).toEqual(['key_changed', 'key_changed']);

    const revoked = signRoster(v2(), 'diego.ramos', diego);
    const revived = signRoster(
      v2([member('diego.ramos', 'lead', { k: diego }), member('amara.okafor', 'analyst', { k: amara }, { k: amara2, from: T1 }), member('li.wei', 'analyst', { k: li })], { version: 3 }),
      'diego.ramos',
      diego,
    );
    expect(verifyRoster(revived, { previous: revoked }).reasons.map((r) => r.code)).toEqual(['key_extended']);
  });
});

describe('structure', () => {
  it('refuses a key id that does not match its key, duplicates, and a roster with no lead', () => {
    const bad = member('amara.okafor', 'analyst', { k: amara });
    bad.keys[0]!.key_id = li.keyId;
    expect(() => createRoster({ team: 'blue', version: 1, issued_at: T0, analysts: [member('diego.ramos', 'lead', { k: diego }), bad] })).toThrow(
      /analysts\[1\]\.keys\[0\]\.key_id: does not match its public key/,
    );
    expect(() =>
      createRoster({ team: 'blue', version: 1, issued_at: T0, analysts: [member('diego.ramos', 'lead', { k: diego }), member('li.wei', 'analyst', { k: diego })] }),
    ).toThrow(/appears twice/);
    expect(() => createRoster({ team: 'blue', version: 1, issued_at: T0, analysts: [member('li.wei', 'analyst', { k: li }), member('li.wei', 'analyst', { k: amara })] })).toThrow(
      /li.wei appears twice/,
    );
    expect(() => createRoster({ team: 'blue', version: 1, issued_at: T0, analysts: [member('li.wei', 'analyst', { k: li })] })).toThrow(/at least one lead/);
    expect(() => createRoster({ team: 'blue', version: 1, issued_at: T0, analysts: [member('diego.ramos', 'lead', { k: diego, until: T0 })] })).toThrow(
      /later than not_before/,
    );
  });

  it('verifyRoster reports a malformed roster instead of throwing', () => {
    expect(verifyRoster({ type: 'vigil.roster/v1' }, pin)).toMatchObject({ valid: false, reasons: [{ code: 'invalid_structure' }] });
    expect(verifyRoster(signedV1, { previous: { nope: true } as unknown as Roster }).reasons.map((r) => r.code)).toContain('previous_invalid');
  });
});

describe('the roster file', () => {
  it('exports stable, readable text that parses back and still verifies', () => {
    const text = exportRoster(signedV1);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "analysts": [');
    expect(Object.keys(JSON.parse(text))).toEqual(['analysts', 'issued_at', 'signatures', 'team', 'type', 'version']);
    const back = parseRoster(text);
    expect(back).toEqual(signedV1);
    expect(exportRoster(back)).toBe(text);
    expect(verifyRoster(back, pin).valid).toBe(true);
  });

  it('gives clear errors with a stable code', () => {
    const cases: [string, RegExp][] = [
      ['{', /not valid JSON/],
      ['{"type":"vigil.signoff/v1"}', /not a Vigil roster/],
      [JSON.stringify({ ...signedV1, extra: 1 }), /Unrecognized key: "extra"/],
      [JSON.stringify({ ...signedV1, version: 0 }), /version:/],
      [JSON.stringify({ ...signedV1, issued_at: 'yesterday' }), /issued_at: a time is ISO 8601/],
      ['x'.repeat(1024 * 1024 + 1), /at most/],
    ];
    for (const [text, message] of cases) {
      try {
        parseRoster(text);
        expect.unreachable(text.slice(0, 40));
      } catch (e) {
        expect(e).toBeInstanceOf(VigilError);
        expect((e as VigilError).code).toBe('VALIDATION_FAILED');
        expect((e as VigilError).message).toMatch(message);
      }
    }
  });
});

describe('keyFor', () => {
  const r = v2();
  it('gives the key valid at a time, the newer one during an overlap', () => {
    expect(keyFor(r, 'amara.okafor', '2025-01-15T00:00:00.000Z')?.key_id).toBe(amara.keyId);
    expect(keyFor(r, 'amara.okafor', T1)?.key_id).toBe(amara2.keyId);
    expect(keyFor(r, 'amara.okafor', new Date('2025-06-01T00:00:00.000Z'))?.key_id).toBe(amara2.keyId);
    expect(keyFor(r, 'amara.okafor', '2024-06-01T00:00:00.000Z')).toBeNull();
    expect(keyFor(r, 'nobody', T2)).toBeNull();
    const overlap = createRoster({
      team: 'blue',
      version: 1,
      issued_at: T0,
      analysts: [member('diego.ramos', 'lead', { k: diego }, { k: amara2, from: T1 })],
    });
    expect(keyFor(overlap, 'diego.ramos', T2)?.key_id).toBe(amara2.keyId);
  });
});
