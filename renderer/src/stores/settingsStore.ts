// Connection settings for Datadog, Splunk and the LLM that drafts briefs. Secrets go one way: the forms send them to the core,
// which keeps them in the encrypted register and only ever answers has*/"stored" flags. Each
// source keeps its own busy state, last error (shown beside its form) and last test report.
import { create } from 'zustand';
import type { ConnectionReport, SaveDatadogInput, SaveLlmInput, SaveSplunkInput, SourcesSettings } from '../../../shared/domain';
import { call, toClientError, type VigilClientError } from '../api/client';
import { useAppStore } from './appStore';
import { reportError } from './noticeStore';

export type Source = 'datadog' | 'splunk';
/** A settings card: the two sources, and the LLM that drafts briefs. */
export type Card = Source | 'llm';

type PerSource<T> = Record<Card, T>;

interface SettingsState {
  settings: SourcesSettings | null;
  /** bumped when a source's settings arrive from the core: its form starts over from them */
  versions: PerSource<number>;
  busy: PerSource<'save' | 'test' | null>;
  errors: PerSource<VigilClientError | null>;
  reports: PerSource<ConnectionReport | null>;
  load: () => Promise<void>;
  saveDatadog: (input: SaveDatadogInput) => Promise<boolean>;
  saveSplunk: (input: SaveSplunkInput) => Promise<boolean>;
  saveLlm: (input: SaveLlmInput) => Promise<boolean>;
  test: (source: Source) => Promise<void>;
  clearError: (card: Card) => void;
  reset: () => void;
}

const none = <T,>(v: T): PerSource<T> => ({ datadog: v, splunk: v, llm: v });

export const useSettingsStore = create<SettingsState>()((set, get) => {
  const patch = <K extends 'busy' | 'errors' | 'reports'>(key: K, source: Card, value: SettingsState[K][Card]) =>
    set((s) => ({ [key]: { ...s[key], [source]: value } }) as unknown as Pick<SettingsState, K>);

  async function save(source: Card, fn: () => Promise<SourcesSettings>): Promise<boolean> {
    if (get().busy[source]) return false;
    patch('busy', source, 'save');
    patch('errors', source, null);
    try {
      const settings = await fn();
      set((s) => ({ settings, versions: { ...s.versions, [source]: s.versions[source] + 1 } }));
      // What was tested is not what is saved any more.
      patch('reports', source, null);
      void useAppStore.getState().refresh();
      return true;
    } catch (e) {
      patch('errors', source, toClientError(e));
      return false;
    } finally {
      patch('busy', source, null);
    }
  }

  return {
    settings: null,
    versions: none(0),
    busy: none(null),
    errors: none(null),
    reports: none(null),
    load: async () => {
      try {
        const settings = await call('settings.get', {});
        set((s) => ({ settings, versions: { datadog: s.versions.datadog + 1, splunk: s.versions.splunk + 1, llm: s.versions.llm + 1 } }));
      } catch (e) {
        reportError(e);
      }
    },
    saveDatadog: (input) => save('datadog', () => call('settings.saveDatadog', input)),
    saveSplunk: (input) => save('splunk', () => call('settings.saveSplunk', input)),
    saveLlm: (input) => save('llm', () => call('settings.saveLlm', input)),
    test: async (source) => {
      if (get().busy[source]) return;
      patch('busy', source, 'test');
      patch('errors', source, null);
      patch('reports', source, null);
      try {
        patch('reports', source, await call('connection.test', { source }));
      } catch (e) {
        patch('errors', source, toClientError(e));
      } finally {
        patch('busy', source, null);
      }
    },
    clearError: (source) => patch('errors', source, null),
    reset: () => set({ settings: null, busy: none(null), errors: none(null), reports: none(null) }),
  };
});
