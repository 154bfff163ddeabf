// Drafting for one unlocked workspace: which drafter (the LLM when configured, else offline), the
// LLM settings (the key only in the register), background runs with progress, and auto-drafting of
// new findings after a sync.
import type { DraftRunStatus, LlmSettings, QueueFilter, SaveLlmInput, VigilEvent } from '../../../shared/domain';
import { VigilError, isVigilError } from '../../../shared/errors';
import type { Register } from '../register/register';
import { DEFAULT_DRAFT_CONCURRENCY, runDrafts, type CostFn, type DraftRunProgress } from './draft-runner';
import type { Drafter } from './types';

const K = {
  baseUrl: 'llm.base_url',
  model: 'llm.model',
  prompt: 'llm.prompt_version',
  concurrency: 'llm.concurrency',
  autoDraft: 'llm.auto_draft',
  apiKey: 'llm.api_key',
} as const;

/** One run at most: beyond this a person should narrow the filter rather than wait. */
const MAX_RUN = 10_000;

export interface LlmConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  promptVersion: string;
}

export interface DraftingDeps {
  emit: (e: VigilEvent) => void;
  offline: () => Drafter;
  llm: (cfg: LlmConfig) => Drafter;
  cost: CostFn;
  actor: string;
  defaultPromptVersion: string;
}

export class Drafting {
  private run: { abort: AbortController; done: Promise<unknown>; drafter: string } | null = null;
  private last: DraftRunStatus = { running: false, total: 0, done: 0, drafted: 0, skipped: 0, failed: 0, fellBack: 0, drafter: null, error: null };

  constructor(
    private readonly reg: Register,
    private readonly deps: DraftingDeps,
  ) {}

  settings(): LlmSettings {
    const s = (k: string) => this.reg.setting(k);
    return {
      configured: s(K.baseUrl) !== null && s(K.model) !== null,
      baseUrl: s(K.baseUrl),
      model: s(K.model),
      promptVersion: s(K.prompt) ?? this.deps.defaultPromptVersion,
      concurrency: Number(s(K.concurrency) ?? DEFAULT_DRAFT_CONCURRENCY),
      autoDraft: (s(K.autoDraft) ?? '1') === '1',
      hasApiKey: this.reg.secret(K.apiKey) !== null,
    };
  }

  save(i: SaveLlmInput, actor: string): void {
    this.reg.transaction(() => {
      this.reg.setSetting(K.baseUrl, i.baseUrl.replace(/\/+$/, ''), actor);
      this.reg.setSetting(K.model, i.model, actor);
      if (i.promptVersion !== undefined) this.reg.setSetting(K.prompt, i.promptVersion, actor);
      if (i.concurrency !== undefined) this.reg.setSetting(K.concurrency, String(i.concurrency), actor);
      if (i.autoDraft !== undefined) this.reg.setSetting(K.autoDraft, i.autoDraft ? '1' : '0', actor);
      if (i.apiKey !== undefined) this.reg.setSecret(K.apiKey, i.apiKey, actor);
    });
  }

  /** The LLM drafter when one is configured, else the offline drafter. */
  drafter(): Drafter {
    const s = this.settings();
    if (!s.configured) return this.deps.offline();
    return this.deps.llm({ baseUrl: s.baseUrl!, model: s.model!, apiKey: this.reg.secret(K.apiKey) ?? '', promptVersion: s.promptVersion });
  }

  status(): DraftRunStatus {
    return { ...this.last };
  }

  /** Which findings a request means. "new" = not drafted yet and still draftable. */
  resolve(scope: 'new' | 'ids' | 'filter', ids: string[] | undefined, filter: QueueFilter | undefined): number[] {
    if (scope === 'ids') return (ids ?? []).map((x) => Number(x.slice(4)));
    if (scope === 'new') {
      const out: number[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = this.reg.queuePage({ filter: { status: ['new'] }, sort: { field: 'finding_id', dir: 'asc' }, offset, limit: 500 });
        out.push(...page.rows.map((r) => Number(r.finding_id.slice(4))));
        if (page.rows.length < 500 || out.length >= MAX_RUN) return out;
      }
    }
    const first = this.reg.queuePage({ filter: filter ?? {}, sort: { field: 'finding_id', dir: 'asc' }, offset: 0, limit: 1 });
    if (first.total > MAX_RUN) {
      throw new VigilError('VALIDATION_FAILED', `${first.total.toLocaleString('en-US')} findings match; one drafting run takes at most ${MAX_RUN.toLocaleString('en-US')}. Narrow the filter.`);
    }
    const out: number[] = [];
    for (let offset = 0; offset < MAX_RUN; offset += 500) {
      const page = this.reg.queuePage({ filter: filter ?? {}, sort: { field: 'finding_id', dir: 'asc' }, offset, limit: 500 });
      out.push(...page.rows.map((r) => Number(r.finding_id.slice(4))));
      if (page.rows.length < 500) break;
    }
    return out;
  }

  /** Start drafting in the background; returns at once with the run's status. */
  start(ids: number[], force = false): DraftRunStatus {
    if (this.run) throw new VigilError('VALIDATION_FAILED', 'A drafting run is already going; cancel it or wait for it to finish.');
    const drafter = this.drafter();
    const offline = drafter.kind === 'offline' ? undefined : this.deps.offline();
    const abort = new AbortController();
    this.last = { running: true, total: ids.length, done: 0, drafted: 0, skipped: 0, failed: 0, fellBack: 0, drafter: drafter.identity, error: null };
    const publish = (p: DraftRunProgress) => {
      // A cancelled run's last word comes from the catch below, with its error set.
      if (!p.running && abort.signal.aborted) return;
      this.last = { ...p, drafter: drafter.identity, error: null };
      this.deps.emit({ type: 'drafts', status: this.status() });
    };
    const done = runDrafts(this.reg, ids, drafter, { ...(offline ? { fallback: offline } : {}), cost: this.deps.cost }, {
      concurrency: this.settings().concurrency,
      force,
      signal: abort.signal,
      onProgress: publish,
    })
      .then((p) => {
        if (p.drafted > 0) this.deps.emit({ type: 'findings', changed: [], reason: 'drafts' });
      })
      .catch((e) => {
        this.last = { ...this.last, running: false, error: isVigilError(e) ? e.toJSON() : { code: 'INTERNAL', message: 'Drafting stopped unexpectedly.' } };
        this.deps.emit({ type: 'drafts', status: this.status() });
      })
      .finally(() => {
        this.run = null;
      });
    this.run = { abort, done, drafter: drafter.identity };
    this.deps.emit({ type: 'drafts', status: this.status() });
    return this.status();
  }

  /** After a sync: draft what is new, if the user wants that (default on). */
  autoDraftNew(): void {
    if (this.run || !this.settings().autoDraft) return;
    const ids = this.resolve('new', undefined, undefined);
    if (ids.length > 0) this.start(ids);
  }

  cancel(): DraftRunStatus {
    this.run?.abort.abort();
    return this.status();
  }

  async whenIdle(): Promise<void> {
    await this.run?.done;
  }

  dispose(): void {
    this.run?.abort.abort();
  }
}
