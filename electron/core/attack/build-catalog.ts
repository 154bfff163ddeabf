// From a MITRE ATT&CK Enterprise STIX 2.1 bundle to Vigil's catalog (catalog.json). Used by the
// build script for resources/attack and by the app to import a newer bundle at run time.
// Field meanings follow MITRE's bundle documentation (see scripts/build-attack-catalog.ts).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { VigilError } from '../../../shared/errors';
import {
  AttackCatalog,
  CATALOG_FORMAT,
  CATALOG_VERSION,
  type AttackCatalogFile,
  type AttackTactic,
  type AttackTechnique,
} from './catalog';

const MAX_DESCRIPTION = 600;

// Only the fields this script reads; everything else in the bundle passes through unchecked.
const ExternalReference = z.looseObject({
  source_name: z.string(),
  external_id: z.string().optional(),
  url: z.string().optional(),
});
const Lifecycle = {
  revoked: z.boolean().default(false),
  x_mitre_deprecated: z.boolean().default(false),
};
const StixObject = z.looseObject({ type: z.string(), id: z.string() });
const Bundle = z.looseObject({ type: z.literal('bundle'), objects: z.array(StixObject) });
const Collection = z.looseObject({
  id: z.string(),
  name: z.string(),
  x_mitre_version: z.string().optional(),
  modified: z.string(),
});
const Matrix = z.looseObject({
  id: z.string(),
  tactic_refs: z.array(z.string()).min(1),
  external_references: z.array(ExternalReference),
  ...Lifecycle,
});
const Tactic = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().default(''),
  x_mitre_shortname: z.string(),
  external_references: z.array(ExternalReference),
  ...Lifecycle,
});
const AttackPattern = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().default(''),
  external_references: z.array(ExternalReference).default([]),
  kill_chain_phases: z.array(z.looseObject({ kill_chain_name: z.string(), phase_name: z.string() })).default([]),
  x_mitre_platforms: z.array(z.string()).default([]),
  x_mitre_is_subtechnique: z.boolean().default(false),
  ...Lifecycle,
});
const Relationship = z.looseObject({
  id: z.string(),
  relationship_type: z.string(),
  source_ref: z.string(),
  target_ref: z.string(),
  ...Lifecycle,
});
type AttackPattern = z.infer<typeof AttackPattern>;

export class BuildError extends Error {
  override name = 'BuildError';
}

function parseAs<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BuildError(`${what} does not look like ATT&CK STIX:\n${z.prettifyError(result.error)}`);
  return result.data;
}

function mitreReference(refs: readonly z.infer<typeof ExternalReference>[]) {
  // Looked up by source_name, not position: only active objects are guaranteed to list it first.
  const ref = refs.find((r) => r.source_name === 'mitre-attack' && r.external_id !== undefined);
  return ref?.external_id === undefined ? undefined : { id: ref.external_id, url: ref.url ?? '' };
}

/**
 * First paragraph of a STIX description as plain text: citation markers dropped, Markdown links
 * reduced to their text, bold removed, `<code>` shown as backticks, then cut to `max` characters
 * at a sentence end when one is close, else at a word with an ellipsis.
 */
