// A loopback OpenAI-compatible endpoint for tests and the benchmark, written from the public API
// shape (not from Vigil's client): Bearer auth with OpenAI's error bodies, POST /v1/chat/completions
// answering a `chat.completion` object with usage, response_format json_schema (strict schemas are
// checked the way the API checks them), GET /v1/models, and injectable faults. Answers come from a
// script set by the test, else from the default responder that follows the fenced evidence.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { OPENAI_ERRORS, OpenAIFaults, PROXY_HTML, type OpenAIFaultRule } from './faults';
import { defaultBrief } from './responder';

export const FAKE_OPENAI_KEY = 'sk-test-vigil-fake-0123456789abcdef';
export const FAKE_OPENAI_MODEL = 'gpt-4.1-mini';

export interface FakeOpenAIOptions {
  /** The key the fake accepts. `null`: no auth at all (a local server). Default FAKE_OPENAI_KEY. */
  apiKey?: string | null;
  /** Models it serves; any other → 404 model_not_found. Default: any model. */
  models?: string[];
  /** Added before every answer (the benchmark uses 500 ms). */
  latencyMs?: number;
}

export interface ChatMessage {
  role: string;
  content: string | null | { type: string; text?: string }[];
}

export interface ChatRequestBody {
  model: string;
  messages: ChatMessage[];
  response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean | null } };
  temperature?: number;
  max_completion_tokens?: number;
  [k: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (POST), else undefined. */
  body: ChatRequestBody | undefined;
  raw: string;
}

/** What a script sees of one chat request. */
export interface ChatRequestView {
  /** 0-based index among chat completion requests since start or the last reset(). */
  index: number;
  body: ChatRequestBody;
  model: string;
  messages: ChatMessage[];
  system: string;
  /** The first user message (the rendered finding). */
  user: string;
  /** The last user message (a re-ask, or the finding again). */
  lastUser: string;
  jsonSchema: Record<string, unknown> | undefined;
}

export interface ScriptedAnswer {
  /** Raw message content (wins over json). */
  content?: string | null;
  /** Serialised as the content. */
  json?: unknown;
  refusal?: string;
  finish_reason?: 'stop' | 'length' | 'content_filter';
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/** A string is raw content; an object without content/json keys is the JSON answer itself. */
export type Answer = string | ScriptedAnswer | Record<string, unknown>;
export type ScriptFn = (req: ChatRequestView) => Answer | undefined | Promise<Answer | undefined>;

export class Script {
  /** Answers used first, in order. */
  readonly queue: Answer[] = [];
  fn: ScriptFn | null = null;

  /** Every later request is answered by fn (undefined from fn → the default responder). */
  use(fn: ScriptFn | null): this {
    this.fn = fn;
    return this;
  }

  /** Answers for the next requests, in order; then fn, then the default responder. */
  push(...answers: Answer[]): this {
    this.queue.push(...answers);
    return this;
  }

  reset(): void {
    this.queue.length = 0;
    this.fn = null;
  }
}

export interface FakeOpenAI {
  /** Base URL, ending with /v1. */
  url: string;
  requests: RecordedRequest[];
  /** Chat completion requests only. */
  chatRequests(): RecordedRequest[];
  script: Script;
  faults: OpenAIFaults;
  /** Clears recorded requests, the script, the faults and the request index. */
  reset(): void;
  close(): Promise<void>;
}

function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? '').join('');
  return '';
}

const approxTokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

