// The queue as a virtual grid. Every row is ROW_HEIGHT tall, so the row under any scroll offset is
// a division away: only the visible rows (plus an overscan) exist in the DOM, and their pages are
// fetched as they come into view. 100,000 findings cost the same DOM as 100.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import TableSortLabel from '@mui/material/TableSortLabel';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type Ref } from 'react';
import type { QueueFacets, QueueRow } from '../../../../shared/domain';
import { activeFilterCount, rowAt, useQueueStore } from '../../stores/queueStore';
import { ROW_HEIGHT } from '../../theme';
import { QUEUE_COLUMNS, QUEUE_TABLE_WIDTH, type AttackNames } from './columns';
import { CELL, gridStyles } from './gridStyles';

const HEADER_HEIGHT = 30;
/** Rows rendered beyond each edge, so a fast wheel flick does not show blank rows for a frame. */
const OVERSCAN = 12;

function attackNames(facets: QueueFacets | null): AttackNames {
  const strip = (label: string, id: string) => (label.startsWith(id) ? label.slice(id.length).trim() : label);
  return {
    tactic: new Map((facets?.tactic ?? []).map((f) => [f.value, strip(f.label, f.value)])),
    technique: new Map((facets?.technique ?? []).map((f) => [f.value, strip(f.label, f.value)])),
  };
}

const CELL_CLASS = `${CELL.cell}`;
const STICKY_CLASS = `${CELL.cell} ${CELL.sticky}`;

interface RowProps {
  index: number;
  row: QueueRow | undefined;
  selected: boolean;
  names: AttackNames;
  onSelect: (index: number) => void;
  onOpen: (index: number) => void;
}

const GridRow = memo(function GridRow({ index, row, selected, names, onSelect, onOpen }: RowProps) {
  return (
    <div
      role="row"
      className={index % 2 === 1 ? `${CELL.row} ${CELL.odd}` : CELL.row}
      style={{ top: index * ROW_HEIGHT }}
      aria-rowindex={index + 2}
      aria-selected={selected}
      aria-busy={row ? undefined : true}
      data-index={index}
      data-finding-id={row?.finding_id}
      onMouseDown={(e) => {
        // A double-click opens the finding; it should not also select the word under the pointer.
        if (e.detail > 1) e.preventDefault();
        onSelect(index);
      }}
      onDoubleClick={() => onOpen(index)}
    >
      {QUEUE_COLUMNS.map((c, i) => (
        <div
          key={c.field}
          role="gridcell"
          data-col={c.field}
          className={i === 0 ? STICKY_CLASS : CELL_CLASS}
          style={{ width: c.width }}
          title={row && c.title ? c.title(row, names) : undefined}
        >
          {row ? (
            <span className={c.mono ? `${CELL.text} ${CELL.mono}` : CELL.text}>{c.render(row, names)}</span>
          ) : i < 3 ? (
            <span className={CELL.placeholder} />
          ) : null}
        </div>
      ))}
    </div>
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
  const rowStyles = useMemo(() => gridStyles(theme, QUEUE_TABLE_WIDTH), [theme]);

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
      <GridRow key={i} index={i} row={rowAt(pages, i)} selected={i === selectedIndex} names={names} onSelect={select} onOpen={onOpen} />,
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
        sx={[
          { flex: 1, overflow: 'auto', position: 'relative', outline: 'none', '&:focus-visible': { boxShadow: `inset 0 0 0 1px ${theme.palette.primary.main}` } },
          rowStyles,
        ].flat()}
      >
        <Box role="rowgroup" sx={{ position: 'sticky', top: 0, zIndex: 2, width: QUEUE_TABLE_WIDTH, bgcolor: 'background.paper' }}>
          <Box
            role="row"
            aria-rowindex={1}
            sx={{
              display: 'flex',
              height: HEADER_HEIGHT,
              borderBottom: 1,
              borderColor: 'divider',
              bgcolor: 'background.paper',
              fontWeight: 600,
              fontSize: '0.6875rem',
              color: 'text.secondary',
              textTransform: 'uppercase',
              letterSpacing: '0.03em',
            }}
          >
            {QUEUE_COLUMNS.map((c, i) => {
              const active = sort.field === c.field;
              return (
                <div
                  key={c.field}
                  role="columnheader"
                  aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                  data-col={c.field}
                  className={i === 0 ? STICKY_CLASS : CELL_CLASS}
                  style={{ width: c.width }}
                >
                  <TableSortLabel
                    active={active}
                    direction={active ? sort.dir : 'desc'}
                    onClick={() => toggleSort(c.field)}
                    sx={{ minWidth: 0, '& .MuiTableSortLabel-icon': { fontSize: 14, mx: 0.25 } }}
                  >
                    <span className={CELL.text}>{c.label}</span>
                  </TableSortLabel>
                </div>
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
