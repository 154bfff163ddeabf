// Sign-offs: canonical payload bytes, the round trip, and each way a record can be wrong reported
// with its own reason.
import { describe, expect, it } from 'vitest';
import { generateAnalystKey, signBytes, type AnalystKey } from '../../electron/core/custody/keys';
import { createRoster, signRoster, type Roster, type RosterAnalyst } from '../../electron/core/custody/roster';
import {
  parseSignoffPayload,
  signOff,
  signoffPayload,
  signoffSignatureSha256,
  verifySignoff,
  type SignoffInput,
  type SignoffRecord,
} from '../../electron/core/custody/signoff';
import { approvalPayload, signApproval } from '../../electron/core/custody/approval';
import { canonicalJson } from '../../shared/canonical-json';
import { VigilError } from '../../shared/errors';

const T0 = '2025-01-01T00:00:00.000Z';
const SIGNED_AT = '2025-03-01T10:00:00.000Z';
const NOW = '2025-03-01T10:05:00.000Z';
const WS = '5b0c3a9e-8f3d-4c1a-9e55-0d1f2a3b4c5d';
const H = (c: string) => c.repeat(64);

const lead = generateAnalystKey();
const amara = generateAnalystKey();
const li = generateAnalystKey();
const amaraOld = generateAnalystKey();
const outsider = generateAnalystKey();

function member(handle: string, role: RosterAnalyst['role'], ...keys: { k: AnalystKey; from?: string; until?: string }[]): RosterAnalyst {
  return {
    handle,
    name: handle,
    role,
    keys: keys.map(({ k, from, until }) => ({ key_id: k.keyId, public_key: k.publicKey, not_before: from ?? T0, ...(until ? { not_after: until } : {}) })),
  };
}

const roster: Roster = signRoster(
  createRoster({
    team: 'blue',
    version: 1,
    issued_at: T0,
    analysts: [
      member('diego.ramos', 'lead', { k: lead }),
      member('amara.okafor', 'analyst', { k: amaraOld, until: '2025-02-01T00:00:00.000Z' }, { k: amara, from: '2025-02-01T00:00:00.000Z' }),
      member('li.wei', 'analyst', { k: li }),
    ],
  }),
  'diego.ramos',
  lead,
);

function input(over: Partial<SignoffInput> = {}): SignoffInput {
  return {
    finding_id: 'FND-42',
    decision: {
      mitre_technique: 'T1110.003',
      mitre_tactic: 'TA0006',
      secondary_techniques: ['T1078', 'T1021.004'],
      severity: 'high',
      blast_radius: '3 hosts, 1 role',
      recommended_action: 'Contain: disable the deploy role',
      risk_score: 58,
      risk_factors: { impact: 4, likelihood: 0.9, control_effectiveness: 0.2, exposure: 0.6 },
      mitigation_plan: 'Rotate credentials; block 203.0.113.7',
      status: 'signed',
    },
    evidence: [
      { id: 7, kind: 'splunk_results', sha256: H('b') },
      { id: 3, kind: 'signal_snapshot', sha256: H('a') },
    ],
    analyst: { handle: 'amara.okafor', key_id: amara.keyId },
    signed_at: SIGNED_AT,
    workspace_id: WS,
    revision: 4,
    ...over,
  };
}

const evidenceNow = [
  { id: 3, kind: 'signal_snapshot', sha256: H('a') },
  { id: 7, kind: 'splunk_results', sha256: H('b') },
];

function sign(over: Partial<SignoffInput> = {}, key: AnalystKey = amara): SignoffRecord {
  return signOff(signoffPayload(input(over)), key);
}

/** A record made by hand around arbitrary payload text, as a forger or a buggy tool would. */
function handMade(payload: string, key: AnalystKey): SignoffRecord {
  return { payload, signature: signBytes(key, Buffer.from(payload, 'utf8')), key_id: key.keyId, algorithm: 'Ed25519' };
}

