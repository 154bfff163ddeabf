// Evidence bundles end to end in-process: a lead exports from a worked register (drafts, Splunk
// evidence, notes, sign-offs by an analyst and by the lead), the standalone verifier accepts it
// with only the lead's public key, and every kind of tampering is refused with its reason code.
// Tampering comes in two strengths: a plain edit (caught by the manifest digests), and an edit
// re-signed with the genuine lead key (a dishonest lead, or a stolen key), which the content
// checks — sign-offs, the audit chain, the report's digest — must still catch on their own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';
import { approveRequest, createApprovalRequest, createRoster, exportRoster, generateAnalystKey, parseRoster, signRoster, type AnalystKey } from '../../electron/core/custody';
import { auditEntryHash, contentDigest, FindingFile, isFindingFile, MANIFEST_PATH, REPORT_PATH, sha256Hex, type Statement } from '../../electron/core/evidence/bundle-format';
import { hashAuditSliceOffThread, precomputedHash } from '../../electron/core/evidence/audit-hashes';
import { cosignBundle } from '../../electron/core/evidence/cosign';
import { addSignature, DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, pae, signEnvelope } from '../../electron/core/evidence/dsse';
import { exportBundle } from '../../electron/core/evidence/export';
import { parseTrustedKeys, verifyBundle, verifyBundleAsync, type VerifyReport } from '../../electron/core/evidence/verify';
import { readZip, writeZip } from '../../electron/core/evidence/zip';
import { entryHash } from '../../electron/core/register/audit';
import { buildEvidenceFixture, type EvidenceFixture } from '../support/evidence-fixture';
import { tempDir } from '../support/workspace';

let t: ReturnType<typeof tempDir>;
let fx: EvidenceFixture;
let bundle: Buffer;
let other: Buffer;
let trusted: { key_id: string; public_key: string }[];

beforeAll(async () => {
  t = tempDir('vigil-evidence-');
  fx = await buildEvidenceFixture(t.dir, { findings: 24, signEvery: 3 });
  trusted = [{ key_id: fx.lead.keyId, public_key: fx.lead.publicKey }];
  await exportBundle(fx.reg, { ids: [3, 4, 6, 7, 9, 12] }, join(t.dir, 'b.zip'), { reason: 'Audit request AR-7: Q4 credential findings', tool: { name: 'vigil', version: 'test' } });
  bundle = readFileSync(join(t.dir, 'b.zip'));
  await exportBundle(fx.reg, { ids: [1, 2] }, join(t.dir, 'other.zip'), { reason: 'another export', tool: { name: 'vigil', version: 'test' } });
  other = readFileSync(join(t.dir, 'other.zip'));
}, 120_000);
afterAll(() => {
  fx.reg.close();
  t.cleanup();
});

const files = (b: Buffer) => readZip(b).files;
const codes = (r: VerifyReport) => r.failures.map((f) => f.code);
const verify = (b: Buffer) => verifyBundle(b, { trustedKeys: trusted });
function pack(m: Map<string, Buffer>): Buffer {
  return writeZip([...m].map(([name, data]) => ({ name, data })));
}
function envelopeOf(m: Map<string, Buffer>): DsseEnvelope {
  return DsseEnvelope.parse(JSON.parse(m.get(MANIFEST_PATH)!.toString('utf8')));
}
function statementOf(m: Map<string, Buffer>): Statement {
  return JSON.parse(Buffer.from(envelopeOf(m).payload, 'base64').toString('utf8')) as Statement;
}
/** Re-makes the manifest over the files as they are now (digests, content digest, report footer) and signs it. */
function resign(m: Map<string, Buffer>, key: AnalystKey = fx.lead, edit?: (s: Statement) => void): Buffer {
  const st = statementOf(m);
  const subject = [...m.keys()]
    .filter((n) => n !== MANIFEST_PATH)
    .sort()
    .map((name) => ({ name, digest: { sha256: sha256Hex(m.get(name)!) } }));
  const digest = contentDigest(subject);
  const report = m.get(REPORT_PATH)!.toString('utf8').replaceAll(st.predicate.content_digest, digest);
  m.set(REPORT_PATH, Buffer.from(report));
  const next: Statement = { ...st, subject: subject.map((s) => (s.name === REPORT_PATH ? { name: s.name, digest: { sha256: sha256Hex(m.get(REPORT_PATH)!) } } : s)), predicate: { ...st.predicate, content_digest: digest } };
  edit?.(next);
  m.set(MANIFEST_PATH, Buffer.from(JSON.stringify(signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(canonicalJson(next)), key))));
  return pack(m);
}

