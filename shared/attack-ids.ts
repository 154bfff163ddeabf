// MITRE ATT&CK identifiers as they appear in Datadog tags, LLM output and the shipped catalog.
// Pure TS: imported by the renderer as well as by core, so no Node imports here.
import { z } from 'zod';

/** Canonical (upper-case) tactic id, e.g. `TA0006`. */
export const TACTIC_ID = /^TA\d{4}$/;
/** Canonical (upper-case) technique or sub-technique id, e.g. `T1110`, `T1110.003`. */
export const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;

export const TacticId = z.string().regex(TACTIC_ID, 'expected a tactic id like TA0006');
export const TechniqueId = z.string().regex(TECHNIQUE_ID, 'expected a technique id like T1110 or T1110.003');

export type MitreTag =
  | { kind: 'tactic'; id: string; slug: string }
  | { kind: 'technique'; id: string; slug: string };

// Recorded signals carry lower-case tags (`tactic:ta0003-persistence`) while rule definitions use
// upper-case ids (`technique:T1110-brute-force`), so both forms must parse to the same value.
const TACTIC_TAG = /^tactic:(ta\d{4})-(\S+)$/i;
const TECHNIQUE_TAG = /^technique:(t\d{4}(?:\.\d{3})?)-(\S+)$/i;

/**
 * Parses a Datadog MITRE tag. Ids come back upper-case and slugs lower-case, so values from
 * differently-cased tags compare equal. Anything else (other tags, malformed ids) is `null`:
 * signals routinely carry non-MITRE tags, so this is not an error.
 */
export function parseMitreTag(tag: string): MitreTag | null {
  const text = tag.trim();
  const tactic = TACTIC_TAG.exec(text);
  if (tactic?.[1] !== undefined && tactic[2] !== undefined) {
    return { kind: 'tactic', id: tactic[1].toUpperCase(), slug: tactic[2].toLowerCase() };
  }
  const technique = TECHNIQUE_TAG.exec(text);
  if (technique?.[1] !== undefined && technique[2] !== undefined) {
    return { kind: 'technique', id: technique[1].toUpperCase(), slug: technique[2].toLowerCase() };
  }
  return null;
}

/** `t1110.003 ` → `T1110.003`; anything that is not a technique id → `null`. */
export function normalizeTechniqueId(id: string): string | null {
  const upper = id.trim().toUpperCase();
  return TECHNIQUE_ID.test(upper) ? upper : null;
}

/** `ta0006` → `TA0006`; anything that is not a tactic id → `null`. */
export function normalizeTacticId(id: string): string | null {
  const upper = id.trim().toUpperCase();
  return TACTIC_ID.test(upper) ? upper : null;
}

/**
 * `T1110.003` → `T1110`; a top-level technique (`T1110`) or a non-id → `null`.
 * Derived from the id itself because ATT&CK guarantees a sub-technique shares its parent's number.
 */
export function parentTechniqueId(id: string): string | null {
  const normalized = normalizeTechniqueId(id);
  if (normalized === null) return null;
  const dot = normalized.indexOf('.');
  return dot === -1 ? null : normalized.slice(0, dot);
}
