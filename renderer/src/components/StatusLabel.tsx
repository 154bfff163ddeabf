// A finding's workflow status: a dot and the word, quieter than a chip so severity stays loudest.
import Box from '@mui/material/Box';
import type { FindingStatus } from '../../../shared/domain';
import { humanize } from '../lib/format';
import { STATUS_COLOR } from '../theme';

export function StatusLabel({ status }: { status: FindingStatus }) {
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.75, minWidth: 0 }}>
      <Box component="span" aria-hidden sx={{ width: 7, height: 7, borderRadius: '50%', flex: 'none', bgcolor: STATUS_COLOR[status] }} />
      <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
        {humanize(status)}
      </Box>
    </Box>
  );
}
