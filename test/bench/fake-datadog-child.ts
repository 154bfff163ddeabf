// The fake Datadog in its own process for the sync benchmark: its CPU and memory are not Vigil's.
import { generateDemoSignals } from '../../electron/core/demo/signal-factory';
import { recordedPage1Signals } from '../fakes/datadog/fixtures';
import { startFakeDatadog, type SearchSignal } from '../fakes/datadog/server';

const n = Number(process.argv[2] ?? 100_000);
const signals = generateDemoSignals({ count: n, seed: 21, now: new Date(Date.now() - 60_000), spanDays: 20 }) as unknown as SearchSignal[];
if (process.argv[3] === 'recorded-samples') {
  // Real-size signals: each demo signal carries the sample events of the first recorded signal
  // (~16 KB: a process tree, container and file details), with event ids of its own.
  const samples = JSON.stringify(recordedPage1Signals()[0]!.attributes.attributes!['samples']);
  signals.forEach((s, i) => {
    s.attributes.attributes!['samples'] = JSON.parse(samples.replaceAll('"eventId":"AQAAAY', `"eventId":"S${String(i).padStart(8, '0')}`));
  });
}
// The benchmark measures Vigil, not Datadog's rate limit.
const dd = await startFakeDatadog({ signals, rateLimit: { limit: 1_000_000, periodSec: 10 } });
process.stdout.write(JSON.stringify({ url: dd.url }) + '\n');
process.on('SIGTERM', () => void dd.close().then(() => process.exit(0)));
