// `vigil approve REQUEST.json`: the file half of the second key, on the approver's own workstation.
// The request is verified against this workspace's trusted roster, the approver's role is checked
// for the action's danger, a requester cannot approve their own request, and the approval is
// signed with this workstation's analyst key. Nothing runs here: the approved file goes back to
// the requester, whose Vigil verifies it again before it queues the run.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { VigilError } from '../../shared/errors';
import { Containment } from '../core/containment/containment-service';
import { writeFileAtomic } from '../core/register/atomic-file';
import { Register } from '../core/register/register';
import { DEFAULT_SCRYPT } from '../core/register/vault-key';
import { readPassphrase } from './passphrase';

type Out = { log: (s: string) => void; err: (s: string) => void };

export class ApproveUsageError extends Error {}

export async function approveCommand(a: { file: string | undefined; workspace: string; out: string | undefined; json: boolean }, out: Out): Promise<number> {
  if (!a.file) throw new ApproveUsageError('usage: vigil approve REQUEST.json --workspace FILE [--out APPROVED.json]');
  let text: string;
  try {
    text = readFileSync(resolve(a.file), 'utf8');
  } catch {
    throw new VigilError('NOT_FOUND', `Cannot read the request file ${a.file}.`);
  }
  const reg = await Register.open(a.workspace, { passphrase: await readPassphrase() });
  try {
    const c = new Containment(reg, { scrypt: DEFAULT_SCRYPT, emit: () => undefined, enqueued: () => undefined });
    const approved = c.approveFile(text);
    const target = resolve(a.out ?? approved.filename);
    writeFileAtomic(target, approved.text);
    out.log(a.json ? JSON.stringify({ approved: true, file: target }) : `Approved with ${reg.analystKey()?.key_id ?? 'your key'}; send ${target} back to the requester.`);
    return 0;
  } finally {
    reg.close();
  }
}
