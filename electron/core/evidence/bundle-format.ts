// The evidence bundle's layout and documents, shared by the exporter and the standalone verifier.
// Pure: node built-ins, zod and shared helpers only, because the verifier that imports it must run
// on an auditor's machine with no register and no app.
//
//   manifest.dsse.json          DSSE envelope: in-toto Statement v1 over every other file
//   report.html                 printable report; its footer carries the content digest (below)
//   roster.json                 the team roster (verbatim, lead-signed) the signatures are checked against
//   custody.jsonld              custody events in the CASE/UCO vocabulary
//   audit/slice.jsonl           every audit entry about the bundled findings, with its prev-hash anchor
//   audit/head.json             the chain head when the bundle was made
//   findings/FND-n.json         decision fields, drafts, sign-offs, approvals, the evidence index
//   signals/FND-n/rK.json       every revision of the finding's signal, byte for byte as stored
//   evidence/FND-n/EID.(json|txt) each piece of evidence, byte for byte (its sha256 is the one signed)
//
// The content digest: sha256 of the canonical JSON (RFC 8785) of the statement's subject list,
// sorted by name, without report.html. The report cannot carry a digest over itself, so it carries
// this one, and verify checks that the footer, the statement's predicate and the subjects agree.
import { createHash, hash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';

export const BUNDLE_PREDICATE_TYPE = 'https://vigil.dev/evidence-bundle/v1';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const FINDING_FILE_FORMAT = 'vigil.bundle-finding/v1';

export const MANIFEST_PATH = 'manifest.dsse.json';
export const REPORT_PATH = 'report.html';
export const ROSTER_PATH = 'roster.json';
export const CUSTODY_PATH = 'custody.jsonld';
export const AUDIT_SLICE_PATH = 'audit/slice.jsonl';
export const AUDIT_HEAD_PATH = 'audit/head.json';

export const findingPath = (fid: string) => `findings/${fid}.json`;
export const signalPath = (fid: string, revision: number) => `signals/${fid}/r${revision}.json`;
export const evidencePath = (fid: string, id: number, kind: string) => `evidence/${fid}/E${id}.${kind === 'note' ? 'txt' : 'json'}`;

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const FindingIdText = z.string().regex(/^FND-[1-9]\d*$/);

export const Subject = z.strictObject({ name: z.string().min(1).max(512), digest: z.strictObject({ sha256: Hex64 }) });
export type Subject = z.infer<typeof Subject>;

export const Predicate = z.strictObject({
  workspace_id: z.string(),
  workspace_name: z.string(),
  exported_at: z.string(),
  exported_by: z.strictObject({ handle: z.string(), key_id: z.string() }),
  reason: z.string().min(1).max(2000),
  tool: z.strictObject({ name: z.string(), version: z.string() }),
  selection: z.record(z.string(), z.json()),
  findings: z.array(FindingIdText),
  audit_head: z.strictObject({ seq: z.int().min(0), hash: Hex64 }),
  content_digest: Hex64,
  report: z.string(),
});
export type Predicate = z.infer<typeof Predicate>;

const SubjectList = z.array(z.unknown()).min(1).superRefine((list, ctx) => {
  // Tens of thousands of subjects: checked by hand, zod's per-element objects cost more than the hashing.
  for (let i = 0; i < list.length; i++) {
    const s = list[i] as { name?: unknown; digest?: { sha256?: unknown } } | null;
    const ok =
      typeof s === 'object' && s !== null && Object.keys(s).length === 2 && typeof s.name === 'string' && s.name.length > 0 && s.name.length <= 512 &&
      typeof s.digest === 'object' && s.digest !== null && Object.keys(s.digest).length === 1 && typeof s.digest.sha256 === 'string' && /^[0-9a-f]{64}$/.test(s.digest.sha256);
    if (!ok) {
      ctx.addIssue({ code: 'custom', path: [i], message: 'a subject is {name, digest: {sha256}}' });
      return;
    }
  }
}) as unknown as z.ZodType<Subject[]>;

export const Statement = z.strictObject({
  _type: z.literal(IN_TOTO_STATEMENT_TYPE),
  subject: SubjectList,
  predicateType: z.literal(BUNDLE_PREDICATE_TYPE),
  predicate: Predicate,
});
export type Statement = z.infer<typeof Statement>;

export function sha256Hex(bytes: Uint8Array | string): string {
  // One-shot hashing (Node ≥ 21.7): no Hash object per call, which adds up over 100,000 inputs.
  return hash('sha256', bytes, 'hex');
}

/**
 * See the header: what the report's footer carries. Subjects must already be sorted by name. The
 * text is exactly canonicalJson(list) (keys "digest" < "name", strings as JSON.stringify writes
 * them), built directly because a bundle lists tens of thousands of subjects; a test holds the two equal.
 */
export function contentDigest(subjects: readonly Subject[]): string {
  const h = createHash('sha256');
  h.update('[');
  let first = true;
  for (const s of subjects) {
    if (s.name === REPORT_PATH) continue;
    h.update(`${first ? '' : ','}{"digest":{"sha256":${JSON.stringify(s.digest.sha256)}},"name":${JSON.stringify(s.name)}}`);
    first = false;
  }
  h.update(']');
  return h.digest('hex');
}

/** The report's own statement of the content digest: a meta tag and the footer must both say it. */
export function reportDigests(html: string): { meta: string | null; footer: string | null } {
  const meta = /<meta name="vigil-content-digest" content="([0-9a-f]{64})">/.exec(html)?.[1] ?? null;
  const footer = /<code id="content-digest">([0-9a-f]{64})<\/code>/.exec(html)?.[1] ?? null;
  return { meta, footer };
}

// ---------------------------------------------------------------------------------------------
// Finding files

export const SignedRecordShape = z.looseObject({ payload: z.string(), signature: z.string(), key_id: z.string().nullable(), algorithm: z.string().nullable() });

export const FindingFile = z.strictObject({
  format: z.literal(FINDING_FILE_FORMAT),
  finding_id: FindingIdText,
  // Values a verifier reads but never trusts for a check: unknown, not z.json() (10,000 files
  // of recursive JSON validation cost more than the whole signature check).
  finding: z.record(z.string(), z.unknown()),
  signal: z.strictObject({
    dd_signal_id: z.string(),
    revisions: z.array(z.strictObject({ revision: z.int(), content_hash: Hex64, fetched_at: z.string(), path: z.string() })),
  }),
  drafts: z.array(z.record(z.string(), z.unknown())),
  evidence: z.array(
    z.strictObject({
      id: z.int().min(1),
      kind: z.string(),
      title: z.string(),
      meta: z.unknown(),
      sha256: Hex64,
      created_by: z.string(),
      created_at: z.string(),
      path: z.string(),
    }),
  ),
  signoffs: z.array(z.strictObject({ analyst: z.string(), revision: z.int().nullable(), signed_at: z.string(), signature_sha256: z.string().nullable(), record: SignedRecordShape })),
  /** containment requests: the requester's signed request and, when given, the second analyst's signed approval */
  approvals: z.array(
    z.strictObject({ action_id: z.string(), action_name: z.string(), state: z.string(), request: SignedRecordShape, approval: SignedRecordShape.nullable() }),
  ),
  /** the audit entries about this finding, by seq: each must be in audit/slice.jsonl */
  audit_seqs: z.array(z.int().min(1)),
});
export type FindingFile = z.infer<typeof FindingFile>;

// A hand-written FindingFile check for the common case (a bundle holds 10,000 of them and zod's
// per-object cost dominated verification); anything it rejects goes through FindingFile.safeParse
// for the precise message, and anything it accepts FindingFile accepts too (a test holds them together).
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOnly = (o: Record<string, unknown>, keys: readonly string[]) => {
  for (const k in o) if (!keys.includes(k)) return false;
  return true;
};
const isStr = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown): v is number => Number.isInteger(v);
const HEX = /^[0-9a-f]{64}$/;
const isRecord = (v: unknown) => isObj(v) && isStr(v['payload']) && isStr(v['signature']) && (v['key_id'] === null || isStr(v['key_id'])) && (v['algorithm'] === null || isStr(v['algorithm']));

