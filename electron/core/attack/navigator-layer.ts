// ATT&CK Navigator layers (format 4.5) for one finding or for every finding a queue filter
// matches, so a case or a whole slice of the queue opens in MITRE's Navigator. One finding: its
// primary technique, its secondary ones and (when overridden) the drafter's suggestion, each in its
// own colour. A set: findings per technique as the score, on a light-to-dark gradient.
import type { NavigatorLayerExport } from '../../../shared/attack';
import type { QueueFilter } from '../../../shared/domain';
import { VigilError } from '../../../shared/errors';
import { NAVIGATOR_LAYER_VERSION, NAVIGATOR_VERSION, NavigatorLayer, type NavigatorTechnique } from '../../../shared/navigator-layer';
import type { Register } from '../register/register';
import type { AttackCatalog } from './catalog';

/** Roles in a finding's layer (ColorBrewer Oranges/Blues: readable on Navigator's white matrix). */
const COLOR = { primary: '#e6550d', secondary: '#fdae6b', suggested: '#9ecae1' } as const;
/** Findings per technique in a set: ColorBrewer OrRd, few → many. */
const SET_GRADIENT = ['#fff7ec', '#fc8d59', '#b30000'];

type Meta = { name: string; value: string };

function base(catalog: AttackCatalog, name: string, description: string, metadata: Meta[]): Omit<NavigatorLayer, 'techniques' | 'gradient' | 'legendItems'> {
  return {
    name,
    // The layer names ATT&CK's major version, as Navigator's own exports do ("18" for v18.1).
    versions: { attack: catalog.attackVersion.split('.')[0] ?? catalog.attackVersion, navigator: NAVIGATOR_VERSION, layer: NAVIGATOR_LAYER_VERSION },
    domain: 'enterprise-attack',
    description,
    sorting: 3,
    layout: {
      layout: 'side',
      showID: true,
      showName: true,
      showAggregateScores: true,
      countUnscored: false,
      aggregateFunction: 'sum',
      expandedSubtechniques: 'annotated',
    },
    hideDisabled: false,
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata,
  };
}

/** The tactic's shortname when the technique is in that tactic (so Navigator shows it in one column). */
function tacticFor(catalog: AttackCatalog, technique: string, tacticId: string | null): string | undefined {
  const t = catalog.technique(technique);
  if (!t || !tacticId || !t.tactics.includes(tacticId)) return undefined;
  return catalog.tactic(tacticId)?.shortname;
}

function links(catalog: AttackCatalog, id: string): NavigatorTechnique['links'] {
  const t = catalog.technique(id);
  return t ? [{ label: `${t.id} on attack.mitre.org`, url: t.url }] : undefined;
}

function describeFilter(f: QueueFilter): string {
  const parts = Object.entries(f)
    .filter(([, v]) => (Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v.trim() !== ''))
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map((x) => (x === '' ? 'unassigned' : x)).join(', ') : `"${String(v)}"`}`);
  return parts.length ? parts.join('; ') : 'all findings';
}

export function navigatorLayer(
  catalog: AttackCatalog,
  reg: Register,
  actor: string,
  input: { id?: string | undefined; filter?: QueueFilter | undefined },
  now = new Date(),
): NavigatorLayerExport {
  const common: Meta[] = [
    { name: 'exported by', value: actor },
    { name: 'exported at', value: now.toISOString() },
    { name: 'workspace', value: reg.setting('workspace.name') ?? '' },
    { name: 'ATT&CK catalog', value: `${catalog.domain} v${catalog.attackVersion}` },
  ];
  const out = input.id !== undefined ? findingLayer(catalog, reg, input.id, common) : setLayer(catalog, reg, input.filter ?? {}, common);
  const layer = NavigatorLayer.parse(out.layer);
  reg.appendAudit({
    actor,
    action: 'attack.layer_exported',
    entity: input.id !== undefined ? 'finding' : 'queue',
    entityId: input.id ?? 'filter',
    new: { techniques: layer.techniques.length, findings: out.findings, ...(input.id === undefined ? { filter: input.filter ?? {} } : {}) },
  });
  return { ...out, layer };
}

function findingLayer(catalog: AttackCatalog, reg: Register, id: string, common: Meta[]): NavigatorLayerExport {
  const n = Number(id.slice(4));
  const rec = reg.finding(n);
  if (!rec) throw new VigilError('NOT_FOUND', `Finding ${id} does not exist in this workspace.`);
  const f = rec.row;
  const decisions = reg.techniqueDecisions(n);
  const last = decisions.at(-1);
  const about: Meta[] = [
    { name: 'finding', value: f.finding_id },
    { name: 'title', value: f.title },
    { name: 'severity', value: f.severity },
    { name: 'status', value: f.status },
    { name: 'decision revision', value: String(rec.decision_revision) },
  ];
  const techniques: NavigatorTechnique[] = [];
  if (f.mitre_technique) {
    const meta: Meta[] = [...about, { name: 'role', value: 'primary technique' }];
    if (last && last.technique === f.mitre_technique) {
      meta.push({ name: 'decision', value: `${last.kind} by ${last.actor} at ${new Date(last.at).toISOString()}` });
      if (last.suggested_technique) meta.push({ name: 'drafter suggested', value: `${last.suggested_technique}${last.suggested_confidence === null ? '' : ` (confidence ${last.suggested_confidence})`}` });
      if (last.reason) meta.push({ name: 'reason', value: last.reason });
    }
    const tactic = tacticFor(catalog, f.mitre_technique, f.mitre_tactic);
    techniques.push({
      techniqueID: f.mitre_technique,
      ...(tactic ? { tactic } : {}),
      score: 1,
      color: COLOR.primary,
      comment: `${f.finding_id}: primary technique${last?.kind === 'override' && last.technique === f.mitre_technique ? ` (overrides the drafter's ${last.suggested_technique})` : ''}`,
      metadata: meta,
      ...(links(catalog, f.mitre_technique) ? { links: links(catalog, f.mitre_technique) } : {}),
    });
  }
  for (const s of rec.secondary_techniques) {
    techniques.push({
      techniqueID: s,
      score: 1,
      color: COLOR.secondary,
      comment: `${f.finding_id}: secondary technique`,
      metadata: [...about, { name: 'role', value: 'secondary technique' }],
      ...(links(catalog, s) ? { links: links(catalog, s) } : {}),
    });
  }
  // An overridden suggestion stays visible (unscored), so the layer shows what the analyst rejected.
  if (last?.kind === 'override' && last.suggested_technique && last.suggested_technique !== f.mitre_technique && !rec.secondary_techniques.includes(last.suggested_technique)) {
    techniques.push({
      techniqueID: last.suggested_technique,
      color: COLOR.suggested,
      comment: `${f.finding_id}: the drafter's suggestion, overridden by ${last.actor}${last.reason ? `: ${last.reason}` : ''}`,
      metadata: [...about, { name: 'role', value: 'drafter suggestion (overridden)' }],
    });
  }
  const legendItems = [
    { label: 'Primary technique', color: COLOR.primary },
    { label: 'Secondary technique', color: COLOR.secondary },
    ...(techniques.some((t) => t.color === COLOR.suggested) ? [{ label: "Drafter's suggestion (overridden)", color: COLOR.suggested }] : []),
  ];
  return {
    filename: `vigil-${f.finding_id}-attack-layer.json`,
    findings: 1,
    layer: {
      ...base(catalog, `Vigil ${f.finding_id}: ${f.title}`.slice(0, 200), `ATT&CK techniques of finding ${f.finding_id} (${f.severity}, ${f.status}).`, [...common, { name: 'finding', value: f.finding_id }]),
      techniques,
      gradient: { colors: ['#ffffff', COLOR.primary], minValue: 0, maxValue: 1 },
      legendItems,
    },
  };
}

