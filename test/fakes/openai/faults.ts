// Failures the fake OpenAI endpoint can inject in front of its normal behaviour, each one something
// the real API, a gateway in front of it or a local server has been seen doing.

export type OpenAIFaultKind =
  /** 429 with retry-after (seconds), retry-after-ms is NOT sent, x-ratelimit-* headers and OpenAI's rate-limit body. */
  | 'rate-limit'
  /** 429 insufficient_quota: retrying will not help. */
  | 'quota'
  /** 500 server_error. */
  | 'server-error'
  /** 503 "engine overloaded". */
  | 'unavailable'
  /** Waits `delayMs` (default 10 s), then answers normally. */
  | 'slow'
  /** 200; the model's content is prose, not JSON. */
  | 'malformed-content'
  /** 200; the content is JSON that fails the finding_brief schema. */
  | 'schema-violation'
  /** 200; the answer was cut by the output token limit (finish_reason "length", half a JSON object). */
  | 'length'
  /** 200; the model refuses (content null, refusal set). */
  | 'refusal'
  /** 200 application/json with a Content-Length larger than what is sent, then the socket is closed. */
  | 'truncated-body'
  /** 200 text/html: a proxy's or captive portal's page. */
  | 'html'
  /** Destroys the socket without answering (ECONNRESET on the client). */
  | 'reset'
  /** 400 invalid_request_error with `message`. */
  | 'bad-request'
  /** 401 invalid_api_key whatever the key. */
  | 'auth'
  /** 404 model_not_found. */
  | 'model-not-found';

export interface OpenAIFaultOptions {
  /** How many matching requests it affects; default every one. */
  times?: number;
  /** Only requests whose path contains this string. */
  path?: string;
  /** 'slow'. */
  delayMs?: number;
  /** 'rate-limit': the retry-after value in seconds (default 1). */
  retryAfterSec?: number;
  /** 'bad-request': the server's message. */
  message?: string;
}

export interface OpenAIFaultRule extends OpenAIFaultOptions {
  kind: OpenAIFaultKind;
  remaining: number;
  /** How many requests it affected. */
  hits: number;
}

export class OpenAIFaults {
  readonly rules: OpenAIFaultRule[] = [];

  /** Adds a fault; the first matching rule with requests left wins. */
  add(kind: OpenAIFaultKind, opts: OpenAIFaultOptions = {}): OpenAIFaultRule {
    const rule: OpenAIFaultRule = { ...opts, kind, remaining: opts.times ?? Infinity, hits: 0 };
    this.rules.push(rule);
    return rule;
  }

  clear(): void {
    this.rules.length = 0;
  }

  take(path: string): OpenAIFaultRule | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && (r.path === undefined || path.includes(r.path)));
    if (rule) {
      rule.remaining--;
      rule.hits++;
    }
    return rule;
  }
}

/** Bodies as api.openai.com sends them. */
export const OPENAI_ERRORS = {
  invalidKey: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } },
  noKey: {
    error: {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      type: 'invalid_request_error',
      param: null,
      code: null,
    },
  },
  rateLimit: (model: string, seconds: number) => ({
    error: {
      message: `Rate limit reached for ${model} in organization org-vigilfake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in ${seconds}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    },
  }),
  quota: {
    error: {
      message: 'You exceeded your current quota, please check your plan and billing details.',
      type: 'insufficient_quota',
      param: null,
      code: 'insufficient_quota',
    },
  },
  server: {
    error: {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    },
  },
  overloaded: { error: { message: 'The engine is currently overloaded, please try again later.', type: 'server_error', param: null, code: null } },
  modelNotFound: (model: string) => ({
    error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' },
  }),
  badRequest: (message: string, param: string | null = null, code: string | null = null) => ({
    error: { message, type: 'invalid_request_error', param, code },
  }),
  invalidUrl: (method: string, path: string) => ({
    error: { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null },
  }),
};

export const PROXY_HTML = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>nginx</p></body></html>';
