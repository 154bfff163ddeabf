// Display formats the queue and detail rely on: counts that say when they are a lower bound, and
// times in UTC.
import { describe, expect, it } from 'vitest';
import { formatTime, formatTimeSeconds, formatTotal, formatValue } from '../../renderer/src/lib/format';

describe('formatTotal', () => {
  it('marks a capped count with +', () => {
    expect(formatTotal(10_000, false)).toBe('10,000+ findings');
    expect(formatTotal(1234, true)).toBe('1,234 findings');
  });
  it('uses the singular for exactly one', () => {
    expect(formatTotal(1, true)).toBe('1 finding');
    expect(formatTotal(0, true)).toBe('0 findings');
  });
});

describe('times', () => {
  it('shows UTC, compact', () => {
    expect(formatTime('2026-10-21T12:03:04.000Z')).toBe('2026-10-21 12:03Z');
    expect(formatTimeSeconds('2026-10-21T12:03:04.000Z')).toBe('2026-10-21 12:03:04Z');
    expect(formatTime(null)).toBe('');
    expect(formatTime('not a date')).toBe('not a date');
  });
});

describe('formatValue', () => {
  it('shows absent values and empty strings distinctly', () => {
    expect(formatValue(null)).toBe('∅');
    expect(formatValue('')).toBe('""');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
  });
});