export function excerpt(markdown: string, max = MAX_DESCRIPTION): string {
  const first = markdown.split(/\n\s*\n/).find((p) => p.trim() !== '') ?? '';
  const text = first
    .replace(/\s*\(Citation:[^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\((?:[^()\s]|\([^()\s]*\))*\)/g, '$1')
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/<code>(.*?)<\/code>/g, '`$1`')
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= max) return text;
  // A capital after the gap tells a sentence end from "e.g. 'Password01'".
  let sentenceEnd = -1;
  for (const m of text.matchAll(/[.!?](?=\s+[A-Z])/g)) {
    if (m.index >= max) break;
    sentenceEnd = m.index;
  }
  if (sentenceEnd >= max / 2) return text.slice(0, sentenceEnd + 1);
  const space = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, space > 0 ? space : max - 1).replace(/[\s,;:]+$/, '')}…`;
}

export interface BuildOutput {
  catalog: AttackCatalogFile;
  /** The exact bytes to write as catalog.json. */
  json: string;
}

/** Pure transformation: bundle bytes in, catalog out. Throws BuildError on anything unexpected. */
export function buildCatalog(bundleBytes: Buffer): BuildOutput {
  const sourceSha256 = createHash('sha256').update(bundleBytes).digest('hex');
  const bundle = parseAs(Bundle, JSON.parse(bundleBytes.toString('utf8')), 'The bundle');
  const stixById = new Map(bundle.objects.map((o) => [o.id, o]));
  const ofType = (type: string) => bundle.objects.filter((o) => o.type === type);

  const collections = ofType('x-mitre-collection').map((o) => parseAs(Collection, o, o.id));
  const collection = collections[0];
  if (!collection || collections.length !== 1) throw new BuildError(`expected one x-mitre-collection, found ${collections.length}`);
  const attackVersion = collection.x_mitre_version ?? /\bv?(\d+\.\d+)\b/.exec(collection.name)?.[1];
  if (attackVersion === undefined) throw new BuildError(`no ATT&CK version in ${collection.id} (x_mitre_version or name)`);

  const matrices = ofType('x-mitre-matrix')
    .map((o) => parseAs(Matrix, o, o.id))
    .filter((m) => !m.revoked && !m.x_mitre_deprecated);
  const matrix = matrices[0];
  if (!matrix || matrices.length !== 1) throw new BuildError(`expected one active x-mitre-matrix, found ${matrices.length}`);
  const domain = mitreReference(matrix.external_references)?.id;
  if (domain === undefined) throw new BuildError(`matrix ${matrix.id} has no mitre-attack external id`);

  const tactics: AttackTactic[] = matrix.tactic_refs.map((ref) => {
    const tactic = parseAs(Tactic, stixById.get(ref), `tactic ${ref}`);
    const mitre = mitreReference(tactic.external_references);
    if (!mitre) throw new BuildError(`tactic ${ref} has no mitre-attack external id`);
    if (tactic.revoked || tactic.x_mitre_deprecated) throw new BuildError(`matrix lists retired tactic ${mitre.id}`);
    return {
      id: mitre.id,
      shortname: tactic.x_mitre_shortname,
      name: tactic.name,
      description: excerpt(tactic.description),
      url: mitre.url,
    };
  });
  const tacticByShortname = new Map(tactics.map((t) => [t.shortname, t]));
  const matrixPosition = new Map(tactics.map((t, i) => [t.id, i]));

  const patterns = new Map<string, { stix: AttackPattern; id: string; url: string }>();
  for (const o of ofType('attack-pattern')) {
    const stix = parseAs(AttackPattern, o, o.id);
    const mitre = mitreReference(stix.external_references);
    if (mitre) patterns.set(stix.id, { stix, ...mitre });
  }
  const externalId = (stixId: string) => patterns.get(stixId)?.id;

  // Relationships between attack-patterns only; a retired relationship no longer asserts anything.
  const parentOf = new Map<string, string>();
  const revokedBy = new Map<string, string>();
  for (const o of ofType('relationship')) {
    const rel = parseAs(Relationship, o, o.id);
    if (rel.revoked || rel.x_mitre_deprecated) continue;
    if (!patterns.has(rel.source_ref) || !patterns.has(rel.target_ref)) continue;
    const target = rel.relationship_type === 'subtechnique-of' ? parentOf : rel.relationship_type === 'revoked-by' ? revokedBy : undefined;
    if (!target) continue;
    const existing = target.get(rel.source_ref);
    if (existing !== undefined && existing !== rel.target_ref) {
      throw new BuildError(`${externalId(rel.source_ref)} has two ${rel.relationship_type} targets`);
    }
    target.set(rel.source_ref, rel.target_ref);
  }

  // Revocations chain (T1150 → T1547.011 → T1647): an old id must map to what exists today.
  const finalReplacement = (stixId: string): string => {
    const seen = new Set<string>();
    let current = stixId;
    while (patterns.get(current)?.stix.revoked) {
      if (seen.has(current)) throw new BuildError(`revoked-by cycle through ${externalId(current)}`);
      seen.add(current);
      const next = revokedBy.get(current);
      if (next === undefined) throw new BuildError(`revoked ${externalId(current)} has no revoked-by relationship`);
      current = next;
    }
    const id = externalId(current);
    if (id === undefined) throw new BuildError(`revocation of ${externalId(stixId)} leads outside the catalog`);
    return id;
  };

  const seenIds = new Map<string, string>();
  const techniques: AttackTechnique[] = [];
  for (const [stixId, { stix, id, url }] of patterns) {
    const clash = seenIds.get(id);
    if (clash !== undefined) throw new BuildError(`${id} is used by both ${clash} and ${stixId}`);
    seenIds.set(id, stixId);

    const tacticIds = new Set<string>();
    for (const phase of stix.kill_chain_phases) {
      if (phase.kill_chain_name !== 'mitre-attack') continue;
      const tactic = tacticByShortname.get(phase.phase_name);
      if (!tactic) throw new BuildError(`${id} names unknown tactic ${phase.phase_name}`);
      tacticIds.add(tactic.id);
    }

    const idParent = id.includes('.') ? id.slice(0, id.indexOf('.')) : null;
    const relParentStix = parentOf.get(stixId);
    const relParent = relParentStix === undefined ? undefined : externalId(relParentStix);
    // Two revoked sub-techniques (T1053.001, T1547.011) lost their subtechnique-of link; the id
    // still names the parent, and the relationship, where present, must agree with it.
    if (relParent !== undefined && relParent !== idParent) throw new BuildError(`${id} is linked to parent ${relParent}`);
    if (stix.x_mitre_is_subtechnique !== (idParent !== null)) throw new BuildError(`${id}: x_mitre_is_subtechnique disagrees with the id`);

    techniques.push({
      id,
      name: stix.name,
      description: excerpt(stix.description),
      tactics: [...tacticIds].sort((a, b) => (matrixPosition.get(a) ?? 0) - (matrixPosition.get(b) ?? 0)),
      // MITRE lists platforms in no particular order; one order keeps the UI and diffs steady.
      platforms: [...stix.x_mitre_platforms].sort((a, b) => compareText(a.toLowerCase(), b.toLowerCase())),
      parent: idParent,
      is_subtechnique: stix.x_mitre_is_subtechnique,
      revoked: stix.revoked,
      deprecated: stix.x_mitre_deprecated,
      replaced_by: stix.revoked ? finalReplacement(stixId) : null,
      url,
    });
  }
  techniques.sort((a, b) => compareText(a.id, b.id));

  const catalog: AttackCatalogFile = {
    format: CATALOG_FORMAT,
    version: CATALOG_VERSION,
    attack_version: attackVersion,
    domain,
    modified: collection.modified,
    source_sha256: sourceSha256,
    tactics,
    techniques,
  };
  const json = serialize(catalog);
  // The loader's schema is the contract; refuse to write anything the app would refuse to read.
  AttackCatalog.fromJson(json, 'the freshly built catalog');
  return { catalog, json };
}

/** Code-unit order, not locale order, so every machine writes the same bytes. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pretty at the top, one compact entry per line: small, and diffs show one line per technique. */
export function serialize(catalog: AttackCatalogFile): string {
  const { tactics, techniques, ...header } = catalog;
  const list = (items: readonly unknown[]) => `[\n${items.map((item) => `    ${JSON.stringify(item)}`).join(',\n')}\n  ]`;
  const lines = Object.entries(header).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  lines.push(`  "tactics": ${list(tactics)}`, `  "techniques": ${list(techniques)}`);
  return `{\n${lines.join(',\n')}\n}\n`;
}

export function notice(catalog: AttackCatalogFile, license: string): string {
  // Quote the attribution from the license we ship, so the two can never disagree.
  const attribution = /^"(©.*)"\s*$/m.exec(license)?.[1];
  if (attribution === undefined) throw new BuildError('LICENSE.txt has no quoted "© … The MITRE Corporation" line');
  return `# MITRE ATT&CK®