/** The checks the API makes on a strict json_schema: every object closed and fully required. */
function strictProblems(schema: unknown, path: string): string | null {
  if (schema === null || typeof schema !== 'object') return null;
  const s = schema as Record<string, unknown>;
  if (s['type'] === 'object') {
    if (s['additionalProperties'] !== false) return `In context=(${path}), 'additionalProperties' is required to be supplied and to be false.`;
    const props = Object.keys((s['properties'] ?? {}) as object);
    const req = Array.isArray(s['required']) ? (s['required'] as string[]) : [];
    const missing = props.find((p) => !req.includes(p));
    if (missing) return `In context=(${path}), 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`;
    for (const [k, v] of Object.entries((s['properties'] ?? {}) as Record<string, unknown>)) {
      const p = strictProblems(v, path ? `${path}, 'properties', '${k}'` : `'properties', '${k}'`);
      if (p) return p;
    }
  }
  if (s['oneOf']) return `In context=(${path}), 'oneOf' is not permitted.`;
  for (const key of ['items', 'anyOf', '$defs', 'definitions']) {
    const v = s[key];
    const list = Array.isArray(v) ? v : v && typeof v === 'object' && key !== 'items' ? Object.values(v) : v ? [v] : [];
    for (const x of list) {
      const p = strictProblems(x, path ? `${path}, '${key}'` : `'${key}'`);
      if (p) return p;
    }
  }
  return null;
}

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = opts.apiKey === undefined ? FAKE_OPENAI_KEY : opts.apiKey;
  const requests: RecordedRequest[] = [];
  const script = new Script();
  const faults = new OpenAIFaults();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let chatCount = 0;

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'x-request-id': `req_${randomBytes(16).toString('hex')}`,
      'openai-version': '2020-10-01',
      'openai-processing-ms': '42',
      ...headers,
    });
    res.end(text);
  };

  const wait = (ms: number, res: ServerResponse) =>
    new Promise<boolean>((resolve) => {
      if (ms <= 0) return resolve(!res.destroyed);
      const t = setTimeout(() => {
        timers.delete(t);
        res.off('close', onClose);
        resolve(!res.destroyed);
      }, ms);
      const onClose = () => {
        clearTimeout(t);
        timers.delete(t);
        resolve(false);
      };
      timers.add(t);
      res.once('close', onClose);
    });

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const applyFault = async (rule: OpenAIFaultRule, res: ServerResponse, model: string): Promise<'handled' | 'continue' | { content: string | null; finish: string; refusal?: string }> => {
    switch (rule.kind) {
      case 'rate-limit': {
        const s = rule.retryAfterSec ?? 1;
        sendJson(res, 429, OPENAI_ERRORS.rateLimit(model, s), {
          'retry-after': String(s),
          'x-ratelimit-limit-requests': '3',
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': `${s}s`,
          'x-ratelimit-limit-tokens': '200000',
          'x-ratelimit-remaining-tokens': '199000',
          'x-ratelimit-reset-tokens': '300ms',
        });
        return 'handled';
      }
      case 'quota':
        sendJson(res, 429, OPENAI_ERRORS.quota);
        return 'handled';
      case 'server-error':
        sendJson(res, 500, OPENAI_ERRORS.server);
        return 'handled';
      case 'unavailable':
        sendJson(res, 503, OPENAI_ERRORS.overloaded);
        return 'handled';
      case 'slow':
        return (await wait(rule.delayMs ?? 10_000, res)) ? 'continue' : 'handled';
      case 'malformed-content':
        return { content: "Sure! Here's the brief you asked for: technique T1110, severity high — let me know if you need more.", finish: 'stop' };
      case 'schema-violation':
        return { content: JSON.stringify({ technique_id: 'Brute Force', severity: 'urgent', claims: 'many' }), finish: 'stop' };
      case 'length':
        return { content: '{"technique_id":"T1110","secondary_technique_ids":[],"severity":"hi', finish: 'length' };
      case 'refusal':
        return { content: null, finish: 'stop', refusal: "I'm sorry, I can't help with that." };
      case 'truncated-body': {
        const text = JSON.stringify({ id: 'chatcmpl-cut', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: '{"technique_id":"T1110"' } }] });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text) + 500) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        setTimeout(() => res.socket?.destroy(), 5);
        return 'handled';
      }
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(PROXY_HTML)) });
        res.end(PROXY_HTML);
        return 'handled';
      case 'reset':
        res.socket?.destroy();
        return 'handled';
      case 'bad-request':
        sendJson(res, 400, OPENAI_ERRORS.badRequest(rule.message ?? "Invalid value for 'temperature'.", null, null));
        return 'handled';
      case 'auth':
        sendJson(res, 401, OPENAI_ERRORS.invalidKey);
        return 'handled';
      case 'model-not-found':
        sendJson(res, 404, OPENAI_ERRORS.modelNotFound(model));
        return 'handled';
    }
  };

  const resolveAnswer = async (view: ChatRequestView): Promise<{ content: string | null; finish: string; refusal?: string; usage?: ScriptedAnswer['usage'] }> => {
    let answer: Answer | undefined = script.queue.shift();
    if (answer === undefined && script.fn) answer = await script.fn(view);
    if (answer === undefined) {
      const brief = defaultBrief(view.user);
      const wantsJson = view.body.response_format?.type === 'json_schema' || view.body.response_format?.type === 'json_object';
      return { content: wantsJson ? JSON.stringify(brief) : `Here is the brief:\n\`\`\`json\n${JSON.stringify(brief, null, 2)}\n\`\`\``, finish: 'stop' };
    }
    if (typeof answer === 'string') return { content: answer, finish: 'stop' };
    const a = answer as ScriptedAnswer;
    const isScripted = ['content', 'json', 'refusal', 'finish_reason', 'usage'].some((k) => k in a);
    if (!isScripted) return { content: JSON.stringify(answer), finish: 'stop' };
    const content = a.content !== undefined ? a.content : a.json !== undefined ? JSON.stringify(a.json) : a.refusal ? null : '';
    return { content, finish: a.finish_reason ?? 'stop', ...(a.refusal ? { refusal: a.refusal } : {}), ...(a.usage ? { usage: a.usage } : {}) };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const raw = method === 'POST' ? await readBody(req) : '';
    let body: ChatRequestBody | undefined;
    let bodyError = false;
    if (raw) {
      try {
        body = JSON.parse(raw) as ChatRequestBody;
      } catch {
        bodyError = true;
      }
    }
    const authorization = req.headers.authorization;
    requests.push({ method, path, authorization, headers: { ...req.headers }, body, raw });

    if (opts.latencyMs && !(await wait(opts.latencyMs, res))) return;

    // Auth comes first, as on the real API.
    if (apiKey !== null) {
      if (!authorization) return sendJson(res, 401, OPENAI_ERRORS.noKey);
      if (authorization !== `Bearer ${apiKey}`) return sendJson(res, 401, OPENAI_ERRORS.invalidKey);
    }

    if (method === 'GET' && path === '/v1/models') {
      const ids = opts.models ?? [FAKE_OPENAI_MODEL];
      return sendJson(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_744_316_542, owned_by: 'system' })) });
    }
    if (!(method === 'POST' && path === '/v1/chat/completions')) return sendJson(res, 404, OPENAI_ERRORS.invalidUrl(method, path));

    const index = chatCount++;
    const requested = typeof body?.model === 'string' ? body.model : '';
    const rule = faults.take(path);
    let forced: { content: string | null; finish: string; refusal?: string } | undefined;
    if (rule) {
      const r = await applyFault(rule, res, requested || FAKE_OPENAI_MODEL);
      if (r === 'handled') return;
      if (r !== 'continue') forced = r;
    }

    if (bodyError || !body || typeof body !== 'object') {
      return sendJson(res, 400, OPENAI_ERRORS.badRequest('We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly.)'));
    }
    if (!requested) return sendJson(res, 400, OPENAI_ERRORS.badRequest('you must provide a model parameter', null, null));
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendJson(res, 400, OPENAI_ERRORS.badRequest("[] is too short - 'messages'", 'messages', 'empty_array'));
    }
    for (const [i, m] of body.messages.entries()) {
      if (!m || typeof m !== 'object' || !['system', 'developer', 'user', 'assistant', 'tool'].includes(m.role)) {
        return sendJson(res, 400, OPENAI_ERRORS.badRequest(`Invalid value for 'messages[${i}].role'.`, `messages[${i}].role`, 'invalid_value'));
      }
    }
    if (opts.models && !opts.models.includes(requested)) return sendJson(res, 404, OPENAI_ERRORS.modelNotFound(requested));
    if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) {
      return sendJson(res, 400, OPENAI_ERRORS.badRequest(`Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${String(body.temperature)} instead.`, 'temperature', 'decimal_above_max_value'));
    }
    const rf = body.response_format;
    let jsonSchema: Record<string, unknown> | undefined;
    if (rf !== undefined) {
      if (rf.type === 'json_schema') {
        const js = rf.json_schema;
        if (!js || typeof js.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(js.name)) {
          return sendJson(res, 400, OPENAI_ERRORS.badRequest("Invalid 'response_format.json_schema.name': string does not match pattern.", 'response_format.json_schema.name', 'invalid_value'));
        }
        if (!js.schema || typeof js.schema !== 'object' || js.schema['type'] !== 'object') {
          return sendJson(res, 400, OPENAI_ERRORS.badRequest(`Invalid schema for response_format '${js.name}': schema must be a JSON Schema of 'type: "object"'.`, 'response_format', 'invalid_json_schema'));
        }
        if (js.strict) {
          const problem = strictProblems(js.schema, '');
          if (problem) return sendJson(res, 400, OPENAI_ERRORS.badRequest(`Invalid schema for response_format '${js.name}': ${problem}`, 'response_format', 'invalid_json_schema'));
        }
        jsonSchema = js.schema;
      } else if (rf.type !== 'text' && rf.type !== 'json_object') {
        return sendJson(res, 400, OPENAI_ERRORS.badRequest("Invalid value: 'response_format.type'.", 'response_format.type', 'invalid_value'));
      }
    }

    const texts = body.messages.map((m) => textOf(m.content));
    const users = body.messages.filter((m) => m.role === 'user').map((m) => textOf(m.content));
    const view: ChatRequestView = {
      index,
      body,
      model: requested,
      messages: body.messages,
      system: textOf(body.messages.find((m) => m.role === 'system' || m.role === 'developer')?.content ?? ''),
      user: users[0] ?? '',
      lastUser: users.at(-1) ?? '',
      jsonSchema,
    };
    const answer = forced ?? (await resolveAnswer(view));
    if (res.destroyed) return;
    const promptTokens = (answer as { usage?: ScriptedAnswer['usage'] }).usage?.prompt_tokens ?? texts.reduce((n, t) => n + approxTokens(t) + 4, 3);
    const completionTokens = (answer as { usage?: ScriptedAnswer['usage'] }).usage?.completion_tokens ?? approxTokens(answer.content ?? answer.refusal ?? '');
    sendJson(
      res,
      200,
      {
        id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: requested,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer.content, refusal: answer.refusal ?? null, annotations: [] },
            logprobs: null,
            finish_reason: answer.finish,
          },
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        },
        service_tier: 'default',
        system_fingerprint: 'fp_vigilfake',
      },
      {
        'x-ratelimit-limit-requests': '10000',
        'x-ratelimit-remaining-requests': '9999',
        'x-ratelimit-reset-requests': '6ms',
        'x-ratelimit-limit-tokens': '200000',
        'x-ratelimit-remaining-tokens': String(Math.max(0, 200000 - promptTokens)),
        'x-ratelimit-reset-tokens': '1s',
      },
    );
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { error: { message: String(e), type: 'server_error', param: null, code: null } });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions'),
    script,
    faults,
    reset: () => {
      requests.length = 0;
      script.reset();
      faults.clear();
      chatCount = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
