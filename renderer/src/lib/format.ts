// Display formats. Times are shown in UTC: analysts in different time zones read the same
// finding, and every source system (Datadog, Splunk) logs in UTC.
const count = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return count.format(n);
}

/** "1,234 findings", "10,000+ findings" when the core stopped counting. */
export function formatTotal(total: number, exact: boolean, noun = 'findings'): string {
  return `${formatCount(total)}${exact ? '' : '+'} ${total === 1 && exact ? noun.replace(/s$/, '') : noun}`;
}

/** 2026-10-21T12:03:04.000Z → "2026-10-21 12:03Z" (compact, sortable, unambiguous). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}Z`;
}

export function formatTimeSeconds(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)}Z`;
}

export function humanize(value: string): string {
  return value.replace(/_/g, ' ');
}

/** Audit values are arbitrary JSON; show scalars plainly and anything else compactly. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A draft's price: "$0.00042", "$1.27"; null is a model without a known price. */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return 'unknown price';
  if (usd === 0) return '$0';
  if (usd < 0.000001) return '<$0.000001';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}

/** 340 → "340 ms", 12_400 → "12.4 s". */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
