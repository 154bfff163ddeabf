// Always visible: which workspace, whether it is locked (and a way to lock it now), whether the
// sources are reachable and how many outbound writes wait. An analyst should never have to wonder
// if what they see is live or if their changes left the machine.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import CloudDoneOutlined from '@mui/icons-material/CloudDoneOutlined';
import CloudOffOutlined from '@mui/icons-material/CloudOffOutlined';
import LinkOffOutlined from '@mui/icons-material/LinkOffOutlined';
import LockOutlined from '@mui/icons-material/LockOutlined';
import LockOpenOutlined from '@mui/icons-material/LockOpenOutlined';
import OutboxOutlined from '@mui/icons-material/OutboxOutlined';
import ShieldOutlined from '@mui/icons-material/ShieldOutlined';
import StorageOutlined from '@mui/icons-material/StorageOutlined';
import SyncOutlined from '@mui/icons-material/SyncOutlined';
import type { ReactNode } from 'react';
import type { Connectivity } from '../../../shared/domain';
import { formatCount, formatTime } from '../lib/format';
import { useAppStore } from '../stores/appStore';
import { useOutboxStore } from '../stores/outboxStore';
import { useSyncStore } from '../stores/syncStore';
import { useVaultStore } from '../stores/vaultStore';
import { OutboxDialog } from './OutboxDialog';
import { STATUS_BAR_HEIGHT } from '../theme';

const CONNECTIVITY: Record<Connectivity, { label: string; icon: ReactNode; color: string }> = {
  online: { label: 'Online', icon: <CloudDoneOutlined fontSize="inherit" />, color: 'success.main' },
  offline: { label: 'Offline — writes wait in the outbox', icon: <CloudOffOutlined fontSize="inherit" />, color: 'warning.main' },
  'not-configured': { label: 'No sources configured', icon: <LinkOffOutlined fontSize="inherit" />, color: 'text.secondary' },
};

function Item({ children, label, testId }: { children: ReactNode; label: string; testId?: string }) {
  return (
    <Tooltip title={label}>
      <Box
        data-testid={testId}
        sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, px: 1, whiteSpace: 'nowrap', fontSize: '0.6875rem', '& svg': { fontSize: 14 } }}
      >
        {children}
      </Box>
    </Tooltip>
  );
}

const barButton = { py: 0, px: 1, minHeight: 0, fontSize: '0.6875rem', fontWeight: 400, lineHeight: `${STATUS_BAR_HEIGHT - 6}px`, borderRadius: 0 } as const;

export function StatusBar() {
  const status = useVaultStore((s) => s.status);
  const busy = useVaultStore((s) => s.busy);
  const lock = useVaultStore((s) => s.lock);
  const closeWorkspace = useVaultStore((s) => s.closeWorkspace);
  const info = useAppStore((s) => s.info);
  const lastSyncAt = useSyncStore((s) => s.status?.lastSyncAt ?? null);
  const showOutbox = useOutboxStore((s) => s.show);
  const ws = status?.workspace ?? null;
  const state = status?.state ?? 'none';
  const conn = info ? CONNECTIVITY[info.connectivity] : null;

  return (
    <Box
      component="footer"
      role="status"
      aria-label="Status bar"
      sx={{
        height: STATUS_BAR_HEIGHT,
        flex: 'none',
        display: 'flex',
        alignItems: 'center',
        borderTop: 1,
        borderColor: 'divider',
        bgcolor: 'background.paper',
        color: 'text.secondary',
        overflow: 'hidden',
      }}
    >
      <Item label={ws ? ws.path : 'No workspace open'} testId="status-workspace">
        <StorageOutlined />
        <Typography variant="caption" sx={{ color: 'text.primary', fontWeight: 600 }}>
          {ws ? ws.name : 'No workspace'}
        </Typography>
        {ws?.demo && (
          <Box component="span" sx={{ ml: 0.5, px: 0.5, borderRadius: 0.5, bgcolor: 'secondary.dark', color: 'secondary.contrastText', fontSize: '0.625rem', fontWeight: 700 }}>
            DEMO
          </Box>
        )}
      </Item>
      <Divider orientation="vertical" flexItem />
      <Item label={state === 'unlocked' ? `Locks after ${status?.idleLockMinutes ?? '?'} minutes without activity` : 'The workspace is encrypted at rest'} testId="status-lock">
        {state === 'unlocked' ? <LockOpenOutlined sx={{ color: 'success.main' }} /> : <LockOutlined />}
        <span>{state === 'unlocked' ? 'Unlocked' : state === 'locked' ? 'Locked' : 'Not open'}</span>
      </Item>
      {state === 'unlocked' && (
        <Button
          color="inherit"
          startIcon={<LockOutlined sx={{ fontSize: '14px !important' }} />}
          onClick={() => void lock()}
          disabled={busy !== null}
          sx={{ ...barButton, fontWeight: 600 }}
        >
          Lock
        </Button>
      )}
      {state !== 'none' && (
        <Button color="inherit" onClick={() => void closeWorkspace()} disabled={busy !== null} sx={barButton} data-testid="close-workspace">
          Switch workspace
        </Button>
      )}
      <Box sx={{ flex: 1 }} />
      {conn && (
        <Item label={conn.label} testId="status-connectivity">
          <Box component="span" sx={{ display: 'inline-flex', color: conn.color }}>
            {conn.icon}
          </Box>
          <span>{conn.label}</span>
        </Item>
      )}
      {state === 'unlocked' && info && info.connectivity !== 'not-configured' && (
        <Item label={lastSyncAt ? `Last Datadog sync finished ${formatTime(lastSyncAt)}` : 'Not synced with Datadog yet'} testId="status-last-sync">
          <SyncOutlined />
          <span>{lastSyncAt ? `Synced ${formatTime(lastSyncAt)}` : 'Never synced'}</span>
        </Item>
      )}
      {info && (
        <Tooltip title={info.outbox.lastError ? `Last error: ${info.outbox.lastError}` : 'Writes to Datadog waiting to be sent — open the outbox'}>
          <span>
            <Button
              color="inherit"
              onClick={showOutbox}
              disabled={state !== 'unlocked'}
              startIcon={<OutboxOutlined sx={{ fontSize: '14px !important', color: info.outbox.lastError ? 'warning.main' : undefined }} />}
              sx={barButton}
              data-testid="status-outbox"
              aria-label={`Outbox: ${info.outbox.pending} pending, ${info.outbox.failed} failed`}
            >
              <span>{formatCount(info.outbox.pending)} pending</span>
              {info.outbox.failed > 0 && (
                <Box component="span" sx={{ ml: 1, color: 'error.main', fontWeight: 700 }} data-testid="status-outbox-failed">
                  {formatCount(info.outbox.failed)} failed
                </Box>
              )}
            </Button>
          </span>
        </Tooltip>
      )}
      {info && (
        <Item label="MITRE ATT&CK Enterprise catalog version" testId="status-attack">
          <ShieldOutlined />
          <span>ATT&CK v{info.attack.version}</span>
        </Item>
      )}
      {info && (
        <Item label="Vigil version">
          <span>Vigil {info.version}</span>
        </Item>
      )}
      <OutboxDialog />
    </Box>
  );
}
