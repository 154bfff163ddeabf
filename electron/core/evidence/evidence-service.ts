// The app's side of evidence bundles: resolve what the person chose (a finding, the selection, the
// queue's filter, a time range), ask where to save, export with progress events, and verify a
// bundle the person picks. The workspace plugs these into the contract; files are chosen through
// the desktop's own dialogs, never by a path the window sends.
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import type { QueueFilter } from '../../../shared/domain';
import type {
  EvidenceCosignInput,
  EvidenceCosignResult,
  EvidenceExportInput,
  EvidenceExportResult,
  EvidenceVerifyInput,
  EvidenceVerifyResult,
  ExportProgressEvent,
} from '../../../shared/evidence';
import { VigilError } from '../../../shared/errors';
import { unsealKey } from '../containment/sealed-key';
import { findKey, type AnalystKey } from '../custody';
import type { Register } from '../register/register';
import { cosignFile } from './cosign';
import { exportBundle, selectFindings } from './export';
import { parseTrustedKeys, verifyBundleAsync } from './verify';

/** One export at most: a bundle of 20,000 findings is already about 40,000 files. */
export const MAX_EXPORT_FINDINGS = 20_000;

export interface EvidenceDeps {
  reg: () => Register;
  version: string;
  emit: (p: ExportProgressEvent) => void;
  pickFile?: (title: string, extensions: string[]) => Promise<string | null>;
  /** defaultName: a file name, or a full path to offer that place */
  pickSavePath?: (title: string, defaultName: string, extensions: string[]) => Promise<string | null>;
}

function filterIds(reg: Register, filter: QueueFilter): number[] {
  const first = reg.queuePage({ filter, sort: { field: 'finding_id', dir: 'asc' }, offset: 0, limit: 1 });
  if (first.total > MAX_EXPORT_FINDINGS) {
    throw new VigilError('VALIDATION_FAILED', `${first.total.toLocaleString('en-US')} findings match; one bundle holds at most ${MAX_EXPORT_FINDINGS.toLocaleString('en-US')}. Narrow the filter.`);
  }
  const out: number[] = [];
  for (let offset = 0; offset < MAX_EXPORT_FINDINGS; offset += 500) {
    const page = reg.queuePage({ filter, sort: { field: 'finding_id', dir: 'asc' }, offset, limit: 500 });
    out.push(...page.rows.map((r) => Number(r.finding_id.slice(4))));
    if (page.rows.length < 500) break;
  }
  return out;
}

export class EvidenceService {
  private running = false;

  constructor(private readonly d: EvidenceDeps) {}

  async export(i: z.output<typeof EvidenceExportInput>): Promise<EvidenceExportResult> {
    if (!this.d.pickSavePath) throw new VigilError('VALIDATION_FAILED', 'Exporting from here needs the desktop app; use `vigil export` on the command line.');
    if (this.running) throw new VigilError('VALIDATION_FAILED', 'An export is already running.');
    const reg = this.d.reg();
    const ids =
      i.scope === 'ids'
        ? selectFindings(reg, { ids: (i.ids ?? []).map((x) => Number(x.slice(4))) })
        : i.scope === 'filter'
          ? filterIds(reg, i.filter ?? {})
          : selectFindings(reg, { ...(i.since ? { since: Date.parse(i.since) } : {}), ...(i.until ? { until: Date.parse(i.until) } : {}) });
    if (ids.length === 0) throw new VigilError('NOT_FOUND', 'No finding matches; nothing to export.');
    if (ids.length > MAX_EXPORT_FINDINGS) throw new VigilError('VALIDATION_FAILED', `${ids.length} findings; one bundle holds at most ${MAX_EXPORT_FINDINGS}.`);
    const name = `vigil-evidence-${ids.length === 1 ? `FND-${ids[0]}` : `${ids.length}-findings`}-${new Date().toISOString().slice(0, 10)}.zip`;
    // Signing as an enrolled lead: their key is unlocked before the save dialog, so a wrong passphrase costs nothing.
    const signer = i.as ? await this.leadKey(reg, i.as) : undefined;
    const path = await this.d.pickSavePath('Save the evidence bundle', name, ['zip']);
    const none: EvidenceExportResult = { saved: false, path: null, findings: 0, files: 0, bytes: 0, content_digest: null, exported_by: null };
    if (!path) return none;
    this.running = true;
    try {
      const r = await exportBundle(this.d.reg(), { ids }, path, {
        reason: i.reason,
        tool: { name: 'vigil', version: this.d.version },
        describe: { scope: i.scope, ...(i.filter ? { filter: i.filter } : {}), ...(i.since ? { since: i.since } : {}), ...(i.until ? { until: i.until } : {}) },
        onProgress: (p) => this.d.emit(p),
        // The save dialog already asked about replacing an existing file.
        overwrite: true,
        ...(signer ? { signer } : {}),
      });
      return { saved: true, path: r.path, findings: r.findings, files: r.files, bytes: r.bytes, content_digest: r.content_digest, exported_by: r.exported_by };
    } finally {
      this.running = false;
    }
  }

