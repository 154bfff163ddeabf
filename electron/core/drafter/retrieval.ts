// Offline technique retrieval: which ATT&CK technique a signal most likely is, from its own words.
// Two scorers over the active techniques of the shipped catalog, combined:
//  - a curated phrase map (retrieval-keywords.ts): analyst vocabulary and vendor event names, matched
//    as stemmed phrases in the rule name, title, event names, process/file/url hints and message;
//  - BM25F over each technique's name (boosted), parent name, description and keyword phrases, for
//    wording the map does not know.
// Techniques are then grouped by parent: the family with the best evidence wins, and a sub-technique
// is chosen inside it only when something in the signal points at that sub-technique.
// Built once per catalog (WeakMap); a query costs well under a millisecond.
import type { EvidenceRef } from '../../../shared/brief';
import type { AttackCatalog, AttackTechnique } from '../attack/catalog';
import { EVENT_HINTS, KEYWORD_RULES, SOURCE_PLATFORMS } from './retrieval-keywords';
import type { DraftInput } from './types';

// ---- text normalisation -------------------------------------------------------------------------

const STOPWORDS = new Set(
  'a an the of to in on for by with from and or is are was were be been being this that these those it its as at into via than then when which who whom whose what has have had do does did can could should would will shall may might must so such there their them they he she his her we our you your me my'.split(
    ' ',
  ),
);
// Words every detection uses; they say nothing about the technique.
const BM25_STOP = new Set(
  'detect detection rule signal alert trigger triage respons goal strategy review investig determin confirm whether expect use user activ event identity identiti datadog log sourc attack adversari may also other one new unusual suspicious'.split(
    ' ',
  ),
);

/** A light, deterministic suffix stemmer: enough for "logging/logs", "deleted/deletion", "scanning/scanner". */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ication')) w = w.slice(0, -7) + 'y';
  else if (w.endsWith('ies') || w.endsWith('ied')) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else {
    for (const suffix of ['ings', 'ing', 'ions', 'ion', 'ments', 'ment', 'ers', 'er', 'ed', 'es', 'ly', 's', 'e']) {
      if (!w.endsWith(suffix)) continue;
      if (suffix === 's' && (w.endsWith('ss') || w.endsWith('us') || w.endsWith('is'))) break;
      const base = w.slice(0, -suffix.length);
      if (base.length < 3) continue;
      w = base;
      break;
    }
  }
  // undouble a final consonant left by -ing/-ed/-er: logg → log, scann → scan (but keep ss, ll, zz)
  const n = w.length;
  if (n >= 4 && w[n - 1] === w[n - 2] && !'aeiouslz'.includes(w[n - 1] ?? 'a')) w = w.slice(0, -1);
  return w;
}

const stemCache = new Map<string, string>();
function cachedStem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stem(word);
    if (stemCache.size < 50_000) stemCache.set(word, s);
  }
  return s;
}

/** Words of a text: camelCase and dotted/underscored names split, lower-cased, stemmed, stopwords dropped. */
export function tokenize(text: string): string[] {
  const spaced = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  const out: string[] = [];
  for (const raw of spaced.split(/[^a-z0-9]+/)) {
    if (raw === '' || STOPWORDS.has(raw)) continue;
    out.push(cachedStem(raw));
  }
  return out;
}

// ---- the query ----------------------------------------------------------------------------------

/** Where a piece of query text came from; the weight says how much a match there is worth. */
export type QueryFieldKind = 'rule' | 'title' | 'event' | 'hint' | 'body' | 'attrs' | 'triage';
export const FIELD_WEIGHT: Readonly<Record<QueryFieldKind, number>> = {
  rule: 1,
  title: 0.9,
  event: 1,
  hint: 0.7,
  body: 0.6,
  attrs: 0.4,
  triage: 0.15,
};

export interface QueryField {
  kind: QueryFieldKind;
  text: string;
  /** where the text is in the draft input, as an evidence ref ("rule_name", "process.args", "sample:0:content.custom.evt.name") */
  ref: EvidenceRef;
}

