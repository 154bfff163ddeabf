// The queue grid's styles, written once on the grid element and reached by class name from every
// row and cell. Rows are recycled on every scroll frame; plain class names keep that cheap.
import { alpha, darken, lighten, type SxProps, type Theme } from '@mui/material/styles';
import { FINDING_STATUSES, SEVERITIES } from '../../../../shared/domain';
import { MONO_FONT, ROW_HEIGHT, SEVERITY_COLOR, STATUS_COLOR } from '../../theme';

export const CELL = {
  row: 'vq-row',
  odd: 'vq-odd',
  cell: 'vq-cell',
  sticky: 'vq-sticky',
  text: 'vq-text',
  mono: 'vq-mono',
  dim: 'vq-dim',
  secondary: 'vq-secondary',
  severity: 'vq-sev',
  dot: 'vq-dot',
  placeholder: 'vq-placeholder',
} as const;

// Numbers in sx are theme units for spacing and radius keys; lengths below are strings on purpose.
export function gridStyles(theme: Theme, width: number): SxProps<Theme> {
  const base = theme.palette.background.default;
  const dark = theme.palette.mode === 'dark';
  const odd = dark ? lighten(base, 0.025) : darken(base, 0.02);
  const hover = dark ? lighten(base, 0.06) : darken(base, 0.05);
  const selected = dark ? darken(theme.palette.primary.main, 0.7) : lighten(theme.palette.primary.main, 0.82);

  const severities = Object.fromEntries(
    SEVERITIES.map((s) => {
      const c = SEVERITY_COLOR[s];
      return [`& .${CELL.severity}-${s}`, { color: c, backgroundColor: alpha(c, 0.14), borderColor: alpha(c, 0.45) }];
    }),
  );
  const dots = Object.fromEntries(FINDING_STATUSES.map((s) => [`& .${CELL.dot}-${s}`, { backgroundColor: STATUS_COLOR[s] }]));

  return {
    [`& .${CELL.row}`]: {
      position: 'absolute',
      left: 0,
      width,
      height: ROW_HEIGHT,
      display: 'flex',
      backgroundColor: base,
      borderBottom: `1px solid ${theme.palette.divider}`,
      fontSize: '0.75rem',
      cursor: 'default',
    },
    [`& .${CELL.row}.${CELL.odd}`]: { backgroundColor: odd },
    [`& .${CELL.row}:hover`]: { backgroundColor: hover },
    [`& .${CELL.row}[aria-selected="true"]`]: { backgroundColor: selected },
    [`& .${CELL.row}[aria-selected="true"] .${CELL.sticky}`]: { boxShadow: `inset 3px 0 0 ${theme.palette.primary.main}` },
    [`& .${CELL.cell}`]: {
      flex: 'none',
      padding: '0 6px',
      overflow: 'hidden',
      whiteSpace: 'nowrap',
      display: 'flex',
      alignItems: 'center',
    },
    [`& .${CELL.sticky}`]: { position: 'sticky', left: 0, zIndex: 1, backgroundColor: 'inherit' },
    [`& .${CELL.text}`]: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 },
    [`& .${CELL.mono}`]: { fontFamily: MONO_FONT, fontSize: '0.6875rem' },
    [`& .${CELL.dim}`]: { color: theme.palette.text.disabled },
    [`& .${CELL.secondary}`]: { color: theme.palette.text.secondary },
    [`& .${CELL.severity}`]: {
      display: 'inline-block',
      minWidth: 62,
      height: 18,
      lineHeight: '16px',
      padding: '0 6px',
      borderRadius: '9px',
      border: '1px solid',
      fontSize: '0.6875rem',
      fontWeight: 600,
      textAlign: 'center',
      textTransform: 'capitalize',
    },
    ...severities,
    [`& .${CELL.dot}`]: { display: 'inline-block', width: 7, height: 7, borderRadius: '50%', marginRight: '6px', flex: 'none', verticalAlign: 'middle' },
    ...dots,
    // A row whose page is still on its way: a quiet bar, not a spinner per row.
    [`& .${CELL.placeholder}`]: { height: 8, width: '70%', borderRadius: '4px', backgroundColor: theme.palette.action.hover },
  };
}
