// ATT&CK tagging: the tactic matrix the tagging view draws, a finding's tags beside what the drafter
// (and the Datadog rule) suggested, confirming or overriding the technique with a kept reason, and
// the finding's decision history of tags. Ids an analyst picks must be active catalog entries.
import type { z } from 'zod';
import type { AttackMatrix, SetTechniqueInput, TaggingView, TechniqueRef, TechniqueSuggestion } from '../../../shared/attack';
import { parseMitreTag } from '../../../shared/attack-ids';
import { FindingBrief } from '../../../shared/brief';
import { VigilError } from '../../../shared/errors';
import type { Register } from '../register/register';
import type { TechniqueDecisionKind } from '../register/technique-store';
import type { AttackCatalog, AttackTechnique } from './catalog';

// The matrix is the same for every finding and every call while a catalog is loaded; an imported
// catalog is a new object, so it gets its own entry.
const matrices = new WeakMap<AttackCatalog, AttackMatrix>();

/** Tactics in kill-chain order as columns; techniques by name, each with its sub-techniques by name. */
export function attackMatrix(catalog: AttackCatalog): AttackMatrix {
  const cached = matrices.get(catalog);
  if (cached) return cached;
  const names: Record<string, string> = {};
  const byName = (a: AttackTechnique, b: AttackTechnique) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const tactics = catalog.tactics().map((tactic) => {
    const column = catalog.techniquesForTactic(tactic.id);
    const subsOf = new Map<string, AttackTechnique[]>();
    const tops: AttackTechnique[] = [];
    for (const t of column) {
      names[t.id] = t.name;
      if (t.parent !== null && column.some((p) => p.id === t.parent)) subsOf.set(t.parent, [...(subsOf.get(t.parent) ?? []), t]);
      else tops.push(t);
    }
    return {
      id: tactic.id,
      shortname: tactic.shortname,
      name: tactic.name,
      techniques: [...tops].sort(byName).map((t) => ({ id: t.id, subtechniques: (subsOf.get(t.id) ?? []).sort(byName).map((s) => s.id) })),
    };
  });
  const matrix: AttackMatrix = { version: catalog.attackVersion, domain: catalog.domain, tactics, names };
  matrices.set(catalog, matrix);
  return matrix;
}

/** An id an analyst may tag with: an active entry of the loaded catalog, or a clear refusal. */
export function requireActiveTechnique(catalog: AttackCatalog, id: string): AttackTechnique {
  const r = catalog.resolve(id);
  const v = `ATT&CK v${catalog.attackVersion}`;
  switch (r.status) {
    case 'active':
      return r.technique;
    case 'revoked':
      throw new VigilError(
        'TECHNIQUE_REVOKED',
        `${r.technique.id} (${r.technique.name}) was revoked in ${v} and replaced by ${r.replacement.id} (${r.replacement.name}); tag the replacement.`,
      );
    case 'deprecated':
      throw new VigilError('TECHNIQUE_DEPRECATED', `${r.technique.id} (${r.technique.name}) is deprecated in ${v} and is no longer to be used; pick another technique.`);
    case 'unknown':
      throw new VigilError('TECHNIQUE_UNKNOWN', `${id} is not a technique of the loaded ${v} catalog. Search by id or name to pick one.`);
  }
}

function findingNumber(reg: Register, id: string): number {
  const n = Number(id.slice(4));
  if (!reg.finding(n)) throw new VigilError('NOT_FOUND', `Finding ${id} does not exist in this workspace.`);
  return n;
}

/** The finding's newest successful draft and its brief, when it parses. */
function latestBrief(reg: Register, n: number): { draftId: number; drafter: string; brief: FindingBrief } | null {
  const d = reg.latestDraft(n);
  if (!d?.output) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(d.output);
  } catch {
    return null;
  }
  const parsed = FindingBrief.safeParse(raw);
  return parsed.success ? { draftId: d.id, drafter: d.model ? `${d.drafter} (${d.model})` : d.drafter, brief: parsed.data } : null;
}

function ref(catalog: AttackCatalog, id: string): TechniqueRef {
  const t = catalog.technique(id);
  return { id, name: t?.name ?? null, tactics: t ? [...t.tactics] : [] };
}

function suggestionsFor(catalog: AttackCatalog, reg: Register, n: number): TechniqueSuggestion[] {
  const out: TechniqueSuggestion[] = [];
  const seen = new Set<string>();
  const add = (s: Omit<TechniqueSuggestion, 'name' | 'status' | 'replaced_by'>) => {
    const key = `${s.source}|${s.id}`;
    if (seen.has(key)) return;
    seen.add(key);
    const r = catalog.resolve(s.id);
    out.push({
      ...s,
      name: r.status === 'unknown' ? null : r.technique.name,
      status: r.status,
      replaced_by: r.status === 'revoked' ? r.replacement.id : null,
    });
  };
  const latest = latestBrief(reg, n);
  if (latest) {
    const b = latest.brief;
    const mentions = (id: string) => {
      const name = catalog.technique(id)?.name.toLowerCase();
      return b.claims
        .filter((c) => c.text.toUpperCase().includes(id) || (name !== undefined && c.text.toLowerCase().includes(name)))
        .map((c) => ({ text: c.text, verified: c.verified }));
    };
    add({ id: b.technique.id, tactic: b.technique.tactic_id, source: 'drafter', confidence: b.confidence, drafted_by: latest.drafter, evidence: mentions(b.technique.id) });
    for (const id of b.secondary_techniques) {
      add({ id, tactic: null, source: 'drafter_secondary', confidence: null, drafted_by: latest.drafter, evidence: mentions(id) });
    }
  }
  // The Datadog rule's own MITRE tags: the detection engineer's mapping, a suggestion of its own.
  const rec = reg.finding(n)!;
  const tags = (rec.signal.payload as { attributes?: { tags?: unknown } }).attributes?.tags;
  const parsed = (Array.isArray(tags) ? tags : []).flatMap((t) => (typeof t === 'string' ? [parseMitreTag(t)] : [])).filter((t) => t !== null);
  const tagTactics = parsed.filter((t) => t.kind === 'tactic').map((t) => t.id);
  for (const t of parsed) {
    if (t.kind !== 'technique') continue;
    const tactic = tagTactics.find((x) => catalog.technique(t.id)?.tactics.includes(x)) ?? null;
    add({ id: t.id, tactic, source: 'signal', confidence: null, drafted_by: null, evidence: [] });
  }
  return out;
}

