// What the MODEL returns — not the FindingBrief. The model proposes ids, factors and claims; Vigil
// looks up names, computes the risk score, verifies evidence and filters related findings. The same
// zod schema produces the strict JSON schema sent as response_format and parses the answer.
// No field here acts: there is nothing to execute, sign or apply, only decision proposals.
import { z } from 'zod';
import { zodResponseFormat } from 'openai/helpers/zod';
import { ACTION_KINDS } from '../../../shared/brief';
import { SEVERITIES } from '../../../shared/domain';

/** Kept to what every structured-output implementation understands (no `(?:`, no `\d`). */
const TECHNIQUE_ID_PATTERN = '^T[0-9]{4}(\\.[0-9]{3})?$';
const TechniqueIdOut = z
  .string()
  .regex(new RegExp(TECHNIQUE_ID_PATTERN))
  .describe('An Enterprise ATT&CK technique or sub-technique id, e.g. T1110 or T1110.003');

const unit = (what: string) => z.number().min(0).max(1).describe(what);

export const LlmEvidenceRef = z.object({
  kind: z.enum(['signal_field', 'sample_event', 'splunk_row', 'related_finding']),
  ref: z.string().describe('signal_field: "attributes.<path>" | sample_event: "sample:<i>[:<path>]" | splunk_row: "splunk:<evidence_id>:<row>" | related_finding: "FND-<n>"'),
});

export const LlmBriefOutput = z.object({
  technique_id: TechniqueIdOut,
  secondary_technique_ids: z.array(TechniqueIdOut).max(5),
  severity: z.enum(SEVERITIES),
  blast_radius: z.object({
    entities: z.array(z.object({ type: z.string(), value: z.string() })).max(100),
    summary: z.string(),
  }),
  recommended_action: z.object({
    kind: z.enum(ACTION_KINDS).describe('A proposal for the analyst; Vigil never carries it out'),
    text: z.string(),
  }),
  risk_factors: z.object({
    impact: z.number().min(1).max(5).describe('1 informational … 5 critical business impact'),
    likelihood: unit('how likely the activity is malicious and real'),
    control_effectiveness: unit('how much existing controls already blunt it'),
    exposure: unit('how reachable the affected assets are'),
  }),
  mitigation_plan: z.object({
    containment_steps: z.array(z.string()).max(20),
    timeline: z.string(),
    dependencies: z.array(z.string()).max(20),
    blockers: z.array(z.string()).max(20),
    residual_risk: z.string(),
  }),
  related_finding_ids: z.array(z.string()).max(20),
  confidence: unit('how well the evidence supports this brief'),
  claims: z
    .array(z.object({ text: z.string(), evidence: z.array(LlmEvidenceRef).max(12) }))
    .max(30),
});
export type LlmBriefOutput = z.infer<typeof LlmBriefOutput>;

export const RESPONSE_FORMAT_NAME = 'finding_brief';

/**
 * The strict response_format, produced by the SDK's own `zodResponseFormat` (which supports zod 4:
 * it calls `z.toJSONSchema` with target draft-7 and then makes the result strict — every property
 * required, `additionalProperties: false` on every object, optional-without-nullable rejected).
 * Built once: the schema does not change between requests.
 */
export const LLM_RESPONSE_FORMAT = (() => {
  const rf = zodResponseFormat(LlmBriefOutput, RESPONSE_FORMAT_NAME);
  // A plain object: only type + json_schema go on the wire; the helper's parser stays behind.
  return {
    type: 'json_schema' as const,
    json_schema: {
      name: rf.json_schema.name,
      strict: true,
      schema: rf.json_schema.schema as Record<string, unknown>,
    },
  };
})();

/** Problems that would make a schema unacceptable to strict structured outputs; [] when fine. */
export function strictSchemaProblems(schema: unknown, path = '#'): string[] {
  const out: string[] = [];
  if (schema === null || typeof schema !== 'object') return out;
  const s = schema as Record<string, unknown>;
  if (s['type'] === 'object' || (Array.isArray(s['type']) && s['type'].includes('object'))) {
    const props = (s['properties'] ?? {}) as Record<string, unknown>;
    if (s['additionalProperties'] !== false) out.push(`${path}: additionalProperties must be false`);
    const req = Array.isArray(s['required']) ? (s['required'] as string[]) : [];
    for (const k of Object.keys(props)) if (!req.includes(k)) out.push(`${path}: property ${k} is not required`);
    for (const [k, v] of Object.entries(props)) out.push(...strictSchemaProblems(v, `${path}/properties/${k}`));
  }
  if (s['items']) out.push(...strictSchemaProblems(s['items'], `${path}/items`));
  for (const key of ['anyOf', 'allOf', 'oneOf'] as const) {
    const list = s[key];
    if (key === 'oneOf' && list !== undefined) out.push(`${path}: oneOf is not supported`);
    if (Array.isArray(list)) list.forEach((v, i) => out.push(...strictSchemaProblems(v, `${path}/${key}/${i}`)));
  }
  for (const key of ['definitions', '$defs'] as const) {
    const defs = s[key];
    if (defs && typeof defs === 'object') for (const [k, v] of Object.entries(defs)) out.push(...strictSchemaProblems(v, `${path}/${key}/${k}`));
  }
  return out;
}
