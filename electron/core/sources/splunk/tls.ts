// Trust for a Splunk whose certificate is not in the system store (the default self-signed one, an
// internal CA). Verification stays on: the CA file becomes this client's only trust anchor (a pin to
// the organisation's CA), host names are still checked, and the process-wide fetch dispatcher is
// left untouched so no other connection inherits the extra trust.
import { readFile } from 'node:fs/promises';
import { Agent, type Dispatcher } from 'undici';
import { VigilError } from '../../../../shared/errors';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

export async function loadCaDispatcher(caFile: string): Promise<Dispatcher> {
  let pem: string;
  try {
    pem = await readFile(caFile, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'could not be read';
    throw new VigilError('SOURCE_NOT_CONFIGURED', `The Splunk CA file ${caFile} ${why}`, { cause: e });
  }
  // A DER file or a private key pasted by mistake would otherwise surface later as a baffling
  // handshake failure; say what is wrong with the file instead.
  if (!PEM_CERT.test(pem)) {
    throw new VigilError(
      'SOURCE_NOT_CONFIGURED',
      `The Splunk CA file ${caFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  return new Agent({ connect: { ca: pem } });
}
