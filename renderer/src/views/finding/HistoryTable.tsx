// The finding's audit trail, newest first: who changed what, when, from which value to which, and why.
import Box from '@mui/material/Box';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { AuditEntryView } from '../../../../shared/domain';
import { formatTimeSeconds, formatValue, humanize } from '../../lib/format';
import { MONO_FONT } from '../../theme';
import { Missing } from './Section';

/** Timestamps are stored as epoch ms; show them like every other time in the app. */
function showValue(field: string | null, v: unknown): string {
  if (typeof v === 'number' && field?.endsWith('_at')) return formatTimeSeconds(new Date(v).toISOString());
  if (isRecord(v)) return Object.entries(v).map(([k, x]) => `${k} ${formatValue(x)}`).join(' · ');
  return formatValue(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** "finding.updated" reads as "updated" inside a finding's own history; "evidence.added" as "evidence added". */
const actionLabel = (action: string) => humanize(action.replace(/^finding\./, '')).replace(/\./g, ' ');

export function HistoryTable({ history }: { history: readonly AuditEntryView[] }) {
  if (history.length === 0) return <Missing>No recorded changes.</Missing>;
  const rows = [...history].sort((a, b) => b.seq - a.seq);
  return (
    <Table data-testid="history" sx={{ tableLayout: 'fixed', '& td, & th': { verticalAlign: 'top' } }}>
      <TableHead>
        <TableRow>
          <TableCell sx={{ width: 146 }}>When</TableCell>
          <TableCell sx={{ width: 132 }}>Who</TableCell>
          <TableCell sx={{ width: 76 }}>Action</TableCell>
          <TableCell>Change</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((h) => (
          <TableRow key={h.seq} data-testid="history-entry">
            <TableCell sx={{ fontFamily: MONO_FONT, fontSize: '0.625rem !important', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{formatTimeSeconds(h.at)}</TableCell>
            <TableCell sx={{ overflowWrap: 'anywhere' }}>{h.actor}</TableCell>
            <TableCell>{actionLabel(h.action)}</TableCell>
            <TableCell sx={{ overflowWrap: 'anywhere' }}>
              {h.field ? (
                <>
                  <Box component="span" sx={{ fontWeight: 600 }}>
                    {h.field}
                  </Box>
                  {': '}
                  <Box component="span" sx={{ color: 'text.secondary', textDecoration: h.old === null || h.old === undefined ? 'none' : 'line-through' }}>
                    {showValue(h.field, h.old)}
                  </Box>
                  {' → '}
                  <span>{showValue(h.field, h.new)}</span>
                </>
              ) : (
                <Box component="span" sx={{ color: 'text.secondary' }}>
                  {h.new === null || h.new === undefined ? '—' : showValue(null, h.new)}
                </Box>
              )}
              {h.reason && (
                <Box component="span" sx={{ display: 'block', mt: 0.25, color: 'text.secondary', fontStyle: 'italic' }} data-testid="history-reason">
                  “{h.reason}”
                </Box>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
