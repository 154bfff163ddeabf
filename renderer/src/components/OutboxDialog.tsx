// The outbox: every write waiting for (or already delivered to) Datadog, so an analyst can see that
// a change made offline has not been lost, and why a write keeps failing. "Retry" re-queues failed
// writes and sends everything due now, without waiting for the next automatic attempt.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import ReplayOutlined from '@mui/icons-material/ReplayOutlined';
import type { OutboxStatus } from '../../../shared/domain';
import { formatCount, formatTimeSeconds, humanize } from '../lib/format';
import { useOutboxStore } from '../stores/outboxStore';
import { MONO_FONT } from '../theme';

type Entry = OutboxStatus['entries'][number];

const STATE_COLOR: Record<Entry['state'], string> = { pending: 'warning.main', failed: 'error.main', sent: 'success.main' };

export function OutboxDialog() {
  const open = useOutboxStore((s) => s.open);
  const status = useOutboxStore((s) => s.status);
  const retrying = useOutboxStore((s) => s.retrying);
  const hide = useOutboxStore((s) => s.hide);
  const retry = useOutboxStore((s) => s.retry);
  const waiting = (status?.pending ?? 0) + (status?.failed ?? 0);

  return (
    <Dialog open={open} onClose={hide} maxWidth="lg" fullWidth aria-labelledby="outbox-title" slotProps={{ paper: { 'data-testid': 'outbox-dialog' } as object }}>
      <DialogTitle id="outbox-title" sx={{ pb: 0.5 }}>
        Outbox
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }} data-testid="outbox-summary">
          {status ? `${formatCount(status.pending)} pending · ${formatCount(status.failed)} failed · ${formatCount(status.sent)} sent.` : 'Loading…'}
          {status && status.entries.length > 0 && ' Changes are saved locally at once; these are their copies still on their way to Datadog.'}
        </Typography>
        {status?.lastError && (
          <Typography variant="body2" sx={{ mb: 1.5, color: 'warning.main' }}>
            Last error: {status.lastError}
          </Typography>
        )}
        {status && status.entries.length === 0 ? (
          <Typography variant="body2" color="text.secondary" data-testid="outbox-empty">
            {status.sent > 0 ? 'Nothing is waiting: every change has reached Datadog.' : 'Nothing has been sent to Datadog from this workspace yet.'}
          </Typography>
        ) : (
          <Box sx={{ maxHeight: 420, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
            <Table stickyHeader data-testid="outbox-entries" sx={{ '& td, & th': { verticalAlign: 'top' } }}>
              <TableHead>
                <TableRow>
                  <TableCell>Kind</TableCell>
                  <TableCell>Target</TableCell>
                  <TableCell>State</TableCell>
                  <TableCell align="right">Attempts</TableCell>
                  <TableCell>Next attempt</TableCell>
                  <TableCell>Last error</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {(status?.entries ?? []).map((e) => (
                  <TableRow key={e.id} data-testid="outbox-entry" data-state={e.state}>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>{humanize(e.kind)}</TableCell>
                    <TableCell sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem !important', overflowWrap: 'anywhere' }}>{e.target}</TableCell>
                    <TableCell sx={{ color: STATE_COLOR[e.state], fontWeight: 600 }}>{e.state}</TableCell>
                    <TableCell align="right" sx={{ fontVariantNumeric: 'tabular-nums' }}>
                      {e.attempts}
                    </TableCell>
                    <TableCell sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem !important', whiteSpace: 'nowrap' }}>{e.nextAttemptAt ? formatTimeSeconds(e.nextAttemptAt) : '—'}</TableCell>
                    <TableCell sx={{ overflowWrap: 'anywhere', minWidth: 220 }}>
                      {e.lastError ?? '—'}
                      {e.lastErrorCode && (
                        <Box component="span" sx={{ display: 'block', fontFamily: MONO_FONT, fontSize: '0.625rem', color: 'text.secondary' }}>
                          {e.lastErrorCode}
                        </Box>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button
          startIcon={<ReplayOutlined />}
          variant="outlined"
          onClick={() => void retry()}
          disabled={retrying || waiting === 0}
          title="Re-queue failed writes and send everything waiting now"
        >
          {status && status.failed > 0 ? 'Retry failed' : 'Retry now'}
        </Button>
        <Button onClick={hide} variant="contained">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
