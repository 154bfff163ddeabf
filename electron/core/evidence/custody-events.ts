// Chain-of-custody events in the CASE / UCO vocabulary (JSON-LD), so forensic tooling that speaks
// CASE reads who exported what, when, why and with which tool without knowing Vigil. One
// InvestigativeAction for the export (performer, instrument, start/end, description = the reason,
// objects = the findings, result = a ProvenanceRecord over the bundle's files), one per sign-off
// (the analyst attesting a finding), the Identity of each person and the Tool.
import type { FindingFile } from './bundle-format';

export interface CustodyInput {
  bundleId: string;
  exportedAt: string;
  startedAt: string;
  exportedBy: { handle: string; name: string | null; key_id: string };
  reason: string;
  tool: { name: string; version: string };
  workspace: { id: string; name: string };
  findings: readonly FindingFile[];
  /** how many files the manifest lists */
  fileCount: number;
}

const CONTEXT = {
  kb: 'urn:vigil:kb:',
  'case-investigation': 'https://ontology.caseontology.org/case/investigation/',
  'uco-core': 'https://ontology.unifiedcyberontology.org/uco/core/',
  'uco-action': 'https://ontology.unifiedcyberontology.org/uco/action/',
  'uco-identity': 'https://ontology.unifiedcyberontology.org/uco/identity/',
  'uco-observable': 'https://ontology.unifiedcyberontology.org/uco/observable/',
  'uco-tool': 'https://ontology.unifiedcyberontology.org/uco/tool/',
  'uco-types': 'https://ontology.unifiedcyberontology.org/uco/types/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
};

const dt = (iso: string) => ({ '@type': 'xsd:dateTime', '@value': iso });

export function custodyGraph(c: CustodyInput): Record<string, unknown> {
  const person = (handle: string) => `kb:identity-${handle}`;
  const people = new Map<string, { handle: string; key_id: string | null; name: string | null }>();
  people.set(c.exportedBy.handle, { handle: c.exportedBy.handle, key_id: c.exportedBy.key_id, name: c.exportedBy.name });
  const graph: Record<string, unknown>[] = [];
  const tool = `kb:tool-${c.tool.name}-${c.tool.version}`;
  graph.push({ '@id': tool, '@type': 'uco-tool:Tool', 'uco-core:name': c.tool.name, 'uco-tool:version': c.tool.version, 'uco-tool:toolType': 'evidence export' });

  // The files themselves are named and hashed in the manifest (manifest.dsse.json), which the
  // export action's result points to; repeating 40,000 hashes here would add nothing checkable.
  const manifest = `kb:manifest-${c.bundleId}`;
  graph.push({ '@id': manifest, '@type': 'uco-observable:File', 'uco-core:hasFacet': [{ '@type': 'uco-observable:FileFacet', 'uco-observable:fileName': 'manifest.dsse.json' }] });
  const provenance = `kb:provenance-${c.bundleId}`;
  graph.push({
    '@id': provenance,
    '@type': 'case-investigation:ProvenanceRecord',
    'case-investigation:exhibitNumber': c.bundleId,
    'uco-core:description': `Evidence bundle of ${c.findings.length} finding(s) from workspace ${c.workspace.name} (${c.workspace.id}); ${c.fileCount} files, listed with their sha256 in manifest.dsse.json.`,
    'uco-core:object': [{ '@id': manifest }, ...c.findings.map((f) => ({ '@id': `kb:finding-${f.finding_id}` }))],
  });
  graph.push({
    '@id': `kb:action-export-${c.bundleId}`,
    '@type': 'case-investigation:InvestigativeAction',
    'uco-core:name': 'export evidence bundle',
    'uco-core:description': c.reason,
    'uco-action:startTime': dt(c.startedAt),
    'uco-action:endTime': dt(c.exportedAt),
    'uco-action:performer': { '@id': person(c.exportedBy.handle) },
    'uco-action:instrument': { '@id': tool },
    'uco-action:object': c.findings.map((f) => ({ '@id': `kb:finding-${f.finding_id}` })),
    'uco-action:result': [{ '@id': provenance }],
  });
  for (const f of c.findings) {
    graph.push({ '@id': `kb:finding-${f.finding_id}`, '@type': 'uco-core:UcoObject', 'uco-core:name': f.finding_id, 'uco-core:description': String(f.finding['title'] ?? '') });
    for (const s of f.signoffs) {
      if (!people.has(s.analyst)) people.set(s.analyst, { handle: s.analyst, key_id: s.record.key_id, name: null });
      graph.push({
        '@id': `kb:action-signoff-${f.finding_id}-${s.signature_sha256 ?? s.signed_at}`,
        '@type': 'case-investigation:InvestigativeAction',
        'uco-core:name': 'sign off finding',
        'uco-core:description': `Ed25519 sign-off of ${f.finding_id} at decision revision ${String(s.revision)} with key ${String(s.record.key_id)}.`,
        'uco-action:endTime': dt(s.signed_at),
        'uco-action:performer': { '@id': person(s.analyst) },
        'uco-action:object': [{ '@id': `kb:finding-${f.finding_id}` }],
      });
    }
  }
  for (const p of people.values()) {
    graph.push({
      '@id': person(p.handle),
      '@type': 'uco-identity:Identity',
      'uco-core:name': p.name ?? p.handle,
      'uco-core:description': `Vigil analyst ${p.handle}${p.key_id ? `, signing key ${p.key_id}` : ''}`,
    });
  }
  return { '@context': CONTEXT, '@graph': graph };
}
