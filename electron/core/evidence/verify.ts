// The auditor's verifier: everything `vigil verify` checks, from the bundle's bytes and (ideally)
// a public key the auditor got from the team out of band. Standalone on purpose — node built-ins,
// zod, shared helpers and the pure custody module only, never the register or the app — so it runs
// a year later on a machine that never saw the workspace. It does not stop at the first problem:
// each failure is reported once, with a stable code, the file it concerns and a precise message.
import { webcrypto } from 'node:crypto';
import {
  APPROVAL_FILE_FORMAT,
  findKey,
  keyIdFor,
  keyValidAt,
  mayExport,
  parseRoster,
  verifyApprovalRequest,
  verifyRoster,
  verifyBytesAsync,
  verifySignoff,
  withCheckedSignatures,
  type CheckedSignatures,
  type Roster,
} from '../custody';
import { fromBase64url } from '../custody/base64url';
import {
  AUDIT_HEAD_PATH,
  AUDIT_SLICE_PATH,
  auditEntryHash,
  isAuditEntry,
  type AuditEntry,
  AuditHead,
  contentDigest,
  FindingFile,
  findingPath,
  isFindingFile,
  MANIFEST_PATH,
  REPORT_PATH,
  reportDigests,
  ROSTER_PATH,
  sha256Hex,
  Statement,
  type Subject,
} from './bundle-format';
import { hashAuditSliceOffThread, precomputedHash, type AuditHashes } from './audit-hashes';
import { decodeBase64Strict, DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, verifyEnvelopeSignature } from './dsse';
import { DEFAULT_ZIP_LIMITS, readZip, readZipAsync, ZipError, type ReadZip, type ZipLimits } from './zip';

export const VERIFY_FAILURES = [
  // the archive
  'zip_not_zip',
  'zip_truncated',
  'zip_corrupt',
  'zip_unsupported',
  'zip_crc_mismatch',
  'zip_duplicate_name',
  'zip_unsafe_name',
  'zip_too_large',
  'zip_bomb',
  // the manifest and its signatures
  'manifest_missing',
  'manifest_invalid',
  'statement_invalid',
  'signature_missing',
  'signature_invalid',
  'signature_untrusted',
  'signature_duplicate',
  'signature_threshold',
  'signer_unknown',
  'signer_not_lead',
  'signer_key_not_valid',
  'signer_mismatch',
  // the files
  'file_missing',
  'file_extra',
  'file_digest_mismatch',
  'content_digest_mismatch',
  'report_digest_mismatch',
  // the content
  'roster_missing',
  'roster_invalid',
  'roster_untrusted',
  'finding_invalid',
  'evidence_mismatch',
  'signal_mismatch',
  'signoff_invalid',
  'approval_invalid',
  'audit_invalid',
  'audit_order',
  'audit_hash_mismatch',
  'audit_link_broken',
  'audit_head_mismatch',
  'audit_entry_missing',
  'audit_entry_unlisted',
] as const;
export type VerifyFailureCode = (typeof VERIFY_FAILURES)[number];

export interface VerifyFailure {
  code: VerifyFailureCode;
  file: string | null;
  message: string;
}

export interface TrustedKey {
  key_id: string;
  public_key: string;
}

export interface VerifyOptions {
  /** the auditor's trusted public keys; without them the bundle's own roster is trusted, and the report says so */
  trustedKeys?: readonly TrustedKey[];
  /** how many distinct trusted keys must have signed the manifest (k of n); default 1 */
  threshold?: number;
  limits?: ZipLimits;
  /**
   * verifyBundleAsync hashes the audit slice in a worker once it holds this many bytes (default
   * 1 MiB, about 3,000 entries); below that a worker costs more than it saves.
   */
  auditWorkerMinBytes?: number;
}

export interface VerifySummary {
  workspace: { id: string; name: string };
  exported_at: string;
  exported_by: { handle: string; key_id: string };
  reason: string;
  tool: { name: string; version: string };
  findings: number;
  files: number;
  signoffs: number;
  approvals: number;
  audit_entries: number;
  audit_head: { seq: number; hash: string };
  content_digest: string;
  signatures: { key_id: string; handle: string | null; valid: boolean; trusted: boolean }[];
  /** what the signatures were checked against */
  trust: 'trusted-keys' | 'bundle-roster';
}

export interface VerifyReport {
  valid: boolean;
  failures: VerifyFailure[];
  /** things the auditor should know that are not failures (e.g. no trusted keys were given) */
  notes: string[];
  summary: VerifySummary | null;
}

