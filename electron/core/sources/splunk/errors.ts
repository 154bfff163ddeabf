// From what went wrong on the wire to a VigilError an analyst can act on. Splunk's own message text
// is kept (it names the SPL error, the missing object…); the token never is.
import { VigilError, type ErrorCode } from '../../../../shared/errors';
import { ErrorBody, type SplunkMessage } from './schemas';

export const AUTH_FAILED_MESSAGE = 'The Splunk token was rejected (expired or revoked?)';

/** Certificate-verification failures as Node/undici report them in `err.cause.code`. */
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Failures where the same request can succeed a moment later: the peer dropped the connection. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

const NETWORK_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (is the port 8089 and splunkd running?)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'DNS did not answer',
  EHOSTUNREACH: 'the host is unreachable (VPN or firewall?)',
  ENETUNREACH: 'the network is unreachable (offline?)',
  ETIMEDOUT: 'the connection timed out (firewall or IP allow-list?)',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out (firewall or IP allow-list?)',
  ECONNRESET: 'the connection was reset',
  UND_ERR_SOCKET: 'the connection was closed by the other side',
};

/** Every `code` along an error's cause chain (undici nests them; happy-eyeballs aggregates them). */
export function causeCodes(err: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown): void => {
    if (e === null || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    visit(cause);
    if (Array.isArray(errors)) errors.forEach(visit);
  };
  visit(err);
  return codes;
}

export function isTransientNetworkError(err: unknown): boolean {
  return causeCodes(err).some((c) => TRANSIENT_NETWORK_CODES.has(c));
}

/** A fetch() rejection that is not an abort: TLS first, since undici reports it as a network error. */
export function networkError(err: unknown, host: string): VigilError {
  const codes = causeCodes(err);
  const tls = codes.find((c) => TLS_VERIFY_CODES.has(c));
  if (tls) return new VigilError('SOURCE_TLS', tlsHint(tls, host), { cause: err });
  const proto = codes.find((c) => c.startsWith('ERR_SSL_') || c === 'EPROTO');
  if (proto) {
    return new VigilError(
      'SOURCE_TLS',
      `TLS handshake with ${host} failed (${proto}); check the URL scheme and that the port is the HTTPS management port`,
      { cause: err },
    );
  }
  const known = codes.find((c) => c in NETWORK_HINTS);
  const why = known ? `${NETWORK_HINTS[known]} (${known})` : codes[0] ? `error ${codes[0]}` : 'the request failed';
  return new VigilError('SOURCE_UNREACHABLE', `Could not reach Splunk at ${host}: ${why}`, { cause: err });
}

function tlsHint(code: string, host: string): string {
  const fix = 'set the CA file (PEM) of the certificate that signs it in the Splunk settings';
  switch (code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The certificate of ${host} is not issued for that host name (${code}); use the name on the certificate in the URL`;
    case 'CERT_HAS_EXPIRED':
      return `The certificate of ${host} has expired (${code}); ask the Splunk admin to renew it`;
    case 'CERT_NOT_YET_VALID':
      return `The certificate of ${host} is not valid yet (${code}); check this computer's clock`;
    default:
      return `The certificate of ${host} could not be verified (${code}). Splunk ships a self-signed certificate by default: ${fix}`;
  }
}

/**
 * Splunk's explanation from an error body: JSON `{"messages":[…]}`, or the XML form
 * `<msg type="ERROR">…</msg>` when something answered without honouring output_mode.
 */
export function splunkText(body: string): string | undefined {
  let messages: SplunkMessage[] = [];
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(body));
    if (parsed.success) messages = parsed.data.messages;
  } catch {
    for (const m of body.matchAll(/<msg\s+type="([^"]*)"[^>]*>([\s\S]*?)<\/msg>/g)) {
      messages.push({ type: m[1] ?? 'ERROR', text: m[2] ?? '' });
    }
  }
  return joinMessages(messages);
}

/** Texts that explain a failure: ERROR/FATAL when present (Splunk uses both), else whatever there is. */
export function joinMessages(messages: readonly SplunkMessage[]): string | undefined {
  const serious = messages.filter((m) => /^(ERROR|FATAL)$/i.test(m.type));
  const chosen = (serious.length ? serious : messages.filter((m) => !/^DEBUG$/i.test(m.type)))
    .map((m) => m.text.trim())
    .filter(Boolean);
  if (!chosen.length) return undefined;
  const text = [...new Set(chosen)].join('; ');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

/** What to say for an HTTP failure. `what` completes "while …", e.g. "reading job status". */
export function statusError(status: number, text: string | undefined, what: string): VigilError {
  const detail = text ? `: ${text}` : '';
  let code: ErrorCode;
  let message: string;
  if (status === 401) {
    // Splunk's own 401 text ("call not properly authenticated") adds nothing a person can act on.
    return new VigilError('SOURCE_AUTH_FAILED', AUTH_FAILED_MESSAGE);
  } else if (status === 403) {
    code = 'SOURCE_FORBIDDEN';
    message = `The Splunk token's user is not allowed to do this (${what})${detail}`;
  } else if (status === 404) {
    code = 'SOURCE_NOT_FOUND';
    message = `Splunk found nothing at that path (${what})${detail}`;
  } else if (status === 429) {
    code = 'SOURCE_RATE_LIMITED';
    message = `Splunk is rate limiting this token (${what})${detail}`;
  } else if (status >= 500) {
    code = 'SOURCE_UNAVAILABLE';
    message = `Splunk is unavailable (HTTP ${status}, ${what})${detail}`;
  } else {
    code = 'SOURCE_BAD_REQUEST';
    message = text ?? `Splunk refused the request (HTTP ${status}, ${what})`;
  }
  return new VigilError(code, message);
}

/** Belt and braces: nothing Splunk echoes back may carry the token into logs or the UI. */
export function redact(error: VigilError, token: string): VigilError {
  if (!token || !error.message.includes(token)) return error;
  return new VigilError(error.code, error.message.split(token).join('[redacted]'), { cause: error.cause });
}
