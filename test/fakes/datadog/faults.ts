// Fault injection for the fake Datadog: queue "the next N requests matching X misbehave like Y".
// Faults that model infrastructure (429 before any work, a 5xx from a gateway, an HTML error page, a
// reset before the answer) short-circuit the handler. Faults that model a broken *answer* (malformed
// JSON, a reset mid-body, a slow body) let the handler run first — the work is done server-side, as
// it would be in real life, which is exactly what makes them dangerous for creates.

export type Fault =
  /** 429 with X-RateLimit-* (Reset in seconds); `body` adds {"errors":["Rate limit exceeded"]} (spec shape; none recorded) */
  | { kind: 'rate_limit'; resetSeconds?: number; body?: boolean; headers?: boolean }
  /** any status, e.g. 500/502/503; body defaults to a legacy {"errors":[…]} */
  | { kind: 'status'; status: number; body?: string | object; contentType?: string; headers?: Record<string, string> }
  /** an nginx-style HTML error page (default 502) */
  | { kind: 'html'; status?: number }
  /** wait before the status line ('headers', default) or between headers and body ('body') */
  | { kind: 'delay'; ms: number; phase?: 'headers' | 'body' }
  /** hold the request, before the status line, until `until` settles (or the client goes away): a test
   * decides when the answer leaves, so it can look at the app in between on a machine of any speed */
  | { kind: 'hold'; until: Promise<unknown> }
  /** the real answer, truncated to half its length, still with its real status and JSON content type */
  | { kind: 'malformed_json' }
  /** drop the connection: before any byte of the answer, or after half the body; `rst` sends a TCP RST (ECONNRESET) */
  | { kind: 'reset'; phase?: 'before_headers' | 'mid_body'; rst?: boolean };

/** `"POST /api/v2/cases"`, `"/api/v2/security_monitoring/signals*"` (glob on the path), a RegExp on the path, or a predicate. */
export type RequestMatcher = string | RegExp | ((req: { method: string; path: string }) => boolean);

interface Entry {
  test: (method: string, path: string) => boolean;
  fault: Fault;
  remaining: number;
  label: string;
}

export class FaultQueue {
  private entries: Entry[] = [];

  /** The next `times` requests matching `match` get `fault` (in the order faults were queued). */
  next(match: RequestMatcher, fault: Fault, times = 1): this {
    if (!(times > 0)) throw new Error('times must be positive');
    this.entries.push({ test: compile(match), fault, remaining: times, label: describe(match) });
    return this;
  }

  /** Every matching request gets `fault` until clear(). */
  always(match: RequestMatcher, fault: Fault): this {
    return this.next(match, fault, Number.POSITIVE_INFINITY);
  }

  rateLimited(match: RequestMatcher, resetSeconds: number, times = 1, body = true): this {
    return this.next(match, { kind: 'rate_limit', resetSeconds, body }, times);
  }

  serverError(match: RequestMatcher, status = 500, times = 1): this {
    return this.next(match, { kind: 'status', status }, times);
  }

  clear(): void {
    this.entries = [];
  }

  /** Uses left across all queued faults (Infinity if any is permanent). */
  pending(): number {
    return this.entries.reduce((n, e) => n + e.remaining, 0);
  }

  /** Consumes and returns the fault for this request, if any. */
  take(method: string, path: string): Fault | null {
    const e = this.entries.find((x) => x.remaining > 0 && x.test(method, path));
    if (!e) return null;
    e.remaining -= 1;
    if (e.remaining <= 0) this.entries = this.entries.filter((x) => x !== e);
    return e.fault;
  }
}

function compile(match: RequestMatcher): (method: string, path: string) => boolean {
  if (typeof match === 'function') return (method, path) => match({ method, path });
  if (match instanceof RegExp) return (_m, path) => match.test(path);
  const m = /^([A-Z]+)\s+(\S+)$/.exec(match.trim());
  const method = m?.[1] ?? null;
  const glob = m?.[2] ?? match.trim();
  const re = new RegExp(`^${glob.split('*').map(escapeRe).join('.*')}$`);
  return (reqMethod, path) => (method === null || method === reqMethod) && re.test(path);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function describe(match: RequestMatcher): string {
  return typeof match === 'function' ? 'predicate' : String(match);
}
