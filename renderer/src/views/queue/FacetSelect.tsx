// One multi-select filter fed by queue.facets: each value with its count, so the analyst sees how
// many findings a choice will leave before making it.
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import InputLabel from '@mui/material/InputLabel';
import ListItemText from '@mui/material/ListItemText';
import MenuItem from '@mui/material/MenuItem';
import OutlinedInput from '@mui/material/OutlinedInput';
import Select from '@mui/material/Select';
import Box from '@mui/material/Box';
import { useId } from 'react';
import type { FacetCount } from '../../../../shared/domain';
import { formatCount, humanize } from '../../lib/format';

export interface FacetSelectProps {
  name: string;
  label: string;
  options: readonly FacetCount[];
  value: readonly string[];
  onChange: (values: string[]) => void;
  /** after the menu closes; the queue takes the keyboard back so j/k/Enter work at once */
  onClose?: () => void;
  width?: number;
}

export function FacetSelect({ name, label, options, value, onChange, onClose, width = 120 }: FacetSelectProps) {
  const id = useId();
  const labelOf = (v: string) => humanize(options.find((o) => o.value === v)?.label ?? v);
  return (
    <FormControl sx={{ width }} data-testid={`filter-${name}`}>
      <InputLabel id={`${id}-label`}>{label}</InputLabel>
      <Select<string[]>
        labelId={`${id}-label`}
        multiple
        value={[...value]}
        onChange={(e) => {
          const v = e.target.value;
          onChange(typeof v === 'string' ? v.split(',') : v);
        }}
        input={<OutlinedInput label={label} />}
        renderValue={(selected) => (selected.length === 1 ? labelOf(selected[0] ?? '') : `${selected.length} selected`)}
        // Let MUI put focus back on the select first (so it blurs cleanly), then hand it on.
        onClose={() => {
          if (onClose) requestAnimationFrame(onClose);
        }}
        MenuProps={{ slotProps: { paper: { sx: { maxHeight: 420, minWidth: 240 } } } }}
        sx={{ fontSize: '0.75rem' }}
      >
        {options.map((o) => (
          <MenuItem key={o.value} value={o.value} data-value={o.value} sx={{ py: 0, pl: 0.5 }}>
            <Checkbox size="small" checked={value.includes(o.value)} sx={{ p: 0.5 }} />
            <ListItemText primary={humanize(o.label)} slotProps={{ primary: { sx: { fontSize: '0.75rem' } } }} />
            <Box component="span" sx={{ ml: 2, color: 'text.secondary', fontSize: '0.6875rem', fontVariantNumeric: 'tabular-nums' }} data-testid="facet-count">
              {formatCount(o.count)}
            </Box>
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
