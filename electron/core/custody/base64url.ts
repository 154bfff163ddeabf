// Strict base64url (RFC 4648 §5, unpadded). Node's own decoder skips characters it does not know and
// ignores stray trailing bits, so several strings decode to the same bytes. A key or a signature must
// have exactly one spelling: it is hashed (approvals bind the sign-off by the sha256 of its
// signature), compared and stored as text, and two spellings of one signature would be two values.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** The bytes, or null when the text is not the one canonical spelling (or not `length` bytes long). */
export function fromBase64url(text: string, length?: number): Buffer | null {
  if (!ALPHABET.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) return null;
  if (length !== undefined && bytes.length !== length) return null;
  return bytes;
}