export interface RetrievalQuery {
  fields: QueryField[];
  /** exact event names (`name` lower-case, `display` as sent): CloudTrail eventName, Okta eventType, "create:pods:exec", Windows EventID … */
  events: { name: string; display: string; ref: EvidenceRef }[];
  /** log source (`source:` tag), for the platform prior */
  source: string | null;
}

// ---- results ------------------------------------------------------------------------------------

export interface KeywordMatch {
  phrase: string;
  field: QueryFieldKind;
  ref: EvidenceRef;
  /** the phrase's own weight (1 hint … 3 decisive) */
  base: number;
  /** base × the field's weight */
  weight: number;
}

export interface TechniqueScore {
  id: string;
  /** curated phrase/event evidence */
  keyword: number;
  /** BM25F, normalised to the query's best (0…1) */
  bm25: number;
  score: number;
  matches: KeywordMatch[];
}

export interface FamilyScore {
  parent: string;
  score: number;
  /** the member chosen for this family (the parent itself or a sub-technique) */
  best: TechniqueScore;
}

export interface RetrievalResult {
  /** families best first (at most `limit`) */
  families: FamilyScore[];
  /** every technique with a non-zero score, by id */
  byId: Map<string, TechniqueScore>;
  /** (best − second) / best over family scores; 1 when only one family scored */
  margin: number;
}

// ---- the index ----------------------------------------------------------------------------------

interface Phrase {
  tokens: string[];
  text: string;
}
interface RulePhrase {
  technique: string;
  weight: number;
  /** all parts must match in the same field (`a & b`); usually one part */
  parts: number[];
  text: string;
}

const K1 = 1.2;
const B = 0.6;
const NAME_BOOST = 3;
const PARENT_BOOST = 1;
const DESC_BOOST = 1;
const KW_BOOST = 1.2;
/** weight of BM25 (0…1 after normalisation) next to keyword evidence (typically 1…6) */
const BM25_MIX = 1.2;
const PLATFORM_MATCH = 1.1;
const PLATFORM_MISMATCH = 0.8;
/** keyword evidence a sub-technique needs of its own to be preferred over its parent */
const SUB_EVIDENCE = 1.2;

export class TechniqueIndex {
  readonly #active: readonly AttackTechnique[];
  readonly #byId = new Map<string, number>();
  /** token → postings [docIndex, weighted tf] */
  readonly #postings = new Map<string, [number, number][]>();
  readonly #idf = new Map<string, number>();
  readonly #docLen: number[];
  readonly #avgLen: number;
  readonly #phrases: Phrase[] = [];
  readonly #phraseByFirst = new Map<string, number[]>();
  readonly #rulePhrasesByPart = new Map<number, number[]>();
  readonly #rulePhrases: RulePhrase[] = [];
  readonly #events = new Map<string, { technique: string; weight: number }[]>();
  readonly #platforms: readonly (readonly string[])[];

