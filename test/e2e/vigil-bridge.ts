// The page-side window.vigil for the e2e harness, injected with addInitScript before any page
// script runs. It is serialised into the browser, so it must be self-contained (no imports, no
// closures), and it is typechecked under the Node tsconfig, so the few browser globals it touches
// are typed locally instead of pulling the DOM lib into every test.

export interface BridgePaths {
  invoke: string;
  events: string;
}

export function installVigilBridge(paths: BridgePaths): void {
  interface EventSourceLike {
    onmessage: ((m: { data: string }) => void) | null;
    close(): void;
  }
  interface PageGlobals {
    location: { protocol: string };
    EventSource: new (url: string) => EventSourceLike;
    fetch: typeof fetch;
  }
  const page = globalThis as unknown as PageGlobals;
  if (page.location.protocol !== 'http:' || 'vigil' in page) return;

  type Listener = (event: unknown) => void;
  const listeners = new Set<Listener>();
  let source: EventSourceLike | null = null;

  const bridge = {
    async invoke(channel: string, input: unknown): Promise<unknown> {
      const res = await page.fetch(paths.invoke, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel, input }),
      });
      return res.json();
    },
    onEvent(listener: Listener): () => void {
      listeners.add(listener);
      if (!source) {
        source = new page.EventSource(paths.events);
        source.onmessage = (m) => {
          const event: unknown = JSON.parse(m.data);
          for (const l of [...listeners]) l(event);
        };
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
  // Like contextBridge: a frozen object the page cannot replace.
  Object.defineProperty(page, 'vigil', { value: Object.freeze(bridge), writable: false, configurable: false, enumerable: true });
}
