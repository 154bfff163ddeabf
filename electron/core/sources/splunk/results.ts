// One table from the several results shapes Splunk has used (reference §6): modern pages declare
// `fields` as objects, Splunk 5 pages declare none, an empty set may be `results: []` or no body.
import type { ResultsBody, SplunkMessage } from './schemas';

/** Splunk sends every value as a string; multivalue fields as arrays of strings. */
export type Cell = string | string[];
export type Row = Record<string, Cell>;

export interface ResultsPage {
  fields: string[];
  rows: Row[];
  preview: boolean;
  messages: SplunkMessage[];
}

export const EMPTY_PAGE: ResultsPage = Object.freeze({ fields: [], rows: [], preview: false, messages: [] });

export function normalizePage(body: ResultsBody): ResultsPage {
  const rows = body.results.map(normalizeRow);
  const declared = (body.fields ?? []).map((f) => (typeof f === 'string' ? f : f.name));
  return {
    // Splunk 5 declares nothing: the columns are whatever keys the rows carry.
    fields: declared.length ? declared : keysOf(rows),
    rows,
    preview: body.preview ?? false,
    // DEBUG lines (base lispy, search context) are noise for an analyst; WARN/ERROR are not.
    messages: (body.messages ?? []).filter((m) => !/^DEBUG$/i.test(m.type)),
  };
}

/** Field order is the first page's, then any new names later pages bring (Splunk 5 derives per page). */
export function mergeFields(into: string[], more: readonly string[]): string[] {
  const seen = new Set(into);
  for (const f of more) if (!seen.has(f)) (seen.add(f), into.push(f));
  return into;
}

function keysOf(rows: readonly Row[]): string[] {
  const fields: string[] = [];
  for (const r of rows) mergeFields(fields, Object.keys(r));
  return fields;
}

function normalizeRow(raw: Record<string, string | string[] | number | boolean | null>): Row {
  // fromEntries defines own properties: a hostile field name cannot reach Object.prototype.
  return Object.fromEntries(
    Object.entries(raw).flatMap(([k, v]): [string, Cell][] =>
      v === null ? [] : [[k, Array.isArray(v) ? v : String(v)]],
    ),
  );
}
