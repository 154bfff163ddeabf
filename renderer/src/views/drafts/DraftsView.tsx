// The Drafts panel: every draft attempt in the workspace, newest first — which drafter and model,
// the prompt version, what it cost in tokens, dollars and time, and the error when it failed — with
// the workspace's totals on top. A finding id opens that finding in the queue's detail panel.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import RefreshOutlined from '@mui/icons-material/RefreshOutlined';
import { useEffect, type ReactNode } from 'react';
import type { DraftView } from '../../../../shared/brief';
import { formatCount, formatLatency, formatTimeSeconds, formatUsd } from '../../lib/format';
import { useAppStore } from '../../stores/appStore';
import { DRAFTS_PAGE_SIZES, onDraftRunEnd, useDraftListStore, type DraftTotals } from '../../stores/draftStore';
import { useFindingStore } from '../../stores/findingStore';
import { MONO_FONT } from '../../theme';

/** Show a finding in the queue's detail panel (from the Drafts panel or a brief's related findings). */
export function openFinding(id: string): void {
  useAppStore.getState().show('queue');
  void useFindingStore.getState().open(id);
}

function Total({ label, value, testId, hint, tone }: { label: string; value: ReactNode; testId: string; hint?: string; tone?: 'error' }) {
  const body = (
    <Box sx={{ px: 2, py: 1, minWidth: 120 }}>
      <Typography variant="overline" component="div" color="text.secondary" sx={{ lineHeight: 1.6 }}>
        {label}
      </Typography>
      <Typography
        component="div"
        sx={{ fontSize: '1.125rem', fontWeight: 700, fontVariantNumeric: 'tabular-nums', color: tone === 'error' ? 'error.main' : 'text.primary' }}
        data-testid={testId}
      >
        {value}
      </Typography>
    </Box>
  );
  return hint ? <Tooltip title={hint}>{body}</Tooltip> : body;
}

function Totals({ totals }: { totals: DraftTotals }) {
  return (
    <Paper variant="outlined" sx={{ display: 'flex', flexWrap: 'wrap', '& > *:not(:last-child)': { borderRight: 1, borderColor: 'divider' } }} data-testid="drafts-totals">
      <Total label="Drafts" value={formatCount(totals.count)} testId="drafts-total-count" />
      <Total label="Failed" value={formatCount(totals.failed)} testId="drafts-total-failed" tone={totals.failed > 0 ? 'error' : undefined} />
      <Total label="Tokens in" value={formatCount(totals.tokens_in)} testId="drafts-total-tokens-in" />
      <Total label="Tokens out" value={formatCount(totals.tokens_out)} testId="drafts-total-tokens-out" />
      <Total label="Cost" value={formatUsd(totals.cost_usd)} testId="drafts-total-cost" hint="The sum over drafts with a known price; the offline drafter and local models cost $0, unknown models are left out." />
      <Total label="Avg latency" value={formatLatency(totals.latency_avg_ms)} testId="drafts-total-latency" />
    </Paper>
  );
}

const num = { fontVariantNumeric: 'tabular-nums', textAlign: 'right', whiteSpace: 'nowrap' } as const;
const mono = { fontFamily: MONO_FONT, fontSize: '0.6875rem', whiteSpace: 'nowrap' } as const;

function DraftRow({ d }: { d: DraftView }) {
  return (
    <TableRow hover data-testid="draft-row" data-draft-id={d.id} data-finding-id={d.finding_id} data-failed={d.error ? 'true' : 'false'}>
      <TableCell sx={mono}>{formatTimeSeconds(d.created_at)}</TableCell>
      <TableCell sx={mono}>
        <Link component="button" type="button" onClick={() => openFinding(d.finding_id)} sx={{ fontFamily: MONO_FONT, fontSize: 'inherit', fontWeight: 700 }} data-testid="draft-finding">
          {d.finding_id}
        </Link>
      </TableCell>
      <TableCell sx={{ ...mono, maxWidth: 280, overflow: 'hidden', textOverflow: 'ellipsis' }} title={d.drafter} data-col="drafter">
        {d.drafter}
      </TableCell>
      <TableCell sx={mono} data-col="model">
        {d.model ?? <Box component="span" sx={{ color: 'text.disabled' }}>offline</Box>}
      </TableCell>
      <TableCell sx={mono}>{d.prompt_version ?? '—'}</TableCell>
      <TableCell sx={num} data-col="tokens-in">
        {d.tokens_in === null ? '—' : formatCount(d.tokens_in)}
      </TableCell>
      <TableCell sx={num} data-col="tokens-out">
        {d.tokens_out === null ? '—' : formatCount(d.tokens_out)}
      </TableCell>
      <TableCell sx={{ ...num, color: d.cost_usd === null && !d.error ? 'warning.main' : undefined }} data-col="cost">
        {d.error && d.cost_usd === null ? '—' : formatUsd(d.cost_usd)}
      </TableCell>
      <TableCell sx={num} data-col="latency">
        {formatLatency(d.latency_ms)}
      </TableCell>
      <TableCell sx={{ ...num, color: d.retries > 0 ? 'warning.main' : 'text.secondary' }}>{d.retries}</TableCell>
      <TableCell sx={{ color: 'error.main', minWidth: 200, maxWidth: 420, overflowWrap: 'anywhere', fontSize: '0.6875rem' }} data-col="error">
        {d.error ?? ''}
      </TableCell>
    </TableRow>
  );
}

