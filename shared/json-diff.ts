// A structural diff of two JSON values, for showing what changed between two revisions of a signal
// (and what changed after a sign-off). Objects are compared key by key; arrays of scalars (tags,
// entity lists) as sets, since Datadog does not keep their order; other arrays index by index.
export interface JsonChange {
  /** JSON-pointer-like path: /attributes/tags */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  old?: unknown;
  new?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

export function jsonDiff(a: unknown, b: unknown, path = '', out: JsonChange[] = [], limit = 500): JsonChange[] {
  if (out.length >= limit) return out;
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const p = `${path}/${esc(k)}`;
      if (!(k in b)) out.push({ path: p, kind: 'removed', old: a[k] });
      else if (!(k in a)) out.push({ path: p, kind: 'added', new: b[k] });
      else jsonDiff(a[k], b[k], p, out, limit);
    }
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.every(isScalar) && b.every(isScalar)) {
      const sa = new Set(a.map((x) => JSON.stringify(x)));
      const sb = new Set(b.map((x) => JSON.stringify(x)));
      for (const x of sa) if (!sb.has(x)) out.push({ path, kind: 'removed', old: JSON.parse(x) });
      for (const x of sb) if (!sa.has(x)) out.push({ path, kind: 'added', new: JSON.parse(x) });
      return out;
    }
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const p = `${path}/${i}`;
      if (i >= b.length) out.push({ path: p, kind: 'removed', old: a[i] });
      else if (i >= a.length) out.push({ path: p, kind: 'added', new: b[i] });
      else jsonDiff(a[i], b[i], p, out, limit);
    }
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: path || '/', kind: 'changed', old: a, new: b });
  return out;
}