export function taggingView(catalog: AttackCatalog, reg: Register, id: string): TaggingView {
  const n = findingNumber(reg, id);
  const rec = reg.finding(n)!;
  const tacticId = rec.row.mitre_tactic;
  const tactic = tacticId ? catalog.tactic(tacticId) : undefined;
  return {
    finding_id: rec.row.finding_id,
    status: rec.row.status,
    decision_revision: rec.decision_revision,
    signed: reg.signedAtCurrentRevision(n),
    technique: rec.row.mitre_technique ? ref(catalog, rec.row.mitre_technique) : null,
    tactic: tacticId ? { id: tacticId, shortname: tactic?.shortname ?? null, name: tactic?.name ?? null } : null,
    secondary: rec.secondary_techniques.map((s) => ref(catalog, s)),
    suggestions: suggestionsFor(catalog, reg, n),
    decisions: reg.techniqueDecisions(n).map((d) => ({
      id: d.id,
      at: new Date(d.at).toISOString(),
      actor: d.actor,
      kind: d.kind,
      technique: d.technique,
      tactic: d.tactic,
      secondary: d.secondary,
      previous_technique: d.previous_technique,
      suggested_technique: d.suggested_technique,
      suggested_confidence: d.suggested_confidence,
      reason: d.reason,
      decision_revision: d.decision_revision,
    })),
  };
}

/**
 * Confirm or override the drafter's technique, or set one where there is no draft. The override
 * and its reason are kept (technique_decisions + the audit trail); a signed finding changes only
 * as a new decision revision, through the same update path every decision edit takes.
 */
export function setTechnique(catalog: AttackCatalog, reg: Register, actor: string, i: z.output<typeof SetTechniqueInput>): TaggingView {
  const n = findingNumber(reg, i.id);
  const rec = reg.finding(n)!;
  const latest = latestBrief(reg, n);
  const suggested = latest?.brief.technique.id ?? null;

  const chosen = i.technique ?? (i.confirm ? suggested : rec.row.mitre_technique);
  if (!chosen) {
    throw new VigilError('VALIDATION_FAILED', i.confirm ? `${i.id} has no drafted technique to confirm; choose one.` : `Choose a technique for ${i.id}.`);
  }
  if (i.confirm && chosen !== suggested) {
    throw new VigilError('VALIDATION_FAILED', `Confirming means keeping the drafter's ${suggested ?? 'technique'}; ${chosen} is an override and needs a reason.`);
  }
  const technique = requireActiveTechnique(catalog, chosen);

  const secondary: string[] = [];
  for (const s of i.secondary ?? rec.secondary_techniques) {
    const t = requireActiveTechnique(catalog, s);
    if (t.id !== technique.id && !secondary.includes(t.id)) secondary.push(t.id);
  }

  let tactic: string;
  if (i.tactic !== undefined) {
    if (!technique.tactics.includes(i.tactic)) {
      throw new VigilError('VALIDATION_FAILED', `${technique.id} (${technique.name}) is not a technique of tactic ${i.tactic}; it belongs to ${technique.tactics.join(', ')}.`);
    }
    tactic = i.tactic;
  } else {
    const fits = (x: string | null | undefined): x is string => !!x && technique.tactics.includes(x);
    const current = rec.row.mitre_tactic;
    const drafted = latest?.brief.technique.tactic_id;
    tactic = fits(current) ? current : fits(drafted) ? drafted : technique.tactics[0]!;
  }

  const kind: TechniqueDecisionKind = suggested === null ? 'set' : technique.id === suggested ? 'confirm' : 'override';
  const reason = i.reason ? i.reason : null;
  if (kind === 'override' && !reason) {
    throw new VigilError('REASON_REQUIRED', `${technique.id} differs from the drafter's ${suggested}; say why you override it (the reason is kept with the finding).`);
  }
  const unchanged =
    technique.id === rec.row.mitre_technique && tactic === rec.row.mitre_tactic && secondary.join(',') === rec.secondary_techniques.join(',');
  // Re-saving the same tags records nothing; an explicit confirmation is kept even then.
  if (unchanged && !(kind === 'confirm' && i.confirm)) return taggingView(catalog, reg, i.id);

  reg.tagTechniques(
    n,
    { mitre_technique: technique.id, mitre_tactic: tactic, secondary_techniques: secondary },
    {
      kind,
      technique: technique.id,
      tactic,
      secondary,
      previous_technique: rec.row.mitre_technique,
      previous_secondary: rec.secondary_techniques,
      suggested_technique: suggested,
      suggested_confidence: latest?.brief.confidence ?? null,
      draft_id: latest?.draftId ?? null,
      reason,
    },
    actor,
    { newRevision: i.newRevision ?? false },
  );
  return taggingView(catalog, reg, i.id);
}
