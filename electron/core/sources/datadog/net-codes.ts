// The errno-style codes a failed fetch carries (undici wraps the socket error in `cause`, sometimes
// an AggregateError). Alone in this module so the page worker can collect them without loading the
// Datadog client.
export function collectCodes(e: unknown, depth = 0): string[] {
  if (!e || typeof e !== 'object' || depth > 4) return [];
  const out: string[] = [];
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') out.push(code);
  const errors = (e as { errors?: unknown }).errors;
  if (Array.isArray(errors)) for (const inner of errors) out.push(...collectCodes(inner, depth + 1));
  out.push(...collectCodes((e as { cause?: unknown }).cause, depth + 1));
  return out;
}
