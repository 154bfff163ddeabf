// From a raw Datadog signal to the fields the register indexes. The raw payload itself is kept
// untouched as the signal's revision; this only reads it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/canonical-json';
import { DatadogSignal } from '../../../shared/datadog-signal';
import { SEVERITIES, type Severity } from '../../../shared/domain';
import { parseMitreTag } from '../../../shared/attack-ids';
import { VigilError } from '../../../shared/errors';

export interface NormalizedSignal {
  ddId: string;
  ts: number;
  severity: Severity;
  title: string;
  ruleId: string | null;
  ruleName: string | null;
  ruleType: string | null;
  source: string | null;
  message: string;
  tags: string[];
  host: string | null;
  entities: string[];
  tactics: string[];
  techniques: string[];
  triageState: string | null;
  samples: unknown[];
  sampleCount: number;
  /** canonical JSON of the raw payload, and its sha256 */
  canonical: string;
  contentHash: string;
}

const SEVERITY_SET = new Set<string>(SEVERITIES);

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** Validate and normalise. Throws VigilError('SIGNAL_INVALID') with the reason. */
/**
 * What the register needs of a signal: everything but the sample events themselves, which stay in
 * the stored payload (canonical). A sync page carries 1,000 of these from the page worker, so they
 * are kept to strings and flat fields.
 */
export type SignalForRegister = Omit<NormalizedSignal, 'samples' | 'canonical'> & {
  /** as a string, or as its UTF-8 bytes when it crossed from the page worker (packCanonical in page-decode.ts) */
  canonical: string | Uint8Array;
};

export function normalizeSignal(raw: unknown): NormalizedSignal {
  const parsed = DatadogSignal.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VigilError('SIGNAL_INVALID', `signal payload invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown'}`);
  }
  const s = parsed.data;
  const a = s.attributes;
  const ts = a.timestamp instanceof Date ? a.timestamp.getTime() : Date.parse(a.timestamp);
  if (!Number.isFinite(ts)) throw new VigilError('SIGNAL_INVALID', `signal ${s.id}: timestamp "${String(a.timestamp)}" is not a date`);

  const custom = a.attributes ?? a.custom ?? {};
  const workflow = obj(custom['workflow']);
  const rule = obj(workflow?.['rule']);
  const triage = obj(workflow?.['triage']);

  const statusRaw = (str(a.status) ?? 'info').toLowerCase();
  if (!SEVERITY_SET.has(statusRaw)) {
    throw new VigilError('SIGNAL_INVALID', `signal ${s.id}: severity "${statusRaw}" is not one of ${SEVERITIES.join(', ')}`);
  }

  // Tags arrive with duplicates (rule tags merged with event tags).
  const tags = [...new Set(a.tags ?? [])];
  const tactics: string[] = [];
  const techniques: string[] = [];
  let source: string | null = null;
  for (const t of tags) {
    const m = parseMitreTag(t);
    if (m?.kind === 'tactic' && !tactics.includes(m.id)) tactics.push(m.id);
    else if (m?.kind === 'technique' && !techniques.includes(m.id)) techniques.push(m.id);
    else if (source === null && t.startsWith('source:')) source = t.slice(7) || null;
  }

  const entitiesRaw = custom['entities'];
  const entities = Array.isArray(entitiesRaw) ? [...new Set(entitiesRaw.filter((e): e is string => typeof e === 'string'))] : [];
  const samplesRaw = custom['samples'];
  const message = a.message ?? '';
  const ruleName = str(rule?.['name']);
  const title = ruleName ?? str(custom['title']) ?? firstLine(message) ?? `Signal ${s.id}`;
  const canonical = canonicalJson(raw);

  return {
    ddId: s.id,
    ts,
    severity: statusRaw as Severity,
    title,
    ruleId: str(rule?.['id']),
    ruleName,
    ruleType: str(rule?.['type']),
    source,
    message,
    tags,
    host: str(a.host),
    entities,
    tactics,
    techniques,
    triageState: str(triage?.['state']),
    samples: Array.isArray(samplesRaw) ? samplesRaw : [],
    sampleCount: Array.isArray(samplesRaw) ? samplesRaw.length : 0,
    canonical,
    contentHash: createHash('sha256').update(canonical).digest('hex'),
  };
}

function firstLine(message: string): string | null {
  for (const line of message.split('\n')) {
    const t = line.replace(/^[%#\s]+/, '').trim();
    if (t) return t.slice(0, 200);
  }
  return null;
}

/** Plain text for the full-text index: markdown fences and punctuation runs do not matter there. */
export function searchableText(n: SignalForRegister): string {
  return [n.message.replace(/%%%/g, ' '), n.tags.join(' '), n.entities.join(' '), n.host ?? '', n.ruleName ?? '', n.ddId].join('\n');
}

/** "3 entities: host:web-1, @usr.id:alice, …" — what a signal alone says about its reach. */
export function blastRadiusText(entities: readonly string[]): string | null {
  if (entities.length === 0) return null;
  const shown = entities.slice(0, 3).join(', ');
  const more = entities.length > 3 ? `, +${entities.length - 3} more` : '';
  return `${entities.length} ${entities.length === 1 ? 'entity' : 'entities'}: ${shown}${more}`;
}