  constructor(catalog: AttackCatalog) {
    const seen = new Map<string, AttackTechnique>();
    for (const tactic of catalog.tactics()) for (const t of catalog.techniquesForTactic(tactic.id)) seen.set(t.id, t);
    this.#active = [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.#active.forEach((t, i) => this.#byId.set(t.id, i));
    this.#platforms = this.#active.map((t) => t.platforms);

    // Curated phrases, validated against the catalog so a typo cannot silently point nowhere.
    const phraseIds = new Map<string, number>();
    const phraseId = (text: string): number | null => {
      const tokens = tokenize(text);
      if (tokens.length === 0) return null;
      const key = tokens.join(' ');
      let id = phraseIds.get(key);
      if (id === undefined) {
        id = this.#phrases.length;
        this.#phrases.push({ tokens, text: key });
        phraseIds.set(key, id);
        const first = tokens[0] ?? '';
        const list = this.#phraseByFirst.get(first) ?? [];
        list.push(id);
        this.#phraseByFirst.set(first, list);
      }
      return id;
    };
    const kwText = new Map<string, string[]>();
    for (const rule of KEYWORD_RULES) {
      if (!this.#byId.has(rule.t)) throw new Error(`retrieval-keywords: ${rule.t} is not an active technique in ATT&CK ${catalog.attackVersion}`);
      for (const p of rule.p) {
        const parts = p.split('&').map((s) => phraseId(s.trim()));
        if (parts.some((x) => x === null)) throw new Error(`retrieval-keywords: phrase "${p}" for ${rule.t} has no words`);
        const idx = this.#rulePhrases.length;
        this.#rulePhrases.push({ technique: rule.t, weight: rule.w, parts: parts as number[], text: p });
        for (const part of new Set(parts as number[])) {
          const list = this.#rulePhrasesByPart.get(part) ?? [];
          list.push(idx);
          this.#rulePhrasesByPart.set(part, list);
        }
        const words = kwText.get(rule.t) ?? [];
        words.push(p.replace(/&/g, ' '));
        kwText.set(rule.t, words);
      }
    }
    for (const [name, hints] of Object.entries(EVENT_HINTS)) {
      for (const [technique, weight] of hints) {
        if (!this.#byId.has(technique)) throw new Error(`retrieval-keywords: event hint ${name} → ${technique} is not an active technique`);
      }
      this.#events.set(name.toLowerCase(), hints.map(([technique, weight]) => ({ technique, weight })));
    }

    // BM25F documents.
    const tf = new Map<string, Map<number, number>>();
    const add = (doc: number, text: string, boost: number): number => {
      let len = 0;
      for (const tok of tokenize(text)) {
        if (tok.length < 3 || /^\d+$/.test(tok)) continue;
        let m = tf.get(tok);
        if (!m) tf.set(tok, (m = new Map()));
        m.set(doc, (m.get(doc) ?? 0) + boost);
        len += boost;
      }
      return len;
    };
    this.#docLen = this.#active.map((t, i) => {
      const parent = t.parent ? catalog.technique(t.parent) : undefined;
      return (
        add(i, t.name, NAME_BOOST) +
        (parent ? add(i, parent.name, PARENT_BOOST) : 0) +
        add(i, t.description, DESC_BOOST) +
        add(i, (kwText.get(t.id) ?? []).join(' . '), KW_BOOST)
      );
    });
    this.#avgLen = this.#docLen.reduce((a, b) => a + b, 0) / Math.max(1, this.#docLen.length);
    const n = this.#active.length;
    for (const [tok, m] of tf) {
      this.#postings.set(tok, [...m.entries()]);
      this.#idf.set(tok, Math.log(1 + (n - m.size + 0.5) / (m.size + 0.5)));
    }
  }

  /** The index for a catalog, built on first use and kept while the catalog lives. */
  static for(catalog: AttackCatalog): TechniqueIndex {
    let idx = INDEXES.get(catalog);
    if (!idx) INDEXES.set(catalog, (idx = new TechniqueIndex(catalog)));
    return idx;
  }

  get size(): number {
    return this.#active.length;
  }

