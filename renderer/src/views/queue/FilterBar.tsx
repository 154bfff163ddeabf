// Search and filters above the queue. The search box keeps its own text and queries after a short
// pause; `/` (handled by the queue view) focuses it and Escape hands the keyboard back to the grid.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import FilterAltOffOutlined from '@mui/icons-material/FilterAltOffOutlined';
import SearchOutlined from '@mui/icons-material/SearchOutlined';
import { useEffect, useState, type Ref } from 'react';
import { useDebouncedCallback } from '../../hooks/useDebouncedCallback';
import { formatTotal } from '../../lib/format';
import { activeFilterCount, useQueueStore, type FacetKey } from '../../stores/queueStore';
import { DraftMenu } from './DraftMenu';
import { EvidenceMenu } from '../evidence/EvidenceMenu';
import { QueueLayerButton } from '../attack/AttackTaggingDialog';
import { FacetSelect } from './FacetSelect';

const SEARCH_DEBOUNCE_MS = 200;

const FACETS: readonly { key: FacetKey; label: string; width: number }[] = [
  { key: 'status', label: 'Status', width: 118 },
  { key: 'severity', label: 'Severity', width: 104 },
  { key: 'priority', label: 'Priority', width: 92 },
  { key: 'assignee', label: 'Assignee', width: 118 },
  { key: 'tactic', label: 'Tactic', width: 150 },
  { key: 'technique', label: 'Technique', width: 170 },
];

export interface FilterBarProps {
  searchRef: Ref<HTMLInputElement>;
  /** hand the keyboard back to the queue: Escape in the search box, a filter menu closed */
  onDone: () => void;
}

export function FilterBar({ searchRef, onDone }: FilterBarProps) {
  const filter = useQueueStore((s) => s.filter);
  const facets = useQueueStore((s) => s.facets);
  const total = useQueueStore((s) => s.total);
  const totalExact = useQueueStore((s) => s.totalExact);
  const loaded = useQueueStore((s) => s.loaded);
  const setFacetFilter = useQueueStore((s) => s.setFacetFilter);
  const setSearch = useQueueStore((s) => s.setSearch);
  const clearFilters = useQueueStore((s) => s.clearFilters);

  const [text, setText] = useState(filter.search ?? '');
  const search = useDebouncedCallback(setSearch, SEARCH_DEBOUNCE_MS);
  // "Clear filters" empties the store's search; mirror it in the box.
  useEffect(() => {
    if ((filter.search ?? '') === '') setText((t) => (t.trim() === '' ? t : ''));
  }, [filter.search]);

  const active = activeFilterCount(filter);

  return (
    <Box
      role="search"
      sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 1, py: 1, borderBottom: 1, borderColor: 'divider', flexWrap: 'wrap', bgcolor: 'background.paper' }}
    >
      <TextField
        inputRef={searchRef}
        placeholder="Search findings and signals"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          search(e.target.value);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            search.flush();
            onDone();
          } else if (e.key === 'Enter') {
            e.preventDefault();
            search.flush();
          }
        }}
        sx={{ width: 280 }}
        slotProps={{
          htmlInput: { 'aria-label': 'Search findings', 'data-testid': 'queue-search', spellCheck: false },
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchOutlined fontSize="small" />
              </InputAdornment>
            ),
            endAdornment: (
              <InputAdornment position="end">
                <Box component="kbd" sx={{ px: 0.5, border: 1, borderColor: 'divider', borderRadius: 0.5, fontSize: '0.625rem', color: 'text.secondary', fontFamily: 'inherit' }}>
                  /
                </Box>
              </InputAdornment>
            ),
          },
        }}
      />
      {FACETS.map((f) => (
        <FacetSelect
          key={f.key}
          name={f.key}
          label={f.label}
          width={f.width}
          options={facets?.[f.key] ?? []}
          value={filter[f.key] ?? []}
          onChange={(values) => setFacetFilter(f.key, values)}
          onClose={onDone}
        />
      ))}
      <Button
        startIcon={<FilterAltOffOutlined />}
        disabled={active === 0}
        onClick={() => {
          // A search typed a moment ago must not come back after the clear.
          search.cancel();
          setText('');
          clearFilters();
        }}
        data-testid="clear-filters"
      >
        Clear filters
      </Button>
      <Box sx={{ flex: 1 }} />
      <QueueLayerButton />
      <DraftMenu />
      <EvidenceMenu />
      <Typography variant="body2" sx={{ fontWeight: 600, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', pr: 0.5 }} data-testid="queue-count" aria-live="polite">
        {loaded ? formatTotal(total, totalExact) : 'Loading…'}
      </Typography>
    </Box>
  );
}