class Collector {
  readonly failures: VerifyFailure[] = [];
  readonly notes: string[] = [];
  fail(code: VerifyFailureCode, file: string | null, message: string): void {
    this.failures.push({ code, file, message });
  }
}

const text = (b: Buffer) => b.toString('utf8');
function jsonOf(b: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text(b)) };
  } catch {
    return { ok: false };
  }
}
function issues(e: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`)
    .join('; ');
}

export function verifyBundle(bytes: Buffer, opts: VerifyOptions = {}): VerifyReport {
  let z: ReadZip | ZipError;
  try {
    z = readZip(bytes, opts.limits ?? DEFAULT_ZIP_LIMITS);
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    z = e;
  }
  const r = verifyRead(z, opts, new Map());
  return typeof r === 'function' ? r(null) : r;
}

/** An audit slice this large is hashed in a worker by verifyBundleAsync (audit-hashes.ts). */
const AUDIT_WORKER_MIN_BYTES = 1 << 20;

/** Files this large are inflated and hashed on libuv's thread pool, in parallel, by verifyBundleAsync. */
const OFF_THREAD_BYTES = 256 * 1024;

/**
 * verifyBundle with the large files (the audit slice, the report, the manifest) inflated and
 * hashed off the main thread, signatures checked on the pool and the audit entries hashed in a
 * worker, while it works on the rest: the same checks and the same report.
 */
export async function verifyBundleAsync(bytes: Buffer, opts: VerifyOptions = {}): Promise<VerifyReport> {
  let z: ReadZip | ZipError;
  try {
    z = await readZipAsync(bytes, opts.limits ?? DEFAULT_ZIP_LIMITS);
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    z = e;
  }
  const hashes = new Map<string, string>();
  const parsed = new Map<string, Json>();
  const answers: CheckedSignatures = new Map();
  let auditAhead: Promise<AuditHashes | null> | null = null;
  if (!(z instanceof ZipError)) {
    // A large audit slice is hashed in a worker, wanted only by the last checks; sign-off and
    // approval signatures start on the pool (read from the finding files, which are parsed once,
    // here); so do the big files' hashes; the small ones are hashed here meanwhile. The checks
    // themselves run below, in order, finding the answers ready.
    const slice = z.files.get(AUDIT_SLICE_PATH);
    auditAhead = slice && slice.length >= (opts.auditWorkerMinBytes ?? AUDIT_WORKER_MIN_BYTES) ? hashAuditSliceOffThread(slice) : null;
    const signatures = startSignatureChecks(z.files, parsed, answers);
    const big = [...z.files]
      .filter(([, d]) => d.length >= OFF_THREAD_BYTES)
      .map(async ([name, d]) => hashes.set(name, Buffer.from(await webcrypto.subtle.digest('SHA-256', d)).toString('hex')));
    for (const [name, d] of z.files) if (d.length < OFF_THREAD_BYTES) hashes.set(name, sha256Hex(d));
    await Promise.all([...big, signatures]);
  }
  const r = withCheckedSignatures(answers, () => verifyRead(z, opts, hashes, parsed));
  return typeof r === 'function' ? r(await auditAhead) : r;
}

type Json = { ok: true; value: unknown } | { ok: false };

/**
 * Parse the finding files and start verifying every signed record they carry against the key the
 * bundle's roster gives its key id. Best effort by design: verifyBytes uses an answer only for the
 * same key, bytes and signature, so whatever this misreads is simply computed again in order.
 */
function startSignatureChecks(files: ReadonlyMap<string, Buffer>, parsed: Map<string, Json>, answers: CheckedSignatures): Promise<unknown> {
  const keys = new Map<string, string>();
  const roster = files.get(ROSTER_PATH);
  const r = roster ? jsonOf(roster) : null;
  const rv = r?.ok && r.value && typeof r.value === 'object' ? (r.value as { analysts?: unknown }) : null;
  const analysts = rv && Array.isArray(rv.analysts) ? (rv.analysts as unknown[]) : [];
  for (const a of analysts) {
    const ks = a && typeof a === 'object' ? (a as { keys?: unknown }).keys : null;
    if (!Array.isArray(ks)) continue;
    for (const k of ks as { key_id?: unknown; public_key?: unknown }[]) {
      if (k && typeof k.key_id === 'string' && typeof k.public_key === 'string') keys.set(k.key_id, k.public_key);
    }
  }
  const pending: Promise<void>[] = [];
  const check = (rec: unknown) => {
    if (!rec || typeof rec !== 'object') return;
    const { payload, signature, key_id } = rec as { payload?: unknown; signature?: unknown; key_id?: unknown };
    if (typeof payload !== 'string' || typeof signature !== 'string' || typeof key_id !== 'string' || answers.has(signature)) return;
    const publicKey = keys.get(key_id);
    if (!publicKey) return;
    const bytes = Buffer.from(payload, 'utf8');
    answers.set(signature, { publicKey, bytes, ok: false });
    // Never rejects: a malformed key or signature is simply not valid.
    pending.push(verifyBytesAsync(publicKey, bytes, signature).then((ok) => void answers.set(signature, { publicKey, bytes, ok })));
  };
  for (const [name, data] of files) {
    if (!/^findings\/FND-\d+\.json$/.test(name)) continue;
    const j = jsonOf(data);
    parsed.set(name, j);
    if (!j.ok || !j.value || typeof j.value !== 'object') continue;
    const f = j.value as { signoffs?: unknown; approvals?: unknown };
    if (Array.isArray(f.signoffs)) for (const so of f.signoffs as { record?: unknown }[]) check(so?.record);
    if (Array.isArray(f.approvals)) {
      for (const a of f.approvals as { request?: unknown; approval?: unknown }[]) {
        check(a?.request);
        check(a?.approval);
      }
    }
  }
  return Promise.all(pending);
}

/**
 * The checks in order. Returns the report when an early failure ends them, or else a function that
 * runs the last part, the audit slice, with the slice's entry hashes when they were computed ahead.
 */
function verifyRead(
  z: ReadZip | ZipError,
  opts: VerifyOptions,
  hashed: ReadonlyMap<string, string>,
  parsed?: ReadonlyMap<string, Json>,
): VerifyReport | ((auditHashes: AuditHashes | null) => VerifyReport) {
  const c = new Collector();
  const done = (summary: VerifySummary | null): VerifyReport => ({ valid: c.failures.length === 0, failures: c.failures, notes: c.notes, summary });

  // 1. The archive.
  if (z instanceof ZipError) {
    c.fail(z.code, z.file, z.message);
    return done(null);
  }
  const files = z.files;
  const damaged = new Set<string>();
  for (const p of z.problems) {
    c.fail(p.code, p.file, p.message);
    damaged.add(p.file);
  }

  // 2. The manifest: a DSSE envelope around an in-toto statement.
  const manifest = files.get(MANIFEST_PATH);
  if (!manifest) {
    c.fail(damaged.has(MANIFEST_PATH) ? 'manifest_invalid' : 'manifest_missing', MANIFEST_PATH, 'The bundle has no readable manifest, so nothing in it can be checked.');
    return done(null);
  }
  const envJson = jsonOf(manifest);
  const env = envJson.ok ? DsseEnvelope.safeParse(envJson.value) : null;
  if (!env || !env.success) {
    c.fail('manifest_invalid', MANIFEST_PATH, `The manifest is not a DSSE envelope${env && !env.success ? `: ${issues(env.error)}` : ' (not JSON)'}.`);
    return done(null);
  }
  const envelope = env.data;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    c.fail('manifest_invalid', MANIFEST_PATH, `The envelope carries ${envelope.payloadType}, not an in-toto statement (${IN_TOTO_PAYLOAD_TYPE}).`);
    return done(null);
  }
  const body = decodeBase64Strict(envelope.payload);
  const stJson = body ? jsonOf(body) : null;
  const st = stJson?.ok ? Statement.safeParse(stJson.value) : null;
  if (!st || !st.success) {
    c.fail('statement_invalid', MANIFEST_PATH, `The envelope's payload is not a Vigil bundle statement${st && !st.success ? `: ${issues(st.error)}` : ''}.`);
    return done(null);
  }
  const statement = st.data;
  const pred = statement.predicate;

  // 3. The roster the signatures are checked against, and whom the auditor trusts.
  const trusted = new Map((opts.trustedKeys ?? []).map((k) => [k.key_id, k.public_key]));
  const useTrusted = trusted.size > 0;
  let roster: Roster | null = null;
  const rosterBytes = files.get(ROSTER_PATH);
  if (!rosterBytes) {
    if (!damaged.has(ROSTER_PATH)) c.fail('roster_missing', ROSTER_PATH, 'The bundle carries no roster, so no analyst signature in it can be checked.');
  } else {
    try {
      roster = parseRoster(text(rosterBytes));
    } catch (e) {
      c.fail('roster_invalid', ROSTER_PATH, (e as Error).message);
    }
  }
  let rosterNeedsVouch: string | null = null;
  if (roster) {
    const v = verifyRoster(roster, useTrusted ? { trustedKeys: [...trusted.keys()] } : {});
    const real = v.reasons.filter((r) => r.code !== 'no_trust_anchor' && r.code !== 'signer_not_trusted');
    for (const r of real) c.fail('roster_invalid', ROSTER_PATH, `${r.code}: ${r.message}`);
    if (useTrusted) {
      const anchoredBy = v.signers.filter((s) => trusted.has(s.key_id) && findKey(roster!, s.key_id)?.key.public_key === trusted.get(s.key_id));
      // Decided after the manifest's signatures (below): a roster another lead signed is still
      // vouched for when a trusted lead of that roster signed the manifest that lists it.
      if (real.length === 0 && anchoredBy.length === 0) rosterNeedsVouch = roster.signatures.map((s) => s.key_id).join(', ') || 'nobody';
    } else {
      c.notes.push(
        `No trusted keys were given: signatures were checked against the roster inside the bundle (team "${roster.team}", version ${roster.version}, signed by ${v.signer ? `${v.signer.handle} ${v.signer.key_id}` : 'nobody valid'}). Compare that key's fingerprint with the team out of band, or pass --trusted-keys.`,
      );
    }
  }

  // 4. The envelope's signatures: genuine, by a lead, and by keys the auditor trusts.
  const sigSummary: VerifySummary['signatures'] = [];
  if (envelope.signatures.length === 0) c.fail('signature_missing', MANIFEST_PATH, 'The manifest carries no signature.');
  const seen = new Set<string>();
  let trustedValid = 0;
  let exporterSigned = false;
  for (const s of envelope.signatures) {
    if (seen.has(s.keyid)) {
      c.fail('signature_duplicate', MANIFEST_PATH, `${s.keyid} signed the manifest more than once.`);
      continue;
    }
    seen.add(s.keyid);
    const holder = roster ? findKey(roster, s.keyid) : null;
    const pub = useTrusted ? trusted.get(s.keyid) : holder?.key.public_key;
    const handle = holder?.analyst.handle ?? null;
    if (!pub) {
      if (useTrusted) c.fail('signature_untrusted', MANIFEST_PATH, `The manifest is signed by ${s.keyid}${handle ? ` (${handle} in the bundle's roster)` : ''}, which is not among the trusted keys.`);
      else c.fail('signer_unknown', MANIFEST_PATH, `The manifest is signed by ${s.keyid}, which is in no roster entry.`);
      sigSummary.push({ key_id: s.keyid, handle, valid: false, trusted: false });
      continue;
    }
    const ok = verifyEnvelopeSignature(envelope, s, pub, body!);
    if (!ok) c.fail('signature_invalid', MANIFEST_PATH, `The signature by ${s.keyid}${handle ? ` (${handle})` : ''} does not match the manifest: the manifest or the signature was altered.`);
    sigSummary.push({ key_id: s.keyid, handle, valid: ok, trusted: useTrusted });
    if (ok && roster && holder && !mayExport(holder.analyst.role)) {
      c.fail('signer_not_lead', MANIFEST_PATH, `${holder.analyst.handle} (${holder.analyst.role}) signed the manifest; only leads sign evidence bundles.`);
    } else if (ok) {
      trustedValid++;
      if (s.keyid === pred.exported_by.key_id) exporterSigned = true;
    }
  }
  if (envelope.signatures.length > 0 && !exporterSigned && sigSummary.every((x) => x.key_id !== pred.exported_by.key_id)) {
    c.fail('signer_mismatch', MANIFEST_PATH, `The manifest names ${pred.exported_by.handle} (${pred.exported_by.key_id}) as exporter, but that key did not sign it.`);
  }
  if (roster) {
    const ex = findKey(roster, pred.exported_by.key_id);
    if (!ex || ex.analyst.handle !== pred.exported_by.handle) {
      c.fail('signer_unknown', MANIFEST_PATH, `The exporter ${pred.exported_by.handle} (${pred.exported_by.key_id}) is not in the bundle's roster.`);
    } else if (!mayExport(ex.analyst.role)) {
      c.fail('signer_not_lead', MANIFEST_PATH, `The exporter ${ex.analyst.handle} is a ${ex.analyst.role}; only a lead may export evidence.`);
    } else if (!keyValidAt(ex.key, Number.isFinite(Date.parse(pred.exported_at)) ? Date.parse(pred.exported_at) : 0)) {
      c.fail('signer_key_not_valid', MANIFEST_PATH, `The exporter's key ${ex.key.key_id} was not valid at ${pred.exported_at} (valid ${ex.key.not_before} – ${ex.key.not_after ?? 'open'}).`);
    }
  }
  if (roster && rosterNeedsVouch !== null) {
    const voucher = sigSummary.find((x) => x.valid && x.trusted && x.key_id === pred.exported_by.key_id && findKey(roster!, x.key_id)?.key.public_key === trusted.get(x.key_id));
    if (voucher) {
      c.notes.push(`The roster is signed by ${rosterNeedsVouch}, not among the trusted keys; it is vouched for by the trusted lead ${voucher.handle ?? voucher.key_id}, whose signed manifest lists it.`);
    } else {
      c.fail('roster_untrusted', ROSTER_PATH, `No trusted key signed the roster (signed by ${rosterNeedsVouch}), and no trusted lead of it signed the manifest.`);
    }
  }
  const threshold = Math.max(1, opts.threshold ?? 1);
  if (envelope.signatures.length > 0 && trustedValid < threshold && threshold > 1) {
    c.fail('signature_threshold', MANIFEST_PATH, `${trustedValid} valid ${useTrusted ? 'trusted ' : ''}signature(s); ${threshold} are required.`);
  }

  // 5. Every file is a subject with the right digest, and nothing else is in the archive.
  const subjectNames = new Set<string>();
  // What the manifest says each file hashes to. Content checks below use these, not the bytes:
  // the bytes are held to the manifest once, here, so a damaged file is reported once, not again
  // by every sign-off that covered it.
  const listedDigest = new Map<string, string>();
  for (const sub of statement.subject) {
    listedDigest.set(sub.name, sub.digest.sha256);
    if (subjectNames.has(sub.name)) {
      c.fail('statement_invalid', MANIFEST_PATH, `The statement lists ${sub.name} twice.`);
      continue;
    }
    subjectNames.add(sub.name);
    const data = files.get(sub.name);
    if (!data) {
      if (!damaged.has(sub.name)) c.fail('file_missing', sub.name, 'The manifest lists this file, but the bundle does not hold it.');
      continue;
    }
    const got = hashed.get(sub.name) ?? sha256Hex(data);
    if (got !== sub.digest.sha256) c.fail('file_digest_mismatch', sub.name, `sha256 is ${got}, the manifest says ${sub.digest.sha256}: the file changed after it was signed.`);
  }
  for (const name of files.keys()) {
    if (name !== MANIFEST_PATH && !subjectNames.has(name)) c.fail('file_extra', name, 'The bundle holds this file, but the manifest does not list it.');
  }

  // 6. The content digest: statement, predicate and the report's footer must agree.
  const sorted: Subject[] = [...statement.subject].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const cd = contentDigest(sorted);
  if (cd !== pred.content_digest) c.fail('content_digest_mismatch', MANIFEST_PATH, `The subjects' content digest is ${cd}; the predicate says ${pred.content_digest}.`);
  const report = files.get(REPORT_PATH);
  if (!subjectNames.has(REPORT_PATH)) c.fail('report_digest_mismatch', REPORT_PATH, 'The manifest does not list the report.');
  else if (report) {
    // The meta tag sits in the head and the footer at the very end: read those, not 50 MB of report.
    const r = reportDigests(report.length <= 16384 ? text(report) : text(report.subarray(0, 8192)) + text(report.subarray(report.length - 8192)));
    if (r.footer !== cd || r.meta !== cd) {
      c.fail('report_digest_mismatch', REPORT_PATH, `The report's footer says ${r.footer ?? 'nothing'} (meta ${r.meta ?? 'nothing'}); the bundle's content digest is ${cd}.`);
    }
  }

  // 7. Findings, their evidence and signal revisions, sign-offs and approvals.
  const findings = new Map<string, FindingFile>();
  let signoffs = 0;
  let approvals = 0;
  const exportedMs = Date.parse(pred.exported_at);
  const listed = new Set(pred.findings);
  for (const name of subjectNames) {
    const m = /^findings\/(FND-\d+)\.json$/.exec(name);
    if (m && !listed.has(m[1]!)) c.fail('finding_invalid', name, `The file is a finding the manifest's finding list does not name.`);
  }
  for (const fid of pred.findings) {
    const path = findingPath(fid);
    const data = files.get(path);
    if (!subjectNames.has(path)) {
      c.fail('file_missing', path, `The manifest names ${fid} but lists no file for it.`);
      continue;
    }
    if (!data) continue; // reported above
    const j = parsed?.get(path) ?? jsonOf(data);
    const fast = j.ok && isFindingFile(j.value) ? j.value : null;
    const p = fast || !j.ok ? null : FindingFile.safeParse(j.value);
    if (!fast && (!p || !p.success)) {
      c.fail('finding_invalid', path, `Not a bundle finding file${p && !p.success ? `: ${issues(p.error)}` : ' (not JSON)'}.`);
      continue;
    }
    const f = fast ?? p!.data!;
    if (f.finding_id !== fid) {
      c.fail('finding_invalid', path, `The file is about ${f.finding_id}, not ${fid}.`);
      continue;
    }
    findings.set(fid, f);
    for (const r of f.signal.revisions) {
      const listedAs = listedDigest.get(r.path);
      if (listedAs === undefined) c.fail('file_missing', r.path, `${fid}'s signal revision ${r.revision} is not in the manifest.`);
      else if (listedAs !== r.content_hash) c.fail('signal_mismatch', r.path, `Signal revision ${r.revision} is listed as ${listedAs}, but was recorded as ${r.content_hash} when fetched.`);
    }
    const evidenceNow: { id: number; kind: string; sha256: string }[] = [];
    for (const e of f.evidence) {
      const listedAs = listedDigest.get(e.path);
      if (listedAs === undefined) {
        c.fail('file_missing', e.path, `${fid}'s evidence E${e.id} is not in the manifest.`);
        continue;
      }
      if (listedAs !== e.sha256) c.fail('evidence_mismatch', e.path, `Evidence E${e.id} is listed as ${listedAs}, but was recorded as ${e.sha256} when it was collected.`);
      evidenceNow.push({ id: e.id, kind: e.kind, sha256: listedAs });
    }
    if (!roster) continue;
    for (const s of f.signoffs) {
      signoffs++;
      const v = verifySignoff(s.record, roster, { evidence: evidenceNow, expect: { finding_id: fid, workspace_id: pred.workspace_id }, now: exportedMs });
      if (!v.valid) c.fail('signoff_invalid', path, `${fid}'s sign-off by ${s.analyst} does not verify (${v.reason}): ${v.message}`);
      else if (v.payload.analyst.handle !== s.analyst || (s.revision !== null && v.payload.revision !== s.revision)) {
        c.fail('signoff_invalid', path, `${fid}'s sign-off is listed as ${s.analyst} at revision ${String(s.revision)}, but signed by ${v.payload.analyst.handle} at revision ${v.payload.revision}.`);
      }
    }
    for (const a of f.approvals) {
      approvals++;
      const approvedAt = approvalTime(a.approval) ?? approvalTime(a.request, 'requested_at');
      const signoff = f.signoffs.find((s) => signoffMatches(s.record.signature, a.request));
      const v = verifyApprovalRequest(
        { format: APPROVAL_FILE_FORMAT, request: a.request, ...(a.approval ? { approval: a.approval } : {}) },
        roster,
        { now: approvedAt ?? exportedMs, allowPending: a.approval === null, ...(signoff ? { signoff: signoff.record } : {}) },
      );
      if (!v.valid) c.fail('approval_invalid', path, `${fid}'s ${a.action_name} approval (${a.action_id}) does not verify (${v.part}: ${v.reason}): ${v.message}`);
      else if (!signoff) c.fail('approval_invalid', path, `${fid}'s ${a.action_name} request builds on a sign-off the bundle does not carry.`);
    }
  }

  // The audit slice last: the async verifier may still be hashing it in a worker (audit-hashes.ts),
  // so the rest is checked first and this part runs once those hashes are in (or known absent).
  return (auditHashes: AuditHashes | null): VerifyReport => {
    // 8. The audit slice: each entry's own hash, order, links between neighbours, the head, and that
    // it holds exactly the entries the findings name.
    let auditEntries = 0;
    const headBytes = files.get(AUDIT_HEAD_PATH);
    const headP = headBytes ? AuditHead.safeParse(jsonOf(headBytes).ok ? JSON.parse(text(headBytes)) : null) : null;
    if (!headBytes) {
      if (!damaged.has(AUDIT_HEAD_PATH) && !subjectNames.has(AUDIT_HEAD_PATH)) c.fail('file_missing', AUDIT_HEAD_PATH, 'The bundle does not say where the audit chain ended.');
    } else if (!headP || !headP.success) c.fail('audit_invalid', AUDIT_HEAD_PATH, 'The audit head is not {seq, hash, at}.');
    const head = headP?.success ? headP.data : null;
    if (head && (head.seq !== pred.audit_head.seq || head.hash !== pred.audit_head.hash)) {
      c.fail('audit_head_mismatch', AUDIT_HEAD_PATH, `The head file says entry ${head.seq} ${head.hash.slice(0, 12)}…; the manifest says entry ${pred.audit_head.seq} ${pred.audit_head.hash.slice(0, 12)}….`);
    }
    const sliceBytes = files.get(AUDIT_SLICE_PATH);
    if (!sliceBytes) {
      if (!damaged.has(AUDIT_SLICE_PATH) && !subjectNames.has(AUDIT_SLICE_PATH)) c.fail('file_missing', AUDIT_SLICE_PATH, 'The bundle carries no audit slice.');
    } else {
      // What the later checks need of each entry, not the entry: 110,000 parsed entries kept to the
      // end were most of the verifier's garbage-collection time.
      const bySeq = new Map<number, { seq: number; entity_id: string; signed: string | null }>();
      let prev: AuditEntry | null = null;
      const lines = text(sliceBytes).split('\n');
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        if (line === '' && i === lines.length - 1) break;
        let raw: unknown = null;
        try {
          raw = JSON.parse(line);
        } catch {
          // reported below
        }
        if (!isAuditEntry(raw)) {
          c.fail('audit_invalid', AUDIT_SLICE_PATH, `Line ${i + 1} is not an audit entry.`);
          continue;
        }
        const e = raw;
        auditEntries++;
        if ((precomputedHash(auditHashes, lines.length, i) ?? auditEntryHash(e)) !== e.hash) c.fail('audit_hash_mismatch', AUDIT_SLICE_PATH, `Entry ${e.seq} does not match its hash: it was altered after it was written.`);
        if (prev && e.seq <= prev.seq) c.fail('audit_order', AUDIT_SLICE_PATH, `Entry ${e.seq} comes after entry ${prev.seq}: the slice is out of order.`);
        else if (prev && e.seq === prev.seq + 1 && e.prev_hash !== prev.hash) {
          c.fail('audit_link_broken', AUDIT_SLICE_PATH, `Entry ${e.seq}'s prev_hash is not the hash of entry ${prev.seq} before it.`);
        }
        if (head) {
          if (e.seq > head.seq) c.fail('audit_head_mismatch', AUDIT_SLICE_PATH, `Entry ${e.seq} lies beyond the chain head (${head.seq}).`);
          else if (e.seq === head.seq && e.hash !== head.hash) c.fail('audit_head_mismatch', AUDIT_SLICE_PATH, `Entry ${e.seq} is the head, but its hash is not the head's.`);
        }
        if (e.entity !== 'finding' || !listed.has(e.entity_id)) {
          c.fail('audit_entry_unlisted', AUDIT_SLICE_PATH, `Entry ${e.seq} is about ${e.entity} ${e.entity_id}, which the bundle does not carry.`);
        }
        bySeq.set(e.seq, { seq: e.seq, entity_id: e.entity_id, signed: e.action === 'finding.signed' ? e.new_value : null });
        prev = e;
      }
      const byFinding = new Map<string, { seq: number; entity_id: string; signed: string | null }[]>();
      for (const e of bySeq.values()) {
        const list = byFinding.get(e.entity_id);
        if (list) list.push(e);
        else byFinding.set(e.entity_id, [e]);
      }
      for (const [fid, f] of findings) {
        const named = new Set(f.audit_seqs);
        const mine = byFinding.get(fid) ?? [];
        for (const seq of f.audit_seqs) {
          const e = bySeq.get(seq);
          if (!e) c.fail('audit_entry_missing', AUDIT_SLICE_PATH, `${fid}'s history names audit entry ${seq}, which the slice does not hold.`);
          else if (e.entity_id !== fid) c.fail('audit_entry_missing', AUDIT_SLICE_PATH, `${fid}'s history names audit entry ${seq}, which is about ${e.entity_id}.`);
        }
        for (const e of mine) {
          if (!named.has(e.seq)) c.fail('audit_entry_unlisted', AUDIT_SLICE_PATH, `Entry ${e.seq} is about ${fid}, but ${fid}'s history does not name it.`);
        }
        for (const s of f.signoffs) {
          const sha = s.signature_sha256;
          if (!sha) continue;
          const recorded = mine.some((e) => e.signed !== null && e.signed.includes(sha));
          if (!recorded) c.fail('audit_entry_missing', AUDIT_SLICE_PATH, `${fid}'s sign-off ${sha.slice(0, 12)}… has no finding.signed entry in the audit slice.`);
        }
      }
    }

    return done({
      workspace: { id: pred.workspace_id, name: pred.workspace_name },
      exported_at: pred.exported_at,
      exported_by: pred.exported_by,
      reason: pred.reason,
      tool: pred.tool,
      findings: pred.findings.length,
      files: statement.subject.length,
      signoffs,
      approvals,
      audit_entries: auditEntries,
      audit_head: pred.audit_head,
      content_digest: cd,
      signatures: sigSummary,
      trust: useTrusted ? 'trusted-keys' : 'bundle-roster',
    });
  };
}

