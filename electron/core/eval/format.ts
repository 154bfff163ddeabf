// The eval report as a terminal table: metrics (side by side with Δ when comparing), the weakest
// classes, and the misses.
import type { EvalReport, EvalRun } from './run-eval';

const MAX_MISSES = 25;

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function fmtNum(v: number | null, kind: 'ratio' | 'int' | 'ms' | 'usd'): string {
  if (v === null) return 'unknown';
  switch (kind) {
    case 'ratio':
      return v.toFixed(4);
    case 'int':
      return String(v);
    case 'ms':
      return v.toFixed(3);
    case 'usd':
      return `$${v.toFixed(6)}`;
  }
}

function signed(v: number | null, kind: 'ratio' | 'int' | 'ms' | 'usd'): string {
  if (v === null) return 'unknown';
  const s = fmtNum(Math.abs(v), kind);
  return v > 0 ? `+${s}` : v < 0 ? `-${s}` : ` ${s}`;
}

const ROWS: readonly [string, keyof EvalRun, 'ratio' | 'int' | 'ms' | 'usd'][] = [
  ['accuracy (exact)', 'accuracy_exact', 'ratio'],
  ['accuracy (parent)', 'accuracy_parent', 'ratio'],
  ['macro-F1 (parent)', 'macro_f1_parent', 'ratio'],
  ['invalid ids', 'invalid_ids', 'int'],
  ['errors', 'errors', 'int'],
  ['tokens in', 'tokens_in', 'int'],
  ['tokens out', 'tokens_out', 'int'],
  ['cost (USD)', 'cost_usd', 'usd'],
  ['latency p50 (ms)', 'latency_p50_ms', 'ms'],
  ['latency p95 (ms)', 'latency_p95_ms', 'ms'],
];

function label(r: EvalRun): string {
  return r.drafter.model ? `${r.drafter.identity} [${r.drafter.prompt_version}]` : `${r.drafter.identity}`;
}

export function formatEvalReport(report: EvalReport): string {
  const out: string[] = [];
  const other = report.compare?.report;
  out.push(`vigil eval: ${report.n} item${report.n === 1 ? '' : 's'}`);
  out.push('');
  const w0 = 20;
  const w1 = Math.max(14, label(report).length + 2);
  const w2 = other ? Math.max(14, label(other).length + 2) : 0;
  out.push(pad('metric', w0) + pad(label(report), w1) + (other ? pad(label(other), w2) + 'Δ (B − A)' : ''));
  out.push('-'.repeat(w0 + w1 + (other ? w2 + 12 : 0)));
  for (const [name, key, kind] of ROWS) {
    const a = report[key] as number | null;
    let line = pad(name, w0) + pad(fmtNum(a, kind), w1);
    if (other && report.compare) {
      const b = other[key] as number | null;
      const d = report.compare.deltas[key as keyof typeof report.compare.deltas] as number | null;
      line += pad(fmtNum(b, kind), w2) + signed(d, kind);
    }
    out.push(line);
  }
  if (report.compare) out.push(`\nA and B disagree on ${report.compare.disagreements} of ${report.n} items.`);

  const weak = report.per_class.filter((c) => c.f1 < 1 && c.support > 0).sort((x, y) => x.f1 - y.f1 || y.support - x.support).slice(0, 10);
  if (weak.length > 0) {
    out.push('');
    out.push(`Weakest classes${other ? ' (A)' : ''}: ${weak.map((c) => `${c.class} F1 ${c.f1.toFixed(2)} (${c.tp}/${c.support})`).join(', ')}`);
  }

  const misses = report.items.filter((x) => !x.correct_exact);
  if (misses.length > 0) {
    out.push('');
    out.push(`Misses${other ? ' (A)' : ''}: ${misses.length} (parent-level: ${misses.filter((x) => !x.correct_parent).length})`);
    out.push(pad('  line', 8) + pad('id', 34) + pad('expected', 11) + pad('predicted', 11) + 'note');
    for (const m of misses.slice(0, MAX_MISSES)) {
      out.push(
        pad(`  ${m.line}`, 8) +
          pad((m.id ?? '').slice(0, 32), 34) +
          pad(m.expected, 11) +
          pad(m.predicted ?? '—', 11) +
          (m.error ? `error: ${m.error.slice(0, 80)}` : m.correct_parent ? 'right parent' : ''),
      );
    }
    if (misses.length > MAX_MISSES) out.push(`  … and ${misses.length - MAX_MISSES} more (use --json for all)`);
  }
  return out.join('\n');
}
