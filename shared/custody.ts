// Custody over the contract: this workstation's key, the team roster, sign-off receipts and the
// sign-offs a finding shows. Only public material crosses: key ids, public keys, signature hashes.
import { z } from 'zod';
import { FindingId } from './domain';


// The same spellings custody (electron/core/custody/schemas.ts) accepts; kept here because shared
// code never imports the core.
export const AnalystHandle = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/, 'a handle is lower-case letters, digits, ".", "_" or "-", like amara.okafor');
export const CustodyKeyId = z.string().regex(/^ed25519:[0-9a-f]{16}$/, 'a key id looks like ed25519: followed by 16 hex digits');

const isoTime = z.string();

export const CustodyStatus = z.object({
  /** this workstation's analyst's role in the trusted roster; null with no roster or when it does not name them */
  role: z.enum(['analyst', 'lead', 'admin']).nullable(),
  /** this workstation's analyst and key; null until a key is created */
  /** public_key: base64url of the raw Ed25519 key, for the lead to put in the roster */
  me: z.object({ handle: z.string(), key_id: z.string(), public_key: z.string() }).nullable(),
  /** the newest imported roster; null until the first import */
  roster: z
    .object({
      team: z.string(),
      version: z.number().int(),
      /** the lead whose signature made it trusted (handle null when the roster no longer names them) */
      signer: z.object({ handle: z.string().nullable(), key_id: z.string() }),
      /** it still verifies against what vouched for it at import */
      trusted: z.boolean(),
    })
    .nullable(),
});
export type CustodyStatus = z.infer<typeof CustodyStatus>;

export const CreateKeyInput = z.object({ handle: AnalystHandle, name: z.string().trim().min(1).max(200) }).strict();

export const ImportRosterInput = z
  .object({
    text: z.string().min(2).max(1024 * 1024),
    /** required for the first roster: the signer's key id, after comparing its fingerprint out of band */
    pinKeyId: CustodyKeyId.optional(),
  })
  .strict();

export const SignoffReceipt = z.object({
  finding_id: FindingId,
  key_id: z.string(),
  signature_sha256: z.string(),
  signed_at: isoTime,
  revision: z.number().int().min(0),
});
export type SignoffReceipt = z.infer<typeof SignoffReceipt>;

export { SignoffView } from './domain';
