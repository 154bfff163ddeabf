// canonicalJson against the plain RFC 8785 writer it must always agree with: fixed cases for every
// kind of value the fast path hands back to the reference, then generated values of every kind.
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonReference } from '../../shared/canonical-json';

function outcome(f: (v: unknown) => string, v: unknown): { ok: string } | { error: string } {
  try {
    return { ok: f(v) };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}
const agree = (v: unknown) => expect(outcome(canonicalJson, v)).toEqual(outcome(canonicalJsonReference, v));

describe('canonicalJson', () => {
  it('writes RFC 8785: sorted keys (UTF-16 order), no whitespace, ECMAScript numbers', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 0.5, y: -0 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":0,"z":0.5}}');
    // RFC 8785 §3.2.3's sorting example: keys in UTF-16 code unit order.
    const keys = JSON.parse('{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}');
    const order: [string, string][] = [['\r', 'Carriage Return'], ['1', 'One'], ['\u0080', 'Control'], ['\u00f6', 'Latin Small Letter O With Diaeresis'], ['\u20ac', 'Euro Sign'], ['\ud83d\ude00', 'Emoji: Grinning Face'], ['\ufb33', 'Hebrew Letter Dalet With Dagesh']];
    expect(canonicalJson(keys)).toBe('{' + order.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',') + '}');
    expect(canonicalJson([1e21, 1e-7, 5e-324, 123456789012345680000])).toBe('[1e+21,1e-7,5e-324,123456789012345680000]');
  });

  it('keeps values that are already canonical as they are, and copies only what is out of order', () => {
    const inner = { a: 1, b: [1, 2] };
    expect(canonicalJson({ y: inner, x: inner })).toBe('{"x":{"a":1,"b":[1,2]},"y":{"a":1,"b":[1,2]}}');
    expect(inner).toEqual({ a: 1, b: [1, 2] });
    const unsorted = { b: 1, a: 2 };
    canonicalJson({ k: unsorted });
    expect(Object.keys(unsorted)).toEqual(['b', 'a']);
  });

  it('agrees with the reference on everything the fast path hands over', () => {
    const fn = () => 1;
    const cases: unknown[] = [
      undefined,
      fn,
      Symbol('s'),
      10n,
      NaN,
      [1, Infinity],
      { a: -Infinity },
      new Date(Date.UTC(2026, 11, 8, 1, 2, 3)),
      { when: new Date(0), a: 1 },
      [undefined, fn, 1],
      { a: undefined, b: fn, c: 1 },
      { b: undefined, a: 1 },
      [1, , 3], // a hole
      { '10': 'ten', '2': 'two', a: 1 },
      { '2': 'two', '10': 'ten' },
      { '1': { b: 1, a: 2 }, '2': 0 },
      { '007': 1, '7': 2 },
      JSON.parse('{"__proto__":{"b":1,"a":2},"z":1}'),
      JSON.parse('{"z":1,"__proto__":1}'),
      JSON.parse('{"__proto__":1}'),
      Object.assign(Object.create(null), { b: 1, a: { d: 1, c: 2 } }),
      Buffer.from('ab'),
      new Map([['a', 1]]),
      Object.assign(Object.create({ inherited: 1 }), { own: 1 }),
      { toJSON: () => 'x', a: 1 },
      Object.assign([1, 2], { extra: 'ignored' }),
      new (class extends Array {})(),
      { lone: '\ud800', [`\udfff`]: 'lone key', '\u2028': 'separator' },
      [[[{ c: [{ b: 1, a: [NaN] }] }]]],
    ];
    for (const c of cases) agree(c);
  });

  it('agrees with the reference on 5,000 generated values', () => {
    let s = 0x9e3779b9;
    const rnd = () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 4294967296;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const KEYS = ['a', 'b', 'B', 'z', 'aa', '', ' ', '0', '1', '2', '10', '01', '-1', '1.5', 'é', 'e\u0301', '€', '\ud83d\ude00', '\ud800', '\u0000', 'toJSON', 'constructor', '__proto__', 'id', 'attributes', 'custom'];
    const STRINGS = ['', 'x', 'line\nbreak', 'quote"', 'back\\slash', '\u2028', '\ud83d\ude00', '\udc00', 'é', '\u0007', '<script>'];
    const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 5e-324, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1 / 3, -123.456e-10];
    const gen = (depth: number): unknown => {
      const r = rnd();
      if (depth > 4 || r < 0.35) {
        const p = rnd();
        if (p < 0.3) return pick(STRINGS);
        if (p < 0.6) return pick(NUMBERS);
        if (p < 0.7) return rnd() < 0.5;
        if (p < 0.8) return null;
        if (p < 0.985) return pick(STRINGS) + pick(KEYS);
        return pick([undefined, NaN, Infinity, () => 0, new Date(1_700_000_000_000)]);
      }
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 5) }, () => gen(depth + 1));
      // Objects as JSON.parse makes them (so "__proto__" is an own key), in a random key order.
      const n = Math.floor(rnd() * 6);
      const o: Record<string, unknown> = rnd() < 0.05 ? Object.create(null) : {};
      for (let i = 0; i < n; i++) {
        const k = pick(KEYS);
        Object.defineProperty(o, k, { value: gen(depth + 1), enumerable: true, configurable: true, writable: true });
      }
      return o;
    };
    let fast = 0;
    for (let i = 0; i < 5000; i++) {
      const v = gen(0);
      agree(v);
      if ('ok' in outcome(canonicalJsonReference, v)) fast++;
    }
    // The generator makes mostly encodable values, so the comparison is mostly of bytes, not errors.
    expect(fast).toBeGreaterThan(3500);
  });
});
