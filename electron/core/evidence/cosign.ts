// Co-signing: a second (third, …) lead adds their signature to a bundle's manifest, for auditors
// who require k of n. The co-signer checks the bundle first — nobody should vouch for a bundle that
// does not verify — and only the manifest changes: every other file keeps its bytes, so every
// subject digest still holds.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { VigilError } from '../../../shared/errors';
import { writeFileAtomic } from '../register/atomic-file';
import type { Register } from '../register/register';
import { findKey, keyValidAt, mayExport, parseRoster, type AnalystKey } from '../custody';
import { MANIFEST_PATH, ROSTER_PATH } from './bundle-format';
import { addSignature, DsseEnvelope } from './dsse';
import { verifyBundle } from './verify';
import { readZip, writeZip } from './zip';

export interface CosignResult {
  zip: Buffer;
  signatures: number;
  key_id: string;
  /** the bundle's content digest (co-signing leaves it as it was) */
  content_digest: string;
}

export function cosignBundle(bytes: Buffer, signer: { handle: string; key: AnalystKey }, now = Date.now()): CosignResult {
  const report = verifyBundle(bytes);
  if (!report.valid) {
    const first = report.failures[0]!;
    throw new VigilError('BUNDLE_INVALID', `The bundle does not verify, so it cannot be co-signed: ${first.code} ${first.file ?? ''} ${first.message}`.replace(/\s+/g, ' '));
  }
  const { files } = readZip(bytes);
  const roster = parseRoster(files.get(ROSTER_PATH)!.toString('utf8'));
  const holder = findKey(roster, signer.key.keyId);
  if (!holder || holder.analyst.handle !== signer.handle || !keyValidAt(holder.key, now)) {
    throw new VigilError('EXPORT_NOT_PERMITTED', `Key ${signer.key.keyId} is not ${signer.handle}'s current key in the bundle's roster.`);
  }
  if (!mayExport(holder.analyst.role)) throw new VigilError('EXPORT_NOT_PERMITTED', `${signer.handle} is a ${holder.analyst.role}; only leads sign evidence bundles.`);
  const env = DsseEnvelope.parse(JSON.parse(files.get(MANIFEST_PATH)!.toString('utf8')));
  if (env.signatures.some((s) => s.keyid === signer.key.keyId)) throw new VigilError('VALIDATION_FAILED', `The bundle is already signed with ${signer.key.keyId}.`);
  const next = addSignature(env, signer.key);
  const entries = [...files].map(([name, data]) => ({ name, data: name === MANIFEST_PATH ? Buffer.from(JSON.stringify(next, null, 2) + '\n', 'utf8') : data }));
  const exportedAt = report.summary ? Date.parse(report.summary.exported_at) : now;
  return { zip: writeZip(entries, { mtime: exportedAt }), signatures: next.signatures.length, key_id: signer.key.keyId, content_digest: report.summary?.content_digest ?? 'unknown' };
}

/**
 * Co-sign the bundle at `src` into `dest` (which may be `src`): written beside it under a temporary
 * name, recorded in the audit trail, then renamed into place, so a failure leaves the original as it
 * was and no half-written file.
 */
export function cosignFile(reg: Register, src: string, dest: string, signer: { handle: string; key: AnalystKey }): Omit<CosignResult, 'zip'> & { path: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(src);
  } catch {
    throw new VigilError('NOT_FOUND', `Cannot read ${src}.`);
  }
  const r = cosignBundle(bytes, signer);
  writeFileAtomic(dest, r.zip, {
    beforeRename: () =>
      reg.appendAudit({ actor: signer.handle, action: 'evidence.cosigned', entity: 'bundle', entityId: r.content_digest, new: { key_id: r.key_id, signatures: r.signatures, file: basename(dest) } }),
  });
  return { path: dest, signatures: r.signatures, key_id: r.key_id, content_digest: r.content_digest };
}
