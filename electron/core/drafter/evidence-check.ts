// A claim is verified only when every piece of evidence it cites exists in the draft's input. The
// model's word is not enough: this is what marks a claim "unverified" in the case view.
import type { Claim, EvidenceRef } from '../../../shared/brief';
import type { DraftInput } from './types';

function pathGet(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) && /^\d+$/.test(part) ? cur[Number(part)] : (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function resolveEvidence(ref: EvidenceRef, input: DraftInput): boolean {
  switch (ref.kind) {
    case 'signal_field': {
      // Paths are accepted relative to the signal payload ("attributes.attributes.usr.id"), its custom
      // attributes ("usr.id"), or the draft's signal view ("tags", "entities.0").
      const p = ref.ref.replace(/^attributes\.attributes\./, '').replace(/^attributes\.custom\./, '');
      if (pathGet(input.signal.attributes, p) !== undefined) return true;
      const top = ref.ref.replace(/^attributes\./, '');
      return pathGet(input.signal, top) !== undefined;
    }
    case 'sample_event': {
      const m = /^sample:(\d+)(?::(.+))?$/.exec(ref.ref);
      if (!m) return false;
      const sample = input.signal.samples[Number(m[1])];
      if (sample === undefined) return false;
      return m[2] ? pathGet(sample, m[2]) !== undefined : true;
    }
    case 'splunk_row': {
      const m = /^splunk:(\d+):(\d+)$/.exec(ref.ref);
      if (!m) return false;
      const ev = input.splunk.find((s) => s.evidence_id === Number(m[1]));
      return ev !== undefined && Number(m[2]) < ev.rows.length;
    }
    case 'related_finding':
      return input.related.some((r) => r.finding_id === ref.ref);
  }
}

/** Marks each claim verified or not; drops refs that do not parse rather than trusting them. */
export function verifyClaims(claims: readonly Omit<Claim, 'verified'>[], input: DraftInput): Claim[] {
  return claims.map((c) => ({ ...c, verified: c.evidence.length > 0 && c.evidence.every((r) => resolveEvidence(r, input)) }));
}
