// Prior activity from Splunk: where the run stands (queued, running, done, failed and why), and
// each result set kept as evidence with everything needed to cite or rerun it — the saved search,
// its SPL and arguments, the job's sid, the time window, the count and the content hash.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import ManageSearchOutlined from '@mui/icons-material/ManageSearchOutlined';
import ReplayOutlined from '@mui/icons-material/ReplayOutlined';
import type { ReactNode } from 'react';
import type { EvidenceView, FindingDetail } from '../../../../shared/domain';
import { formatCount, formatTimeSeconds } from '../../lib/format';
import { useFindingStore } from '../../stores/findingStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { Field, Fields, Missing, Section } from './Section';

/** Rows shown per result set; the evidence keeps them all (up to what the core returns). */
export const CONTEXT_ROWS_SHOWN = 100;

type ContextState = FindingDetail['context']['state'];

const STATE: Record<ContextState, { label: string; color: 'default' | 'info' | 'success' | 'error' | 'warning' }> = {
  none: { label: 'not fetched', color: 'default' },
  pending: { label: 'queued', color: 'info' },
  running: { label: 'running', color: 'info' },
  done: { label: 'done', color: 'success' },
  failed: { label: 'failed', color: 'error' },
};

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(text).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function Mono({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <Box component="span" title={title} sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem' }}>
      {children}
    </Box>
  );
}

