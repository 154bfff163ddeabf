// The top bar of an unlocked workspace: where you are (Queue, Drafts, Settings), a drafting run's
// progress (with Stop), the Datadog sync (start, progress, cancel, resume) and the way to the
// connection settings. `g q` / `g d` / `g s` switch screens.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AutoAwesomeOutlined from '@mui/icons-material/AutoAwesomeOutlined';
import ListAltOutlined from '@mui/icons-material/ListAltOutlined';
import SettingsOutlined from '@mui/icons-material/SettingsOutlined';
import ShieldOutlined from '@mui/icons-material/ShieldOutlined';
import StopOutlined from '@mui/icons-material/StopOutlined';
import SyncOutlined from '@mui/icons-material/SyncOutlined';
import SyncProblemOutlined from '@mui/icons-material/SyncProblemOutlined';
import { useEffect, type ReactNode } from 'react';
import { DEFAULT_RECHECK_DAYS, type SyncStatus } from '../../../shared/domain';
import { formatCount, formatTime } from '../lib/format';
import { isTypingTarget } from '../lib/isTypingTarget';
import { useAppStore, type AppView } from '../stores/appStore';
import { draftProgressText, useDraftStore } from '../stores/draftStore';
import { useSyncStore } from '../stores/syncStore';

export const APP_BAR_HEIGHT = 40;
/** A `g` then a letter within this time switches screens. */
const CHORD_MS = 1200;

const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

/** "page 3 · 2,400 signals · 112 new" (the page being fetched), or the rate-limit wait. */
export function syncProgressText(s: SyncStatus): string {
  const what = s.mode === 'recheck' ? 're-check · ' : '';
  if (s.phase === 'waiting') return `${what}waiting (rate limited) · page ${formatCount(s.pages + 1)} · ${plural(s.signals, 'signal')}`;
  const changed = s.mode === 'recheck' ? ` · ${formatCount(s.revised)} changed` : '';
  return `${what}page ${formatCount(s.pages + 1)} · ${plural(s.signals, 'signal')} · ${formatCount(s.inserted)} new${changed}`;
}

/** The re-check button's tooltip: what it does, how far back, when it last ran. */
function recheckHint(s: SyncStatus | null): string {
  if (s?.recheckResumable) return 'Continue the interrupted re-check from where it stopped';
  const last = s?.lastRecheckAt ? ` Last re-check: ${formatTime(s.lastRecheckAt)}.` : ' Not re-checked yet.';
  return `Read the re-check window again (Settings → Datadog, ${DEFAULT_RECHECK_DAYS} days by default) to pick up signals triaged or updated in Datadog after they fired. Runs by itself once a day.${last}`;
}

function useGoKeys(show: (v: AppView) => void) {
  useEffect(() => {
    let armedAt = 0;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (e.key === 'g') {
        armedAt = Date.now();
        return;
      }
      const armed = Date.now() - armedAt < CHORD_MS;
      armedAt = 0;
      if (!armed) return;
      if (e.key === 's') show('settings');
      else if (e.key === 'q') show('queue');
      else if (e.key === 'd') show('drafts');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [show]);
}

function SyncControl() {
  const status = useSyncStore((s) => s.status);
  const busy = useSyncStore((s) => s.busy);
  const start = useSyncStore((s) => s.start);
  const recheck = useSyncStore((s) => s.recheck);
  const cancel = useSyncStore((s) => s.cancel);
  const connectivity = useAppStore((s) => s.info?.connectivity ?? null);
  const show = useAppStore((s) => s.show);

  if (status?.running) {
    return (
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }} data-testid="sync-running">
        <SyncOutlined sx={{ fontSize: 16, color: status.phase === 'waiting' ? 'warning.main' : 'primary.main', animation: 'vigil-spin 1.2s linear infinite', '@keyframes vigil-spin': { to: { transform: 'rotate(360deg)' } } }} />
        <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }} data-testid="sync-progress" aria-live="polite">
          {syncProgressText(status)}
        </Typography>
        <Button color="inherit" variant="outlined" startIcon={<StopOutlined />} onClick={() => void cancel()} disabled={busy === 'cancel'}>
          Cancel
        </Button>
      </Box>
    );
  }
  if (connectivity === 'not-configured') {
    return (
      <Tooltip title="Connect Datadog first: add the site and keys in Settings">
        <Button variant="outlined" startIcon={<SyncOutlined />} onClick={() => show('settings')} data-testid="sync-button">
          Connect Datadog to sync
        </Button>
      </Tooltip>
    );
  }
  const resumable = status?.resumable ?? false;
  const failed = status?.phase === 'failed' && status.error ? status.error : null;
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
      {failed && (
        <Tooltip title={`The last sync failed: ${failed.message} (${failed.code})`}>
          <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, color: 'warning.main', fontSize: '0.75rem' }} data-testid="sync-failed">
            <SyncProblemOutlined sx={{ fontSize: 16 }} />
            last sync failed
          </Box>
        </Tooltip>
      )}
      <Tooltip title={resumable ? 'Continue the interrupted sync from where it stopped' : 'Fetch new and changed signals from Datadog'}>
        <Button variant="contained" startIcon={<SyncOutlined />} onClick={() => void start()} disabled={busy !== null} data-testid="sync-button">
          {resumable ? 'Resume sync' : 'Sync'}
        </Button>
      </Tooltip>
      <Tooltip title={recheckHint(status)}>
        <Button variant="outlined" color="inherit" onClick={() => void recheck()} disabled={busy !== null} data-testid="recheck-button">
          {status?.recheckResumable ? 'Resume re-check' : 'Re-check'}
        </Button>
      </Tooltip>
    </Box>
  );
}

