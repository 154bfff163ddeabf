// Chooses the screen from the vault state and keeps the stores in step with it: unlocking loads
// the queue and the sync status, locking forgets every finding and setting held in memory.
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import { useEffect } from 'react';
import { AppBar } from './components/AppBar';
import { NoticeSnackbar } from './components/NoticeSnackbar';
import { EvidenceDialogs } from './views/evidence/EvidenceDialogs';
import { StatusBar } from './components/StatusBar';
import { useActivityTouch } from './hooks/useActivityTouch';
import { useVigilEvents } from './hooks/useVigilEvents';
import { useAppStore } from './stores/appStore';
import { useDraftListStore, useDraftStore } from './stores/draftStore';
import { useFindingStore } from './stores/findingStore';
import { useOutboxStore } from './stores/outboxStore';
import { useQueueStore } from './stores/queueStore';
import { useSettingsStore } from './stores/settingsStore';
import { useSyncStore } from './stores/syncStore';
import { useVaultStore } from './stores/vaultStore';
import { DraftsView } from './views/drafts/DraftsView';
import { QueueView } from './views/QueueView';
import { SettingsView } from './views/settings/SettingsView';
import { UnlockView } from './views/UnlockView';
import { WelcomeView } from './views/WelcomeView';

/** Connectivity and the outbox arrive as events; a slow poll covers anything missed. */
const APP_INFO_POLL_MS = 60_000;

export function App() {
  const state = useVaultStore((s) => s.status?.state ?? null);
  const view = useAppStore((s) => s.view);
  useVigilEvents();
  useActivityTouch();

  useEffect(() => {
    void useVaultStore.getState().load();
    void useAppStore.getState().refresh();
    const t = setInterval(() => void useAppStore.getState().refresh(), APP_INFO_POLL_MS);
    return () => clearInterval(t);
  }, []);

  useEffect(() => {
    if (state === 'unlocked') {
      void useQueueStore.getState().loadFacets();
      useQueueStore.getState().ensureRange(0, 0);
      void useSyncStore.getState().load();
      void useDraftStore.getState().load();
      void useAppStore.getState().refresh();
    } else {
      useFindingStore.getState().close();
      useQueueStore.getState().reset();
      useSyncStore.getState().reset();
      useDraftStore.getState().reset();
      useDraftListStore.getState().reset();
      useSettingsStore.getState().reset();
      useOutboxStore.getState().reset();
      useAppStore.getState().show('queue');
    }
  }, [state]);

  return (
    <Box sx={{ height: '100%', display: 'flex', flexDirection: 'column', bgcolor: 'background.default' }}>
      {state === 'unlocked' && <AppBar />}
      {/* minWidth 0 all the way down: otherwise the wide queue grid stretches the page instead of scrolling. */}
      <Box sx={{ flex: 1, minHeight: 0, minWidth: 0, display: 'flex' }}>
        {state === null ? (
          <Box sx={{ flex: 1, display: 'grid', placeItems: 'center' }}>
            <CircularProgress size={24} />
          </Box>
        ) : state === 'none' ? (
          <WelcomeView />
        ) : state === 'locked' ? (
          <UnlockView />
        ) : view === 'settings' ? (
          <SettingsView />
        ) : view === 'drafts' ? (
          <DraftsView />
        ) : (
          <QueueView />
        )}
      </Box>
      <StatusBar />
      <NoticeSnackbar />
      {state === 'unlocked' && <EvidenceDialogs />}
    </Box>
  );
}