function setLayer(catalog: AttackCatalog, reg: Register, filter: QueueFilter, common: Meta[]): NavigatorLayerExport {
  const counts = reg.techniqueCounts(filter);
  const by = new Map<string, { primary: number; secondary: number; tactics: Map<string | null, number> }>();
  const entry = (id: string) => {
    let e = by.get(id);
    if (!e) by.set(id, (e = { primary: 0, secondary: 0, tactics: new Map() }));
    return e;
  };
  for (const p of counts.primary) {
    const e = entry(p.technique);
    e.primary += p.count;
    e.tactics.set(p.tactic, (e.tactics.get(p.tactic) ?? 0) + p.count);
  }
  for (const s of counts.secondary) entry(s.technique).secondary += s.count;

  const techniques: NavigatorTechnique[] = [];
  let max = 1;
  for (const [id, e] of [...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!/^T\d{4}(?:\.\d{3})?$/.test(id)) continue; // a malformed stored value cannot be a layer entry
    const total = e.primary + e.secondary;
    max = Math.max(max, total);
    const t = catalog.technique(id);
    // One column when every finding tagged it under the same tactic (or it has only one);
    // otherwise Navigator shows it under each of its tactics.
    const tacticIds = [...e.tactics.keys()];
    const only = t?.tactics.length === 1 ? t.tactics[0]! : e.secondary === 0 && tacticIds.length === 1 ? tacticIds[0]! : null;
    const tactic = tacticFor(catalog, id, only);
    const meta: Meta[] = [
      { name: 'findings', value: String(total) },
      { name: 'as primary', value: String(e.primary) },
      { name: 'as secondary', value: String(e.secondary) },
      ...[...e.tactics].map(([tid, c]) => ({ name: `under ${tid ?? 'no tactic'}`, value: String(c) })),
    ];
    if (t && (t.revoked || t.deprecated)) meta.push({ name: 'catalog status', value: t.revoked ? `revoked (use ${t.replaced_by})` : 'deprecated' });
    techniques.push({
      techniqueID: id,
      ...(tactic ? { tactic } : {}),
      score: total,
      comment: `${total} finding${total === 1 ? '' : 's'}: ${e.primary} primary, ${e.secondary} secondary`,
      metadata: meta,
      ...(links(catalog, id) ? { links: links(catalog, id) } : {}),
    });
  }
  const what = describeFilter(filter);
  return {
    filename: 'vigil-queue-attack-layer.json',
    findings: counts.findings,
    layer: {
      ...base(catalog, `Vigil queue: ${counts.findings} finding${counts.findings === 1 ? '' : 's'}`, `Findings per ATT&CK technique (score = findings tagging it) for ${what}.`, [
        ...common,
        { name: 'filter', value: what },
        { name: 'findings', value: String(counts.findings) },
      ]),
      techniques,
      gradient: { colors: SET_GRADIENT, minValue: 0, maxValue: max },
      legendItems: [],
    },
  };
}