/** A drafting run in progress: done / total and the outcome counts so far, and Stop. */
function DraftProgress() {
  const status = useDraftStore((s) => s.status);
  const busy = useDraftStore((s) => s.busy);
  const cancel = useDraftStore((s) => s.cancel);
  if (!status?.running) return null;
  const pct = status.total > 0 ? Math.round((100 * status.done) / status.total) : 0;
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, pr: 1, mr: 0.5, borderRight: 1, borderColor: 'divider' }} data-testid="drafts-running">
      <Tooltip title={status.drafter ? `Drafting with ${status.drafter}` : 'Drafting'}>
        <AutoAwesomeOutlined sx={{ fontSize: 16, color: 'secondary.main' }} />
      </Tooltip>
      <Box sx={{ width: 72 }}>
        <LinearProgress variant="determinate" value={pct} color="secondary" aria-label="Drafting progress" sx={{ height: 4, borderRadius: 2 }} />
      </Box>
      <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }} data-testid="drafts-progress" aria-live="polite">
        {draftProgressText(status)}
      </Typography>
      <Tooltip title="Stop drafting: what is drafted stays">
        <Button color="inherit" variant="outlined" startIcon={<StopOutlined />} onClick={() => void cancel()} disabled={busy === 'cancel'} data-testid="drafts-stop">
          Stop
        </Button>
      </Tooltip>
    </Box>
  );
}

export function AppBar() {
  const view = useAppStore((s) => s.view);
  const show = useAppStore((s) => s.show);
  const sync = useSyncStore((s) => s.status);
  useGoKeys(show);

  const nav = (v: AppView, label: string, icon: ReactNode, keys: string, testId: string) => (
    <Tooltip title={`${label} (g ${keys})`}>
      <Button
        color={view === v ? 'primary' : 'inherit'}
        startIcon={icon}
        onClick={() => show(v)}
        aria-current={view === v ? 'page' : undefined}
        data-testid={testId}
        sx={{ color: view === v ? 'primary.main' : 'text.secondary', bgcolor: view === v ? 'action.selected' : undefined }}
      >
        {label}
      </Button>
    </Tooltip>
  );

  return (
    <Box
      component="header"
      sx={{
        height: APP_BAR_HEIGHT,
        flex: 'none',
        display: 'flex',
        alignItems: 'center',
        gap: 1,
        px: 1.5,
        borderBottom: 1,
        borderColor: 'divider',
        bgcolor: 'background.paper',
        position: 'relative',
      }}
    >
      <ShieldOutlined color="primary" sx={{ fontSize: 20 }} />
      <Typography component="span" sx={{ fontWeight: 700, letterSpacing: '0.02em', mr: 1.5 }}>
        Vigil
      </Typography>
      <Box component="nav" aria-label="Screens" sx={{ display: 'flex', gap: 0.5 }}>
        {nav('queue', 'Queue', <ListAltOutlined />, 'q', 'nav-queue')}
        {nav('drafts', 'Drafts', <AutoAwesomeOutlined />, 'd', 'nav-drafts')}
        {nav('settings', 'Settings', <SettingsOutlined />, 's', 'nav-settings')}
      </Box>
      <Box sx={{ flex: 1 }} />
      <DraftProgress />
      <SyncControl />
      {sync?.running && (
        <LinearProgress
          aria-label="Sync progress"
          color={sync.phase === 'waiting' ? 'warning' : 'primary'}
          variant={sync.phase === 'waiting' ? 'query' : 'indeterminate'}
          sx={{ position: 'absolute', left: 0, right: 0, bottom: -1, height: 2 }}
          data-testid="sync-progressbar"
        />
      )}
    </Box>
  );
}