describe('a genuine bundle', () => {
  it('verifies with only the lead public key, and says what it holds', () => {
    const r = verify(bundle);
    expect(r.failures).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.summary).toMatchObject({
      findings: 6,
      signoffs: 4,
      exported_by: { handle: 'diego.ramos', key_id: fx.lead.keyId },
      reason: 'Audit request AR-7: Q4 credential findings',
      trust: 'trusted-keys',
      signatures: [{ key_id: fx.lead.keyId, handle: 'diego.ramos', valid: true, trusted: true }],
    });
    expect(r.summary!.audit_entries).toBeGreaterThan(6 * 8);
    expect(r.notes).toEqual([]);
  });

  it('holds what an auditor needs: decisions, drafts, every signal revision, evidence, sign-offs, audit, custody, report', () => {
    const m = files(bundle);
    const f = JSON.parse(m.get('findings/FND-6.json')!.toString('utf8'));
    expect(f.finding).toMatchObject({ status: 'signed', mitre_technique: expect.stringMatching(/^T\d{4}/), recommended_action: 'investigate' });
    expect(f.drafts[0]).toMatchObject({ drafter: 'vigil/llm-drafter@1', model: 'gpt-4o-mini', prompt_version: 'p2' });
    expect(f.signal.revisions.length).toBeGreaterThan(0);
    for (const r of f.signal.revisions) expect(sha256Hex(m.get(r.path)!)).toBe(r.content_hash);
    const splunk = f.evidence.find((e: { kind: string }) => e.kind === 'splunk_results');
    expect(splunk.meta).toMatchObject({ spl: expect.stringContaining('search index=auth'), sid: 'scheduler__vigil__6' });
    expect(sha256Hex(m.get(splunk.path)!)).toBe(splunk.sha256);
    expect(f.signoffs).toHaveLength(1);
    expect(JSON.parse(f.signoffs[0].record.payload).evidence.map((e: { sha256: string }) => e.sha256)).toContain(splunk.sha256);
    expect(parseRoster(m.get('roster.json')!.toString('utf8')).team).toBe('blue');

    const custody = JSON.parse(m.get('custody.jsonld')!.toString('utf8'));
    const types = custody['@graph'].map((n: { '@type': string }) => n['@type']);
    expect(types).toEqual(expect.arrayContaining(['case-investigation:InvestigativeAction', 'case-investigation:ProvenanceRecord', 'uco-tool:Tool', 'uco-identity:Identity']));
    const action = custody['@graph'].find((n: { 'uco-core:name'?: string }) => n['uco-core:name'] === 'export evidence bundle');
    expect(action['uco-core:description']).toBe('Audit request AR-7: Q4 credential findings');

    const html = m.get(REPORT_PATH)!.toString('utf8');
    const st = statementOf(m);
    expect(html).toContain(`<code id="content-digest">${st.predicate.content_digest}</code>`);
    expect(html).toContain('FND-6');
    expect(html).not.toContain('<script>'); // the drafted claim's markup is escaped
    expect(html).toContain('&lt;script&gt;');
    expect(st.subject.some((s) => s.name === REPORT_PATH)).toBe(true);
    // The envelope is DSSE over the exact statement bytes.
    const env = envelopeOf(m);
    expect(env.payloadType).toBe('application/vnd.in-toto+json');
    expect(pae('application/vnd.in-toto+json', Buffer.from('{}')).toString()).toBe('DSSEv1 28 application/vnd.in-toto+json 2 {}');
  });

  it('every export is an audit entry naming the bundle digest, and the chain stays intact', () => {
    const st = statementOf(files(bundle));
    const row = fx.reg.auditFor('bundle', st.predicate.content_digest);
    expect(row).toHaveLength(1);
    expect(row[0]).toMatchObject({ actor: 'diego.ramos', action: 'evidence.exported', reason: 'Audit request AR-7: Q4 credential findings' });
    expect(fx.reg.verifyAudit().ok).toBe(true);
  });

  it('the off-thread verifier (CLI, app) reports exactly what the plain one does', async () => {
    const tampered = files(bundle);
    tampered.delete('evidence/FND-6/E11.json');
    tampered.set('x.txt', Buffer.from('planted'));
    const report = tampered.get(REPORT_PATH)!;
    tampered.set(REPORT_PATH, Buffer.concat([report, Buffer.from(' ')]));
    for (const b of [bundle, pack(tampered), resign(files(bundle), generateAnalystKey())]) {
      for (const o of [{ trustedKeys: trusted }, {}]) expect(await verifyBundleAsync(b, o)).toEqual(verifyBundle(b, o));
    }
  });

  it('without trusted keys it still checks every signature, against the bundled roster, and says so', () => {
    const r = verifyBundle(bundle);
    expect(r.valid).toBe(true);
    expect(r.summary!.trust).toBe('bundle-roster');
    expect(r.notes.join(' ')).toMatch(/No trusted keys were given/);
  });

  it('the fast finding-file check agrees with the zod schema, on genuine files and on broken ones', () => {
    const m = files(bundle);
    const genuine = JSON.parse(m.get('findings/FND-6.json')!.toString('utf8'));
    const variants: [string, (f: Record<string, any>) => void][] = [
      ['genuine', () => undefined],
      ['extra key', (f) => (f.extra = 1)],
      ['no audit_seqs', (f) => delete f.audit_seqs],
      ['bad format', (f) => (f.format = 'x')],
      ['bad id', (f) => (f.finding_id = 'FND-0')],
      ['evidence sha', (f) => (f.evidence[0].sha256 = 'abc')],
      ['evidence id', (f) => (f.evidence[0].id = 0)],
      ['evidence extra', (f) => (f.evidence[0].x = 1)],
      ['signoff record', (f) => (f.signoffs[0].record.payload = 5)],
      ['signoff revision', (f) => (f.signoffs[0].revision = 'one')],
      ['revision hash', (f) => (f.signal.revisions[0].content_hash = 'z'.repeat(64))],
      ['draft not object', (f) => (f.drafts[0] = 'x')],
      ['approval', (f) => (f.approvals = [{ action_id: 'a', action_name: 'b', state: 'queued', request: { payload: 'p', signature: 's', key_id: null, algorithm: null }, approval: 3 }])],
      ['audit seq', (f) => (f.audit_seqs = [0])],
    ];
    for (const [name, mutate] of variants) {
      const f = structuredClone(genuine);
      mutate(f);
      expect(isFindingFile(f), name).toBe(FindingFile.safeParse(f).success);
      expect(isFindingFile(f), name).toBe(name === 'genuine');
    }
  });

  it('the slice-hashing worker hashes every entry line exactly as the verifier does', async () => {
    const slice = files(bundle).get('audit/slice.jsonl')!;
    const lines = slice.toString('utf8').split('\n');
    // One line edited: the worker hashes what the line says, so the edit shows as a mismatch.
    const edited = JSON.parse(lines[1]!);
    lines[1] = JSON.stringify({ ...edited, reason: 'edited' });
    const h = await hashAuditSliceOffThread(Buffer.from(lines.join('\n')));
    expect(h).not.toBeNull();
    expect(h!.lines).toBe(lines.length);
    expect(lines.length).toBeGreaterThan(10);
    for (let i = 0; i < lines.length; i++) {
      if (lines[i] === '') expect(precomputedHash(h, lines.length, i)).toBeNull();
      else expect(precomputedHash(h, lines.length, i)).toBe(auditEntryHash(JSON.parse(lines[i]!)));
    }
    expect(precomputedHash(h, lines.length, 1)).not.toBe(edited.hash);
    // Hashes of a slice split another way are never used.
    expect(precomputedHash(h, lines.length + 1, 0)).toBeNull();
  });

  it('the verifier hashes the audit chain exactly as the register does', () => {
    for (const e of fx.reg.auditFor('finding', 'FND-6')) {
      const { hash: _h, ...rest } = e;
      expect(auditEntryHash(rest)).toBe(entryHash(rest));
      expect(auditEntryHash(rest)).toBe(e.hash);
    }
  });
});

