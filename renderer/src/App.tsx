// Chooses the screen from the vault state and keeps the stores in step with it: unlocking loads
// the queue, locking forgets every finding held in memory.
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import { useEffect } from 'react';
import { NoticeSnackbar } from './components/NoticeSnackbar';
import { StatusBar } from './components/StatusBar';
import { useActivityTouch } from './hooks/useActivityTouch';
import { useVigilEvents } from './hooks/useVigilEvents';
import { useAppStore } from './stores/appStore';
import { useFindingStore } from './stores/findingStore';
import { useQueueStore } from './stores/queueStore';
import { useVaultStore } from './stores/vaultStore';
import { QueueView } from './views/QueueView';
import { UnlockView } from './views/UnlockView';
import { WelcomeView } from './views/WelcomeView';

/** The outbox and connectivity change without events today; poll them gently. */
const APP_INFO_POLL_MS = 60_000;

export function App() {
  const state = useVaultStore((s) => s.status?.state ?? null);
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
      void useAppStore.getState().refresh();
    } else {
      useFindingStore.getState().close();
      useQueueStore.getState().reset();
    }
  }, [state]);

  return (
    <Box sx={{ height: '100%', display: 'flex', flexDirection: 'column', bgcolor: 'background.default' }}>
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
        ) : (
          <QueueView />
        )}
      </Box>
      <StatusBar />
      <NoticeSnackbar />
    </Box>
  );
}