export function isFindingFile(v: unknown): v is FindingFile {
  if (!isObj(v) || !hasOnly(v, ['format', 'finding_id', 'finding', 'signal', 'drafts', 'evidence', 'signoffs', 'approvals', 'audit_seqs'])) return false;
  if (v['format'] !== FINDING_FILE_FORMAT || !isStr(v['finding_id']) || !/^FND-[1-9]\d*$/.test(v['finding_id']) || !isObj(v['finding'])) return false;
  const s = v['signal'];
  if (!isObj(s) || !hasOnly(s, ['dd_signal_id', 'revisions']) || !isStr(s['dd_signal_id']) || !Array.isArray(s['revisions'])) return false;
  for (const r of s['revisions'] as unknown[]) {
    if (!isObj(r) || !hasOnly(r, ['revision', 'content_hash', 'fetched_at', 'path']) || !isInt(r['revision']) || !isStr(r['content_hash']) || !HEX.test(r['content_hash']) || !isStr(r['fetched_at']) || !isStr(r['path'])) return false;
  }
  if (!Array.isArray(v['drafts']) || !(v['drafts'] as unknown[]).every(isObj)) return false;
  if (!Array.isArray(v['evidence'])) return false;
  for (const e of v['evidence'] as unknown[]) {
    if (!isObj(e) || !hasOnly(e, ['id', 'kind', 'title', 'meta', 'sha256', 'created_by', 'created_at', 'path'])) return false;
    if (!isInt(e['id']) || (e['id'] as number) < 1 || !isStr(e['kind']) || !isStr(e['title']) || !isStr(e['sha256']) || !HEX.test(e['sha256']) || !isStr(e['created_by']) || !isStr(e['created_at']) || !isStr(e['path'])) return false;
  }
  if (!Array.isArray(v['signoffs'])) return false;
  for (const so of v['signoffs'] as unknown[]) {
    if (!isObj(so) || !hasOnly(so, ['analyst', 'revision', 'signed_at', 'signature_sha256', 'record'])) return false;
    if (!isStr(so['analyst']) || !(so['revision'] === null || isInt(so['revision'])) || !isStr(so['signed_at']) || !(so['signature_sha256'] === null || isStr(so['signature_sha256'])) || !isRecord(so['record'])) return false;
  }
  if (!Array.isArray(v['approvals'])) return false;
  for (const a of v['approvals'] as unknown[]) {
    if (!isObj(a) || !hasOnly(a, ['action_id', 'action_name', 'state', 'request', 'approval'])) return false;
    if (!isStr(a['action_id']) || !isStr(a['action_name']) || !isStr(a['state']) || !isRecord(a['request']) || !(a['approval'] === null || isRecord(a['approval']))) return false;
  }
  return Array.isArray(v['audit_seqs']) && (v['audit_seqs'] as unknown[]).every((x) => isInt(x) && x >= 1);
}

