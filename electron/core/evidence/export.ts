// Export: a lead turns a selection of findings into a signed evidence bundle (layout in
// bundle-format.ts). Only a lead of the trusted roster, with their current key, may export; the
// bundle is written to a temporary file, the export is recorded in the audit trail (with the
// bundle's content digest), and only then does the file take its name — so an export either
// exists and is audited, or neither.
import { randomUUID } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { canonicalJson } from '../../../shared/canonical-json';
import { VigilError } from '../../../shared/errors';
import { aRole, findKey, keyValidAt, mayExport, type AnalystKey } from '../custody';
import type { Register } from '../register/register';
import type { ExportFindingData } from '../register/evidence-read';
import {
  AUDIT_HEAD_PATH,
  AUDIT_SLICE_PATH,
  BUNDLE_PREDICATE_TYPE,
  contentDigest,
  CUSTODY_PATH,
  evidencePath,
  FINDING_FILE_FORMAT,
  findingPath,
  IN_TOTO_STATEMENT_TYPE,
  MANIFEST_PATH,
  REPORT_PATH,
  ROSTER_PATH,
  sha256Hex,
  signalPath,
  type FindingFile,
  type Predicate,
  type Statement,
  type Subject,
} from './bundle-format';
import { custodyGraph } from './custody-events';
import { IN_TOTO_PAYLOAD_TYPE, signEnvelope } from './dsse';
import { renderReport } from './report-html';
import { writeZipAsync } from './zip';

/** Zip without zip64 holds 65,535 entries; a bundle keeps headroom for its fixed files. */
export const MAX_BUNDLE_FILES = 65_000;

export interface ExportSelection {
  /** explicit finding numbers (FND-n → n) */
  ids?: number[];
  /** created_at window, epoch ms; half-open [since, until) */
  since?: number;
  until?: number;
}

export interface ExportProgress {
  phase: 'reading' | 'writing' | 'signing' | 'done';
  done: number;
  total: number;
}

export interface ExportOptions {
  reason: string;
  tool: { name: string; version: string };
  /** how the selection was made, recorded in the manifest (e.g. the queue filter) */
  describe?: Record<string, unknown>;
  onProgress?: (p: ExportProgress) => void;
  now?: () => number;
  /**
   * Sign as this lead instead of the workstation's analyst: a lead enrolled on this workstation
   * who unlocked their own key (evidence-service.ts). Checked against the roster the same way.
   */
  signer?: { handle: string; key: AnalystKey };
}

