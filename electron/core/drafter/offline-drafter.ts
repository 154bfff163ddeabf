// The offline drafter: a complete finding brief from the draft input alone, no LLM. Used during
// outages and by teams without an LLM, and measured by `vigil eval --offline`.
//
// Technique: the signal's own MITRE tags first (validated against the catalog; revoked ids mapped to
// their successor; a parent tag refined to a sub-technique when the signal's content names one; a
// tag the content flatly contradicts demoted to secondary), otherwise retrieval over the catalog
// (retrieval.ts). Everything else — blast radius, action, risk, plan, related findings — is rules
// over the same input, and every claim cites evidence that exists in it.
import { FindingBrief, type Claim, type EvidenceRef } from '../../../shared/brief';
import { parseMitreTag } from '../../../shared/attack-ids';
import { VigilError } from '../../../shared/errors';
import type { AttackCatalog, AttackTechnique } from '../attack/catalog';
import { resolveEvidence, verifyClaims } from './evidence-check';
import { blastSummary, entityLabel, typeEntities, type TypedEntity } from './offline-entities';
import { mitigationPlan, recommendAction, riskOf, type AttributionPath, type PlanContext } from './offline-plan';
import { TechniqueIndex, queryFromDraftInput, type FamilyScore, type KeywordMatch, type QueryFieldKind, type RetrievalQuery, type RetrievalResult, type TechniqueScore } from './retrieval';
import type { DraftInput, DraftResult, Drafter } from './types';

export const OFFLINE_DRAFTER_IDENTITY = 'vigil/offline-drafter@2';
export const OFFLINE_PROMPT_VERSION = 'offline-2';

const DAY_MS = 86_400_000;
const RELATED_WINDOW_DAYS = 30;

export interface Attribution {
  technique: AttackTechnique;
  tacticId: string | null;
  confidence: number;
  path: AttributionPath;
  secondary: string[];
  notes: string[];
  /** the technique claim, with its evidence */
  claim: { text: string; evidence: EvidenceRef[] };
  retrieval: RetrievalResult;
}

const FIELD_LABEL: Record<QueryFieldKind, string> = {
  rule: 'rule name',
  title: 'signal title',
  event: 'event name',
  hint: 'triggering event',
  body: 'rule description',
  attrs: 'signal attributes',
  triage: 'triage notes',
};

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const round2 = (x: number) => Math.round(x * 100) / 100;

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Evidence an override can stand on: a strong (not hint-level) phrase where the rule says what it detects. */
function strongEvidence(s: TechniqueScore): boolean {
  return s.keyword >= 2.5 && s.matches.some((m) => (m.field === 'rule' || m.field === 'title' || m.field === 'event' || m.field === 'hint') && m.base >= 2 && m.weight >= 1.4);
}