  rank(query: RetrievalQuery, limit = 8): RetrievalResult {
    const keyword = new Map<string, { contributions: number[]; matches: KeywordMatch[] }>();
    const credit = (technique: string, weight: number, m: KeywordMatch, key: string, fieldSeen: Map<string, number>) => {
      // One phrase counts once (its best field), plus a little for each further field it appears in.
      const prev = fieldSeen.get(key);
      let k = keyword.get(technique);
      if (!k) keyword.set(technique, (k = { contributions: [], matches: [] }));
      if (prev === undefined) {
        fieldSeen.set(key, k.contributions.length);
        k.contributions.push(weight);
        k.matches.push(m);
      } else {
        const cur = k.contributions[prev] ?? 0;
        k.contributions[prev] = Math.max(cur, weight) + 0.15 * Math.min(cur, weight);
        if (weight > cur) k.matches[prev] = m;
      }
    };

    const seen = new Map<string, number>();
    for (const field of query.fields) {
      const fw = FIELD_WEIGHT[field.kind];
      const tokens = tokenize(field.text);
      const matched = new Set<number>();
      for (let i = 0; i < tokens.length; i++) {
        const candidates = this.#phraseByFirst.get(tokens[i] ?? '');
        if (!candidates) continue;
        for (const pid of candidates) {
          const p = this.#phrases[pid];
          if (!p || matched.has(pid)) continue;
          let ok = true;
          for (let j = 1; j < p.tokens.length; j++) {
            if (tokens[i + j] !== p.tokens[j]) {
              ok = false;
              break;
            }
          }
          if (ok) matched.add(pid);
        }
      }
      const done = new Set<number>();
      for (const pid of matched) {
        for (const rp of this.#rulePhrasesByPart.get(pid) ?? []) {
          if (done.has(rp)) continue;
          done.add(rp);
          const r = this.#rulePhrases[rp];
          if (!r || !r.parts.every((x) => matched.has(x))) continue;
          credit(r.technique, r.weight * fw, { phrase: r.text, field: field.kind, ref: field.ref, base: r.weight, weight: r.weight * fw }, `p${rp}`, seen);
        }
      }
    }
    for (const ev of query.events) {
      for (const h of this.#events.get(ev.name) ?? []) {
        credit(h.technique, h.weight, { phrase: `event ${ev.name}`, field: 'event', ref: ev.ref, base: h.weight, weight: h.weight }, `e${ev.name}:${h.technique}`, seen);
      }
    }

    // BM25F over the query's words, each weighted by the best field it appears in.
    const qw = new Map<string, number>();
    for (const field of query.fields) {
      const fw = FIELD_WEIGHT[field.kind];
      for (const tok of tokenize(field.text)) {
        if (tok.length < 3 || /^\d+$/.test(tok) || BM25_STOP.has(tok)) continue;
        if ((qw.get(tok) ?? 0) < fw) qw.set(tok, fw);
      }
    }
    const bm = new Float64Array(this.#active.length);
    for (const [tok, w] of qw) {
      const postings = this.#postings.get(tok);
      if (!postings) continue;
      const idf = this.#idf.get(tok) ?? 0;
      if (idf < 0.5) continue;
      for (const [doc, f] of postings) {
        const norm = f + K1 * (1 - B + (B * (this.#docLen[doc] ?? 0)) / this.#avgLen);
        bm[doc] = (bm[doc] ?? 0) + w * idf * ((f * (K1 + 1)) / norm);
      }
    }
    let bmMax = 0;
    for (const v of bm) if (v > bmMax) bmMax = v;

    const platforms = query.source ? SOURCE_PLATFORMS[query.source.toLowerCase()] : undefined;
    const byId = new Map<string, TechniqueScore>();
    const consider = (doc: number) => {
      const t = this.#active[doc];
      if (!t || byId.has(t.id)) return;
      const k = keyword.get(t.id);
      let kScore = 0;
      if (k) {
        const sorted = [...k.contributions].sort((a, b) => b - a);
        sorted.forEach((c, i) => (kScore += c / 2 ** i));
      }
      const b = bmMax > 0 ? (bm[doc] ?? 0) / bmMax : 0;
      if (kScore === 0 && b < 0.05) return;
      let score = kScore + BM25_MIX * b;
      if (platforms) {
        const p = this.#platforms[doc] ?? [];
        score *= p.some((x) => platforms.includes(x)) ? PLATFORM_MATCH : PLATFORM_MISMATCH;
      }
      byId.set(t.id, { id: t.id, keyword: kScore, bm25: b, score, matches: k ? k.matches.sort((x, y) => y.weight - x.weight) : [] });
    };
    for (const id of keyword.keys()) consider(this.#byId.get(id) ?? -1);
    // Only the BM25 head matters: anything far below the best cannot win.
    const order = [...bm.keys()].filter((d) => (bm[d] ?? 0) > 0).sort((a, b) => (bm[b] ?? 0) - (bm[a] ?? 0) || a - b);
    for (const d of order.slice(0, 40)) consider(d);

    // Families: a sub-technique with its own evidence inherits half its parent's keyword support.
    const fams = new Map<string, TechniqueScore[]>();
    for (const s of byId.values()) {
      const parent = s.id.split('.')[0] ?? s.id;
      const list = fams.get(parent) ?? [];
      list.push(s);
      fams.set(parent, list);
    }
    const families: FamilyScore[] = [];
    for (const [parent, members] of fams) {
      const p = byId.get(parent);
      const effective = (m: TechniqueScore) => (m.id !== parent && m.keyword > 0 && p ? m.score + 0.5 * p.keyword : m.score);
      const sorted = [...members].sort((a, b) => effective(b) - effective(a) || (a.id < b.id ? -1 : 1));
      const withEvidence = sorted.filter((m) => m.keyword > 0);
      // Parent-level phrases are the generic ones ("brute force"); a sub-technique with clear
      // evidence of its own ("password spray", "mega.nz") is the more precise answer.
      const specific = withEvidence.find((m) => m.id !== parent && hasOwnEvidence(m) && effective(m) >= 0.5 * (p?.score ?? 0));
      const best = (specific ?? withEvidence[0] ?? sorted[0]) as TechniqueScore;
      const top = Math.max(...members.map(effective));
      const second = sorted.length > 1 ? effective(sorted[1] as TechniqueScore) : 0;
      families.push({ parent, score: top + 0.25 * second, best });
    }
    families.sort((a, b) => b.score - a.score || (a.parent < b.parent ? -1 : 1));
    const s1 = families[0]?.score ?? 0;
    const s2 = families[1]?.score ?? 0;
    return { families: families.slice(0, limit), byId, margin: s1 > 0 ? (s1 - s2) / s1 : 0 };
  }
}

const INDEXES = new WeakMap<AttackCatalog, TechniqueIndex>();

/** A sub-technique's own evidence counts when it is in the rule, title, event or indicators — or a decisive phrase in the message. */
function hasOwnEvidence(m: TechniqueScore): boolean {
  return m.matches.some((x) => (x.field === 'body' ? x.weight >= 1.8 : x.field !== 'triage' && x.field !== 'attrs' && x.weight >= SUB_EVIDENCE));
}

// ---- from a draft input to a query ----------------------------------------------------------------

/** Custom-attribute keys that are bookkeeping, not evidence about the behaviour. */
const SKIP_KEYS = new Set(['workflow', 'samples', 'entities', 'title', 'status', 'relatedLogsQueryUrl', 'internal_id', 'triggeringRuleCase', 'groupByPaths', 'high_cardinality', 'queries', 'service', 'hostname', 'eventId', 'timestamp', 'date']);
/** Roots whose values describe what happened (process, file, request …): weighted above the rest. */
const HINT_ROOTS = new Set(['process', 'file', 'dns', 'http', 'agent', 'appsec', 'Event', 'requestParameters', 'requestObject', 'objectRef', 'requestURI', 'module', 'gmail', 'email', 'Parameters', 'properties', 'protoPayload', 'data', 'event', 'github', 'okta', 'additionalEventData', 'responseElements', 'errorMessage', 'message', 'threat_intel', 'beacon', 'zscaler', 'Workload', 'ModifiedProperties', 'Url', 'salesforce', 'atlassian', 'bitwarden']);
/** Event-name attributes, as Datadog and the vendors name them. */
const EVENT_PATHS = ['evt.name', 'eventName', 'data.protoPayload.methodName', 'operationName', 'Operation', 'action', 'Event.System.EventID'];
const SEP = ' zzsep ';
const MAX_LEAVES = 400;
const MAX_VALUE = 400;

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function getPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const part of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** Leaves of an object as "key value" text grouped by their first two path segments. */
function flatten(root: Record<string, unknown>, skipTop: boolean): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  let leaves = 0;
  const walk = (v: unknown, path: string[], depth: number) => {
    if (leaves >= MAX_LEAVES || depth > 8) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, String(i)], depth + 1));
      return;
    }
    if (isObj(v)) {
      for (const [key, x] of Object.entries(v)) {
        if (depth === 0 && skipTop && SKIP_KEYS.has(key)) continue;
        walk(x, [...path, key], depth + 1);
      }
      return;
    }
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return;
    leaves++;
    const named = path.filter((p) => !/^\d+$/.test(p));
    const key = named[named.length - 1] ?? '';
    const group = path.slice(0, Math.min(2, path.length)).filter((p, i) => i === 0 || !/^\d+$/.test(p)).join('.');
    const text = `${key} ${String(v).slice(0, MAX_VALUE)}`;
    const list = groups.get(group) ?? [];
    list.push(text);
    groups.set(group, list);
  };
  walk(root, [], 0);
  return groups;
}

