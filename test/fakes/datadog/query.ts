// A small subset of the Signals Explorer query syntax (README §2), enough for the queries Vigil
// sends: `*`, `status:high`, `source:cloudtrail`, `security:attack`, `@workflow.triage.state:open`,
// `-term`, quoted values, `*` suffix wildcards, implicit AND and a top-level OR. Parentheses are
// rejected loudly rather than half-supported, so a test never passes by accident.
import type { SearchSignal } from './state';

export class QuerySyntaxError extends Error {}

type Term = { negate: boolean; key: string | null; value: string };

export function compileSignalQuery(query: string | undefined): (s: SearchSignal) => boolean {
  const q = (query ?? '').trim();
  if (!q || q === '*') return () => true;
  if (/[()]/.test(q)) throw new QuerySyntaxError(`the fake does not support parentheses in queries: ${q}`);
  const alternatives = q.split(/\s+OR\s+/).map((part) => tokenize(part).map(parseTerm));
  return (s) => alternatives.some((terms) => terms.every((t) => matchTerm(t, s) !== t.negate));
}

function tokenize(s: string): string[] {
  const out: string[] = [];
  const re = /-?(?:[@\w.\-]+:"[^"]*"|"[^"]*"|\S+)/g;
  for (const m of s.matchAll(re)) if (m[0] !== 'AND') out.push(m[0]);
  return out;
}

function parseTerm(tok: string): Term {
  const negate = tok.startsWith('-') && tok.length > 1;
  const body = negate ? tok.slice(1) : tok;
  const m = /^([@\w.\-]+):(.*)$/.exec(body);
  if (m) return { negate, key: m[1]!.toLowerCase(), value: unquote(m[2]!) };
  return { negate, key: null, value: unquote(body) };
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function eq(actual: unknown, expected: string): boolean {
  if (actual === undefined || actual === null) return false;
  if (Array.isArray(actual)) return actual.some((a) => eq(a, expected));
  const a = String(actual).toLowerCase();
  const e = expected.toLowerCase();
  if (e === '*') return true;
  return e.endsWith('*') ? a.startsWith(e.slice(0, -1)) : a === e;
}

function matchTerm(t: Term, s: SearchSignal): boolean {
  const a = s.attributes;
  if (t.key === null) {
    if (t.value === '*') return true;
    const hay = `${a.message ?? ''} ${String((a.attributes as Record<string, unknown> | undefined)?.['title'] ?? '')}`.toLowerCase();
    return hay.includes(t.value.toLowerCase());
  }
  if (t.key.startsWith('@')) return eq(getPath(a.attributes, t.key.slice(1)), t.value);
  if (t.key === 'status') return eq(a.status, t.value);
  if (t.key === 'host') return eq(a.host, t.value);
  if (t.key === 'service') return eq(a.service, t.value);
  const tags = (a.tags ?? []).map((x) => x.toLowerCase());
  const wanted = `${t.key}:${t.value.toLowerCase()}`;
  return wanted.endsWith('*') ? tags.some((x) => x.startsWith(wanted.slice(0, -1))) : tags.includes(wanted);
}

/** `workflow.triage.state` against {"workflow": {"triage": {...}}} — Datadog keys may themselves contain dots, so try both. */
function getPath(obj: unknown, path: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  if (path in o) return o[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  return getPath(o[path.slice(0, dot)], path.slice(dot + 1));
}
