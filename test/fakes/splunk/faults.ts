// Failures the fake can inject in front of its normal behaviour, each one a thing a real splunkd (or
// the proxy in front of it) has been seen doing.

export type FaultKind =
  /** 503 with the recorded search-head-cluster proxy error body (examples/error-503-splunk8.json). */
  | 'unavailable'
  /** Waits `delayMs` (default 10 s), then answers normally. */
  | 'slow'
  /** 200, application/json, truncated body. */
  | 'malformed-json'
  /** 200, text/html: Splunk Web's login page, as when the URL points at :8000. */
  | 'html'
  /** Destroys the socket without answering (ECONNRESET / "other side closed" on the client). */
  | 'reset'
  /** 401 for any token, as after the token expired or was revoked. */
  | 'expired-token';

export interface FaultOptions {
  /** How many matching requests it affects; default every one. */
  times?: number;
  /** Only requests whose path contains this string / matches this pattern. */
  path?: string | RegExp;
  /** Only this method. */
  method?: string;
  /** For 'slow'. */
  delayMs?: number;
}

export interface FaultRule extends FaultOptions {
  kind: FaultKind;
  remaining: number;
  /** How many requests it has affected, for assertions. */
  hits: number;
}

/** Recorded verbatim in splunk/splunk-operator tests (reference examples/error-503-splunk8.json). */
export const RECORDED_503_BODY =
  '{"messages":[{"type":"ERROR","text":"Failed to proxy call to member https://splunk-s2-search-head-0.splunk-s2-search-head-headless.splunk.svc.cluster.local:8089. ERROR:  Server https://splunk-s2-search-head-3.splunk-s2-search-head-headless.splunk.svc.cluster.local:8089 is not part of configuration, hence cannot be removed. Check configuration by making GET request onto /services/shcluster/member/consensus"}]}';

export const UNAUTHENTICATED_BODY = '{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}';

export const LOGIN_PAGE_HTML =
  '<!doctype html><html class="no-js" lang=""><head><meta charset="utf-8"><title>Login | Splunk</title></head>' +
  '<body><div class="splunk-login">Splunk Enterprise</div></body></html>';

export class Faults {
  readonly rules: FaultRule[] = [];

  /** Adds a fault; the first matching rule with requests left wins. */
  add(kind: FaultKind, opts: FaultOptions = {}): FaultRule {
    const rule: FaultRule = { ...opts, kind, remaining: opts.times ?? Infinity, hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** The fault for this request, if any, counted as used. */
  take(method: string, path: string): FaultRule | undefined {
    const rule = this.rules.find(
      (r) =>
        r.remaining > 0 &&
        (r.method === undefined || r.method === method) &&
        (r.path === undefined || (typeof r.path === 'string' ? path.includes(r.path) : r.path.test(path))),
    );
    if (rule) {
      rule.remaining--;
      rule.hits++;
    }
    return rule;
  }
}
