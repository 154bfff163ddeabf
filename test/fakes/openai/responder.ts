// The fake's default "model": reads the fenced signal data out of the user message and builds a
// plausible finding brief that follows the evidence — the technique from a `technique:` tag, the
// severity the finding carries, entities from the signal, claims citing refs that exist. It never
// reads text inside the data as instructions, which is what makes it a useful contrast to a
// scripted model that does obey an injection.

export interface FencedData {
  finding?: { finding_id?: string; title?: string; severity?: string };
  signal?: { rule_name?: string | null; message?: string; tags?: string[]; entities?: string[] };
  attributes?: Record<string, unknown>;
  samples?: { total: number; shown: { index: number; event: unknown }[] };
  splunk: { evidence_id: number; saved_search?: string; result_count?: number; rows: { index: number; row: unknown }[] }[];
  related?: { findings: { finding_id: string; shared?: { type: string; value: string }[] }[] };
}

const FENCE_RE = /<untrusted_signal_data id="[0-9a-f]+" part="([a-z_]+)"[^>\n]*>\n([^\n]*)\n<\/untrusted_signal_data>/g;

/** The fenced JSON blocks of a Vigil user message, by part. Blocks that fail to parse are skipped. */
export function parseFencedData(message: string): FencedData {
  const out: FencedData = { splunk: [] };
  for (const m of message.matchAll(FENCE_RE)) {
    let value: unknown;
    try {
      value = JSON.parse(m[2] ?? '');
    } catch {
      continue;
    }
    const part = m[1];
    if (part === 'splunk') out.splunk.push(value as FencedData['splunk'][number]);
    else if (part === 'finding' || part === 'signal' || part === 'attributes' || part === 'samples' || part === 'related') {
      (out as unknown as Record<string, unknown>)[part] = value;
    }
  }
  return out;
}

const IMPACT: Record<string, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };

export function defaultBrief(userMessage: string): Record<string, unknown> {
  const d = parseFencedData(userMessage);
  const tags = d.signal?.tags ?? [];
  const techniqueTag = tags.map((t) => /^technique:(t\d{4}(?:\.\d{3})?)/i.exec(t)?.[1]).find(Boolean);
  const technique = techniqueTag ? techniqueTag.toUpperCase() : 'T1078';
  const severity = d.finding?.severity && d.finding.severity in IMPACT ? d.finding.severity : 'medium';
  const entities = (d.signal?.entities ?? []).slice(0, 10).map((e) => {
    const i = e.indexOf(':');
    return i > 0 ? { type: e.slice(0, i).replace(/^@/, ''), value: e.slice(i + 1) } : { type: 'entity', value: e };
  });
  const who = entities.map((e) => e.value).slice(0, 2).join(', ') || 'the affected assets';
  const prod = tags.includes('env:prod') || tags.includes('env:production');

  const kind = severity === 'critical' ? 'contain' : severity === 'high' ? 'escalate' : severity === 'info' ? 'close' : 'investigate';
  const claims: { text: string; evidence: { kind: string; ref: string }[] }[] = [
    { text: `Datadog rule "${d.signal?.rule_name ?? 'unknown'}" raised this signal.`, evidence: [{ kind: 'signal_field', ref: 'rule_name' }] },
  ];
  if (techniqueTag) claims.push({ text: `The signal is tagged with ATT&CK technique ${technique}.`, evidence: [{ kind: 'signal_field', ref: 'tags' }] });
  if (entities[0]) claims.push({ text: `The activity involves ${entities[0].type} ${entities[0].value}.`, evidence: [{ kind: 'signal_field', ref: 'entities.0' }] });
  const firstSample = d.samples?.shown[0];
  if (firstSample) claims.push({ text: 'A triggering log event is attached to the signal.', evidence: [{ kind: 'sample_event', ref: `sample:${firstSample.index}` }] });
  for (const ev of d.splunk) {
    const row = ev.rows[0];
    if (row) {
      claims.push({
        text: `Splunk search "${ev.saved_search ?? ev.evidence_id}" returned ${ev.result_count ?? ev.rows.length} matching rows.`,
        evidence: [{ kind: 'splunk_row', ref: `splunk:${ev.evidence_id}:${row.index}` }],
      });
    }
  }
  const related = (d.related?.findings ?? []).map((r) => r.finding_id).filter((x): x is string => typeof x === 'string').slice(0, 20);
  for (const id of related.slice(0, 3)) claims.push({ text: `${id} involves the same entities.`, evidence: [{ kind: 'related_finding', ref: id }] });

  return {
    technique_id: technique,
    secondary_technique_ids: [],
    severity,
    blast_radius: { entities, summary: `${entities.length} ${entities.length === 1 ? 'entity' : 'entities'} involved: ${who}.` },
    recommended_action: {
      kind,
      text:
        kind === 'contain'
          ? `Contain ${who}: revoke sessions and rotate the credentials involved.`
          : kind === 'escalate'
            ? `Escalate to the on-call lead: ${d.signal?.rule_name ?? 'detection'} involving ${who}.`
            : kind === 'close'
              ? 'Informational: record it, no further action.'
              : `Investigate ${who}: review the last 30 days of activity before deciding.`,
    },
    risk_factors: { impact: IMPACT[severity] ?? 3, likelihood: techniqueTag ? 0.7 : 0.5, control_effectiveness: 0.2, exposure: prod ? 0.7 : 0.4 },
    mitigation_plan: {
      containment_steps: entities.length ? entities.slice(0, 3).map((e) => `Review and, if confirmed, isolate ${e.type} ${e.value}.`) : ['Confirm scope in the logs.'],
      timeline: severity === 'critical' || severity === 'high' ? 'Within 4 hours.' : 'Within 2 business days.',
      dependencies: ['Owner of the affected systems'],
      blockers: [],
      residual_risk: 'Credentials used before containment may already be abused elsewhere.',
    },
    related_finding_ids: related,
    confidence: Math.min(0.9, 0.6 + (firstSample ? 0.1 : 0) + (d.splunk.length ? 0.1 : 0)),
    claims,
  };
}
