// Which search-job API a server speaks. Splunk 9.0.2 added search/v2/jobs, where /results is a POST
// and no longer takes a post-process `search`; both SDKs switch on the version from server/info
// (reference §3; splunklib `disable_v2_api`). Splunk Cloud numbers its releases 9.0.YYMM, so there
// the threshold is 9.0.2209 — 9.0.2208 is newer than 9.0.2 numerically but still v1-only.

export type SearchApi = 'v1' | 'v2';

export interface SearchPaths {
  api: SearchApi;
  /** Collection of jobs, below which `/{sid}`, `/{sid}/results`, `/{sid}/control` live. */
  jobs: string;
  /** v2 reads results with POST; v1 with GET. */
  resultsMethod: 'GET' | 'POST';
}

/** "9.0.2209.4" → [9, 0, 2209, 4]; suffixes such as "-beta" or build tags are ignored. */
export function parseVersion(version: string): number[] {
  const head = /^\s*(\d+(?:\.\d+)*)/.exec(version)?.[1];
  return head ? head.split('.').map(Number) : [];
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function chooseSearchApi(version: string, instanceType?: string): SearchApi {
  const v = parseVersion(version);
  // An unreadable version is treated as old: every Splunk still serves v1, not every one serves v2.
  if (!v.length) return 'v1';
  const threshold = instanceType?.toLowerCase() === 'cloud' ? [9, 0, 2209] : [9, 0, 2];
  return compareVersions(v, threshold) >= 0 ? 'v2' : 'v1';
}

export function searchPaths(api: SearchApi): SearchPaths {
  return api === 'v2'
    ? { api, jobs: '/services/search/v2/jobs', resultsMethod: 'POST' }
    : { api, jobs: '/services/search/jobs', resultsMethod: 'GET' };
}
