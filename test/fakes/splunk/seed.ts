// What the fake Splunk "knows": a handful of saved searches in different namespaces and a
// deterministic authentication history that their $user$/$src_ip$/$host$ tokens filter.

export type Sharing = 'user' | 'app' | 'global';

export interface FakeSavedSearch {
  name: string;
  owner: string;
  app: string;
  sharing: Sharing;
  search: string;
  description?: string;
  disabled?: boolean;
  earliest?: string;
  latest?: string;
}

/** One event; a missing key is a field the event does not have, as in real results. */
export type HistoryRow = Record<string, string | string[]>;

/** The fake's "now": relative times such as -30d resolve against it, so row counts are stable. */
export const FAKE_NOW = Date.parse('2024-06-30T12:00:00.000Z');

/** The token every test uses unless it says otherwise, and the user it belongs to. */
export const TEST_TOKEN = 'vigil-fake-splunk-token-0123456789abcdef';
export const TEST_USER = 'analyst';

export const BAD_SPL_MESSAGE =
  "Error in 'search' command: Unable to parse the search: Comparator '=' is missing a term on the right hand side.";

export function seedSavedSearches(): FakeSavedSearch[] {
  return [
    {
      name: 'Auth history',
      owner: 'admin',
      app: 'search',
      sharing: 'app',
      search: 'search index=auth user="$user$" | table _time user src_ip host action tags',
      description: 'Authentications of one user',
      earliest: '-24h',
      latest: 'now',
    },
    {
      name: 'Host activity',
      owner: TEST_USER,
      app: 'security',
      sharing: 'user',
      search: 'search index=auth host="$host$" | table _time host user src_ip action',
    },
    {
      name: 'Source IP sightings',
      owner: 'admin',
      app: 'security',
      sharing: 'global',
      search: 'search index=* src_ip="$src_ip$" | table _time src_ip user host action',
    },
    {
      name: 'Broken SPL',
      owner: 'admin',
      app: 'search',
      sharing: 'app',
      search: 'search index=auth user= | stats count by src_ip',
    },
    {
      // Private to another user: the test token's user must not see it.
      name: 'Bob private',
      owner: 'bob',
      app: 'search',
      sharing: 'user',
      search: 'search index=auth user=bob',
    },
  ];
}

/** Small deterministic PRNG (mulberry32): same history on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 60 days of authentications, newest first. alice is busy (hundreds of events: paging), carol has
 * a handful, "nobody-here" has none (empty results).
 */
export function seedHistory(): HistoryRow[] {
  const rand = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const users = [
    ...Array<string>(12).fill('alice'),
    ...Array<string>(4).fill('bob'),
    'carol',
    'svc-backup',
    'svc-backup',
  ];
  const ips = ['10.0.0.5', '10.0.0.7', '192.0.2.44', '198.51.100.23', '203.0.113.9'];
  const hosts = ['web-01', 'web-02', 'vpn-gw', 'dc-01'];
  const rows: HistoryRow[] = [];
  const span = 60 * 86_400_000;
  const n = 1200;
  for (let i = 0; i < n; i++) {
    const t = FAKE_NOW - Math.floor((i / n) * span) - Math.floor(rand() * 60_000);
    const row: HistoryRow = {
      _time: new Date(t).toISOString().replace('Z', '+00:00'),
      user: pick(users),
      host: pick(hosts),
      action: rand() < 0.8 ? 'success' : 'failure',
    };
    // Some events carry no source IP (console logins): absent, not empty.
    if (rand() < 0.9) row.src_ip = pick(ips);
    // Multivalue field, as Splunk sends it: an array of strings.
    if (rand() < 0.2) row.tags = ['vpn', 'mfa'];
    rows.push(row);
  }
  return rows;
}
