// The ATT&CK catalog Vigil ships (resources/attack/catalog.json, produced by
// scripts/build-attack-catalog.ts from MITRE's STIX bundle). Lookups, lifecycle resolution of old
// ids, the tactic matrix and an as-you-type search. Plain Node: never imports 'electron'.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  TacticId,
  TechniqueId,
  normalizeTechniqueId,
  parentTechniqueId,
  parseMitreTag,
} from '../../../shared/attack-ids';

export const CATALOG_FORMAT = 'vigil-attack-catalog';
export const CATALOG_VERSION = 1;
export const CATALOG_RELATIVE_PATH = join('resources', 'attack', 'catalog.json');

export const AttackTacticSchema = z.object({
  id: TacticId,
  shortname: z.string().regex(/^[a-z]+(?:-[a-z]+)*$/, 'expected a kebab-case shortname'),
  name: z.string().min(1),
  description: z.string(),
  url: z.url(),
});

export const AttackTechniqueSchema = z.object({
  id: TechniqueId,
  name: z.string().min(1),
  description: z.string(),
  tactics: z.array(TacticId),
  platforms: z.array(z.string().min(1)),
  parent: TechniqueId.nullable(),
  is_subtechnique: z.boolean(),
  revoked: z.boolean(),
  deprecated: z.boolean(),
  replaced_by: TechniqueId.nullable(),
  url: z.url(),
});

export type AttackTactic = z.infer<typeof AttackTacticSchema>;
export type AttackTechnique = z.infer<typeof AttackTechniqueSchema>;

export const AttackCatalogFileSchema = z
  .object({
    format: z.literal(CATALOG_FORMAT),
    version: z.literal(CATALOG_VERSION),
    attack_version: z.string().regex(/^\d+(?:\.\d+)*$/),
    domain: z.string().min(1),
    modified: z.iso.datetime(),
    source_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    tactics: z.array(AttackTacticSchema).min(1),
    techniques: z.array(AttackTechniqueSchema).min(1),
  })
  .superRefine(checkCrossReferences);

export type AttackCatalogFile = z.infer<typeof AttackCatalogFileSchema>;

export type AttackResolution =
  | { status: 'active'; technique: AttackTechnique }
  | { status: 'revoked'; technique: AttackTechnique; replacement: AttackTechnique }
  | { status: 'deprecated'; technique: AttackTechnique }
  | { status: 'unknown' };

export type AttackCatalogErrorCode = 'ATTACK_CATALOG_NOT_FOUND' | 'ATTACK_CATALOG_INVALID';

export class AttackCatalogError extends Error {
  readonly code: AttackCatalogErrorCode;
  constructor(code: AttackCatalogErrorCode, message: string) {
    super(message);
    this.name = 'AttackCatalogError';
    this.code = code;
  }
}

const REBUILD_HINT = 'Regenerate it with `node --import tsx scripts/build-attack-catalog.ts`.';
const MAX_REPORTED_ISSUES = 8;

export class AttackCatalog {
  readonly attackVersion: string;
  readonly domain: string;
  readonly modified: string;
  readonly sourceSha256: string;

  readonly #tactics: readonly AttackTactic[];
  /** Keyed by upper-case id and by lower-case shortname; the two spaces cannot collide. */
  readonly #tacticByKey = new Map<string, AttackTactic>();
  readonly #techniqueById = new Map<string, AttackTechnique>();
  readonly #techniquesByTactic = new Map<string, readonly AttackTechnique[]>();

  // Search index over active techniques only: revoked/deprecated ids are for mapping old data,
  // never something an analyst should pick.
  /** Active techniques sorted by id, so an id prefix is a contiguous range. */
  readonly #active: readonly AttackTechnique[];
  readonly #activeIds: readonly string[];
  /** Lower-case word tokens of each active technique's own name, in name order. */
  readonly #ownTokens: readonly (readonly string[])[];
  /** Sorted unique tokens (own name + parent name), so a word prefix is a contiguous range. */
  readonly #tokens: readonly string[];
  /** For `#tokens[i]`: indices into `#active` whose own or parent name contains that token. */
  readonly #postings: readonly (readonly number[])[];

