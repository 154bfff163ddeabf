// Prior context for a finding: the configured saved search, dispatched over the last 30 days with
// the signal's entities as arguments, stored as evidence with the SPL, sid, window, count and sha256.
import { canonicalJson } from '../../../../shared/canonical-json';
import { VigilError, isVigilError } from '../../../../shared/errors';
import type { Register } from '../../register/register';
import type { SplunkClient } from './client';

export const CONTEXT_WINDOW = { earliest: '-30d', latest: 'now' } as const;

/** Values Splunk would read as SPL syntax are left out rather than sent. */
const SAFE_VALUE = /^[^"|`[\]\\\r\n\t]{1,256}$/;

/** Entities as Datadog writes them ("host:web-1", "@usr.id:alice", "@network.client.ip:1.2.3.4") → saved-search arguments. */
export function argsFromEntities(entities: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const e of entities) {
    const i = e.indexOf(':');
    if (i < 0) continue;
    const key = e.slice(0, i).toLowerCase();
    const value = e.slice(i + 1);
    if (!SAFE_VALUE.test(value)) continue;
    if (!args['host'] && (key === 'host' || key === '@host' || key === 'hostname')) args['host'] = value;
    else if (!args['user'] && /^@?(usr\.(id|email|name)|user(name)?|useridentity\.arn|actor\.alternateid)$/.test(key)) args['user'] = value;
    else if (!args['src_ip'] && /^@?(network\.client\.ip|src_ip|ip|client\.ip|evt\.ip)$/.test(key)) args['src_ip'] = value;
  }
  return args;
}

export async function fetchContext(
  reg: Register,
  splunk: SplunkClient,
  findingId: number,
  savedSearch: string,
  actor: string,
  signal?: AbortSignal,
): Promise<{ evidenceId: number; resultCount: number }> {
  const f = reg.finding(findingId);
  if (!f) throw new VigilError('NOT_FOUND', `Finding FND-${findingId} does not exist.`);
  const payload = f.signal.payload as { attributes?: { attributes?: { entities?: unknown }; custom?: { entities?: unknown } } };
  const raw = payload.attributes?.attributes?.entities ?? payload.attributes?.custom?.entities;
  const entities = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  const args = argsFromEntities(entities);
  reg.setContextRequest(findingId, 'running');
  try {
    const run = await splunk.runSavedSearch(savedSearch, { ...CONTEXT_WINDOW, args, ...(signal ? { signal } : {}) });
    const content = canonicalJson({ fields: run.fields, rows: run.rows });
    const meta = {
      saved_search: run.savedSearch.name,
      app: run.savedSearch.app,
      owner: run.savedSearch.owner,
      spl: run.spl,
      args: run.args,
      sid: run.sid,
      earliest: run.earliest,
      latest: run.latest,
      searched_from: run.searchedFrom,
      searched_to: run.searchedTo,
      result_count: run.resultCount,
      truncated: run.truncated,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
    };
    let evidenceId = 0;
    reg.transaction(() => {
      const ev = reg.addEvidence(findingId, { kind: 'splunk_results', title: `Splunk: ${run.savedSearch.name} (${run.resultCount} rows, ${run.earliest} → ${run.latest})`, content, meta }, actor);
      evidenceId = ev.id;
      reg.updateFinding(findingId, { splunk_search: run.savedSearch.name }, actor);
      reg.setContextRequest(findingId, 'done', null, ev.id);
    });
    return { evidenceId, resultCount: run.resultCount };
  } catch (e) {
    const err = isVigilError(e) ? e : new VigilError('INTERNAL', 'The Splunk search failed unexpectedly.');
    reg.setContextRequest(findingId, 'failed', { code: err.code, message: err.message });
    throw err;
  }
}
