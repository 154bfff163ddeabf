// A labelled eval set: JSONL, one `{"signal": <Datadog signal, search-API shape>, "expected":
// {"technique": "T1110"}}` per line (extra fields such as "id" and "note" allowed). Every line is
// checked before anything runs — JSON, shape, a signal Vigil can ingest, a label that is an active
// ATT&CK id — and all bad lines are reported together with their line numbers.
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import type { AttackCatalog } from '../attack/catalog';
import { normalizeSignal } from '../signals/normalize';

export const EvalLine = z.looseObject({
  id: z.string().min(1).max(200).optional(),
  note: z.string().max(2000).optional(),
  signal: z.unknown().refine((v) => v !== undefined, 'signal is required'),
  expected: z.looseObject({
    technique: z
      .string()
      .regex(/^T\d{4}(?:\.\d{3})?$/i, 'must be an ATT&CK technique id like T1110 or T1110.003')
      .transform((s) => s.toUpperCase()),
  }),
});

export interface EvalItem {
  /** 1-based line number in the file */
  line: number;
  id?: string;
  note?: string;
  signal: unknown;
  expected: { technique: string };
}

export interface EvalSetIssue {
  line: number;
  message: string;
}

const MAX_REPORTED = 50;

export class EvalSetError extends VigilError {
  readonly issues: readonly EvalSetIssue[];
  constructor(issues: readonly EvalSetIssue[], source = 'eval set') {
    const shown = issues.slice(0, MAX_REPORTED).map((i) => (i.line > 0 ? `  line ${i.line}: ${i.message}` : `  ${i.message}`));
    if (issues.length > MAX_REPORTED) shown.push(`  … and ${issues.length - MAX_REPORTED} more`);
    const bad = new Set(issues.map((i) => i.line).filter((l) => l > 0)).size;
    super('VALIDATION_FAILED', `${source}: ${bad > 0 ? `${bad} bad line${bad === 1 ? '' : 's'}` : 'invalid'}; nothing was run.\n${shown.join('\n')}`);
    this.name = 'EvalSetError';
    this.issues = issues;
  }
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return `${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`;
}

/**
 * Parses and validates a JSONL eval set. Blank lines are skipped (line numbers still count them).
 * With a catalog, labels must be active ATT&CK ids (a revoked label names its replacement).
 * Throws EvalSetError listing every bad line.
 */
export function parseEvalSet(text: string, opts: { catalog?: AttackCatalog; source?: string } = {}): EvalItem[] {
  const items: EvalItem[] = [];
  const issues: EvalSetIssue[] = [];
  const ids = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      issues.push({ line, message: `not valid JSON (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    const parsed = EvalLine.safeParse(json);
    if (!parsed.success) {
      issues.push({ line, message: describe(parsed.error) });
      return;
    }
    const v = parsed.data;
    try {
      normalizeSignal(v.signal);
    } catch (e) {
      issues.push({ line, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    const technique = v.expected.technique;
    if (opts.catalog) {
      const r = opts.catalog.resolve(technique);
      if (r.status === 'unknown') {
        issues.push({ line, message: `expected.technique ${technique} is not in ATT&CK ${opts.catalog.attackVersion}` });
        return;
      }
      if (r.status === 'revoked') {
        issues.push({ line, message: `expected.technique ${technique} is revoked in ATT&CK ${opts.catalog.attackVersion}; label it ${r.replacement.id}` });
        return;
      }
      if (r.status === 'deprecated') {
        issues.push({ line, message: `expected.technique ${technique} is deprecated in ATT&CK ${opts.catalog.attackVersion}` });
        return;
      }
    }
    if (v.id !== undefined) {
      const prev = ids.get(v.id);
      if (prev !== undefined) {
        issues.push({ line, message: `id "${v.id}" is already used on line ${prev}` });
        return;
      }
      ids.set(v.id, line);
    }
    const item: EvalItem = { line, signal: v.signal, expected: { technique } };
    if (v.id !== undefined) item.id = v.id;
    if (v.note !== undefined) item.note = v.note;
    items.push(item);
  });
  if (issues.length === 0 && items.length === 0) issues.push({ line: 0, message: 'the set has no items' });
  if (issues.length > 0) throw new EvalSetError(issues, opts.source);
  return items;
}