function splitMessage(message: string): { body: string; triage: string } {
  const text = message.replace(/%%%/g, '\n');
  const parts = text.split(/^#{1,6}\s*/m);
  if (parts.length <= 1) return { body: text, triage: '' };
  const body: string[] = [];
  const triage: string[] = [];
  for (const part of parts) {
    const heading = part.split('\n', 1)[0] ?? '';
    if (/triage|response|remediation|next steps|runbook|playbook/i.test(heading)) triage.push(part);
    else body.push(part);
  }
  return { body: body.join('\n'), triage: triage.join('\n') };
}

/** Everything in a draft input that says what the behaviour is, each piece with its evidence ref. */
export function queryFromDraftInput(input: DraftInput): RetrievalQuery {
  const s = input.signal;
  const attrs = s.attributes;
  const fields: QueryField[] = [];
  const field = (kind: QueryFieldKind, text: string, ref: EvidenceRef) => {
    if (text.trim() !== '') fields.push({ kind, text, ref });
  };
  const rule = s.rule_name ?? '';
  if (rule) field('rule', rule, { kind: 'signal_field', ref: 'rule_name' });
  const title = typeof attrs['title'] === 'string' ? (attrs['title'] as string) : '';
  if (title && title !== rule) field('title', title, { kind: 'signal_field', ref: 'title' });
  const msg = splitMessage(s.message);
  field('body', msg.body, { kind: 'signal_field', ref: 'message' });
  field('triage', msg.triage, { kind: 'signal_field', ref: 'message' });

  const events: RetrievalQuery['events'] = [];
  const seenEvents = new Set<string>();
  const addEvent = (name: unknown, ref: EvidenceRef) => {
    if (typeof name !== 'string' && typeof name !== 'number') return;
    const n = String(name).trim();
    if (n === '' || n === 'unknown') return;
    const key = n.toLowerCase();
    if (seenEvents.has(key)) return;
    seenEvents.add(key);
    events.push({ name: key, display: n, ref });
    field('event', n, ref);
  };
  const eventsOf = (root: unknown, refOf: (path: string) => EvidenceRef) => {
    for (const p of EVENT_PATHS) addEvent(getPath(root, p), refOf(p));
    // Kubernetes audit: verb:resource[:subresource]
    const verb = getPath(root, 'verb');
    const resource = getPath(root, 'objectRef.resource');
    if (typeof verb === 'string' && typeof resource === 'string') {
      const sub = getPath(root, 'objectRef.subresource');
      const name = `${verb}:${resource}${typeof sub === 'string' && sub ? `:${sub}` : ''}`;
      const key = name.toLowerCase();
      if (!seenEvents.has(key)) {
        seenEvents.add(key);
        events.push({ name: key, display: name, ref: refOf('objectRef.resource') });
      }
    }
  };
  eventsOf(attrs, (p) => ({ kind: 'signal_field', ref: p }));

  const seenText = new Set<string>();
  for (const [group, leaves] of flatten(attrs, true)) {
    const root = group.split('.')[0] ?? group;
    const text = leaves.join(SEP);
    leaves.forEach((l) => seenText.add(l));
    field(HINT_ROOTS.has(root) ? 'hint' : 'attrs', text, { kind: 'signal_field', ref: group });
  }
  s.samples.forEach((sample, i) => {
    const custom = getPath(sample, 'content.custom');
    if (!isObj(custom)) return;
    eventsOf(custom, (p) => ({ kind: 'sample_event', ref: `sample:${i}:content.custom.${p}` }));
    for (const [group, leaves] of flatten(custom, true)) {
      const fresh = leaves.filter((l) => !seenText.has(l));
      if (fresh.length === 0) continue;
      fresh.forEach((l) => seenText.add(l));
      const root = group.split('.')[0] ?? group;
      field(HINT_ROOTS.has(root) ? 'hint' : 'attrs', fresh.join(SEP), { kind: 'sample_event', ref: `sample:${i}:content.custom.${group}` });
    }
  });

  let source: string | null = null;
  s.tags.forEach((t, i) => {
    if (source === null && t.startsWith('source:')) source = t.slice(7) || null;
    // Workload Security agent rule ids are descriptive (pam_modification, xmrig_execution).
    if (t.startsWith('rule_id:') && /_/.test(t)) field('hint', t.slice(8), { kind: 'signal_field', ref: `tags.${i}` });
  });
  return { fields, events, source };
}