describe('tampering is refused with its reason', () => {
  it('one changed byte in any file', () => {
    const m0 = files(bundle);
    for (const name of [...m0.keys()].filter((n) => n !== MANIFEST_PATH)) {
      const m = files(bundle);
      const data = Buffer.from(m.get(name)!);
      const mid = Math.floor(data.length / 2);
      data.writeUInt8(data.readUInt8(mid) ^ 0x20, mid);
      m.set(name, data);
      const r = verify(pack(m));
      expect(r.valid, name).toBe(false);
      expect(r.failures, name).toContainEqual({ code: 'file_digest_mismatch', file: name, message: expect.stringMatching(/changed after it was signed/) });
    }
  });

  it('one changed byte in the archive itself', () => {
    const b = Buffer.from(bundle);
    const at = b.indexOf(Buffer.from('Spoke with the owner of user6'));
    expect(at).toBeGreaterThan(0);
    b.writeUInt8(b.readUInt8(at + 3) ^ 0x01, at + 3);
    const r = verify(b);
    expect(codes(r)).toContain('zip_crc_mismatch');
    expect(r.failures.find((f) => f.code === 'zip_crc_mismatch')!.file).toMatch(/^evidence\/FND-6\//);
    // a truncated download
    expect(codes(verify(bundle.subarray(0, bundle.length - 100)))).toEqual(['zip_truncated']);
  });

  it('a dropped file, an added file', () => {
    const dropped = files(bundle);
    dropped.delete('evidence/FND-6/E11.json');
    expect(verify(pack(dropped)).failures).toContainEqual({ code: 'file_missing', file: 'evidence/FND-6/E11.json', message: expect.any(String) });
    const added = files(bundle);
    added.set('evidence/FND-6/E999.txt', Buffer.from('planted'));
    expect(verify(pack(added)).failures).toEqual([{ code: 'file_extra', file: 'evidence/FND-6/E999.txt', message: expect.any(String) }]);
    // Even re-signed by the lead, a dropped evidence file breaks the sign-off that covered it.
    const resigned = files(bundle);
    resigned.delete('evidence/FND-6/E11.json');
    const r = verify(resign(resigned));
    expect(codes(r)).toContain('file_missing');
    expect(r.failures.find((f) => f.code === 'signoff_invalid')?.message).toMatch(/evidence_mismatch/);
  });

  it('a stripped, swapped or duplicated signature', () => {
    const stripped = files(bundle);
    stripped.set(MANIFEST_PATH, Buffer.from(JSON.stringify({ ...envelopeOf(stripped), signatures: [] })));
    expect(codes(verify(pack(stripped)))).toEqual(['signature_missing']);

    const swapped = files(bundle);
    const sig = envelopeOf(files(other)).signatures[0]!;
    swapped.set(MANIFEST_PATH, Buffer.from(JSON.stringify({ ...envelopeOf(swapped), signatures: [sig] })));
    expect(codes(verify(pack(swapped)))).toEqual(['signature_invalid']);

    const twice = files(bundle);
    const env = envelopeOf(twice);
    twice.set(MANIFEST_PATH, Buffer.from(JSON.stringify({ ...env, signatures: [env.signatures[0], env.signatures[0]] })));
    expect(codes(verify(pack(twice)))).toEqual(['signature_duplicate']);
  });

  it('a substituted key: signed by someone else, or a roster key replaced', () => {
    const mallory = generateAnalystKey();
    const m = files(bundle);
    const r = verify(resign(m, mallory));
    expect(codes(r)).toEqual(expect.arrayContaining(['signature_untrusted', 'signer_mismatch']));
    // Without trusted keys, an outsider's signature is not in the roster either.
    expect(codes(verifyBundle(resign(files(bundle), mallory)))).toContain('signer_unknown');

    // Mallory rewrites the roster to put her key in Amara's place, signs it herself, and re-signs the manifest.
    const m2 = files(bundle);
    const roster = parseRoster(m2.get('roster.json')!.toString('utf8'));
    const amara = roster.analysts.find((a) => a.handle === 'amara.okafor')!;
    amara.keys = [{ ...amara.keys[0]!, key_id: mallory.keyId, public_key: mallory.publicKey }];
    m2.set('roster.json', Buffer.from(exportRoster({ ...roster, signatures: [] })));
    const r2 = verify(resign(m2));
    expect(r2.failures).toContainEqual({ code: 'roster_invalid', file: 'roster.json', message: expect.stringMatching(/^unsigned/) });
    expect(r2.failures.filter((f) => f.code === 'signoff_invalid').length).toBeGreaterThan(0);
    // A roster signed by a lead the auditor does not trust is refused too.
    const fake = signRoster(createRoster({ team: 'blue', version: 9, analysts: [{ handle: 'mallory', name: 'M', role: 'lead', keys: [{ key_id: mallory.keyId, public_key: mallory.publicKey, not_before: new Date(Date.now() - 86_400_000).toISOString() }] }] }), 'mallory', mallory);
    const m3 = files(bundle);
    m3.set('roster.json', Buffer.from(exportRoster(fake)));
    expect(codes(verify(resign(m3)))).toEqual(expect.arrayContaining(['roster_untrusted', 'signer_unknown', 'signoff_invalid']));
  });

  it('a reordered or dropped audit entry', async () => {
    const lines = (m: Map<string, Buffer>) => m.get('audit/slice.jsonl')!.toString('utf8').trimEnd().split('\n');
    const m = files(bundle);
    const l = lines(m);
    [l[3], l[4]] = [l[4]!, l[3]!];
    m.set('audit/slice.jsonl', Buffer.from(l.join('\n') + '\n'));
    expect(codes(verify(pack(m)))).toContain('file_digest_mismatch');
    expect(codes(verify(resign(m)))).toEqual(['audit_order']);

    const d = files(bundle);
    const l2 = lines(d);
    const gone = JSON.parse(l2[5]!);
    l2.splice(5, 1);
    d.set('audit/slice.jsonl', Buffer.from(l2.join('\n') + '\n'));
    const r = verify(resign(d));
    expect(r.failures).toContainEqual({ code: 'audit_entry_missing', file: 'audit/slice.jsonl', message: `${gone.entity_id}'s history names audit entry ${gone.seq}, which the slice does not hold.` });

    // An entry edited in place (a changed reason) no longer matches its hash.
    const e = files(bundle);
    const l3 = lines(e);
    const entry = JSON.parse(l3[2]!);
    l3[2] = JSON.stringify({ ...entry, actor: 'someone.else' });
    e.set('audit/slice.jsonl', Buffer.from(l3.join('\n') + '\n'));
    expect(codes(verify(resign(e)))).toEqual(['audit_hash_mismatch']);

    // The async verifier, with the slice hashed in its worker (as for any large bundle), finds the
    // same: the worker's hashes stand in for the verifier's own, never for its verdict.
    for (const b of [bundle, resign(e), resign(d)]) {
      expect(await verifyBundleAsync(b, { trustedKeys: trusted, auditWorkerMinBytes: 0 })).toEqual(verify(b));
    }
  });

  it('a sign-off whose finding.signed entry is gone from the slice (and from the finding’s history)', async () => {
    const m = files(bundle);
    const slice = m.get('audit/slice.jsonl')!.toString('utf8').trimEnd().split('\n');
    const at = slice.findIndex((l) => JSON.parse(l).action === 'finding.signed');
    const gone = JSON.parse(slice[at]!);
    slice.splice(at, 1);
    m.set('audit/slice.jsonl', Buffer.from(slice.join('\n') + '\n'));
    const path = `findings/${gone.entity_id}.json`;
    const f = JSON.parse(m.get(path)!.toString('utf8'));
    f.audit_seqs = f.audit_seqs.filter((s: number) => s !== gone.seq);
    m.set(path, Buffer.from(JSON.stringify(f)));
    const b = resign(m);
    const r = verify(b);
    expect(r.failures).toEqual([{ code: 'audit_entry_missing', file: 'audit/slice.jsonl', message: expect.stringMatching(new RegExp(`^${gone.entity_id}'s sign-off [0-9a-f]{12}… has no finding\\.signed entry`)) }]);
    expect(await verifyBundleAsync(b, { trustedKeys: trusted, auditWorkerMinBytes: 0 })).toEqual(r);
  });

  it('an edited HTML report', () => {
    const m = files(bundle);
    m.set(REPORT_PATH, Buffer.from(m.get(REPORT_PATH)!.toString('utf8').replace('Audit request AR-7', 'Routine review')));
    expect(verify(pack(m)).failures).toEqual([{ code: 'file_digest_mismatch', file: REPORT_PATH, message: expect.any(String) }]);
    // Re-listed with its new digest but carrying another content digest in its footer.
    const m2 = files(bundle);
    const html = m2.get(REPORT_PATH)!.toString('utf8');
    m2.set(REPORT_PATH, Buffer.from(html.replace(/<code id="content-digest">[0-9a-f]{64}<\/code>/, `<code id="content-digest">${'0'.repeat(64)}</code>`)));
    const st = statementOf(m2);
    st.subject = st.subject.map((s) => (s.name === REPORT_PATH ? { name: s.name, digest: { sha256: sha256Hex(m2.get(REPORT_PATH)!) } } : s));
    m2.set(MANIFEST_PATH, Buffer.from(JSON.stringify(signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(canonicalJson(st)), fx.lead))));
    expect(codes(verify(pack(m2)))).toEqual(['report_digest_mismatch']);
  });

  it('a changed decision, re-signed by the lead, breaks the analyst sign-off', async () => {
    const m = files(bundle);
    const f = JSON.parse(m.get('findings/FND-3.json')!.toString('utf8'));
    const so = f.signoffs[0];
    const p = JSON.parse(so.record.payload);
    p.decision.severity = 'info';
    so.record.payload = canonicalJson(p);
    m.set('findings/FND-3.json', Buffer.from(JSON.stringify(f)));
    const b = resign(m);
    const r = verify(b);
    expect(r.failures).toEqual([{ code: 'signoff_invalid', file: 'findings/FND-3.json', message: expect.stringMatching(/signature_mismatch/) }]);
    // The off-thread verifier checks sign-off signatures ahead, on the pool: same verdict.
    expect(await verifyBundleAsync(b, { trustedKeys: trusted })).toEqual(r);
  });
});

