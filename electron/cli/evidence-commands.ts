// `vigil export`, `vigil verify`, `vigil cosign`: evidence bundles from the command line. Verify
// opens no workspace and asks no passphrase — an auditor runs it with the bundle and a public key.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VigilError } from '../../shared/errors';
import { cosignFile } from '../core/evidence/cosign';
import { exportBundle } from '../core/evidence/export';
import { formatTrustedKey, parseTrustedKeys, verifyBundleAsync, type VerifyReport } from '../core/evidence/verify';
import { Register } from '../core/register/register';
import { readPassphrase } from './passphrase';

type Out = { log: (s: string) => void; err: (s: string) => void };

export class EvidenceUsageError extends Error {}

/** 2026-11-01 (midnight UTC) or a full ISO 8601 time. */
export function parseDate(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00.000Z`) : /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(t)) throw new EvidenceUsageError(`--${name} takes a date like 2026-11-01 or 2026-11-01T08:00:00Z, got "${v}"`);
  return t;
}

export interface ExportArgs {
  workspace: string;
  out: string | undefined;
  findings: string[] | undefined;
  since: string | undefined;
  until: string | undefined;
  reason: string | undefined;
  publicKeyOut: string | undefined;
  json: boolean;
  version: string;
}

export async function exportCommand(a: ExportArgs, out: Out): Promise<number> {
  if (!a.out) throw new EvidenceUsageError('--out BUNDLE.zip is required');
  if (!a.reason || !a.reason.trim()) throw new EvidenceUsageError('--reason TEXT is required: why you export goes into the custody record');
  const ids = (a.findings ?? []).flatMap((x) => x.split(',').map((s) => s.trim()).filter(Boolean)).map((x) => {
    if (!/^FND-[1-9]\d*$/.test(x)) throw new EvidenceUsageError(`--finding takes ids like FND-42, got "${x}"`);
    return Number(x.slice(4));
  });
  const since = parseDate(a.since, 'since');
  const until = parseDate(a.until, 'until');
  if (ids.length === 0 && since === undefined && until === undefined) throw new EvidenceUsageError('name findings (--finding FND-n …) or a time range (--since / --until)');
  const reg = await Register.open(a.workspace, { passphrase: await readPassphrase() });
  try {
    const r = await exportBundle(
      reg,
      { ...(ids.length ? { ids } : {}), ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) },
      resolve(a.out),
      {
        reason: a.reason,
        tool: { name: 'vigil-cli', version: a.version },
        describe: { ...(ids.length ? { findings: ids.map((n) => `FND-${n}`) } : {}), ...(a.since ? { since: a.since } : {}), ...(a.until ? { until: a.until } : {}) },
        onProgress: a.json ? undefined : (p) => process.stderr.write(`\rexport: ${p.phase} ${p.done}/${p.total}   `),
      },
    );
    if (!a.json) process.stderr.write('\n');
    if (a.publicKeyOut) writeFileSync(resolve(a.publicKeyOut), formatTrustedKey({ key_id: r.exported_by.key_id, public_key: r.exported_by.public_key }, `${r.exported_by.handle}, lead`), { flag: 'wx' });
    out.log(
      a.json
        ? JSON.stringify(r)
        : `Exported ${r.findings} findings to ${r.path} (${r.files} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB), signed by ${r.exported_by.handle} ${r.exported_by.key_id}.\n` +
            `Content digest ${r.content_digest}; audit entry ${r.audit_seq}.\nAuditors verify it with your public key: ${r.exported_by.key_id} ${r.exported_by.public_key}`,
    );
    return 0;
  } finally {
    reg.close();
  }
}

export async function verifyCommand(a: { bundle: string | undefined; trustedKeys: string | undefined; threshold: number | undefined; json: boolean }, out: Out): Promise<number> {
  if (!a.bundle) throw new EvidenceUsageError('usage: vigil verify BUNDLE.zip [--trusted-keys FILE] [--threshold K] [--json]');
  let bytes: Buffer;
  let size: number;
  try {
    size = statSync(resolve(a.bundle)).size;
  } catch {
    throw new VigilError('NOT_FOUND', `Cannot read ${a.bundle}.`);
  }
  // A bundle is a zip without zip64: never 4 GiB or more. Anything bigger is not one of ours.
  if (size >= 0xffffffff) throw new VigilError('BUNDLE_INVALID', `${a.bundle} is ${size} bytes, larger than any evidence bundle can be.`);
  try {
    bytes = readFileSync(resolve(a.bundle));
  } catch {
    throw new VigilError('NOT_FOUND', `Cannot read ${a.bundle}.`);
  }
  let trusted;
  if (a.trustedKeys) {
    try {
      trusted = parseTrustedKeys(readFileSync(resolve(a.trustedKeys), 'utf8'));
    } catch (e) {
      throw new EvidenceUsageError(`--trusted-keys ${a.trustedKeys}: ${(e as Error).message}`);
    }
  }
  const report = await verifyBundleAsync(bytes, { ...(trusted ? { trustedKeys: trusted } : {}), ...(a.threshold ? { threshold: a.threshold } : {}) });
  out.log(a.json ? JSON.stringify(report) : formatReport(report));
  return report.valid ? 0 : 1;
}

function formatReport(r: VerifyReport): string {
  const lines: string[] = [];
  const s = r.summary;
  if (r.valid && s) {
    lines.push(`VALID: ${s.findings} findings, ${s.files} files, ${s.signoffs} sign-offs, ${s.approvals} approvals, ${s.audit_entries} audit entries (chain head ${s.audit_head.seq}).`);
  } else {
    lines.push(`INVALID: ${r.failures.length} problem${r.failures.length === 1 ? '' : 's'}.`);
    for (const f of r.failures) lines.push(`  ${f.code}${f.file ? ` [${f.file}]` : ''}: ${f.message}`);
  }
  if (s) {
    lines.push(`Exported ${s.exported_at} by ${s.exported_by.handle} (${s.exported_by.key_id}) with ${s.tool.name} ${s.tool.version}: "${s.reason}"`);
    lines.push(`Signatures: ${s.signatures.map((x) => `${x.handle ?? '?'} ${x.key_id} ${x.valid ? 'valid' : 'INVALID'}${x.trusted ? ', trusted' : ''}`).join('; ') || 'none'}`);
    lines.push(`Checked against: ${s.trust === 'trusted-keys' ? 'the trusted keys given' : "the bundle's own roster (no --trusted-keys)"}. Content digest ${s.content_digest}.`);
  }
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return lines.join('\n');
}

export async function cosignCommand(a: { bundle: string | undefined; workspace: string; out: string | undefined; json: boolean }, out: Out): Promise<number> {
  if (!a.bundle) throw new EvidenceUsageError('usage: vigil cosign BUNDLE.zip --workspace FILE [--out FILE]');
  const src = resolve(a.bundle);
  const dest = resolve(a.out ?? a.bundle);
  if (!existsSync(src)) throw new VigilError('NOT_FOUND', `Cannot read ${src}.`);
  const reg = await Register.open(a.workspace, { passphrase: await readPassphrase() });
  try {
    const me = reg.signingKey();
    if (!me) throw new VigilError('KEY_MISSING', 'This workspace has no analyst key to co-sign with.');
    const r = cosignFile(reg, src, dest, me);
    out.log(a.json ? JSON.stringify({ path: dest, signatures: r.signatures, key_id: r.key_id }) : `Co-signed ${dest} with ${me.handle} ${r.key_id}: ${r.signatures} signatures.`);
    return 0;
  } finally {
    reg.close();
  }
}
