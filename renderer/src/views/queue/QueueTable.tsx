// The queue as a virtual grid. Every row is ROW_HEIGHT tall, so the row under any scroll offset is
// a division away: only the visible rows (plus an overscan) exist in the DOM, and their pages are
// fetched as they come into view. 100,000 findings cost the same DOM as 100.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Skeleton from '@mui/material/Skeleton';
import TableSortLabel from '@mui/material/TableSortLabel';
import Typography from '@mui/material/Typography';
import { darken, lighten, useTheme } from '@mui/material/styles';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode, type Ref } from 'react';
import type { QueueFacets, QueueRow } from '../../../../shared/domain';
import { activeFilterCount, rowAt, useQueueStore } from '../../stores/queueStore';
import { MONO_FONT, ROW_HEIGHT } from '../../theme';
import { QUEUE_COLUMNS, QUEUE_TABLE_WIDTH, type AttackNames, type QueueColumn } from './columns';

const HEADER_HEIGHT = 30;
/** Rows rendered beyond each edge, so a fast wheel flick does not show blank rows for a frame. */
const OVERSCAN = 12;

interface RowColors {
  even: string;
  odd: string;
  hover: string;
  selected: string;
  accent: string;
}

function attackNames(facets: QueueFacets | null): AttackNames {
  const strip = (label: string, id: string) => (label.startsWith(id) ? label.slice(id.length).trim() : label);
  return {
    tactic: new Map((facets?.tactic ?? []).map((f) => [f.value, strip(f.label, f.value)])),
    technique: new Map((facets?.technique ?? []).map((f) => [f.value, strip(f.label, f.value)])),
  };
}

const cellSx = (c: QueueColumn, first: boolean) =>
  ({
    width: c.width,
    flex: 'none',
    px: 1,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    display: 'flex',
    alignItems: 'center',
    justifyContent: c.align === 'right' ? 'flex-end' : c.align === 'center' ? 'center' : 'flex-start',
    ...(c.mono ? { fontFamily: MONO_FONT, fontSize: '0.6875rem' } : {}),
    ...(first ? { position: 'sticky', left: 0, zIndex: 1, bgcolor: 'inherit' } : {}),
  }) as const;

/** Block text inside a flex cell needs its own box to get an ellipsis. */
function CellText({ children }: { children: ReactNode }) {
  return (
    <Box component="span" sx={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 }}>
      {children}
    </Box>
  );
}

interface RowProps {
  index: number;
  row: QueueRow | undefined;
  selected: boolean;
  names: AttackNames;
  colors: RowColors;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
}

const GridRow = memo(function GridRow({ index, row, selected, names, colors, onSelect, onOpen }: RowProps) {
  const bg = selected ? colors.selected : index % 2 === 0 ? colors.even : colors.odd;
  return (
    <Box
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      aria-busy={row ? undefined : true}
      data-index={index}
      data-finding-id={row?.finding_id}
      onMouseDown={() => onSelect(index)}
      onDoubleClick={() => onOpen(index)}
      sx={{
        position: 'absolute',
        top: index * ROW_HEIGHT,
        left: 0,
        width: QUEUE_TABLE_WIDTH,
        height: ROW_HEIGHT,
        display: 'flex',
        bgcolor: bg,
        borderBottom: 1,
        borderColor: 'divider',
        cursor: 'default',
        fontSize: '0.75rem',
        '&:hover': selected ? undefined : { bgcolor: colors.hover },
      }}
    >
      {QUEUE_COLUMNS.map((c, i) => (
        <Box
          key={c.field}
          role="gridcell"
          data-col={c.field}
          title={row && c.title ? c.title(row, names) : undefined}
          sx={{ ...cellSx(c, i === 0), ...(i === 0 && selected ? { boxShadow: `inset 3px 0 0 ${colors.accent}` } : {}) }}
        >
          {row ? (
            <CellText>{c.render(row, names)}</CellText>
          ) : i < 3 ? (
            <Skeleton variant="text" width={Math.min(c.width - 16, 120)} sx={{ fontSize: '0.75rem' }} />
          ) : null}
        </Box>
      ))}
    </Box>
  );
});

export interface QueueTableProps {
  onOpen: (index: number) => void;
  /** the scrolling grid element, so the view can move keyboard focus to it */
  ref?: Ref<HTMLDivElement>;
}

