// Certificates for the HTTPS fake. Fresh ones come from `openssl` when it is installed; otherwise a
// fixed self-signed fixture (valid 2024–2124, for 127.0.0.1 and localhost, test-only key) keeps
// the TLS tests running everywhere.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  key: string;
  cert: string;
  source: 'openssl' | 'fixture';
}

const FIXTURE_KEY = `
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgXUGsaACwvK7Tm9c3
lmJPRVftXseB9z2vfvjzc+/MYcGhRANCAATgsmdFtaXEJX2fS74F76O6A3AYstkI
A3SCikBE/VVGLXvZZvaIN86Te2iLsmTbzjhWJ2DamBHPPE6hstF54f32
-----END PRIVATE KEY-----
`.trim();

const FIXTURE_CERT = `
-----BEGIN CERTIFICATE-----
MIIBaTCCAQ+gAwIBAgIUf66rG6DZBTi7GSbEIJgNoJGFPWYwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQZmFrZS1zcGx1bmsudGVzdDAgFw0yNDAxMDEwMDAwMDBaGA8y
MTI0MDEwMTAwMDAwMFowGzEZMBcGA1UEAwwQZmFrZS1zcGx1bmsudGVzdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABOCyZ0W1pcQlfZ9LvgXvo7oDcBiy2QgDdIKK
QET9VUYte9lm9og3zpN7aIuyZNvOOFYnYNqYEc88TqGy0Xnh/fajLzAtMBoGA1Ud
EQQTMBGHBH8AAAGCCWxvY2FsaG9zdDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49
BAMCA0gAMEUCIQCndoL0eB6Kuz5/JWpYdSIpEuI4kLbn5HkWT+CFKZblxAIgEUov
51xweH6hJwLhluhH8PENteM6Twyo1V5mzaeqFWo=
-----END CERTIFICATE-----
`.trim();

/** A self-signed cert for `subjectAltName` (openssl syntax), or null without a working openssl. */
export function generateSelfSigned(subjectAltName = 'IP:127.0.0.1,DNS:localhost'): TestCert | null {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-splunk-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
        '-days', '2', '-subj', '/CN=fake-splunk.test', '-addext', `subjectAltName=${subjectAltName}`],
      { stdio: 'ignore', timeout: 10_000 },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8'), source: 'openssl' };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function testCert(): TestCert {
  return generateSelfSigned() ?? { key: FIXTURE_KEY, cert: FIXTURE_CERT, source: 'fixture' };
}

/** Writes a PEM to a temp file (what a user would pick as "CA file"); returns its path and cleanup. */
export function writePemFile(pem: string): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-splunk-ca-'));
  const path = join(dir, 'ca.pem');
  writeFileSync(path, pem);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