  private constructor(file: AttackCatalogFile) {
    this.attackVersion = file.attack_version;
    this.domain = file.domain;
    this.modified = file.modified;
    this.sourceSha256 = file.source_sha256;

    this.#tactics = Object.freeze(file.tactics.map(freezeTactic));
    for (const tactic of this.#tactics) {
      this.#tacticByKey.set(tactic.id, tactic);
      this.#tacticByKey.set(tactic.shortname, tactic);
    }
    const techniques = file.techniques.map(freezeTechnique).sort(byId);
    for (const technique of techniques) this.#techniqueById.set(technique.id, technique);

    this.#active = Object.freeze(techniques.filter(isActive));
    this.#activeIds = this.#active.map((t) => t.id);

    for (const tactic of this.#tactics) {
      // Sorting by id already yields a matrix column: each technique followed by its
      // sub-techniques. A sub-technique whose parent lacks this tactic (none in v18.1) still lands
      // where its parent would be.
      const column = this.#active.filter((t) => t.tactics.includes(tactic.id));
      this.#techniquesByTactic.set(tactic.id, Object.freeze(column));
    }

    this.#ownTokens = this.#active.map((t) => tokenize(t.name));
    const postings = new Map<string, Set<number>>();
    this.#active.forEach((technique, index) => {
      const parent = technique.parent === null ? undefined : this.#techniqueById.get(technique.parent);
      const tokens = [...(this.#ownTokens[index] ?? []), ...(parent ? tokenize(parent.name) : [])];
      for (const token of tokens) {
        let set = postings.get(token);
        if (!set) postings.set(token, (set = new Set()));
        set.add(index);
      }
    });
    this.#tokens = [...postings.keys()].sort(compareStrings);
    this.#postings = this.#tokens.map((token) => [...(postings.get(token) ?? [])]);
  }

