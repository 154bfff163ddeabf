// No private key material in anything custody hands out: documents, files, verdicts, errors.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as custody from '../../electron/core/custody';
import type { AnalystKey } from '../../electron/core/custody';

const T0 = '2025-01-01T00:00:00.000Z';
const AT = '2025-03-01T10:00:00.000Z';
const NOW = '2025-03-01T10:10:00.000Z';
const WS = '5b0c3a9e-8f3d-4c1a-9e55-0d1f2a3b4c5d';

const lead = custody.generateAnalystKey();
const analyst = custody.generateAnalystKey();
const keys: AnalystKey[] = [lead, analyst];

/** Every spelling of the private bytes and of the 32-byte seed inside them. */
function secretSpellings(k: AnalystKey): string[] {
  const seed = k.privateKeyPkcs8.subarray(-32);
  return [k.privateKeyPkcs8, seed].flatMap((b) => [
    b.toString('base64'),
    b.toString('base64url'),
    b.toString('hex'),
    b.toString('hex').replace(/(..)(?!$)/g, '$1 '), // how util.inspect shows a Buffer
    JSON.stringify([...b]).slice(1, -1),
  ]);
}
const secrets = keys.flatMap(secretSpellings);

function expectNoSecret(label: string, value: unknown): void {
  const texts = [typeof value === 'string' ? value : JSON.stringify(value), inspect(value, { depth: 10 })];
  for (const text of texts) {
    for (const s of secrets) expect(text.includes(s), `${label} leaks private key material`).toBe(false);
  }
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('private keys never leave their holder', () => {
  it('the detector itself finds a key that does leak', () => {
    const leaky = [JSON.stringify({ k: lead.privateKeyPkcs8 }), inspect(lead.privateKeyPkcs8), lead.privateKeyPkcs8.toString('base64url')];
    for (const text of leaky) expect(secrets.some((s) => text.includes(s))).toBe(true);
  });

  it('holds for every document, file, verdict and error custody produces', () => {
    const roster = custody.signRoster(
      custody.createRoster({
        team: 'blue',
        version: 1,
        issued_at: T0,
        analysts: [
          { handle: 'diego.ramos', name: 'Diego', role: 'lead', keys: [{ key_id: lead.keyId, public_key: lead.publicKey, not_before: T0 }] },
          { handle: 'amara.okafor', name: 'Amara', role: 'analyst', keys: [{ key_id: analyst.keyId, public_key: analyst.publicKey, not_before: T0 }] },
        ],
      }),
      'diego.ramos',
      lead,
    );
    const signoff = custody.signOff(
      custody.signoffPayload({
        finding_id: 'FND-7',
        decision: {
          mitre_technique: 'T1078',
          mitre_tactic: null,
          secondary_techniques: [],
          severity: 'critical',
          blast_radius: null,
          recommended_action: null,
          risk_score: null,
          risk_factors: null,
          mitigation_plan: null,
          status: 'signed',
        },
        evidence: [],
        analyst: { handle: 'amara.okafor', key_id: analyst.keyId },
        signed_at: AT,
        workspace_id: WS,
        revision: 1,
      }),
      analyst.privateKeyPkcs8,
    );
    const request = custody.createApprovalRequest(
      {
        workspace_id: WS,
        finding_id: 'FND-7',
        severity: 'critical',
        action_id: 'act-7',
        action_kind: 'contain',
        danger: 'critical',
        action_target: 'host:web-1',
        reason: 'isolate',
        requested_by: 'amara.okafor',
        signoff,
        requested_at: AT,
      },
      analyst,
    );
    const approved = custody.approveRequest(request, { handle: 'diego.ramos', privateKey: lead }, { roster, now: NOW });
    const approval = custody.signApproval(
      custody.approvalPayload({
        finding_id: 'FND-7',
        action_id: 'act-8',
        action_kind: 'contain',
        danger: 'critical',
        requested_by: 'amara.okafor',
        approver: { handle: 'diego.ramos', key_id: lead.keyId },
        signoff_signature_sha256: custody.signoffSignatureSha256(signoff),
        expires_at: '2025-03-01T11:00:00.000Z',
        approved_at: NOW,
      }),
      lead.privateKeyPkcs8,
    );

    const produced: [string, unknown][] = [
      ['AnalystKey', lead],
      ['a holder inside an object', { me: { key: analyst } }],
      ['a holder spread', { ...lead }],
      ['roster', roster],
      ['roster file', custody.exportRoster(roster)],
      ['roster verdict', custody.verifyRoster(roster, { trustedKeys: [lead.keyId] })],
      ['sign-off record', signoff],
      ['sign-off verdict', custody.verifySignoff(signoff, roster, { now: NOW })],
      ['approval record', approval],
      ['approval verdict', custody.verifyApproval(approval, roster, { now: NOW })],
      ['approval file', approved],
      ['approval file text', custody.exportApprovalFile(approved)],
      ['approval-request verdict', custody.verifyApprovalRequest(approved, roster, { now: NOW })],
      ['sign with the wrong key', errorOf(() => custody.signOff(signoff.payload, lead.privateKeyPkcs8))],
      ['self-approval', errorOf(() => custody.approveRequest(request, { handle: 'amara.okafor', privateKey: analyst }, { roster, now: NOW }))],
      ['non-lead roster signature', errorOf(() => custody.signRoster(roster, 'amara.okafor', analyst.privateKeyPkcs8))],
      ['damaged private key', errorOf(() => custody.signBytes(Buffer.from(lead.privateKeyPkcs8.subarray(0, 40)), Buffer.from('x')))],
    ];
    for (const [label, value] of produced) expectNoSecret(label, value);
    expect(produced).toHaveLength(17);
  });
});