function payloadField(record: unknown, field: string): unknown {
  if (typeof record !== 'object' || record === null) return undefined;
  const p = (record as { payload?: unknown }).payload;
  if (typeof p !== 'string') return undefined;
  try {
    const v = JSON.parse(p) as Record<string, unknown>;
    return v[field];
  } catch {
    return undefined;
  }
}

/** The moment an approval (or request) says it was made: the clock to judge it by, then. */
function approvalTime(record: unknown, field = 'approved_at'): number | null {
  const v = payloadField(record, field);
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? t : null;
}

function signoffMatches(signature: string, request: unknown): boolean {
  const want = payloadField(request, 'signoff_signature_sha256');
  const raw = fromBase64url(signature, 64);
  return typeof want === 'string' && raw !== null && sha256Hex(raw) === want;
}

// ---------------------------------------------------------------------------------------------
// Trusted keys, as an auditor receives them

/**
 * Reads a trusted-keys file: a Vigil roster (its leads' keys), JSON `{"keys": [{"public_key"}]}`
 * or `[…]`, or text with one key per line (`[ed25519:<id>] <base64url public key> [comment]`,
 * `#` starts a comment). A key id written beside a key must be that key's id.
 */
export function parseTrustedKeys(content: string): TrustedKey[] {
  const out: TrustedKey[] = [];
  const add = (publicKey: unknown, keyId?: unknown) => {
    if (typeof publicKey !== 'string' || !fromBase64url(publicKey, 32)) throw new Error(`"${String(publicKey).slice(0, 60)}" is not an Ed25519 public key (43 characters of base64url).`);
    const id = keyIdFor(publicKey);
    if (keyId !== undefined && keyId !== id) throw new Error(`Key id ${String(keyId)} does not belong to public key ${publicKey} (its id is ${id}).`);
    if (!out.some((k) => k.key_id === id)) out.push({ key_id: id, public_key: publicKey });
  };
  const trimmed = content.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const v = JSON.parse(trimmed) as unknown;
    if (typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'vigil.roster/v1') {
      const r = parseRoster(trimmed);
      for (const a of r.analysts) if (mayExport(a.role)) for (const k of a.keys) add(k.public_key, k.key_id);
    } else {
      const list = Array.isArray(v) ? v : (v as { keys?: unknown }).keys;
      if (!Array.isArray(list)) throw new Error('A JSON trusted-keys file is a roster, a list of keys, or {"keys": [...]}.');
      for (const k of list) {
        if (typeof k === 'string') add(k);
        else if (typeof k === 'object' && k !== null) add((k as { public_key?: unknown }).public_key, (k as { key_id?: unknown }).key_id);
      }
    }
  } else {
    for (const raw of content.split(/\r?\n/)) {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) continue;
      const parts = line.split(/\s+/);
      if (parts[0]!.startsWith('ed25519:')) add(parts[1], parts[0]);
      else add(parts[0]);
    }
  }
  if (out.length === 0) throw new Error('The trusted-keys file holds no key.');
  return out;
}

/** One line per key, the format parseTrustedKeys reads first. */
export function formatTrustedKey(k: TrustedKey, comment?: string): string {
  return `${k.key_id} ${k.public_key}${comment ? `  # ${comment}` : ''}\n`;
}
