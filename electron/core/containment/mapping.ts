// The input mapping of a containment action: how a finding fills a workflow's inputs. A template is
// plain JSON; a string value may name one of a fixed set of references, and nothing else is ever
// interpreted (no expressions, no code, no property walking into arbitrary objects):
//
//   "$finding.id"          the whole value is the reference, typed (a number stays a number)
//   "$entity.user"         the finding's first entity of that type (refused when it has none)
//   "$entities.host"       every entity of that type, as an array
//   "Isolate ${entity.host} for ${finding.id}"   references inside text, always as text
//   "$$literal"            a leading "$$" is a literal "$"
//
// Templates are checked when an admin saves them and resolved when an analyst asks for the action;
// the resolved inputs are what the requester signs and what an approver sees.
import { VigilError } from '../../../shared/errors';

export const FINDING_REFS = [
  'id',
  'title',
  'severity',
  'status',
  'technique',
  'tactic',
  'signal_id',
  'blast_radius',
  'recommended_action',
  'risk_score',
  'revision',
] as const;
export type FindingRef = (typeof FINDING_REFS)[number];
export const OTHER_REFS = ['signoff.analyst', 'signoff.signature_sha256', 'requester', 'reason', 'workspace'] as const;

const ENTITY_TYPE = /^[a-z][a-z0-9_.-]{0,39}$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MAX_DEPTH = 4;
const MAX_NODES = 200;
const MAX_TEMPLATE_CHARS = 8_000;
const MAX_STRING = 2_000;

export type Ref =
  | { kind: 'finding'; field: FindingRef }
  | { kind: 'entity'; type: string; all: boolean }
  | { kind: 'other'; name: (typeof OTHER_REFS)[number] };

/** What a template is resolved against: only these values can ever reach a workflow. */
export interface MappingContext {
  finding: Record<FindingRef, string | number | null>;
  /** entity type → values, in a stable order */
  entities: Record<string, string[]>;
  signoff: { analyst: string; signature_sha256: string };
  requester: string;
  reason: string;
  workspace: string;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function parseRef(text: string): Ref | null {
  const m = /^(finding|entity|entities|signoff)\.(.+)$/.exec(text);
  if (m) {
    const [, head, rest] = m as unknown as [string, string, string];
    if (head === 'finding') return (FINDING_REFS as readonly string[]).includes(rest) ? { kind: 'finding', field: rest as FindingRef } : null;
    if (head === 'entity' || head === 'entities') return ENTITY_TYPE.test(rest) ? { kind: 'entity', type: rest, all: head === 'entities' } : null;
    const name = `signoff.${rest}`;
    return (OTHER_REFS as readonly string[]).includes(name) ? { kind: 'other', name: name as (typeof OTHER_REFS)[number] } : null;
  }
  return (OTHER_REFS as readonly string[]).includes(text) ? { kind: 'other', name: text as (typeof OTHER_REFS)[number] } : null;
}

const REF_HELP = `one of $finding.{${FINDING_REFS.join(',')}}, $entity.TYPE, $entities.TYPE, $${OTHER_REFS.join(', $')}`;

/** Every reference a string names; throws on one it does not know. */
function refsIn(s: string, path: string): { whole: Ref | null; parts: Ref[] } {
  if (s.startsWith('$$')) return { whole: null, parts: embedded(s.slice(2), path) };
  if (s.startsWith('$') && !s.startsWith('${')) {
    const r = parseRef(s.slice(1));
    if (!r) throw new VigilError('VALIDATION_FAILED', `Input ${path}: "${s.slice(0, 60)}" is not a reference Vigil knows; use ${REF_HELP} (or start with "$$" for a literal "$").`);
    return { whole: r, parts: [] };
  }
  return { whole: null, parts: embedded(s, path) };
}

function embedded(s: string, path: string): Ref[] {
  const out: Ref[] = [];
  const re = /\$\{([^}]*)\}/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const r = parseRef(m[1]!);
    if (!r) throw new VigilError('VALIDATION_FAILED', `Input ${path}: "\${${m[1]!.slice(0, 40)}}" is not a reference Vigil knows; use ${REF_HELP}.`);
    out.push(r);
  }
  return out;
}

/**
 * Check a template (JSON text or an already-parsed object) and return its canonical object form.
 * The top level is an object of named inputs; values nest at most four levels.
 */