describe('approvals travel with their finding', () => {
  it('a second analyst approval verifies; an altered one is refused', async () => {
    const m = files(bundle);
    const f = JSON.parse(m.get('findings/FND-3.json')!.toString('utf8'));
    const so = f.signoffs[0].record;
    const signedAt = Date.parse(JSON.parse(so.payload).signed_at);
    const request = createApprovalRequest(
      {
        workspace_id: fx.reg.workspaceId,
        finding_id: 'FND-3',
        severity: 'critical',
        action_id: 'contain-FND-3-1',
        action_kind: 'contain',
        danger: 'critical',
        action_target: 'host:web-1',
        reason: 'Isolate the host',
        requested_by: 'amara.okafor',
        signoff: so,
        requested_at: signedAt + 60_000,
      },
      fx.analyst,
    );
    const approved = approveRequest(request, { handle: 'diego.ramos', privateKey: fx.lead }, { roster: parseRoster(m.get('roster.json')!.toString('utf8')), now: signedAt + 120_000 });
    // Stored as the containment gate stores it, then exported from the register.
    const at = signedAt + 120_000;
    fx.reg.transaction(() =>
      fx.reg.containment().insertRequest({
        finding_id: 3, action_id: 'contain-FND-3-1', action_name: 'Isolate host', kind: 'workflow', danger: 'critical', severity: 'critical', needs_second_key: 1,
        request_record: JSON.stringify(approved.request), approval_record: JSON.stringify(approved.approval), state: 'queued', requested_by: 'amara.okafor',
        requested_at: signedAt + 60_000, expires_at: signedAt + 3_600_000, approved_by: 'diego.ramos', approved_at: at, queued_at: at, escalated_at: null, escalated_to: null,
        instance_id: null, instance_status: null, incident_id: null, evidence_id: null, last_error: null, last_error_code: null, updated_at: at,
      }),
    );
    const out = join(t.dir, 'approval.zip');
    await exportBundle(fx.reg, { ids: [3] }, out, { reason: 'containment review', tool: { name: 'vigil', version: 'test' } });
    const ok = verify(readFileSync(out));
    expect(ok.failures).toEqual([]);
    expect(ok.summary!.approvals).toBe(1);
    expect(JSON.parse(files(readFileSync(out)).get('findings/FND-3.json')!.toString('utf8')).approvals[0]).toMatchObject({ action_id: 'contain-FND-3-1', state: 'queued', approval: { key_id: fx.lead.keyId } });
    f.approvals = [{ action_id: 'contain-FND-3-1', action_name: 'Isolate host', state: 'queued', request: approved.request, approval: approved.approval }];

    // The approval's signed payload edited (a later deadline): its signature no longer holds.
    const approval = { ...approved.approval! };
    const p = JSON.parse(approval.payload);
    p.expires_at = new Date(Date.parse(p.expires_at) + 86_400_000).toISOString();
    approval.payload = canonicalJson(p);
    f.approvals = [{ ...f.approvals[0], approval }];
    m.set('findings/FND-3.json', Buffer.from(JSON.stringify(f)));
    const badBundle = resign(m);
    const bad = verify(badBundle);
    expect(bad.failures).toEqual([{ code: 'approval_invalid', file: 'findings/FND-3.json', message: expect.stringMatching(/approval: signature_mismatch/) }]);
    expect(await verifyBundleAsync(readFileSync(out), { trustedKeys: trusted })).toEqual(ok);
    expect(await verifyBundleAsync(badBundle, { trustedKeys: trusted })).toEqual(bad);
  });
});

