// A sync in its own process, so a test can SIGKILL it mid-run. Prints one line per committed page.
import { Register } from '../../electron/core/register/register';
import { createDatadogClient } from '../../electron/core/sources/datadog/client';
import { SignalSync } from '../../electron/core/sources/datadog/signal-sync';

const [ws, url, pageSize, apiKey, appKey] = process.argv.slice(2) as [string, string, string, string, string];
const reg = await Register.open(ws, { passphrase: process.env['VIGIL_PASSPHRASE']! });
const client = createDatadogClient({ baseUrl: url, apiKey, appKey });
const sync = new SignalSync(reg, client, {
  query: 'security:attack',
  pageSize: Number(pageSize),
  actor: 'test:child',
  onProgress: (p) => {
    if (p.phase === 'fetching' || p.phase === 'done') process.stdout.write(`page ${p.pages} signals ${p.signals}\n`);
  },
});
await sync.run();
reg.close();
process.stdout.write('done\n');
