// RFC 8785 JSON Canonicalization Scheme (JCS): object keys sorted by UTF-16 code units, no
// whitespace, numbers in ECMAScript form (which is what JSON.stringify already emits for finite
// numbers), strings escaped as JSON.stringify does. Used for hashes and signatures, so the same
// value always yields the same bytes on every machine.
export function canonicalJson(value: unknown): string {
  return write(value);
}

function write(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON cannot encode a non-finite number');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : write(v))).join(',') + ']';
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const obj = value as Record<string, unknown>;
      // Sorted first, then undefined and function members skipped as they come (one array, not two).
      const keys = Object.keys(obj).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = obj[k];
        if (v === undefined || typeof v === 'function') continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + write(v);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new TypeError(`canonical JSON cannot encode a ${typeof value}`);
  }
}