export function DraftsView() {
  const drafts = useDraftListStore((s) => s.drafts);
  const totals = useDraftListStore((s) => s.totals);
  const limit = useDraftListStore((s) => s.limit);
  const offset = useDraftListStore((s) => s.offset);
  const loading = useDraftListStore((s) => s.loading);
  const load = useDraftListStore((s) => s.load);
  const setPage = useDraftListStore((s) => s.setPage);

  useEffect(() => {
    void load();
    // A run that ends while the panel is open adds drafts: show them.
    return onDraftRunEnd(() => void useDraftListStore.getState().load());
  }, [load]);

  return (
    <Box component="main" sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', position: 'relative' }} data-testid="drafts-view">
      {loading && <LinearProgress sx={{ position: 'absolute', top: 0, left: 0, right: 0, height: 2, zIndex: 2 }} />}
      <Box sx={{ px: 3, pt: 2, pb: 1.5, display: 'flex', flexDirection: 'column', gap: 1.5 }}>
        <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 2 }}>
          <Box sx={{ flex: 1 }}>
            <Typography variant="h2" component="h1">
              Drafts
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
              Every drafting attempt, newest first: who drafted (the LLM or the offline drafter), what it cost, and why it failed when it did.
            </Typography>
          </Box>
          <Button startIcon={<RefreshOutlined />} onClick={() => void load()} disabled={loading}>
            Refresh
          </Button>
        </Box>
        {totals && <Totals totals={totals} />}
      </Box>
      <TableContainer sx={{ flex: 1, minHeight: 0, borderTop: 1, borderColor: 'divider' }}>
        <Table stickyHeader size="small" aria-label="Drafts" data-testid="drafts-table" sx={{ '& td, & th': { py: 0.375, px: 1.25 } }}>
          <TableHead>
            <TableRow>
              <TableCell>Time (UTC)</TableCell>
              <TableCell>Finding</TableCell>
              <TableCell>Drafter</TableCell>
              <TableCell>Model</TableCell>
              <TableCell>Prompt</TableCell>
              <TableCell sx={num}>Tokens in</TableCell>
              <TableCell sx={num}>Tokens out</TableCell>
              <TableCell sx={num}>Cost</TableCell>
              <TableCell sx={num}>Latency</TableCell>
              <TableCell sx={num}>Retries</TableCell>
              <TableCell>Error</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {drafts.map((d) => (
              <DraftRow key={d.id} d={d} />
            ))}
            {totals && drafts.length === 0 && (
              <TableRow>
                <TableCell colSpan={11} sx={{ py: 4, textAlign: 'center', color: 'text.secondary' }} data-testid="drafts-empty">
                  No drafts yet. Use Draft in the queue, or sync: new findings are drafted as they arrive.
                </TableCell>
              </TableRow>
            )}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={totals?.count ?? 0}
        page={Math.floor(offset / limit)}
        rowsPerPage={limit}
        rowsPerPageOptions={[...DRAFTS_PAGE_SIZES]}
        onPageChange={(_, page) => setPage(page * limit)}
        onRowsPerPageChange={(e) => setPage(0, Number(e.target.value))}
        sx={{ borderTop: 1, borderColor: 'divider', flex: 'none' }}
        data-testid="drafts-pagination"
      />
    </Box>
  );
}
