// The queue's columns: header, width, and how one row's value is shown. Every column sorts by a
// QueueSortField, so the header click maps straight onto the contract. Widths are fixed because
// the virtual scroller renders rows independently and they must line up with the header.
// Cells render plain elements with class names styled once by the grid (gridStyles.ts): with ~50
// rows × 15 cells re-rendered while scrolling, per-cell `sx` styling would cost frames.
import type { ReactNode } from 'react';
import type { QueueRow, QueueSortField } from '../../../../shared/domain';
import { formatTime, humanize } from '../../lib/format';
import { CELL } from './gridStyles';

/** Names for ATT&CK ids, taken from the facet labels the core already resolved. */
export interface AttackNames {
  tactic: ReadonlyMap<string, string>;
  technique: ReadonlyMap<string, string>;
}

export interface QueueColumn {
  field: QueueSortField;
  label: string;
  width: number;
  /** text for the native tooltip: the full value when the cell truncates it */
  title?: (row: QueueRow, names: AttackNames) => string;
  render: (row: QueueRow, names: AttackNames) => ReactNode;
  mono?: boolean;
}

const dim = (text: string): ReactNode => <span className={CELL.dim}>{text}</span>;
const text = (v: string | null): ReactNode => (v === null || v === '' ? dim('—') : v);

function techniqueTitle(row: QueueRow, names: AttackNames): string {
  if (!row.mitre_technique) return 'No technique yet';
  const t = `${row.mitre_technique} ${names.technique.get(row.mitre_technique) ?? ''}`.trim();
  const tactic = row.mitre_tactic ? ` — ${row.mitre_tactic} ${names.tactic.get(row.mitre_tactic) ?? ''}`.trim() : '';
  return t + tactic;
}

export const QUEUE_COLUMNS: readonly QueueColumn[] = [
  { field: 'finding_id', label: 'Finding', width: 92, mono: true, render: (r) => r.finding_id },
  { field: 'title', label: 'Title', width: 300, title: (r) => r.title, render: (r) => r.title },
  {
    field: 'severity',
    label: 'Severity',
    width: 96,
    render: (r) => <span className={`${CELL.severity} ${CELL.severity}-${r.severity}`}>{r.severity}</span>,
  },
  {
    field: 'status',
    label: 'Status',
    width: 104,
    render: (r) => (
      <>
        <span className={`${CELL.dot} ${CELL.dot}-${r.status}`} aria-hidden />
        {humanize(r.status)}
      </>
    ),
  },
  { field: 'priority', label: 'Priority', width: 96, mono: true, render: (r) => r.priority },
  { field: 'assignee', label: 'Assignee', width: 112, title: (r) => r.assignee ?? 'Unassigned', render: (r) => (r.assignee ? r.assignee : dim('unassigned')) },
  {
    field: 'mitre_technique',
    label: 'Technique',
    width: 210,
    title: techniqueTitle,
    render: (r, names) =>
      r.mitre_technique ? (
        <>
          <span className={CELL.mono}>{r.mitre_technique}</span>
          {r.mitre_tactic && <span className={CELL.secondary}> {names.tactic.get(r.mitre_tactic) ?? r.mitre_tactic}</span>}
        </>
      ) : (
        dim('—')
      ),
  },
  { field: 'dd_signal_id', label: 'Datadog signal', width: 150, mono: true, title: (r) => r.dd_signal_id, render: (r) => r.dd_signal_id },
  { field: 'blast_radius', label: 'Blast radius', width: 170, title: (r) => r.blast_radius ?? '', render: (r) => text(r.blast_radius) },
  { field: 'recommended_action', label: 'Recommended action', width: 260, title: (r) => r.recommended_action ?? '', render: (r) => text(r.recommended_action) },
  { field: 'drafted_by', label: 'Drafted by', width: 150, title: (r) => r.drafted_by ?? '', render: (r) => text(r.drafted_by) },
  { field: 'analyst_signoff', label: 'Sign-off', width: 104, title: (r) => r.analyst_signoff ?? 'Not signed', render: (r) => text(r.analyst_signoff) },
  { field: 'signed_at', label: 'Signed at', width: 128, mono: true, title: (r) => r.signed_at ?? '', render: (r) => (r.signed_at ? formatTime(r.signed_at) : dim('—')) },
  { field: 'splunk_search', label: 'Splunk search', width: 220, title: (r) => r.splunk_search ?? '', render: (r) => text(r.splunk_search) },
  { field: 'created_at', label: 'Detected', width: 128, mono: true, title: (r) => r.created_at, render: (r) => formatTime(r.created_at) },
];

export const QUEUE_TABLE_WIDTH = QUEUE_COLUMNS.reduce((w, c) => w + c.width, 0);