describe('who may export and co-sign', () => {
  it('only a lead exports', async () => {
    const t2 = tempDir('vigil-evidence-analyst-');
    const f2 = await buildEvidenceFixture(t2.dir, { findings: 3, signEvery: 0, evidence: false, workstationRole: 'analyst' });
    try {
      await expect(exportBundle(f2.reg, { ids: [1] }, join(t2.dir, 'x.zip'), { reason: 'r', tool: { name: 'vigil', version: 't' } })).rejects.toMatchObject({ code: 'EXPORT_NOT_PERMITTED' });
      await expect(exportBundle(fx.reg, { ids: [1] }, join(t2.dir, 'y.zip'), { reason: '  ', tool: { name: 'vigil', version: 't' } })).rejects.toMatchObject({ code: 'REASON_REQUIRED' });
      await expect(exportBundle(fx.reg, { ids: [999] }, join(t2.dir, 'z.zip'), { reason: 'r', tool: { name: 'vigil', version: 't' } })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      f2.reg.close();
      t2.cleanup();
    }
  });

  it('a second lead co-signs (k of n); a threshold counts distinct trusted signers', () => {
    const lena = generateAnalystKey();
    // A bundle whose roster knows a second lead: re-issue the fixture's roster content in a test bundle.
    const m = files(bundle);
    const roster = parseRoster(m.get('roster.json')!.toString('utf8'));
    const nb = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const next = createRoster({ team: roster.team, version: roster.version, issued_at: roster.issued_at, analysts: [...roster.analysts, { handle: 'lena.fischer', name: 'Lena Fischer', role: 'lead', keys: [{ key_id: lena.keyId, public_key: lena.publicKey, not_before: nb }] }] });
    m.set('roster.json', Buffer.from(exportRoster(signRoster(next, 'diego.ramos', fx.lead))));
    const two = resign(m);
    expect(verify(two).valid).toBe(true);
    const both = [...trusted, { key_id: lena.keyId, public_key: lena.publicKey }];
    expect(codes(verifyBundle(two, { trustedKeys: both, threshold: 2 }))).toEqual(['signature_threshold']);
    const cosigned = cosignBundle(two, { handle: 'lena.fischer', key: lena });
    expect(cosigned.signatures).toBe(2);
    const r = verifyBundle(cosigned.zip, { trustedKeys: both, threshold: 2 });
    expect(r.failures).toEqual([]);
    expect(r.summary!.signatures.map((s) => s.handle)).toEqual(['diego.ramos', 'lena.fischer']);
    // Every other file kept its bytes.
    const a = files(two);
    const b = files(cosigned.zip);
    for (const [k, v] of a) if (k !== MANIFEST_PATH) expect(b.get(k)!.equals(v)).toBe(true);
    // An analyst cannot co-sign, and a signature added by hand from a non-lead is flagged.
    expect(() => cosignBundle(two, { handle: 'amara.okafor', key: fx.analyst })).toThrow(/only leads/);
    const env = addSignature(envelopeOf(a), fx.analyst);
    a.set(MANIFEST_PATH, Buffer.from(JSON.stringify(env)));
    expect(codes(verifyBundle(pack(a)))).toEqual(['signer_not_lead']);
  });

  it('a roster signed by another lead is vouched for by the trusted exporter, and said so', () => {
    const lena = generateAnalystKey();
    const m = files(bundle);
    const roster = parseRoster(m.get('roster.json')!.toString('utf8'));
    const nb = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const next = createRoster({ team: roster.team, version: roster.version, issued_at: roster.issued_at, analysts: [...roster.analysts, { handle: 'lena.fischer', name: 'Lena Fischer', role: 'lead', keys: [{ key_id: lena.keyId, public_key: lena.publicKey, not_before: nb }] }] });
    m.set('roster.json', Buffer.from(exportRoster(signRoster(next, 'lena.fischer', lena))));
    const b = resign(m);
    const r = verify(b);
    expect(r.failures).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/vouched for by the trusted lead diego\.ramos/);
    // Trusting only Lena: the roster is hers, but the manifest is not signed by a trusted key.
    expect(codes(verifyBundle(b, { trustedKeys: [{ key_id: lena.keyId, public_key: lena.publicKey }] }))).toEqual(['signature_untrusted']);
  });

  it('reads trusted keys as text lines, JSON lists and rosters', () => {
    const line = `# the lead\n${fx.lead.keyId} ${fx.lead.publicKey}  # diego\n`;
    expect(parseTrustedKeys(line)).toEqual(trusted);
    expect(parseTrustedKeys(fx.lead.publicKey)).toEqual(trusted);
    expect(parseTrustedKeys(JSON.stringify({ keys: [{ public_key: fx.lead.publicKey }] }))).toEqual(trusted);
    expect(parseTrustedKeys(files(bundle).get('roster.json')!.toString('utf8'))).toEqual(trusted);
    expect(() => parseTrustedKeys(`${fx.analyst.keyId} ${fx.lead.publicKey}`)).toThrow(/does not belong/);
    expect(() => parseTrustedKeys('# nothing\n')).toThrow(/no key/);
  });
});