// ---------------------------------------------------------------------------------------------
// Audit slice. The same formula as the register's chain (electron/core/register/audit.ts), kept
// here so the verifier never imports the register; a unit test holds the two equal.

export const AuditEntry = z.strictObject({
  seq: z.int().min(1),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entity_id: z.string(),
  field: z.string().nullable(),
  old_value: z.string().nullable(),
  new_value: z.string().nullable(),
  reason: z.string().nullable(),
  prev_hash: Hex64,
  hash: Hex64,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const nullableString = (v: unknown) => v === null || typeof v === 'string';

/** AuditEntry.safeParse without zod's cost, for slices of 100,000 entries. */
export function isAuditEntry(v: unknown): v is AuditEntry {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  const keys = Object.keys(e);
  return (
    keys.length === 12 &&
    Number.isInteger(e['seq']) &&
    (e['seq'] as number) >= 1 &&
    typeof e['at'] === 'string' &&
    typeof e['actor'] === 'string' &&
    typeof e['action'] === 'string' &&
    typeof e['entity'] === 'string' &&
    typeof e['entity_id'] === 'string' &&
    nullableString(e['field']) &&
    nullableString(e['old_value']) &&
    nullableString(e['new_value']) &&
    nullableString(e['reason']) &&
    // Hash fields are not pattern-checked: a malformed one simply fails the hash comparison.
    typeof e['prev_hash'] === 'string' &&
    typeof e['hash'] === 'string'
  );
}

export const AuditHead = z.strictObject({ seq: z.int().min(0), hash: Hex64, at: z.string().nullable() });

export function auditEntryHash(row: Omit<AuditEntry, 'hash'>): string {
  return hash('sha256', auditHashInput(row), 'hex');
}

/** auditEntryHash as 32 bytes. */
export function auditEntryDigest(row: Omit<AuditEntry, 'hash'>): Buffer {
  return hash('sha256', auditHashInput(row), 'buffer');
}

function auditHashInput(row: Omit<AuditEntry, 'hash'>): string {
  // canonicalJson of {seq, at, actor, action, entity, entity_id, field, old, new, reason}, written
  // out in its sorted key order (strings, nulls and an integer only); a test holds it equal.
  const j = JSON.stringify;
  const body =
    `{"action":${j(row.action)},"actor":${j(row.actor)},"at":${j(row.at)},"entity":${j(row.entity)},"entity_id":${j(row.entity_id)},` +
    `"field":${j(row.field)},"new":${j(row.new_value)},"old":${j(row.old_value)},"reason":${j(row.reason)},"seq":${j(row.seq)}}`;
  return row.prev_hash + body;
}

/** The slow, obviously-right form of auditEntryHash, for the test that holds the two equal. */
export function auditEntryHashCanonical(row: Omit<AuditEntry, 'hash'>): string {
  const body = canonicalJson({ seq: row.seq, at: row.at, actor: row.actor, action: row.action, entity: row.entity, entity_id: row.entity_id, field: row.field, old: row.old_value, new: row.new_value, reason: row.reason });
  return createHash('sha256').update(row.prev_hash).update(body).digest('hex');
}
