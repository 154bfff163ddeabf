// The CLI's passphrase: VIGIL_PASSPHRASE, or asked on the terminal with echo off. Never an
// argument (it would land in shell history and the process list).
import { createReadStream, createWriteStream } from 'node:fs';
import { VigilError } from '../../shared/errors';

export async function readPassphrase(opts: { confirm?: boolean; prompt?: string } = {}): Promise<string> {
  const env = process.env['VIGIL_PASSPHRASE'];
  if (env !== undefined && env !== '') return env;
  let input: NodeJS.ReadStream & { setRawMode?: (b: boolean) => void };
  let output: NodeJS.WritableStream;
  try {
    input = process.stdin.isTTY ? process.stdin : (createReadStream('/dev/tty') as unknown as NodeJS.ReadStream);
    output = process.stderr.isTTY ? process.stderr : createWriteStream('/dev/tty');
  } catch {
    throw new VigilError('PASSPHRASE_REQUIRED', 'No terminal to ask for the passphrase: set VIGIL_PASSPHRASE.');
  }
  if (!input.isTTY) throw new VigilError('PASSPHRASE_REQUIRED', 'No terminal to ask for the passphrase: set VIGIL_PASSPHRASE.');
  const first = await ask(input, output, opts.prompt ?? 'Workspace passphrase: ');
  if (opts.confirm) {
    const again = await ask(input, output, 'Repeat the passphrase: ');
    if (again !== first) throw new VigilError('PASSPHRASE_REQUIRED', 'The two passphrases differ.');
  }
  return first;
}

function ask(input: NodeJS.ReadStream & { setRawMode?: (b: boolean) => void }, output: NodeJS.WritableStream, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    input.setRawMode?.(true);
    input.resume();
    input.setEncoding('utf8');
    let buf = '';
    const done = (err?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new VigilError('PASSPHRASE_REQUIRED', 'Cancelled.'));
        if (ch === '\u007f' || ch === '\b') buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    input.on('data', onData);
  });
}
