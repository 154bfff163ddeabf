// Stable error codes. Every failure that crosses a boundary (IPC, CLI, HTTP) carries one of these,
// with a message a person can act on. Never a stack trace, never a secret.
export const ERROR_CODES = [
  'VALIDATION_FAILED', // input did not match the contract
  'UNKNOWN_CHANNEL',
  'SENDER_REFUSED', // an IPC call from anything but Vigil's own window
  'VAULT_LOCKED', // the workspace is locked: unlock first
  'VAULT_NOT_OPEN', // no workspace has been opened yet
  'VAULT_KEY_INVALID', // wrong passphrase or key
  'VAULT_KEYFILE_MISSING', // the wrapped key beside the workspace is gone
  'VAULT_KEYFILE_INVALID', // the key file is not a Vigil key file or is damaged
  'VAULT_CORRUPT', // the key is right but the file is damaged
  'VAULT_NOT_VIGIL', // a file that is not a Vigil workspace
  'VAULT_NEWER', // written by a newer Vigil than this one
  'VAULT_BUSY', // another process holds the file
  'VAULT_READ_ONLY',
  'VAULT_EXISTS', // refusing to overwrite an existing workspace
  'WORKSPACE_NOT_FOUND',
  'PASSPHRASE_REQUIRED',
  'PASSPHRASE_WEAK',
  'OS_KEYSTORE_UNAVAILABLE', // safeStorage missing or Linux basic_text
  'NOT_FOUND',
  'SIGNAL_INVALID',
  'AUDIT_CHAIN_BROKEN',
  // Sources (Datadog, Splunk): what a person can act on when a connection fails.
  'SOURCE_NOT_CONFIGURED', // no connection settings yet
  'SOURCE_AUTH_FAILED', // bad or expired key/token (401/403 on a key check)
  'SOURCE_FORBIDDEN', // the key works but lacks a permission
  'SOURCE_NOT_FOUND', // unknown signal, case, saved search, workflow…
  'SOURCE_BAD_REQUEST', // the service refused the request (bad SPL, invalid field)
  'SOURCE_RATE_LIMITED', // 429 after the retry cap
  'SOURCE_UNAVAILABLE', // 5xx after the retry cap
  'SOURCE_UNREACHABLE', // DNS, refused, reset, offline
  'SOURCE_TIMEOUT',
  'SOURCE_TLS', // certificate could not be verified
  'SOURCE_BAD_RESPONSE', // malformed JSON, an HTML error page, a body that fails its schema
  'SOURCE_WRONG_SITE', // the key belongs to another Datadog site
  'CANCELLED',
  'INTERNAL',
  // Custody: keys, rosters and sign-offs.
  'KEY_MISSING', // this workstation has no analyst key yet
  'ROSTER_MISSING', // no team roster has been imported
  'ROSTER_UNTRUSTED', // the roster's signatures or succession do not hold
  'SIGNATURE_INVALID', // a signature does not verify against the trusted roster
  'EVIDENCE_MISMATCH', // evidence content no longer matches its recorded hash
  'FINDING_SIGNED', // the finding is signed at this revision: its decision is read-only
  'SIGNOFF_REQUIRED', // the step needs a valid sign-off first
  // Evidence bundles.
  'EXPORT_NOT_PERMITTED', // only a lead with a current key in the trusted roster exports
  'BUNDLE_INVALID', // a file that cannot be read as an evidence bundle at all (verify reports the rest)
  // Containment behind the gate: who may act, and on whose signatures.
  'ROLE_NOT_PERMITTED', // the roster gives this analyst a role the policy does not allow for the step
  'APPROVAL_REQUIRED', // the action needs a second analyst's approval before it runs
  'APPROVAL_INVALID', // an approval (or approval file) does not verify for this request
  'SELF_APPROVAL', // the requester tried to approve their own request
  'APPROVAL_EXPIRED', // the approval deadline has passed
  // Triage: how a finding may be moved and edited by hand.
  'STATUS_TRANSITION_REFUSED', // that status cannot be reached by hand from this one
  'REASON_REQUIRED', // the change needs a stated reason (severity, override, blocked-on)
  // ATT&CK tagging: ids an analyst may pick are active entries of the loaded catalog.
  'TECHNIQUE_UNKNOWN', // not an id of the loaded ATT&CK catalog
  'TECHNIQUE_REVOKED', // revoked by MITRE: use its replacement
  'TECHNIQUE_DEPRECATED', // deprecated by MITRE: no longer to be used
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface VigilErrorShape {
  code: ErrorCode;
  message: string;
}

export class VigilError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VigilError';
    this.code = code;
  }

  toJSON(): VigilErrorShape {
    return { code: this.code, message: this.message };
  }
}

export function isVigilError(e: unknown): e is VigilError {
  return e instanceof VigilError;
}
