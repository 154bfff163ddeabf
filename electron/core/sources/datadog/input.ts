// Checks on what callers pass in, before anything goes on the wire: an empty or pasted-with-spaces id
// would come back as a puzzling 404, and an unknown enum makes the generated serialiser throw a bare
// TypeError instead of saying which values are allowed.
import { VigilError } from '../../../../shared/errors';

export function requireId(id: string, what: string): string {
  const v = typeof id === 'string' ? id.trim() : '';
  if (!v || v.length > 512 || /[\s/?#]/.test(v)) throw new VigilError('VALIDATION_FAILED', `That is not a valid ${what}.`);
  return v;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): asserts value is T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new VigilError('VALIDATION_FAILED', `Unknown ${what} "${String(value).slice(0, 40)}". Use one of: ${allowed.join(', ')}.`);
  }
}

export function short(id: string): string {
  return id.length > 16 ? `${id.slice(0, 12)}…` : id;
}