function dedupeRefs(refs: EvidenceRef[]): EvidenceRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = `${r.kind}:${r.ref}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function matchText(matches: readonly KeywordMatch[]): string {
  return matches
    .slice(0, 3)
    .map((m) => `“${m.phrase.replace(/\s*&\s*/g, ' … ')}” in the ${FIELD_LABEL[m.field]}`)
    .join('; ');
}

export class OfflineDrafter implements Drafter {
  readonly identity = OFFLINE_DRAFTER_IDENTITY;
  readonly kind = 'offline' as const;
  readonly model = null;
  readonly promptVersion = OFFLINE_PROMPT_VERSION;
  readonly #catalog: AttackCatalog;
  readonly #index: TechniqueIndex;
  readonly #tacticOrder: Map<string, number>;

  constructor(catalog: AttackCatalog) {
    this.#catalog = catalog;
    this.#index = TechniqueIndex.for(catalog);
    this.#tacticOrder = new Map(catalog.tactics().map((t, i) => [t.id, i]));
  }

  async draft(input: DraftInput, opts?: { signal?: AbortSignal }): Promise<DraftResult> {
    if (opts?.signal?.aborted) throw new VigilError('CANCELLED', 'Drafting was cancelled.');
    const t0 = performance.now();
    const brief = this.brief(input);
    return { brief, usage: { tokensIn: 0, tokensOut: 0 }, retries: 0, latencyMs: Math.max(0, Math.round(performance.now() - t0)) };
  }

  /** The brief, synchronously (the drafter does no I/O). Deterministic for a given input. */
  brief(input: DraftInput): FindingBrief {
    const query = queryFromDraftInput(input);
    const att = this.attribute(input, query);
    const s = input.signal;
    const attrs = s.attributes;
    const workflow = obj(attrs['workflow']);
    const eventsMatched = typeof workflow?.['events_matched'] === 'number' ? (workflow['events_matched'] as number) : null;
    const firstSeen = typeof workflow?.['first_seen'] === 'string' ? (workflow['first_seen'] as string) : null;
    const lastSeen = typeof workflow?.['last_seen'] === 'string' ? (workflow['last_seen'] as string) : null;
    const host = typeof attrs['hostname'] === 'string' ? (attrs['hostname'] as string) : null;

    const entities = typeEntities(s.entities, host);
    const prodTag = s.tags.findIndex((t) => /^(env|environment):(prod|production)$/i.test(t));
    const prodEntity = entities.find((e) => /(^|[-_.])prod(uction)?([-_.0-9]|$)/i.test(e.value));
    const admin = findPrivilege(query, entities);
    const related = relatedFindings(input, att.technique.id);

    const ctx: PlanContext = {
      techniqueId: att.technique.id,
      techniqueName: att.technique.name,
      tacticId: att.tacticId,
      severity: input.finding.severity,
      confidence: att.confidence,
      path: att.path,
      entities,
      prod: prodTag >= 0 || prodEntity !== undefined,
      admin: admin?.what ?? null,
      ruleType: s.rule_type,
      ruleName: s.rule_name,
      eventsMatched,
      firstSeen,
      relatedCount: related.length,
      splunkRows: input.splunk.reduce((n, e) => n + e.rows.length, 0),
    };
    const risk = riskOf(ctx);
    const action = recommendAction(ctx, risk.exposure);

    // ---- claims, each citing evidence in the input ----
    const claims: Omit<Claim, 'verified'>[] = [];
    claims.push(att.claim);
    const sevRef = obj(attrs['triggeringRuleCase'])?.['status'] !== undefined ? 'triggeringRuleCase.status' : null;
    if (sevRef) claims.push({ text: `Datadog rated the signal ${input.finding.severity} (${s.rule_type ?? 'detection'} rule “${s.rule_name ?? input.finding.title}”).`, evidence: [{ kind: 'signal_field', ref: sevRef }] });
    const named = entities.filter((e) => e.index >= 0);
    if (named.length > 0) {
      claims.push({
        text: clip(`The signal names ${named.length} ${named.length === 1 ? 'entity' : 'entities'}: ${named.slice(0, 6).map(entityLabel).join(', ')}${named.length > 6 ? ', …' : ''}.`, 1500),
        evidence: named.slice(0, 12).map((e) => ({ kind: 'signal_field', ref: `entities.${e.index}` })),
      });
    }
    for (const e of entities.filter((x) => x.type === 'ip' && x.public === true && x.index >= 0).slice(0, 2)) {
      const geo = obj(obj(obj(attrs['network'])?.['client'])?.['geoip']);
      const country = obj(geo?.['country'])?.['name'];
      const asn = obj(geo?.['as'])?.['name'];
      const evidence: EvidenceRef[] = [{ kind: 'signal_field', ref: `entities.${e.index}` }];
      const sameIp = obj(obj(attrs['network'])?.['client'])?.['ip'] === e.value;
      if (sameIp && geo) evidence.push({ kind: 'signal_field', ref: 'network.client.geoip' });
      const where = sameIp && typeof country === 'string' ? ` located in ${country}${typeof asn === 'string' ? ` (${asn})` : ''}` : '';
      claims.push({ text: `Activity came from the internet-routable address ${e.value}${where}.`, evidence });
    }
    if (eventsMatched !== null) {
      claims.push({
        text: `The rule matched ${eventsMatched} event${eventsMatched === 1 ? '' : 's'}${firstSeen && lastSeen ? ` between ${firstSeen} and ${lastSeen}` : ''}.`,
        evidence: [{ kind: 'signal_field', ref: 'workflow.events_matched' }, ...(firstSeen ? [{ kind: 'signal_field' as const, ref: 'workflow.first_seen' }] : [])],
      });
    }
    const ev = query.events.find((e) => !e.name.includes(':') || e.ref.ref.endsWith('objectRef.resource'));
    if (ev) claims.push({ text: `The triggering event is \`${ev.display}\`.`, evidence: [ev.ref] });
    if (ctx.prod) {
      const evidence: EvidenceRef[] = prodTag >= 0 ? [{ kind: 'signal_field', ref: `tags.${prodTag}` }] : prodEntity && prodEntity.index >= 0 ? [{ kind: 'signal_field', ref: `entities.${prodEntity.index}` }] : [];
      claims.push({ text: `The affected asset is in production (${prodTag >= 0 ? s.tags[prodTag] : prodEntity?.value}).`, evidence });
    }
    if (admin) claims.push({ text: `Privileged access is involved: ${admin.what}.`, evidence: [admin.ref] });
    for (const r of related.slice(0, 5)) {
      claims.push({ text: clip(`Related finding ${r.finding_id} shares ${r.shared.map((x) => `${x.type} ${x.value}`).join(', ')}: ${r.reason}`, 1500), evidence: [{ kind: 'related_finding', ref: r.finding_id }] });
    }
    for (const sp of input.splunk.filter((x) => x.rows.length > 0).slice(0, 3)) {
      claims.push({ text: clip(`Splunk search “${sp.saved_search || sp.spl}” returned ${sp.result_count} row${sp.result_count === 1 ? '' : 's'} for this finding.`, 1500), evidence: [{ kind: 'splunk_row', ref: `splunk:${sp.evidence_id}:0` }] });
    }
    // Keep only refs that resolve, and only claims that still have evidence: every claim verified.
    const checked = claims
      .map((c) => ({ text: clip(c.text, 1500), evidence: dedupeRefs(c.evidence.filter((r) => resolveEvidence(r, input))).slice(0, 12) }))
      .filter((c) => c.evidence.length > 0)
      .slice(0, 30);

    const tactic = att.tacticId ? this.#catalog.tactic(att.tacticId) : undefined;
    const brief: FindingBrief = {
      technique: { id: att.technique.id, name: att.technique.name, tactic_id: tactic?.id ?? null, tactic_name: tactic?.name ?? null },
      secondary_techniques: att.secondary.slice(0, 5),
      severity: input.finding.severity,
      blast_radius: {
        entities: entities.slice(0, 100).map((e) => ({ type: e.type, value: clip(e.value, 300) })),
        count: entities.length,
        summary: blastSummary(entities),
      },
      recommended_action: action,
      risk: { factors: risk.factors, score: risk.score, formula: risk.formula },
      mitigation_plan: mitigationPlan(ctx),
      related_findings: related,
      confidence: round2(att.confidence),
      claims: verifyClaims(checked, input),
      notes: att.notes.map((n) => clip(n, 500)).slice(0, 20),
    };
    const parsed = FindingBrief.safeParse(brief);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VigilError('INTERNAL', `offline drafter produced an invalid brief at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'unknown'}`);
    }
    return parsed.data;
  }

  /** Which technique, which tactic, how sure, and why. */
  attribute(input: DraftInput, query: RetrievalQuery = queryFromDraftInput(input)): Attribution {
    const ver = this.#catalog.attackVersion;
    const result = this.#index.rank(query);
    const notes: string[] = [];
    const famScore = (parent: string): FamilyScore | undefined => result.families.find((f) => f.parent === parent);

    // ---- the signal's own tags ----
    interface Candidate {
      technique: AttackTechnique;
      tagIndex: number;
      tag: string;
      revokedFrom?: AttackTechnique;
    }
    const candidates: Candidate[] = [];
    const tacticTags: string[] = [];
    input.signal.tags.forEach((tag, i) => {
      const m = parseMitreTag(tag);
      if (!m) return;
      if (m.kind === 'tactic') {
        if (this.#catalog.tactic(m.id) && !tacticTags.includes(m.id)) tacticTags.push(m.id);
        return;
      }
      if (candidates.some((c) => c.tag.toLowerCase() === tag.toLowerCase())) return;
      const r = this.#catalog.resolve(m.id);
      if (r.status === 'active') candidates.push({ technique: r.technique, tagIndex: i, tag });
      else if (r.status === 'revoked') {
        if (!notes.some((n) => n.startsWith(`Tag ${m.id} `)))
          notes.push(`Tag ${m.id} (${r.technique.name}) is revoked in ATT&CK ${ver}; replaced by ${r.replacement.id} ${r.replacement.name}.`);
        candidates.push({ technique: r.replacement, tagIndex: i, tag, revokedFrom: r.technique });
      } else if (r.status === 'deprecated') {
        if (!notes.some((n) => n.startsWith(`Tag ${m.id} `))) notes.push(`Tag ${m.id} (${r.technique.name}) is deprecated in ATT&CK ${ver} with no replacement; ignored.`);
      } else if (!notes.some((n) => n.startsWith(`Tag ${m.id} `))) notes.push(`Tag ${m.id} is not an ATT&CK ${ver} technique; ignored.`);
    });

    const top = result.families[0];
    let chosen: { technique: AttackTechnique; path: AttributionPath; confidence: number; evidence: EvidenceRef[]; text: string } | null = null;
    const secondary: string[] = [];

    if (candidates.length > 0) {
      const ranked = [...candidates].sort((a, b) => (famScore(parentOf(b.technique.id))?.score ?? 0) - (famScore(parentOf(a.technique.id))?.score ?? 0) || a.tagIndex - b.tagIndex);
      const cand = ranked[0] as Candidate;
      for (const c of ranked.slice(1)) if (c.technique.id !== cand.technique.id) secondary.push(c.technique.id);
      const fam = famScore(parentOf(cand.technique.id));
      const tagRef: EvidenceRef = { kind: 'signal_field', ref: `tags.${cand.tagIndex}` };
      // A tag the content does not back (no strong phrase for it) loses to a family the content
      // names outright and scores well above it.
      const tagBacked = fam !== undefined && strongEvidence(fam.best);
      if (top && top.parent !== parentOf(cand.technique.id) && strongEvidence(top.best) && !tagBacked && (fam?.score ?? 0) < 0.6 * top.score) {
        // The content contradicts the tag outright: trust the content, keep the tag as a secondary.
        const t = this.#catalog.technique(top.best.id) as AttackTechnique;
        notes.push(`Tag ${cand.tag} is not supported by the signal's content, which points to ${t.id} ${t.name}; drafted as ${t.id} and kept the tag as a secondary technique.`);
        secondary.unshift(cand.technique.id);
        chosen = {
          technique: t,
          path: 'keyword',
          confidence: 0.55,
          evidence: [tagRef, ...top.best.matches.slice(0, 3).map((m) => m.ref)],
          text: `The signal's content (${matchText(top.best.matches)}) describes ${t.name} (${t.id}), not ${cand.technique.id} ${cand.technique.name} as its tag ${cand.tag} says.`,
        };
      } else {
        let t = cand.technique;
        const supported = fam !== undefined && fam === top;
        let confidence = cand.revokedFrom ? (supported ? 0.85 : 0.75) : supported ? 0.9 : fam ? 0.85 : 0.8;
        let text = cand.revokedFrom
          ? `The signal is tagged ${cand.tag}; ATT&CK ${ver} revoked ${cand.revokedFrom.id} in favour of ${t.id} “${t.name}”.`
          : `The signal is tagged ${cand.tag}; ATT&CK ${ver} defines ${t.id} as “${t.name}”.`;
        const evidence: EvidenceRef[] = [tagRef];
        if (!t.id.includes('.') && fam && fam.best.id !== t.id && fam.best.id.startsWith(`${t.id}.`) && hasOwnStrongEvidence(fam.best)) {
          const sub = this.#catalog.technique(fam.best.id) as AttackTechnique;
          notes.push(`Refined tag ${t.id} to its sub-technique ${sub.id} ${sub.name} from the signal's content.`);
          text += ` Its content (${matchText(fam.best.matches)}) narrows it to the sub-technique ${sub.id} “${sub.name}”.`;
          evidence.push(...fam.best.matches.slice(0, 3).map((m) => m.ref));
          t = sub;
          confidence = Math.min(confidence, 0.85);
        } else if (fam && fam.best.matches.length > 0) {
          text += ` The content agrees (${matchText(fam.best.matches)}).`;
          evidence.push(...fam.best.matches.slice(0, 2).map((m) => m.ref));
        }
        chosen = { technique: t, path: 'tag', confidence, evidence, text };
      }
    }

    if (!chosen && top) {
      const t = this.#catalog.technique(top.best.id) as AttackTechnique;
      const keyword = top.best.keyword > 0;
      const confidence = keyword
        ? Math.min(0.85, 0.45 + 0.35 * result.margin + Math.min(0.1, top.best.keyword / 40) - (strongEvidence(top.best) ? 0 : 0.1))
        : Math.min(0.45, 0.15 + 0.3 * result.margin);
      notes.push(
        keyword
          ? `No usable MITRE technique tag: ${t.id} inferred offline from ${matchText(top.best.matches)}.`
          : `No usable MITRE technique tag and no known phrase: ${t.id} is the closest catalog description to the signal's text (low confidence).`,
      );
      const evidence = top.best.matches.length > 0 ? top.best.matches.slice(0, 4).map((m) => m.ref) : [{ kind: 'signal_field' as const, ref: 'rule_name' }, { kind: 'signal_field' as const, ref: 'message' }];
      chosen = {
        technique: t,
        path: keyword ? 'keyword' : 'retrieval',
        confidence,
        evidence,
        text: keyword
          ? `The signal's content (${matchText(top.best.matches)}) describes ${t.name} (${t.id}).`
          : `The rule name and message are closest to the ATT&CK description of ${t.name} (${t.id}).`,
      };
    }

    if (!chosen) {
      // Nothing to go on: a placeholder an analyst must replace, said plainly.
      const column = tacticTags[0] ? this.#catalog.techniquesForTactic(tacticTags[0]) : [];
      const t = column.find((x) => !x.is_subtechnique) ?? (this.#catalog.technique('T1078') as AttackTechnique);
      notes.push(`No MITRE tag and no recognisable behaviour in the signal: ${t.id} is a placeholder; set the technique by hand.`);
      chosen = { technique: t, path: 'none', confidence: 0.05, evidence: [{ kind: 'signal_field', ref: 'rule_name' }], text: `Nothing in the signal identifies a technique; ${t.id} is a placeholder.` };
    }

    // Secondary: other strong families from retrieval.
    const topScore = top?.score ?? 0;
    for (const f of result.families) {
      if (secondary.length >= 5) break;
      if (f.parent === parentOf(chosen.technique.id) || f.score < 0.35 * topScore || !hasOwnStrongEvidence(f.best)) continue;
      if (!secondary.some((id) => parentOf(id) === f.parent)) secondary.push(f.best.id);
    }

    // Tactic: the one the signal's tags name, if the technique has it; else its first in matrix order.
    const techTactics = [...chosen.technique.tactics].sort((a, b) => (this.#tacticOrder.get(a) ?? 99) - (this.#tacticOrder.get(b) ?? 99));
    const tacticId = tacticTags.find((t) => techTactics.includes(t)) ?? techTactics[0] ?? null;
    if (tacticTags.length > 0 && tacticId && !tacticTags.includes(tacticId)) {
      notes.push(`The signal's tactic tag (${tacticTags.join(', ')}) is not a tactic of ${chosen.technique.id}; used ${tacticId}.`);
    }
    const tacticName = tacticId ? this.#catalog.tactic(tacticId)?.name : undefined;
    return {
      technique: chosen.technique,
      tacticId,
      confidence: chosen.confidence,
      path: chosen.path,
      secondary: secondary.filter((id) => id !== chosen.technique.id && this.#catalog.resolve(id).status === 'active').slice(0, 5),
      notes,
      claim: { text: clip(`${chosen.text}${tacticName ? ` Tactic: ${tacticName} (${tacticId}).` : ''}`, 1500), evidence: dedupeRefs(chosen.evidence) },
      retrieval: result,
    };
  }
}

function parentOf(id: string): string {
  return id.split('.')[0] ?? id;
}

function hasOwnStrongEvidence(s: TechniqueScore): boolean {
  return s.matches.some((m) => (m.field === 'body' ? m.weight >= 1.8 : m.field !== 'triage' && m.field !== 'attrs' && m.weight >= 1.2));
}

const PRIVILEGE: readonly [RegExp, string][] = [
  [/AdministratorAccess/i, 'AdministratorAccess policy'],
  [/cluster-admin/i, 'cluster-admin role'],
  [/Global Administrator/i, 'Global Administrator role'],
  [/super ?admin(istrator)?/i, 'super administrator role'],
  [/roles\/owner|\bOwner\b (role|rights)|role(DefinitionName)? Owner/i, 'Owner role'],
  [/Domain Admins|Enterprise Admins/i, 'domain administrator group'],
  [/\broot (user|account)\b/i, 'root account'],
  [/system:masters/i, 'system:masters group'],
];

/** What marks the access as privileged, and where the signal says so. */
function findPrivilege(query: RetrievalQuery, entities: readonly TypedEntity[]): { what: string; ref: EvidenceRef } | null {
  const root = entities.find((e) => e.type === 'cloud_root' && e.index >= 0);
  if (root) return { what: `cloud root account ${root.value}`, ref: { kind: 'signal_field', ref: `entities.${root.index}` } };
  for (const f of query.fields) {
    if (f.kind === 'triage' || f.kind === 'body') continue;
    for (const [re, what] of PRIVILEGE) if (re.test(f.text)) return { what, ref: f.ref };
  }
  return null;
}

const SEV_RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

function relatedFindings(input: DraftInput, techniqueId: string): FindingBrief['related_findings'] {
  const ts = Date.parse(input.signal.timestamp);
  const rows = input.related
    .filter((r) => /^FND-\d+$/.test(r.finding_id) && r.finding_id !== input.finding.finding_id && r.shared.length > 0)
    .map((r) => {
      const at = Date.parse(r.created_at);
      const days = Number.isFinite(at) && Number.isFinite(ts) ? (ts - at) / DAY_MS : 0;
      return { r, days };
    })
    .filter(({ days }) => Math.abs(days) <= RELATED_WINDOW_DAYS)
    .sort((a, b) => b.r.shared.length - a.r.shared.length || SEV_RANK[b.r.severity] - SEV_RANK[a.r.severity] || Math.abs(a.days) - Math.abs(b.days) || (a.r.finding_id < b.r.finding_id ? -1 : 1));
  return rows.slice(0, 20).map(({ r, days }) => {
    const same = r.mitre_technique === null ? 'no technique yet' : r.mitre_technique === techniqueId ? `same technique ${techniqueId}` : parentOf(r.mitre_technique) === parentOf(techniqueId) ? `same technique family ${parentOf(techniqueId)}` : `different technique ${r.mitre_technique}`;
    const when = Math.abs(days) < 1 ? 'the same day' : days > 0 ? `${Math.round(days)} day${Math.round(days) === 1 ? '' : 's'} earlier` : `${Math.round(-days)} day${Math.round(-days) === 1 ? '' : 's'} later`;
    const shared = r.shared.slice(0, 20).map((x) => ({ type: clip(x.type, 60), value: clip(x.value, 300) }));
    const reason = `Shares ${shared.length} ${shared.length === 1 ? 'entity' : 'entities'} (${shared.slice(0, 3).map((x) => x.value).join(', ')}); ${r.severity} ${r.status} finding “${r.title}”, ${when}; ${same}.`;
    return { finding_id: r.finding_id, shared, reason: clip(reason, 300) };
  });
}
