// Evidence bundles over the contract: export (one finding, a selection, the queue's filter or a
// time range, with the reason that goes into the custody record) and verify (a bundle the person
// picks, checked by the same standalone verifier `vigil verify` runs). Only public material
// crosses: digests, key ids, public keys, the verifier's findings.
import { z } from 'zod';
import { AnalystHandle } from './custody';
import { FindingId, QueueFilter } from './domain';

const IsoDate = z.iso.datetime({ offset: true });

/** A lead enrolled on this workstation signs, unlocked by their passphrase for this one call. */
const SignAsLead = z.object({ handle: AnalystHandle, passphrase: z.string().min(1).max(1024) }).strict();

export const EvidenceExportInput = z
  .object({
    scope: z.enum(['ids', 'filter', 'range']),
    ids: z.array(FindingId).min(1).max(20_000).optional(),
    filter: QueueFilter.optional(),
    since: IsoDate.optional(),
    until: IsoDate.optional(),
    reason: z.string().trim().min(1, 'say why you export: it goes into the custody record').max(2000),
    /** sign as a lead enrolled on this workstation, with their passphrase (never stored, never echoed) */
    as: SignAsLead.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.scope === 'ids' && !v.ids) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'name the findings to export' });
    if (v.scope === 'range' && !v.since && !v.until) ctx.addIssue({ code: 'custom', path: ['since'], message: 'give a start or an end' });
  });

export const EvidenceExportResult = z.object({
  /** false when the person closed the save dialog */
  saved: z.boolean(),
  path: z.string().nullable(),
  findings: z.number().int(),
  files: z.number().int(),
  bytes: z.number().int(),
  content_digest: z.string().nullable(),
  exported_by: z.object({ handle: z.string(), key_id: z.string(), public_key: z.string() }).nullable(),
});
export type EvidenceExportResult = z.infer<typeof EvidenceExportResult>;

/** A second (third, …) lead adds their signature to a bundle's manifest, for auditors who want k of n. */
export const EvidenceCosignInput = z.object({ as: SignAsLead.optional() }).strict();

export const EvidenceCosignResult = z.object({
  /** false when the person closed a file dialog */
  saved: z.boolean(),
  path: z.string().nullable(),
  signatures: z.number().int(),
  key_id: z.string().nullable(),
  handle: z.string().nullable(),
  content_digest: z.string().nullable(),
});
export type EvidenceCosignResult = z.infer<typeof EvidenceCosignResult>;

export const EvidenceVerifyInput = z
  .object({
    /** the auditor's trusted public keys, as text (one per line, a JSON list or a roster); empty: trust the bundle's roster */
    trustedKeys: z.string().max(1024 * 1024).optional(),
    threshold: z.number().int().min(1).max(16).optional(),
  })
  .strict();

export const VerifyFailureView = z.object({ code: z.string(), file: z.string().nullable(), message: z.string() });

export const EvidenceVerifyResult = z.object({
  /** false when the person closed the file dialog */
  picked: z.boolean(),
  path: z.string().nullable(),
  valid: z.boolean(),
  failures: z.array(VerifyFailureView),
  notes: z.array(z.string()),
  summary: z
    .object({
      workspace: z.object({ id: z.string(), name: z.string() }),
      exported_at: z.string(),
      exported_by: z.object({ handle: z.string(), key_id: z.string() }),
      reason: z.string(),
      tool: z.object({ name: z.string(), version: z.string() }),
      findings: z.number().int(),
      files: z.number().int(),
      signoffs: z.number().int(),
      approvals: z.number().int(),
      audit_entries: z.number().int(),
      audit_head: z.object({ seq: z.number().int(), hash: z.string() }),
      content_digest: z.string(),
      signatures: z.array(z.object({ key_id: z.string(), handle: z.string().nullable(), valid: z.boolean(), trusted: z.boolean() })),
      trust: z.enum(['trusted-keys', 'bundle-roster']),
    })
    .nullable(),
});
export type EvidenceVerifyResult = z.infer<typeof EvidenceVerifyResult>;

export const ExportProgressEvent = z.object({
  phase: z.enum(['reading', 'writing', 'signing', 'done']),
  done: z.number().int(),
  total: z.number().int(),
});
export type ExportProgressEvent = z.infer<typeof ExportProgressEvent>;
