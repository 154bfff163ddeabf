// Severity as a coloured chip: the colour is the fastest thing to scan in a long queue.
import Chip from '@mui/material/Chip';
import { alpha } from '@mui/material/styles';
import type { Severity } from '../../../shared/domain';
import { SEVERITY_COLOR } from '../theme';

export function SeverityChip({ severity }: { severity: Severity }) {
  const color = SEVERITY_COLOR[severity];
  return (
    <Chip
      label={severity}
      sx={{
        color,
        bgcolor: alpha(color, 0.14),
        border: `1px solid ${alpha(color, 0.45)}`,
        fontWeight: 600,
        textTransform: 'capitalize',
        minWidth: 62,
      }}
    />
  );
}