  /**
   * Loads the shipped catalog. Without `path`, walks up from this module's directory to the first
   * directory holding resources/attack/catalog.json (works from source, tsx, vitest and the
   * electron-vite output in out/main). A packaged app should pass the path explicitly, since its
   * resources live under process.resourcesPath.
   */
  static load(path?: string): AttackCatalog {
    const file = path === undefined ? findCatalogFile() : resolve(path);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AttackCatalogError(
        'ATTACK_CATALOG_NOT_FOUND',
        `Cannot read the ATT&CK catalog at ${file}: ${reason}. ${REBUILD_HINT}`,
      );
    }
    return AttackCatalog.fromJson(text, file);
  }

  /** Parses and validates catalog JSON; `source` only names the origin in error messages. */
  static fromJson(text: string, source = 'catalog JSON'): AttackCatalog {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AttackCatalogError(
        'ATTACK_CATALOG_INVALID',
        `The ATT&CK catalog ${source} is not valid JSON (${reason}). ${REBUILD_HINT}`,
      );
    }
    const parsed = AttackCatalogFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new AttackCatalogError(
        'ATTACK_CATALOG_INVALID',
        `The ATT&CK catalog ${source} is malformed:\n${describeIssues(parsed.error.issues)}\n${REBUILD_HINT}`,
      );
    }
    return new AttackCatalog(parsed.data);
  }

  /** All tactics in matrix order (Reconnaissance … Impact). */
  tactics(): readonly AttackTactic[] {
    return this.#tactics;
  }

  /** By id (`TA0006`) or shortname (`credential-access`), case-insensitive. */
  tactic(idOrShortname: string): AttackTactic | undefined {
    const key = idOrShortname.trim();
    return this.#tacticByKey.get(key.toUpperCase()) ?? this.#tacticByKey.get(key.toLowerCase());
  }

  /** Any catalogued technique, including revoked and deprecated ones; id is case-insensitive. */
  technique(id: string): AttackTechnique | undefined {
    const normalized = normalizeTechniqueId(id);
    return normalized === null ? undefined : this.#techniqueById.get(normalized);
  }

  /** What an id (e.g. one stored on an old finding) means today. */
  resolve(id: string): AttackResolution {
    const technique = this.technique(id);
    if (!technique) return { status: 'unknown' };
    if (technique.revoked) {
      const replacement = technique.replaced_by === null ? undefined : this.#techniqueById.get(technique.replaced_by);
      // Unreachable: the schema checks every revoked entry names a catalogued replacement.
      if (!replacement) throw new AttackCatalogError('ATTACK_CATALOG_INVALID', `${technique.id} is revoked without a replacement`);
      return { status: 'revoked', technique, replacement };
    }
    if (technique.deprecated) return { status: 'deprecated', technique };
    return { status: 'active', technique };
  }

  /**
   * Active techniques of one tactic (id or shortname) as a matrix column: techniques by id, each
   * followed by its sub-techniques of the same tactic. Unknown tactic → empty.
   */
  techniquesForTactic(tacticIdOrShortname: string): readonly AttackTechnique[] {
    const tactic = this.tactic(tacticIdOrShortname);
    return (tactic && this.#techniquesByTactic.get(tactic.id)) ?? [];
  }

  /**
   * As-you-type search over active techniques. Ranking: exact id, then id prefix (`t1110`,
   * `T1110.0`, `1110`), then names where every query word prefixes a name word — in order
   * (`pass spray`) before out of order, own name before the parent's name (`brute` also finds
   * Brute Force's sub-techniques) — shorter names first within each rank.
   */
  search(query: string, limit = 20): AttackTechnique[] {
    const max = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 0;
    const text = query.trim();
    if (max === 0 || text === '') return [];

    const results: AttackTechnique[] = [];
    const taken = new Set<number>();
    const idPrefix = idPrefixOf(text);
    if (idPrefix !== null) {
      // Ids sort parent-first (`T1110` < `T1110.001`), so an exact match heads its prefix range.
      const start = lowerBound(this.#activeIds, idPrefix);
      for (let i = start; i < this.#activeIds.length && this.#activeIds[i]?.startsWith(idPrefix); i++) taken.add(i);
      for (const index of taken) {
        if (results.length === max) return results;
        const technique = this.#active[index];
        if (technique) results.push(technique);
      }
    }

    const words = tokenize(text);
    if (words.length === 0 || results.length === max) return results;
    let candidates: Set<number> | undefined;
    for (const word of words) {
      const matches = new Set<number>();
      for (let i = lowerBound(this.#tokens, word); i < this.#tokens.length && this.#tokens[i]?.startsWith(word); i++) {
        for (const index of this.#postings[i] ?? []) {
          if (!candidates || candidates.has(index)) matches.add(index);
        }
      }
      candidates = matches;
      if (candidates.size === 0) return results;
    }

    const ranked: { index: number; rank: number; length: number; id: string }[] = [];
    for (const index of candidates ?? []) {
      const technique = this.#active[index];
      if (!technique || taken.has(index)) continue;
      const own = this.#ownTokens[index] ?? [];
      const rank = matchesInOrder(words, own) ? 0 : words.every((w) => own.some((t) => t.startsWith(w))) ? 1 : 2;
      ranked.push({ index, rank, length: technique.name.length, id: technique.id });
    }
    ranked.sort((a, b) => a.rank - b.rank || a.length - b.length || compareStrings(a.id, b.id));
    for (const { index } of ranked) {
      if (results.length === max) break;
      const technique = this.#active[index];
      if (technique) results.push(technique);
    }
    return results;
  }
}

function findCatalogFile(): string {
  // import.meta.dirname is missing under some transformers; the URL form always works.
  const start = import.meta.dirname ?? dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; ) {
    const candidate = join(dir, CATALOG_RELATIVE_PATH);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new AttackCatalogError(
    'ATTACK_CATALOG_NOT_FOUND',
    `No ${CATALOG_RELATIVE_PATH} found in ${start} or any parent directory. ${REBUILD_HINT}`,
  );
}

/**
 * Invariants the lookups rely on, checked once at load so the methods can trust the data:
 * unique ids, known tactics, consistent parent links and revocation targets.
 */
function checkCrossReferences(file: { tactics: AttackTactic[]; techniques: AttackTechnique[] }, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const tacticIds = new Set<string>();
  const shortnames = new Set<string>();
  file.tactics.forEach((tactic, i) => {
    if (tacticIds.has(tactic.id)) issue(['tactics', i, 'id'], `duplicate tactic ${tactic.id}`);
    if (shortnames.has(tactic.shortname)) issue(['tactics', i, 'shortname'], `duplicate shortname ${tactic.shortname}`);
    tacticIds.add(tactic.id);
    shortnames.add(tactic.shortname);
  });

  const byId = new Map<string, AttackTechnique>();
  file.techniques.forEach((technique, i) => {
    if (byId.has(technique.id)) issue(['techniques', i, 'id'], `duplicate technique ${technique.id}`);
    byId.set(technique.id, technique);
  });

  file.techniques.forEach((t, i) => {
    const at = (field: string) => ['techniques', i, field];
    for (const tacticId of t.tactics) {
      if (!tacticIds.has(tacticId)) issue(at('tactics'), `${t.id} names unknown tactic ${tacticId}`);
    }
    if (isActive(t) && t.tactics.length === 0) issue(at('tactics'), `active ${t.id} has no tactic`);
    if (t.is_subtechnique !== t.id.includes('.')) issue(at('is_subtechnique'), `${t.id}: is_subtechnique disagrees with the id`);
    if (t.parent !== parentTechniqueId(t.id)) issue(at('parent'), `${t.id}: parent must be ${parentTechniqueId(t.id)}`);
    const parent = t.parent === null ? undefined : byId.get(t.parent);
    if (t.parent !== null && !parent) issue(at('parent'), `${t.id}: parent ${t.parent} is not in the catalog`);
    if (parent && isActive(t) && !isActive(parent)) issue(at('parent'), `active ${t.id} has inactive parent ${t.parent}`);
    if (t.revoked !== (t.replaced_by !== null)) issue(at('replaced_by'), `${t.id}: replaced_by is required exactly when revoked`);
    if (t.replaced_by !== null) {
      const replacement = byId.get(t.replaced_by);
      if (!replacement) issue(at('replaced_by'), `${t.id}: replacement ${t.replaced_by} is not in the catalog`);
      else if (replacement.revoked) issue(at('replaced_by'), `${t.id}: replacement ${t.replaced_by} is itself revoked`);
    }
  });
}

function describeIssues(issues: z.ZodError['issues']): string {
  const lines = issues.slice(0, MAX_REPORTED_ISSUES).map((i) => `  - ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  if (issues.length > MAX_REPORTED_ISSUES) lines.push(`  … and ${issues.length - MAX_REPORTED_ISSUES} more`);
  return lines.join('\n');
}

function isActive(t: AttackTechnique): boolean {
  return !t.revoked && !t.deprecated;
}

/**
 * Turns a query into an id prefix: `t1110` → `T1110`, `1110.0` → `T1110.0`, a pasted Datadog tag
 * `technique:t1110-brute-force` → `T1110`. At least one digit is required, so `t` alone is a
 * word search rather than "every technique".
 */
function idPrefixOf(text: string): string | null {
  const tag = parseMitreTag(text);
  if (tag?.kind === 'technique') return tag.id;
  const match = /^t?(\d{1,3}|\d{4}(?:\.\d{0,3})?)$/i.exec(text);
  return match?.[1] === undefined ? null : `T${match[1]}`;
}

function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((token) => token !== '');
}

/** True when the words prefix-match name tokens at increasing positions (greedy is exact here). */
function matchesInOrder(words: readonly string[], tokens: readonly string[]): boolean {
  let position = 0;
  for (const word of words) {
    while (position < tokens.length && !tokens[position]?.startsWith(word)) position++;
    if (position === tokens.length) return false;
    position++;
  }
  return true;
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? '') < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Code-unit order, not locale order: ids and tokens must sort the same on every machine. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byId(a: AttackTechnique, b: AttackTechnique): number {
  return compareStrings(a.id, b.id);
}

// Entries are shared by every caller; freezing stops one caller's edit from leaking to the rest.
function freezeTactic(tactic: AttackTactic): AttackTactic {
  return Object.freeze(tactic);
}

function freezeTechnique(technique: AttackTechnique): AttackTechnique {
  Object.freeze(technique.tactics);
  Object.freeze(technique.platforms);
  return Object.freeze(technique);
}