export function QueueTable({ onOpen, ref: forwardedRef }: QueueTableProps) {
  const theme = useTheme();
  const pages = useQueueStore((s) => s.pages);
  const total = useQueueStore((s) => s.total);
  const loaded = useQueueStore((s) => s.loaded);
  const generation = useQueueStore((s) => s.generation);
  const selectedIndex = useQueueStore((s) => s.selectedIndex);
  const sort = useQueueStore((s) => s.sort);
  const facets = useQueueStore((s) => s.facets);
  const filter = useQueueStore((s) => s.filter);
  const toggleSort = useQueueStore((s) => s.toggleSort);
  const ensureRange = useQueueStore((s) => s.ensureRange);
  const select = useQueueStore((s) => s.select);
  const clearFilters = useQueueStore((s) => s.clearFilters);

  const scroller = useRef<HTMLDivElement | null>(null);
  const setRefs = useCallback(
    (el: HTMLDivElement | null) => {
      scroller.current = el;
      if (typeof forwardedRef === 'function') forwardedRef(el);
      else if (forwardedRef) forwardedRef.current = el;
    },
    [forwardedRef],
  );
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const frame = useRef<number | null>(null);

  const names = useMemo(() => attackNames(facets), [facets]);
  const colors = useMemo<RowColors>(() => {
    const base = theme.palette.background.default;
    const dark = theme.palette.mode === 'dark';
    return {
      even: base,
      odd: dark ? lighten(base, 0.025) : darken(base, 0.02),
      hover: dark ? lighten(base, 0.06) : darken(base, 0.05),
      selected: dark ? darken(theme.palette.primary.main, 0.7) : lighten(theme.palette.primary.main, 0.82),
      accent: theme.palette.primary.main,
    };
  }, [theme]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    setViewport(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      if (scroller.current) setScrollTop(scroller.current.scrollTop);
    });
  }, []);
  useEffect(() => () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
  }, []);

  // A new query starts at the top.
  useLayoutEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(0);
  }, [generation]);

  const bodyHeight = Math.max(0, viewport - HEADER_HEIGHT);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((scrollTop + bodyHeight) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    ensureRange(first, Math.max(last, first));
  }, [ensureRange, first, last, generation, loaded]);

  // Keep the selected row visible when the keyboard moves it.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || total === 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    const visible = el.clientHeight - HEADER_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + visible) el.scrollTop = top + ROW_HEIGHT - visible;
  }, [selectedIndex, total]);

  const rows = [];
  for (let i = first; i <= last; i++) {
    rows.push(
      <GridRow key={i} index={i} row={rowAt(pages, i)} selected={i === selectedIndex} names={names} colors={colors} onSelect={select} onOpen={onOpen} />,
    );
  }

  return (
    <Box sx={{ position: 'relative', flex: 1, minHeight: 0, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
      {!loaded && <LinearProgress sx={{ position: 'absolute', top: 0, left: 0, right: 0, zIndex: 3, height: 2 }} />}
      <Box
        ref={setRefs}
        role="grid"
        aria-label="Findings queue"
        aria-rowcount={total + 1}
        aria-colcount={QUEUE_COLUMNS.length}
        aria-multiselectable={false}
        tabIndex={0}
        data-testid="queue-grid"
        onScroll={onScroll}
        sx={{ flex: 1, overflow: 'auto', position: 'relative', outline: 'none', '&:focus-visible': { boxShadow: `inset 0 0 0 1px ${theme.palette.primary.main}` } }}
      >
        <Box role="rowgroup" sx={{ position: 'sticky', top: 0, zIndex: 2, width: QUEUE_TABLE_WIDTH, bgcolor: 'background.paper' }}>
          <Box role="row" aria-rowindex={1} sx={{ display: 'flex', height: HEADER_HEIGHT, borderBottom: 1, borderColor: 'divider', bgcolor: 'background.paper' }}>
            {QUEUE_COLUMNS.map((c, i) => {
              const active = sort.field === c.field;
              return (
                <Box
                  key={c.field}
                  role="columnheader"
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  data-col={c.field}
                  sx={{ ...cellSx({ ...c, mono: false }, i === 0), fontWeight: 600, fontSize: '0.6875rem', color: 'text.secondary', textTransform: 'uppercase', letterSpacing: '0.04em' }}
                >
                  <TableSortLabel
                    active={active}
                    direction={active ? sort.dir : 'desc'}
                    onClick={() => toggleSort(c.field)}
                    sx={{ minWidth: 0, '& .MuiTableSortLabel-icon': { fontSize: 14, mx: 0.25 } }}
                  >
                    <CellText>{c.label}</CellText>
                  </TableSortLabel>
                </Box>
              );
            })}
          </Box>
        </Box>
        <Box role="rowgroup" sx={{ position: 'relative', width: QUEUE_TABLE_WIDTH, height: total * ROW_HEIGHT }}>
          {rows}
        </Box>
      </Box>
      {loaded && total === 0 && (
        <Box sx={{ position: 'absolute', inset: `${HEADER_HEIGHT}px 0 0 0`, display: 'grid', placeItems: 'center', pointerEvents: 'none' }}>
          <Box sx={{ textAlign: 'center', pointerEvents: 'auto' }} data-testid="queue-empty">
            <Typography variant="body1" sx={{ mb: 1 }}>
              No findings match {activeFilterCount(filter) > 0 ? 'these filters' : 'yet'}.
            </Typography>
            {activeFilterCount(filter) > 0 && (
              <Button variant="outlined" onClick={clearFilters}>
                Clear filters
              </Button>
            )}
          </Box>
        </Box>
      )}
    </Box>
  );
}
