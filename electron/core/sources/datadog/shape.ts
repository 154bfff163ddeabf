// Reading fields out of the raw JSON. The generated models are either lossy (signals) or nearly
// empty (workflow instances: README §7), so Vigil reads the wire JSON — through a schema, so a
// surprise from Datadog becomes SOURCE_BAD_RESPONSE rather than an undefined deep inside the app.
import type { z } from 'zod';
import { badResponse } from './failures';
import type { Operation } from './operation';

export function expectShape<S extends z.ZodType>(schema: S, raw: unknown, op: Operation): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw badResponse(op, false, `unexpected ${where}: ${issue?.message ?? 'shape'}`);
}