export function ResultsEvidence({ ev }: { ev: EvidenceView }) {
  const meta = ev.meta ?? {};
  const table = ev.table ?? { fields: [], rows: [] };
  const count = num(meta['result_count']) ?? table.rows.length;
  const shown = table.rows.slice(0, CONTEXT_ROWS_SHOWN);
  const args = meta['args'] && typeof meta['args'] === 'object' ? Object.entries(meta['args'] as Record<string, unknown>) : [];
  const from = str(meta['searched_from']);
  const to = str(meta['searched_to']);

  return (
    <Box data-testid="splunk-evidence" sx={{ mt: 1, '& + &': { mt: 2, pt: 1.5, borderTop: 1, borderColor: 'divider' } }}>
      <Fields>
        <Field label="Saved search">{str(meta['saved_search']) ?? <Missing />}</Field>
        <Field label="SPL" testId="evidence-spl">
          <Box component="pre" sx={{ m: 0, p: 0.75, borderRadius: 0.5, bgcolor: 'action.hover', fontFamily: MONO_FONT, fontSize: '0.6875rem', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {str(meta['spl']) ?? '—'}
          </Box>
        </Field>
        {args.length > 0 && (
          <Field label="Arguments">
            <Mono>{args.map(([k, v]) => `${k}=${text(v)}`).join('  ')}</Mono>
          </Field>
        )}
        <Field label="Search id (sid)" testId="evidence-sid">
          <Mono>{str(meta['sid']) ?? '—'}</Mono>
        </Field>
        <Field label="Time window" testId="evidence-window">
          <Mono>
            {str(meta['earliest']) ?? '?'} → {str(meta['latest']) ?? '?'}
          </Mono>
          {from && to && (
            <Box component="span" sx={{ color: 'text.secondary', ml: 1 }}>
              ({formatTimeSeconds(from)} – {formatTimeSeconds(to)})
            </Box>
          )}
        </Field>
        <Field label="Results" testId="evidence-count">
          {formatCount(count)} {count === 1 ? 'row' : 'rows'}
          {meta['truncated'] === true && (
            <Box component="span" sx={{ color: 'warning.main', ml: 1 }}>
              (truncated by Splunk)
            </Box>
          )}
        </Field>
        <Field label="sha256" testId="evidence-sha256">
          <Mono title={ev.sha256}>{ev.sha256.slice(0, 16)}…</Mono>
        </Field>
        <Field label="Fetched">
          <Mono>{formatTimeSeconds(ev.created_at)}</Mono>{' '}
          <Box component="span" sx={{ color: 'text.secondary' }}>
            by {ev.created_by}
          </Box>
        </Field>
      </Fields>
      {table.fields.length > 0 && shown.length > 0 ? (
        <>
          <Box sx={{ mt: 1, maxHeight: 320, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 0.5 }}>
            <Table stickyHeader data-testid="splunk-results" sx={{ '& td, & th': { whiteSpace: 'nowrap', fontSize: '0.6875rem', py: '2px' } }}>
              <TableHead>
                <TableRow>
                  {table.fields.map((f) => (
                    <TableCell key={f} sx={{ fontFamily: MONO_FONT }}>
                      {f}
                    </TableCell>
                  ))}
                </TableRow>
              </TableHead>
              <TableBody>
                {shown.map((row, i) => (
                  <TableRow key={i} hover>
                    {table.fields.map((f) => (
                      <TableCell key={f} sx={{ fontFamily: f === '_time' ? MONO_FONT : undefined }} title={f === '_time' ? text(row[f]) : undefined}>
                        {f === '_time' ? formatTimeSeconds(text(row[f])) : text(row[f])}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Box>
          <Typography variant="caption" color="text.secondary" sx={{ display: 'block', mt: 0.5 }} data-testid="splunk-results-shown">
            showing {formatCount(shown.length)} of {formatCount(count)}
          </Typography>
        </>
      ) : (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          No prior activity in this window.
        </Typography>
      )}
    </Box>
  );
}

export function ContextSection({ detail }: { detail: FindingDetail }) {
  const busy = useFindingStore((s) => s.busy);
  const actionError = useFindingStore((s) => s.actionError);
  const fetchContext = useFindingStore((s) => s.fetchContext);
  const clearActionError = useFindingStore((s) => s.clearActionError);
  const { context } = detail;
  const results = detail.evidence.filter((e) => e.kind === 'splunk_results').sort((a, b) => b.id - a.id);
  const running = busy === 'context' || context.state === 'running' || context.state === 'pending';
  const st = STATE[running && busy === 'context' ? 'running' : context.state];

  const action =
    context.state === 'failed' ? null : (
      <Button
        startIcon={running ? <CircularProgress size={12} color="inherit" /> : <ManageSearchOutlined />}
        onClick={() => void fetchContext()}
        disabled={running || busy !== null}
        sx={{ py: 0 }}
        data-testid="fetch-context"
      >
        {running ? 'Running…' : results.length > 0 ? 'Fetch again' : 'Fetch context'}
      </Button>
    );

  return (
    <Section title={`Splunk context (${results.length})`} testId="context-section" aside={action}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 0.5 }}>
        <Chip label={st.label} color={st.color} variant="outlined" data-testid="context-state" data-state={busy === 'context' ? 'running' : context.state} />
        {context.attempts > 0 && (
          <Typography variant="caption" color="text.secondary">
            {context.attempts} {context.attempts === 1 ? 'attempt' : 'attempts'}
          </Typography>
        )}
        {context.state === 'none' && results.length === 0 && (
          <Typography variant="caption" color="text.secondary">
            Runs the Splunk saved search over the last 30 days with this signal’s host, user and IP.
          </Typography>
        )}
      </Box>
      {context.state === 'failed' && context.error && (
        <Alert
          severity="error"
          variant="outlined"
          data-testid="context-error"
          sx={{ my: 1 }}
          action={
            <Button color="inherit" startIcon={<ReplayOutlined />} onClick={() => void fetchContext()} disabled={busy !== null}>
              Retry
            </Button>
          }
        >
          {context.error.message}
          <Box component="span" sx={{ display: 'block', mt: 0.5, fontFamily: MONO_FONT, fontSize: '0.6875rem', opacity: 0.8 }}>
            {context.error.code}
          </Box>
        </Alert>
      )}
      {actionError?.action === 'context' && (
        <Box sx={{ my: 1 }}>
          <ErrorAlert error={actionError.error} onClose={clearActionError} />
        </Box>
      )}
      {results.map((ev) => (
        <ResultsEvidence key={ev.id} ev={ev} />
      ))}
    </Section>
  );
}
