// Register tables behind custody: this workstation's analyst key, the trusted rosters, sign-offs.
// The crypto is custody's (pure); this file only stores and reads. Every write runs inside a
// transaction opened by Register, with its audit entry.
import { createHash } from 'node:crypto';
import {
  ALGORITHM,
  analystKeyFromPkcs8,
  parseRoster,
  verifyRoster,
  type AnalystKey,
  type Roster,
  type RosterVerdict,
  type SignoffRecord,
} from '../custody';
import { VigilError } from '../../../shared/errors';
import type { DB } from './database';
import type { EvidenceRow } from './source-stores';

export interface AnalystKeyRow {
  key_id: string;
  handle: string;
  public_key: string;
  created_at: number;
  retired_at: number | null;
}

export interface RosterRow {
  version: number;
  team: string;
  text: string;
  signer_key_id: string;
  imported_by: string;
  imported_at: number;
}

export interface StoredRoster extends RosterRow {
  roster: Roster;
}

export interface SignoffRow {
  id: number;
  finding_id: number;
  analyst: string;
  payload: string;
  signature: string;
  public_key: string;
  signed_at: number;
  key_id: string | null;
  algorithm: string | null;
  revision: number | null;
  signature_sha256: string | null;
}

export class CustodyStore {
  constructor(private readonly db: DB) {}

  /** This workstation's signing key: the newest one not retired. Public half only. */
  activeKey(): AnalystKeyRow | null {
    return (
      (this.db
        .prepare('SELECT key_id, handle, public_key, created_at, retired_at FROM analyst_keys WHERE retired_at IS NULL AND private_key IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT 1')
        .get() as AnalystKeyRow | undefined) ?? null
    );
  }

  /** The private key of the active key, as a redacting holder. Never leaves the core. */
  activePrivateKey(): { handle: string; key: AnalystKey } | null {
    const r = this.db
      .prepare('SELECT handle, private_key FROM analyst_keys WHERE retired_at IS NULL AND private_key IS NOT NULL ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get() as { handle: string; private_key: Buffer } | undefined;
    return r ? { handle: r.handle, key: analystKeyFromPkcs8(Buffer.from(r.private_key)) } : null;
  }

  /**
   * Store a new key for this workstation and retire the one before it (its private half is wiped:
   * a retired key must never sign again; its public half stays for the sign-offs that name it).
   */
  insertKey(handle: string, key: AnalystKey, at: number): { retired: string[] } {
    const retired = (this.db.prepare('SELECT key_id FROM analyst_keys WHERE retired_at IS NULL').all() as { key_id: string }[]).map((r) => r.key_id);
    this.db.prepare('UPDATE analyst_keys SET retired_at = ?, private_key = NULL WHERE retired_at IS NULL').run(at);
    this.db
      .prepare('INSERT INTO analyst_keys (key_id, handle, public_key, private_key, created_at, retired_at) VALUES (?, ?, ?, ?, ?, NULL)')
      .run(key.keyId, handle, key.publicKey, key.privateKeyPkcs8, at);
    return { retired };
  }

  rosterRows(): RosterRow[] {
    return this.db.prepare('SELECT * FROM rosters ORDER BY version DESC').all() as RosterRow[];
  }

  /** The newest trusted roster, parsed. */
  newestRoster(): StoredRoster | null {
    const r = this.db.prepare('SELECT * FROM rosters ORDER BY version DESC LIMIT 1').get() as RosterRow | undefined;
    return r ? { ...r, roster: parseRoster(r.text) } : null;
  }

  /**
   * Check a roster against what this workspace already trusts: the newest stored roster when there
   * is one, else the key the person pinned after comparing its fingerprint.
   */
  checkRoster(text: string, pinKeyId: string | undefined): { roster: Roster; verdict: RosterVerdict } {
    const roster = parseRoster(text);
    const previous = this.newestRoster();
    if (!previous && !pinKeyId) {
      throw new VigilError(
        'ROSTER_UNTRUSTED',
        "This is the workspace's first roster: confirm its signer's key fingerprint with them, then import it with that key id pinned.",
      );
    }
    const verdict = previous ? verifyRoster(roster, { previous: previous.roster }) : verifyRoster(roster, { trustedKeys: [pinKeyId!] });
    if (!verdict.valid) {
      const why = verdict.reasons.map((r) => r.message).join(' ') || 'no trusted lead signed it.';
      throw new VigilError('ROSTER_UNTRUSTED', `Roster version ${roster.version} of "${roster.team}" is not trusted: ${why}`);
    }
    if (!previous && !verdict.signers.some((s) => s.key_id === pinKeyId)) {
      throw new VigilError('ROSTER_UNTRUSTED', `The pinned key ${pinKeyId} did not sign this roster.`);
    }
    return { roster, verdict };
  }

  insertRoster(text: string, roster: Roster, signerKeyId: string, actor: string, at: number): void {
    this.db
      .prepare('INSERT INTO rosters (version, team, text, signer_key_id, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(roster.version, roster.team, text, signerKeyId, actor, at);
  }

  /**
   * Whether the newest stored roster still verifies against what vouched for it: the roster before
   * it, or (the first one) the key pinned at import.
   */
  rosterTrusted(): boolean {
    const rows = this.rosterRows();
    const newest = rows[0];
    if (!newest) return false;
    try {
      const r = parseRoster(newest.text);
      const prev = rows[1];
      const verdict = prev ? verifyRoster(r, { previous: parseRoster(prev.text) }) : verifyRoster(r, { trustedKeys: [newest.signer_key_id] });
      return verdict.valid;
    } catch {
      return false;
    }
  }

  signoffs(findingId: number): SignoffRow[] {
    return this.db.prepare('SELECT * FROM signoffs WHERE finding_id = ? ORDER BY id').all(findingId) as SignoffRow[];
  }

  insertSignoff(
    findingId: number,
    rec: SignoffRecord,
    x: { analyst: string; publicKey: string; revision: number; signatureSha256: string; signedAt: number },
  ): number {
    const r = this.db
      .prepare(
        `INSERT INTO signoffs (finding_id, analyst, payload, signature, public_key, signed_at, key_id, algorithm, revision, signature_sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(findingId, x.analyst, rec.payload, rec.signature, x.publicKey, x.signedAt, rec.key_id, ALGORITHM, x.revision, x.signatureSha256);
    return Number(r.lastInsertRowid);
  }
}

/** sha256 (hex) of evidence content, as insertEvidence records it. */
export function evidenceSha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Evidence as a sign-off or a verifier sees it: hashes recomputed from the stored content. */
export function evidenceAsStored(rows: readonly EvidenceRow[]): { id: number; kind: string; sha256: string; recorded: string }[] {
  return rows.map((e) => ({ id: e.id, kind: e.kind, sha256: evidenceSha256(e.content), recorded: e.sha256 }));
}
