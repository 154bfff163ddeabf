// The analyst's home: filters on top, the virtual queue, and the open finding on the right.
// Keyboard first: j/k or arrows move, Enter opens, Escape closes, / searches. Shortcuts stand
// down while the focus is in a text field or a menu.
import Box from '@mui/material/Box';
import { useCallback, useEffect, useRef } from 'react';
import { isTypingTarget, isWidgetKey } from '../lib/isTypingTarget';
import { useFindingStore } from '../stores/findingStore';
import { rowAt, useQueueStore } from '../stores/queueStore';
import { FindingDetailPanel } from './finding/FindingDetailPanel';
import { FilterBar } from './queue/FilterBar';
import { QueueTable } from './queue/QueueTable';

/** Rows moved by PageUp/PageDown: about a screenful at the default window size. */
const PAGE_STEP = 20;

export function QueueView() {
  const searchRef = useRef<HTMLInputElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);

  const openIndex = useCallback((index: number) => {
    const q = useQueueStore.getState();
    const row = rowAt(q.pages, index);
    if (!row) return;
    q.select(index);
    void useFindingStore.getState().open(row.finding_id);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTypingTarget(e.target) || isWidgetKey(e.target, e.key)) return;
      const q = useQueueStore.getState();
      switch (e.key) {
        case 'j':
        case 'ArrowDown':
          q.move(1);
          break;
        case 'k':
        case 'ArrowUp':
          q.move(-1);
          break;
        case 'PageDown':
          q.move(PAGE_STEP);
          break;
        case 'PageUp':
          q.move(-PAGE_STEP);
          break;
        case 'Home':
          q.select(0);
          break;
        case 'End':
          q.select(q.total - 1);
          break;
        case 'Enter':
          openIndex(q.selectedIndex);
          break;
        case 'Escape':
          if (!useFindingStore.getState().openId) return;
          useFindingStore.getState().close();
          gridRef.current?.focus();
          break;
        case '/':
          searchRef.current?.focus();
          searchRef.current?.select();
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openIndex]);

  const focusGrid = useCallback(() => gridRef.current?.focus(), []);

  return (
    <Box sx={{ flex: 1, minHeight: 0, minWidth: 0, display: 'flex' }} data-testid="queue-view">
      <Box component="main" sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column' }}>
        <FilterBar searchRef={searchRef} onDone={focusGrid} />
        <QueueTable ref={gridRef} onOpen={openIndex} />
      </Box>
      <FindingDetailPanel />
    </Box>
  );
}