describe('signoffPayload: canonical bytes', () => {
  it('is RFC 8785 JSON with the type, keys sorted, no whitespace', () => {
    const text = signoffPayload(input()).toString('utf8');
    expect(text.startsWith('{"analyst":{"handle":"amara.okafor","key_id":"ed25519:')).toBe(true);
    expect(text).toContain('"type":"vigil.signoff/v1"');
    expect(text).not.toMatch(/\s(?=(?:[^"]*"[^"]*")*[^"]*$)/); // no whitespace outside strings
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('does not depend on key order, evidence order or secondary-technique order', () => {
    const a = signoffPayload(input());
    const shuffled = input({
      evidence: [...input().evidence].reverse(),
      decision: { ...input().decision, secondary_techniques: ['T1021.004', 'T1078', 'T1078'] },
    });
    const reordered = Object.fromEntries(Object.entries(shuffled).reverse()) as SignoffInput;
    const b = signoffPayload({ ...reordered, decision: Object.fromEntries(Object.entries(shuffled.decision).reverse()) as SignoffInput['decision'] });
    expect(b.equals(a)).toBe(true);
    expect(JSON.parse(a.toString()).evidence.map((e: { id: number }) => e.id)).toEqual([3, 7]);
    expect(JSON.parse(a.toString()).decision.secondary_techniques).toEqual(['T1021.004', 'T1078']);
  });

  it('writes numbers in their one ECMAScript form', () => {
    const text = signoffPayload(
      input({ decision: { ...input().decision, risk_score: 58.0, risk_factors: { a: 1e21, b: 0.1 + 0.2, c: -0, d: 1e-7, e: 100 } } }),
    ).toString('utf8');
    expect(text).toContain('"risk_score":58,');
    expect(text).toContain('"risk_factors":{"a":1e+21,"b":0.30000000000000004,"c":0,"d":1e-7,"e":100}');
    expect(() => signoffPayload(input({ decision: { ...input().decision, risk_factors: { a: Number.NaN } } }))).toThrow(VigilError);
    expect(() => signoffPayload(input({ decision: { ...input().decision, risk_factors: { a: Infinity } } }))).toThrow(VigilError);
  });

  it('keeps Unicode as UTF-8, escapes only what JSON must, and sorts keys by UTF-16 units', () => {
    const plan = 'Zugang sperren — “jetzt” ✓ 🔒 \u0007 é\u0301';
    const text = signoffPayload(
      input({ decision: { ...input().decision, mitigation_plan: plan, risk_factors: { 'é': 1, 'z': 2, '\u{1F512}': 3, 'Z': 4 } } }),
    ).toString('utf8');
    expect(text).toContain('"mitigation_plan":"Zugang sperren — “jetzt” ✓ 🔒 \\u0007 é\u0301"');
    // UTF-16 order: "Z" (0x5A) < "z" (0x7A) < "é" (0xE9) < U+1F512 (0xD83D…)
    expect(text).toContain('"risk_factors":{"Z":4,"z":2,"é":1,"\u{1F512}":3}');
    expect(parseSignoffPayload(text).decision.mitigation_plan).toBe(plan);
  });

  it('signs composed and decomposed accents as the different texts they are', () => {
    const nfc = sign({ decision: { ...input().decision, blast_radius: 'caf\u00e9' } });
    const nfd = sign({ decision: { ...input().decision, blast_radius: 'cafe\u0301' } });
    expect(nfc.payload).not.toBe(nfd.payload);
    expect(nfc.signature).not.toBe(nfd.signature);
    expect(verifySignoff({ ...nfc, signature: nfd.signature }, roster, { now: NOW })).toMatchObject({ valid: false, reason: 'signature_mismatch' });
  });

  it('refuses what it cannot sign unambiguously', () => {
    expect(() => signoffPayload(input({ finding_id: 'fnd-42' }))).toThrow(/finding_id/);
    expect(() => signoffPayload(input({ signed_at: '2025-03-01T10:00:00Z' }))).toThrow(/signed_at/);
    expect(() => signoffPayload(input({ signed_at: '2025-02-30T10:00:00.000Z' }))).toThrow(/signed_at/);
    expect(() => signoffPayload(input({ revision: 1.5 }))).toThrow(/revision/);
    expect(() => signoffPayload(input({ decision: { ...input().decision, mitre_technique: 't1110' } }))).toThrow(/mitre_technique/);
    expect(() => signoffPayload(input({ analyst: { handle: 'Amara.Okafor', key_id: amara.keyId } }))).toThrow(/handle/);
    expect(() => signoffPayload({ ...input(), extra: 1 } as SignoffInput)).toThrow(/Unrecognized key/);
    expect(() => signoffPayload(input({ evidence: [...evidenceNow, evidenceNow[0]!] }))).toThrow(/evidence 3 twice/);
    try {
      signoffPayload(input({ workspace_id: 'nope' }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VigilError);
      expect((e as VigilError).code).toBe('VALIDATION_FAILED');
      expect((e as VigilError).message).toMatch(/^The sign-off is invalid: workspace_id: a workspace id is a lower-case UUID\.$/);
    }
  });
});

describe('signOff and verifySignoff', () => {
  it('round trips and returns the signed content and the analyst', () => {
    const rec = sign();
    expect(rec).toMatchObject({ key_id: amara.keyId, algorithm: 'Ed25519' });
    expect(rec.payload).toBe(signoffPayload(input()).toString('utf8'));
    const v = verifySignoff(rec, roster, { evidence: evidenceNow, expect: { finding_id: 'FND-42', workspace_id: WS, revision: 4 }, now: NOW });
    expect(v).toMatchObject({ valid: true, analyst: { handle: 'amara.okafor', role: 'analyst', key_id: amara.keyId }, unsignedEvidence: [] });
    if (v.valid) expect(v.payload.decision.mitre_technique).toBe('T1110.003');
    expect(signoffSignatureSha256(rec)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts the payload as text too', () => {
    expect(verifySignoff(signOff(signoffPayload(input()).toString('utf8'), amara), roster, { now: NOW }).valid).toBe(true);
  });

  it('will not sign with a key other than the one the payload names', () => {
    expect(() => sign({}, li)).toThrow(/names key .* but the private key given is/);
  });

  it('will not sign bytes that are not the canonical rendering', () => {
    const pretty = JSON.stringify(JSON.parse(signoffPayload(input()).toString()), null, 2);
    expect(() => signOff(pretty, amara)).toThrow(/canonical/);
  });

  it('detects a tampered payload byte', () => {
    const rec = sign();
    const tampered = rec.payload.replace('"severity":"high"', '"severity":"info"');
    expect(tampered).not.toBe(rec.payload);
    expect(verifySignoff({ ...rec, payload: tampered }, roster, { now: NOW })).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    const oneByte = Buffer.from(rec.payload);
    oneByte[oneByte.length - 3] = oneByte[oneByte.length - 3]! ^ 1;
    expect(verifySignoff({ ...rec, payload: oneByte.toString() }, roster, { now: NOW })).toMatchObject({ valid: false, reason: 'signature_mismatch' });
  });

  it('detects a swapped signature', () => {
    const a = sign();
    const b = sign({ revision: 5 });
    expect(verifySignoff({ ...a, signature: b.signature }, roster, { now: NOW })).toMatchObject({ valid: false, reason: 'signature_mismatch' });
    const raw = Buffer.from(a.signature, 'base64url');
    raw[0] = raw[0]! ^ 0x80;
    expect(verifySignoff({ ...a, signature: raw.toString('base64url') }, roster, { now: NOW })).toMatchObject({ reason: 'signature_mismatch' });
  });

  it('detects a substituted key, whichever way it was substituted', () => {
    const rec = sign();
    // the record points at another analyst's key
    expect(verifySignoff({ ...rec, key_id: li.keyId }, roster, { now: NOW })).toMatchObject({ reason: 'signature_mismatch' });
    // another analyst re-signs amara's payload with their own key
    expect(verifySignoff(handMade(rec.payload, li), roster, { now: NOW })).toMatchObject({ reason: 'key_id_mismatch' });
    // …and rewrites the payload's key id, keeping amara's name
    const asAmara = signoffPayload(input({ analyst: { handle: 'amara.okafor', key_id: li.keyId } })).toString();
    expect(verifySignoff(handMade(asAmara, li), roster, { now: NOW })).toMatchObject({ reason: 'key_not_for_analyst' });
    // a key nobody in the roster holds
    const theirs = signoffPayload(input({ analyst: { handle: 'amara.okafor', key_id: outsider.keyId } })).toString();
    expect(verifySignoff(handMade(theirs, outsider), roster, { now: NOW })).toMatchObject({ reason: 'unknown_key' });
  });

  it('detects an evidence hash change, a vanished item, and tolerates later evidence', () => {
    const rec = sign();
    const changed = verifySignoff(rec, roster, { now: NOW, evidence: [evidenceNow[0]!, { ...evidenceNow[1]!, sha256: H('c') }] });
    expect(changed).toMatchObject({ valid: false, reason: 'evidence_mismatch' });
    if (!changed.valid) expect(changed.message).toMatch(/Evidence 7 changed/);
    expect(verifySignoff(rec, roster, { now: NOW, evidence: [evidenceNow[1]!] })).toMatchObject({ reason: 'evidence_mismatch' });
    const later = verifySignoff(rec, roster, { now: NOW, evidence: [...evidenceNow, { id: 9, kind: 'workflow_run', sha256: H('d') }] });
    expect(later).toMatchObject({ valid: true, unsignedEvidence: [9] });
  });

  it('checks the key was valid when the analyst says they signed', () => {
    const retired = sign({ analyst: { handle: 'amara.okafor', key_id: amaraOld.keyId } }, amaraOld);
    expect(verifySignoff(retired, roster, { now: NOW })).toMatchObject({ valid: false, reason: 'key_not_valid_at_time' });
    const early = sign({ analyst: { handle: 'amara.okafor', key_id: amaraOld.keyId }, signed_at: '2025-01-15T00:00:00.000Z' }, amaraOld);
    expect(verifySignoff(early, roster, { now: NOW }).valid).toBe(true);
    const beforeNewKey = sign({ signed_at: '2025-01-15T00:00:00.000Z' });
    expect(verifySignoff(beforeNewKey, roster, { now: NOW })).toMatchObject({ reason: 'key_not_valid_at_time' });
    expect(verifySignoff(sign({ signed_at: '2025-03-02T10:00:00.000Z' }), roster, { now: NOW })).toMatchObject({ reason: 'signed_in_future' });
  });

  it('refuses a genuine signature over a non-canonical payload', () => {
    const pretty = JSON.stringify(JSON.parse(signoffPayload(input()).toString()), null, 1);
    expect(verifySignoff(handMade(pretty, amara), roster, { now: NOW })).toMatchObject({ reason: 'payload_not_canonical' });
    // canonical JSON, but evidence left unsorted: not the one rendering of that decision
    const body = JSON.parse(signoffPayload(input()).toString());
    body.evidence.reverse();
    expect(verifySignoff(handMade(canonicalJson(body), amara), roster, { now: NOW })).toMatchObject({ reason: 'payload_not_canonical' });
    expect(verifySignoff(handMade('{"type":"vigil.signoff/v1"', amara), roster, { now: NOW })).toMatchObject({ reason: 'payload_invalid' });
    const extra = canonicalJson({ ...JSON.parse(signoffPayload(input()).toString()), note: 'x' });
    expect(verifySignoff(handMade(extra, amara), roster, { now: NOW })).toMatchObject({ reason: 'payload_invalid' });
  });

  it('refuses another kind of signed document presented as a sign-off', () => {
    const approval = signApproval(
      approvalPayload({
        finding_id: 'FND-42',
        action_id: 'act-1',
        action_kind: 'contain',
        danger: 'high',
        requested_by: 'li.wei',
        approver: { handle: 'amara.okafor', key_id: amara.keyId },
        signoff_signature_sha256: H('e'),
        expires_at: '2025-03-01T12:00:00.000Z',
        approved_at: SIGNED_AT,
      }),
      amara,
    );
    expect(verifySignoff(approval, roster, { now: NOW })).toMatchObject({ valid: false, reason: 'wrong_type' });
  });

  it('refuses a sign-off about something else than expected', () => {
    const rec = sign();
    expect(verifySignoff(rec, roster, { now: NOW, expect: { revision: 5 } })).toMatchObject({ reason: 'context_mismatch' });
    expect(verifySignoff(rec, roster, { now: NOW, expect: { finding_id: 'FND-43' } })).toMatchObject({ reason: 'context_mismatch' });
    expect(verifySignoff(rec, roster, { now: NOW, expect: { workspace_id: '00000000-0000-4000-8000-000000000000' } })).toMatchObject({ reason: 'context_mismatch' });
  });

  it('refuses malformed records and other algorithms', () => {
    const rec = sign();
    expect(verifySignoff({ ...rec, algorithm: 'RSA-PSS' }, roster)).toMatchObject({ reason: 'unsupported_algorithm' });
    expect(verifySignoff({ ...rec, extra: true }, roster)).toMatchObject({ reason: 'record_invalid' });
    expect(verifySignoff(null, roster)).toMatchObject({ reason: 'record_invalid' });
    expect(verifySignoff({ ...rec, signature: rec.signature + '=' }, roster)).toMatchObject({ reason: 'record_invalid' });
    expect(verifySignoff({ ...rec, payload: rec.payload.slice(0, -1) + '\ud800}' }, roster)).toMatchObject({ reason: 'record_invalid' });
  });
});