export interface ExportResult {
  path: string;
  findings: number;
  files: number;
  bytes: number;
  content_digest: string;
  exported_by: { handle: string; key_id: string; public_key: string };
  audit_seq: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** Findings a selection names: explicit ids, or a created_at window, or both (intersected). */
export function selectFindings(reg: Register, sel: ExportSelection): number[] {
  const reader = reg.evidenceReader();
  const windowed = sel.since !== undefined || sel.until !== undefined;
  if (sel.ids && sel.ids.length > 0) {
    const { found, missing } = reader.existing(sel.ids);
    if (missing.length > 0) throw new VigilError('NOT_FOUND', `No such finding in this workspace: ${missing.slice(0, 10).map((n) => `FND-${n}`).join(', ')}.`);
    if (!windowed) return found;
    const inWindow = new Set(reader.createdBetween(sel.since ?? null, sel.until ?? null, Number.MAX_SAFE_INTEGER));
    return found.filter((id) => inWindow.has(id));
  }
  if (!windowed) throw new VigilError('VALIDATION_FAILED', 'Name the findings to export, or a time range (--since / --until).');
  return reader.createdBetween(sel.since ?? null, sel.until ?? null, Number.MAX_SAFE_INTEGER);
}

/** The exporter: the lead's key and roster entry, or a precise refusal. */
function exporter(reg: Register, now: number, as?: { handle: string; key: AnalystKey }) {
  const me = as ?? reg.signingKey();
  if (!me) throw new VigilError('KEY_MISSING', 'This workstation has no analyst key: only a lead with a key in the roster can export evidence.');
  const stored = reg.roster();
  if (!stored) throw new VigilError('ROSTER_MISSING', 'Import the team roster first: an auditor checks every signature in the bundle against it.');
  if (!reg.rosterTrusted()) throw new VigilError('ROSTER_UNTRUSTED', 'The stored team roster no longer verifies; import a roster a lead signed.');
  const holder = findKey(stored.roster, me.key.keyId);
  if (!holder || holder.analyst.handle !== me.handle || !keyValidAt(holder.key, now)) {
    throw new VigilError('EXPORT_NOT_PERMITTED', `Key ${me.key.keyId} is not ${me.handle}'s current key in roster version ${stored.version}.`);
  }
  if (!mayExport(holder.analyst.role)) {
    throw new VigilError('EXPORT_NOT_PERMITTED', `${me.handle} is ${aRole(holder.analyst.role)}; only a lead exports evidence bundles.`);
  }
  return { me, stored, name: holder.analyst.name };
}

function parseJsonOr(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function findingFile(d: ExportFindingData, files: { name: string; data: Buffer }[], headSeq: number): FindingFile {
  const fid = `FND-${d.id}`;
  const r = d.row;
  const finding: Record<string, unknown> = {
    title: r['title'],
    status: r['status'],
    priority: r['priority'],
    assignee: r['assignee'] ?? null,
    severity: r['severity'],
    source: r['source'] ?? null,
    dd_signal_id: r['dd_signal_id'],
    splunk_search: r['splunk_search'] ?? null,
    mitre_technique: r['mitre_technique'] ?? null,
    mitre_tactic: r['mitre_tactic'] ?? null,
    secondary_techniques: typeof r['secondary_techniques'] === 'string' ? parseJsonOr(r['secondary_techniques']) : [],
    blast_radius: r['blast_radius'] ?? null,
    blast_radius_count: r['blast_radius_count'] ?? null,
    recommended_action: r['recommended_action'] ?? null,
    risk_score: r['risk_score'] ?? null,
    risk_factors: typeof r['risk_factors'] === 'string' ? parseJsonOr(r['risk_factors']) : null,
    mitigation_plan: r['mitigation_plan'] ?? null,
    drafted_by: r['drafted_by'] ?? null,
    analyst_signoff: r['analyst_signoff'] ?? null,
    signed_at: iso(r['signed_at'] as number | null),
    decision_revision: r['decision_revision'] ?? 0,
    supersedes: r['supersedes'] === null || r['supersedes'] === undefined ? null : `FND-${String(r['supersedes'])}`,
    created_at: iso(r['created_at'] as number),
    updated_at: iso(r['updated_at'] as number),
  };
  const revisions = d.signal.revisions.map((s) => {
    const path = signalPath(fid, s.revision);
    files.push({ name: path, data: Buffer.from(s.payload, 'utf8') });
    return { revision: s.revision, content_hash: s.content_hash, fetched_at: iso(s.fetched_at)!, path };
  });
  const evidence = d.evidence.map((e) => {
    const path = evidencePath(fid, e.id, e.kind);
    files.push({ name: path, data: Buffer.from(e.content, 'utf8') });
    return { id: e.id, kind: e.kind, title: e.title, meta: parseJsonOr(e.meta) as FindingFile['evidence'][number]['meta'], sha256: e.sha256, created_by: e.created_by, created_at: iso(e.created_at)!, path };
  });
  return {
    format: FINDING_FILE_FORMAT,
    finding_id: fid,
    finding: finding as FindingFile['finding'],
    signal: { dd_signal_id: d.signal.dd_signal_id, revisions },
    drafts: d.drafts.map((x) => ({
      id: x.id,
      drafter: x.drafter,
      model: x.model,
      prompt_version: x.prompt_version,
      input_hash: x.input_hash,
      output: parseJsonOr(x.output) as never,
      tokens_in: x.tokens_in,
      tokens_out: x.tokens_out,
      cost_usd: x.cost_usd,
      latency_ms: x.latency_ms,
      retries: x.retries,
      error: x.error,
      created_at: iso(x.created_at),
    })),
    evidence,
    signoffs: d.signoffs.map((s) => ({
      analyst: s.analyst,
      revision: s.revision,
      signed_at: iso(s.signed_at)!,
      signature_sha256: s.signature_sha256,
      record: { payload: s.payload, signature: s.signature, key_id: s.key_id, algorithm: s.algorithm },
    })),
    approvals: d.approvals.map((a) => ({ ...a, request: a.request as FindingFile['approvals'][number]['request'], approval: a.approval as FindingFile['approvals'][number]['approval'] })),
    audit_seqs: d.audit.filter((a) => a.seq <= headSeq).map((a) => a.seq),
  };
}

/** Builds the bundle's bytes. Pure of side effects on the register (the caller audits). */
export async function buildBundle(reg: Register, ids: readonly number[], opts: ExportOptions): Promise<{ zip: Buffer; statement: Statement; signer: ReturnType<typeof exporter> }> {
  const now = opts.now ?? Date.now;
  const started = now();
  if (ids.length === 0) throw new VigilError('NOT_FOUND', 'No finding matches the selection; nothing to export.');
  const reason = opts.reason.trim();
  if (reason.length === 0) throw new VigilError('REASON_REQUIRED', 'Say why you export this evidence: the reason goes into the custody record.');
  if (reason.length > 2000) throw new VigilError('VALIDATION_FAILED', 'The reason is at most 2,000 characters.');
  const signer = exporter(reg, started, opts.signer);
  const reader = reg.evidenceReader();
  const progress = opts.onProgress ?? (() => undefined);
  const total = ids.length;

  const files: { name: string; data: Buffer }[] = [];
  const findings: FindingFile[] = [];
  const auditRows: ExportFindingData['audit'][number][] = [];
  const head = reader.auditHead();
  const BATCH = 250;
  for (let start = 0; start < ids.length; start += BATCH) {
    const chunk = ids.slice(start, start + BATCH);
    const batch = reader.findings(chunk);
    if (batch.length !== chunk.length) throw new VigilError('NOT_FOUND', 'A finding disappeared during the export.');
    for (const d of batch) {
      const f = findingFile(d, files, head.seq);
      findings.push(f);
      files.push({ name: findingPath(f.finding_id), data: Buffer.from(JSON.stringify(f), 'utf8') });
      for (const a of d.audit) if (a.seq <= head.seq) auditRows.push(a);
    }
    if (files.length > MAX_BUNDLE_FILES) {
      throw new VigilError('VALIDATION_FAILED', `The selection needs more than ${MAX_BUNDLE_FILES.toLocaleString('en-US')} files; export it in smaller time ranges.`);
    }
    progress({ phase: 'reading', done: Math.min(start + BATCH, total), total });
    await tick();
  }
  progress({ phase: 'reading', done: total, total });
  auditRows.sort((a, b) => a.seq - b.seq);
  const byFinding = new Map<string, typeof auditRows>();
  for (const a of auditRows) {
    const list = byFinding.get(a.entity_id);
    if (list) list.push(a);
    else byFinding.set(a.entity_id, [a]);
  }

  files.push({ name: AUDIT_SLICE_PATH, data: Buffer.from(auditRows.map((a) => JSON.stringify(a)).join('\n') + (auditRows.length ? '\n' : ''), 'utf8') });
  files.push({ name: AUDIT_HEAD_PATH, data: Buffer.from(JSON.stringify({ seq: head.seq, hash: head.hash, at: head.at }) + '\n', 'utf8') });
  files.push({ name: ROSTER_PATH, data: Buffer.from(signer.stored.text, 'utf8') });

  const exportedAt = new Date(now()).toISOString();
  const bundleId = randomUUID();
  const tool = opts.tool;
  const by = { handle: signer.me.handle, key_id: signer.me.key.keyId };
  const workspaceName = reg.setting('workspace.name') ?? 'workspace';
  // Each file is hashed once; the custody record and the report are written last because they
  // carry the content digest, which covers every file but the report (bundle-format.ts).
  const hashes = new Map<string, string>();
  const subjectsOf = (list: { name: string; data: Buffer }[]): Subject[] =>
    list
      .map((f) => {
        let h = hashes.get(f.name);
        if (h === undefined) hashes.set(f.name, (h = sha256Hex(f.data)));
        return { name: f.name, digest: { sha256: h } };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const custodyOf = () =>
    Buffer.from(
      JSON.stringify(
        custodyGraph({
          bundleId,
          exportedAt,
          startedAt: new Date(started).toISOString(),
          exportedBy: { ...by, name: signer.name },
          reason,
          tool,
          workspace: { id: reg.workspaceId, name: workspaceName },
          findings,
          fileCount: files.length + 2,
        }),
      ),
      'utf8',
    );
  files.push({ name: CUSTODY_PATH, data: custodyOf() });
  const digest = contentDigest(subjectsOf(files));
  progress({ phase: 'writing', done: 0, total });
  await tick();
  const html = renderReport(
    { workspaceName, exportedAt, exportedBy: by, reason, tool, auditHead: { seq: head.seq, hash: head.hash }, contentDigest: digest, findings },
    (fid) => byFinding.get(fid) ?? [],
  );
  files.push({ name: REPORT_PATH, data: Buffer.from(html, 'utf8') });
  const subject = subjectsOf(files);

  const predicate: Predicate = {
    workspace_id: reg.workspaceId,
    workspace_name: workspaceName,
    exported_at: exportedAt,
    exported_by: by,
    reason,
    tool,
    selection: (opts.describe ?? {}) as Predicate['selection'],
    findings: findings.map((f) => f.finding_id),
    audit_head: { seq: head.seq, hash: head.hash },
    content_digest: digest,
    report: REPORT_PATH,
  };
  const statement: Statement = { _type: IN_TOTO_STATEMENT_TYPE, subject, predicateType: BUNDLE_PREDICATE_TYPE, predicate };
  progress({ phase: 'signing', done: total, total });
  const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(canonicalJson(statement), 'utf8'), signer.me.key);
  // The manifest first, so `unzip -l` and a reader streaming the archive meet it before the files.
  const ordered = [{ name: MANIFEST_PATH, data: Buffer.from(JSON.stringify(envelope, null, 2) + '\n', 'utf8') }, ...files.sort((a, b) => (a.name < b.name ? -1 : 1))];
  const zip = await writeZipAsync(ordered, { mtime: Date.parse(exportedAt) });
  return { zip, statement, signer };
}

/** Builds, writes (temp file, audit entry, rename) and reports. */
export async function exportBundle(reg: Register, sel: ExportSelection, outPath: string, opts: ExportOptions & { overwrite?: boolean }): Promise<ExportResult> {
  if (!opts.overwrite && existsSync(outPath)) throw new VigilError('VALIDATION_FAILED', `${outPath} already exists; Vigil will not overwrite it.`);
  const ids = selectFindings(reg, sel);
  const { zip, statement, signer } = await buildBundle(reg, ids, opts);
  const tmp = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.tmp`);
  writeFileSync(tmp, zip, { flag: 'wx' });
  let row;
  try {
    row = reg.appendAudit({
      actor: signer.me.handle,
      action: 'evidence.exported',
      entity: 'bundle',
      entityId: statement.predicate.content_digest,
      new: {
        findings: statement.predicate.findings.length,
        first: statement.predicate.findings[0],
        last: statement.predicate.findings[statement.predicate.findings.length - 1],
        file: basename(outPath),
        bytes: zip.length,
        key_id: signer.me.key.keyId,
        tool: opts.tool,
        audit_head: statement.predicate.audit_head.seq,
      },
      reason: statement.predicate.reason,
    });
    renameSync(tmp, outPath);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  opts.onProgress?.({ phase: 'done', done: ids.length, total: ids.length });
  return {
    path: outPath,
    findings: ids.length,
    files: statement.subject.length + 1,
    bytes: zip.length,
    content_digest: statement.predicate.content_digest,
    exported_by: { handle: signer.me.handle, key_id: signer.me.key.keyId, public_key: signer.me.key.publicKey },
    audit_seq: row.seq,
  };
}