  /**
   * A lead enrolled on this workstation (Settings → Containment) exports with their own key,
   * unlocked by their passphrase: the key the roster lists for them, newest first. The exporter
   * then checks it against the roster like the workstation's own (role lead, key current).
   */
  private async leadKey(reg: Register, as: { handle: string; passphrase: string }): Promise<{ handle: string; key: AnalystKey }> {
    const stored = reg.roster();
    if (!stored) throw new VigilError('ROSTER_MISSING', 'Import the team roster first: an auditor checks every signature in the bundle against it.');
    const keys = reg.containment().approverKeysOf(as.handle);
    if (keys.length === 0) throw new VigilError('KEY_MISSING', `${as.handle} has no key on this workstation; enrol them under Settings → Containment first.`);
    const listed = keys.find((k) => findKey(stored.roster, k.key_id)?.analyst.handle === as.handle);
    if (!listed) throw new VigilError('EXPORT_NOT_PERMITTED', `${as.handle}'s key on this workstation is not in the team roster; a lead must add it.`);
    const key = await unsealKey(listed.sealed_private_key, as.passphrase, { workspaceId: reg.workspaceId, handle: as.handle, keyId: listed.key_id });
    return { handle: as.handle, key };
  }

  /**
   * Add a lead's signature to a bundle someone else exported (k of n): this workstation's own lead
   * key, or an enrolled lead's with their passphrase. The bundle is verified first; only its
   * manifest changes; the co-signed copy goes where the person says (the same file by default).
   */
  async cosign(i: z.output<typeof EvidenceCosignInput>): Promise<EvidenceCosignResult> {
    if (!this.d.pickFile || !this.d.pickSavePath) throw new VigilError('VALIDATION_FAILED', 'Co-signing from here needs the desktop app; use `vigil cosign` on the command line.');
    const reg = this.d.reg();
    const signer = i.as ? await this.leadKey(reg, i.as) : reg.signingKey();
    if (!signer) throw new VigilError('KEY_MISSING', 'This workstation has no analyst key; create one under Settings → Analyst & team.');
    const none: EvidenceCosignResult = { saved: false, path: null, signatures: 0, key_id: null, handle: null, content_digest: null };
    const src = await this.d.pickFile('Choose the evidence bundle to co-sign', ['zip']);
    if (!src) return none;
    // Offered in place of the original (its full path), since that is what a co-signer usually wants.
    const dest = await this.d.pickSavePath('Save the co-signed bundle', src, ['zip']);
    if (!dest) return none;
    const r = cosignFile(reg, src, dest, signer);
    return { saved: true, path: r.path, signatures: r.signatures, key_id: r.key_id, handle: signer.handle, content_digest: r.content_digest };
  }

  async verify(i: z.output<typeof EvidenceVerifyInput>): Promise<EvidenceVerifyResult> {
    if (!this.d.pickFile) throw new VigilError('VALIDATION_FAILED', 'Choosing a bundle needs the desktop app; use `vigil verify BUNDLE.zip` on the command line.');
    let trusted;
    if (i.trustedKeys && i.trustedKeys.trim()) {
      try {
        trusted = parseTrustedKeys(i.trustedKeys);
      } catch (e) {
        throw new VigilError('VALIDATION_FAILED', `Trusted keys: ${(e as Error).message}`);
      }
    }
    const path = await this.d.pickFile('Choose an evidence bundle to verify', ['zip']);
    if (!path) return { picked: false, path: null, valid: false, failures: [], notes: [], summary: null };
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new VigilError('NOT_FOUND', `Cannot read ${path}.`);
    }
    const r = await verifyBundleAsync(bytes, { ...(trusted ? { trustedKeys: trusted } : {}), ...(i.threshold ? { threshold: i.threshold } : {}) });
    return { picked: true, path, valid: r.valid, failures: r.failures, notes: r.notes, summary: r.summary };
  }
}