\`catalog.json\` is derived from MITRE ATT&CK® v${catalog.attack_version}, domain \`${catalog.domain}\`
(released ${catalog.modified.slice(0, 10)}): tactic and technique ids, names, tactics, platforms,
lifecycle, and the first paragraph of each description, shortened.

${attribution}

ATT&CK® and MITRE ATT&CK® are registered trademarks of The MITRE Corporation.

The data is provided "AS IS" under the license in \`LICENSE.txt\` (beside this file).
Terms of use: https://attack.mitre.org/resources/terms-of-use/

Generated by \`scripts/build-attack-catalog.ts\`; do not edit by hand.
`;
}

/**
 * Import a newer ATT&CK bundle at run time: build, validate by loading, then write catalog.json
 * (atomically) into dir. Nothing is written unless the whole bundle converts.
 */
export function importAttackBundle(bundleBytes: Buffer, writeAtomic: (path: string, data: string) => void, dir: string): AttackCatalog {
  let built: BuildOutput;
  try {
    built = buildCatalog(bundleBytes);
  } catch (e) {
    throw new VigilError('VALIDATION_FAILED', `That file is not an ATT&CK Enterprise STIX bundle Vigil can read: ${e instanceof Error ? e.message.split('\n')[0] : 'unknown error'}`);
  }
  const catalog = AttackCatalog.fromJson(built.json, 'the imported bundle');
  writeAtomic(`${dir}/catalog.json`, built.json);
  return catalog;
}