export function parseTemplate(input: string | unknown): Record<string, Json> {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (input.length > MAX_TEMPLATE_CHARS) throw new VigilError('VALIDATION_FAILED', `The input mapping is ${input.length} characters; at most ${MAX_TEMPLATE_CHARS}.`);
    try {
      value = JSON.parse(input);
    } catch {
      throw new VigilError('VALIDATION_FAILED', 'The input mapping is not valid JSON. Write an object like {"user": "$entity.user", "finding": "$finding.id"}.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VigilError('VALIDATION_FAILED', 'The input mapping must be a JSON object of workflow inputs, like {"user": "$entity.user"}.');
  }
  let nodes = 0;
  const walk = (v: unknown, path: string, depth: number): Json => {
    if (++nodes > MAX_NODES) throw new VigilError('VALIDATION_FAILED', `The input mapping has more than ${MAX_NODES} values.`);
    if (depth > MAX_DEPTH) throw new VigilError('VALIDATION_FAILED', `Input ${path} nests deeper than ${MAX_DEPTH} levels.`);
    if (v === null || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new VigilError('VALIDATION_FAILED', `Input ${path} is not a finite number.`);
      return v;
    }
    if (typeof v === 'string') {
      if (v.length > MAX_STRING) throw new VigilError('VALIDATION_FAILED', `Input ${path} is longer than ${MAX_STRING} characters.`);
      refsIn(v, path);
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    if (typeof v === 'object') {
      const out: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (!KEY.test(k)) throw new VigilError('VALIDATION_FAILED', `Input name "${k.slice(0, 40)}" at ${path || 'the top'} must be letters, digits, "_", "." or "-", starting with a letter.`);
        out[k] = walk(x, path ? `${path}.${k}` : k, depth + 1);
      }
      return out;
    }
    throw new VigilError('VALIDATION_FAILED', `Input ${path} is not a JSON value.`);
  };
  const out = walk(value, '', 0) as Record<string, Json>;
  if (Object.keys(out).length === 0) throw new VigilError('VALIDATION_FAILED', 'The input mapping names no inputs.');
  return out;
}

/** The references a template uses, for showing an admin (and an analyst) what it reads. */
export function templateRefs(template: Record<string, Json>): string[] {
  const found = new Set<string>();
  const walk = (v: Json, path: string): void => {
    if (typeof v === 'string') {
      const { whole, parts } = refsIn(v, path);
      for (const r of whole ? [whole] : parts) found.add(refText(r));
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(template, '');
  return [...found].sort();
}

function refText(r: Ref): string {
  if (r.kind === 'finding') return `$finding.${r.field}`;
  if (r.kind === 'entity') return `$${r.all ? 'entities' : 'entity'}.${r.type}`;
  return `$${r.name}`;
}

function valueOf(r: Ref, ctx: MappingContext, path: string): Json {
  if (r.kind === 'finding') return ctx.finding[r.field];
  if (r.kind === 'entity') {
    // Own-property lookup only: a type like "constructor" must not reach Object.prototype.
    const values = Object.prototype.hasOwnProperty.call(ctx.entities, r.type) ? (ctx.entities[r.type] ?? []) : [];
    if (r.all) return [...values];
    const first = values[0];
    if (first === undefined) {
      throw new VigilError('VALIDATION_FAILED', `Input ${path} needs the finding's ${r.type} entity ($entity.${r.type}), and ${String(ctx.finding.id)} has none.`);
    }
    return first;
  }
  switch (r.name) {
    case 'signoff.analyst':
      return ctx.signoff.analyst;
    case 'signoff.signature_sha256':
      return ctx.signoff.signature_sha256;
    case 'requester':
      return ctx.requester;
    case 'reason':
      return ctx.reason;
    case 'workspace':
      return ctx.workspace;
  }
}

function asText(v: Json): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(asText).join(',');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The workflow inputs this finding gives the template. Throws when a needed entity is missing. */
export function resolveTemplate(template: Record<string, Json>, ctx: MappingContext): Record<string, Json> {
  const walk = (v: Json, path: string): Json => {
    if (typeof v === 'string') {
      if (v.startsWith('$$')) return v.slice(1).replace(/\$\{([^}]*)\}/g, (_m, name: string) => asText(valueOf(parseRef(name)!, ctx, path)));
      const { whole } = refsIn(v, path);
      if (whole) return valueOf(whole, ctx, path);
      return v.replace(/\$\{([^}]*)\}/g, (_m, name: string) => asText(valueOf(parseRef(name)!, ctx, path)));
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, path ? `${path}.${k}` : k)]));
    return v;
  };
  return walk(template, '') as Record<string, Json>;
}
