// One subscription to core events for the whole app. A vault event (idle lock, lock from the menu
// or another window) replaces the status, which switches the view; sync, outbox and connectivity
// events (and drafting runs) feed the app bar and status bar; a findings event (a sync or a Splunk context run changed
// findings) refreshes the queue and the open finding.
import { useEffect } from 'react';
import { onVigilEvent } from '../api/client';
import { useAppStore } from '../stores/appStore';
import { useDraftStore } from '../stores/draftStore';
import { useEvidenceStore } from '../stores/evidenceStore';
import { useFindingStore } from '../stores/findingStore';
import { useOutboxStore } from '../stores/outboxStore';
import { scheduleQueueRefresh } from '../stores/queueStore';
import { useSyncStore } from '../stores/syncStore';
import { useVaultStore } from '../stores/vaultStore';

const unlocked = () => useVaultStore.getState().status?.state === 'unlocked';

export function useVigilEvents(): void {
  useEffect(
    () =>
      onVigilEvent((event) => {
        switch (event.type) {
          case 'vault':
            useVaultStore.getState().apply(event.status);
            break;
          case 'connectivity':
            useAppStore.getState().setConnectivity(event.connectivity);
            break;
          case 'sync':
            useSyncStore.getState().apply(event.status);
            break;
          case 'drafts':
            if (unlocked()) useDraftStore.getState().apply(event.status);
            break;
          case 'export':
            useEvidenceStore.getState().applyProgress({ phase: event.phase, done: event.done, total: event.total });
            break;
          case 'outbox':
            useAppStore.getState().setOutbox(event.status);
            if (useOutboxStore.getState().open) void useOutboxStore.getState().load();
            // A delivered write may have created the open finding's Datadog case.
            if (unlocked() && useFindingStore.getState().openId) void useFindingStore.getState().reload();
            break;
          case 'findings': {
            if (!unlocked()) break;
            scheduleQueueRefresh();
            const f = useFindingStore.getState();
            // An empty list means "any finding may have changed" (a sync).
            if (f.openId && (event.changed.length === 0 || event.changed.includes(f.openId as (typeof event.changed)[number]))) void f.reload();
            break;
          }
        }
      }),
    [],
  );
}
