// The ATT&CK matrix as the tagging view draws it: one column per tactic in kill-chain order, its
// techniques by name, sub-techniques folded under their parent (unfolded where something is marked).
// Cells show the pending primary and secondary picks, the finding's stored technique, the drafter's
// and the Datadog rule's suggestions (with confidence), and search matches. Enter picks a cell as
// the primary technique (under that column's tactic); Shift+Enter, Shift+click or "s" toggles it
// as a secondary one.
import Box from '@mui/material/Box';
import ButtonBase from '@mui/material/ButtonBase';
import Tooltip from '@mui/material/Tooltip';
import { alpha, useTheme } from '@mui/material/styles';
import { memo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { AttackMatrix, TechniqueSuggestion } from '../../../../shared/attack';
import { MONO_FONT } from '../../theme';

export interface MatrixMarks {
  primary: string | null;
  primaryTactic: string | null;
  secondary: readonly string[];
  /** the technique stored on the finding now */
  current: string | null;
  suggestions: readonly TechniqueSuggestion[];
  /** ids matching the search box; null when it is empty */
  matches: ReadonlySet<string> | null;
}

export interface TacticMatrixProps {
  matrix: AttackMatrix;
  marks: MatrixMarks;
  onPrimary: (technique: string, tactic: string) => void;
  onToggleSecondary: (technique: string) => void;
}

const COLUMN_WIDTH = 168;

function suggestionBadge(s: readonly TechniqueSuggestion[]): string | null {
  const drafter = s.find((x) => x.source === 'drafter');
  if (drafter) return drafter.confidence === null ? 'AI' : `${Math.round(drafter.confidence * 100)}%`;
  if (s.some((x) => x.source === 'drafter_secondary')) return 'AI 2nd';
  return s.length ? 'rule' : null;
}

const SOURCE_LABEL: Record<TechniqueSuggestion['source'], string> = {
  drafter: "drafter's technique",
  drafter_secondary: "drafter's secondary technique",
  signal: 'MITRE tag on the Datadog rule',
};

function Cell({
  id,
  name,
  tactic,
  sub,
  marks,
  expandable,
  expanded,
  onExpand,
  onPrimary,
  onToggleSecondary,
}: {
  id: string;
  name: string;
  tactic: string;
  sub: boolean;
  marks: MatrixMarks;
  expandable: number;
  expanded: boolean;
  onExpand: () => void;
  onPrimary: TacticMatrixProps['onPrimary'];
  onToggleSecondary: TacticMatrixProps['onToggleSecondary'];
}) {
  const theme = useTheme();
  const isPrimary = marks.primary === id;
  const isSecondary = marks.secondary.includes(id);
  const isCurrent = marks.current === id;
  const suggested = marks.suggestions.filter((s) => s.id === id);
  const badge = suggestionBadge(suggested);
  const dimmed = marks.matches !== null && !marks.matches.has(id);
  const state = isPrimary ? 'primary' : isSecondary ? 'secondary' : 'none';
  const bg = isPrimary ? theme.palette.primary.main : isSecondary ? alpha(theme.palette.secondary.main, 0.35) : 'transparent';
  const click = (e: MouseEvent) => (e.shiftKey ? onToggleSecondary(id) : onPrimary(id, tactic));
  const key = (e: KeyboardEvent) => {
    if ((e.key === 'Enter' && e.shiftKey) || e.key === 's') {
      e.preventDefault();
      onToggleSecondary(id);
    } else if (expandable && ((e.key === '+' && !expanded) || (e.key === '-' && expanded))) {
      e.preventDefault();
      onExpand();
    }
  };
  const title = (
    <Box sx={{ fontSize: '0.6875rem' }}>
      <Box sx={{ fontFamily: MONO_FONT }}>{id}</Box>
      {name}
      {suggested.map((s) => (
        <Box key={s.source} sx={{ mt: 0.5 }}>
          Suggested: {SOURCE_LABEL[s.source]}
          {s.confidence !== null ? ` (confidence ${Math.round(s.confidence * 100)}%)` : ''}
        </Box>
      ))}
      {isCurrent && <Box sx={{ mt: 0.5 }}>Tagged on the finding now</Box>}
      <Box sx={{ mt: 0.5, color: 'text.secondary' }}>Click or Enter: primary · Shift+click or S: secondary{expandable ? ' · + / −: sub-techniques' : ''}</Box>
    </Box>
  );
  return (
    <Box sx={{ display: 'flex', alignItems: 'stretch', pl: sub ? 1.25 : 0, opacity: dimmed ? 0.3 : 1 }}>
      <Tooltip title={title} placement="right" enterDelay={600}>
        <ButtonBase
          onClick={click}
          onKeyDown={key}
          disableRipple
          focusRipple={false}
          data-testid="matrix-cell"
          data-technique={id}
          data-tactic={tactic}
          data-state={state}
          data-current={isCurrent ? 'true' : undefined}
          data-suggested={suggested.length ? suggested.map((s) => s.source).join(' ') : undefined}
          aria-pressed={isPrimary || isSecondary}
          aria-label={`${id} ${name}${isPrimary ? ', primary' : isSecondary ? ', secondary' : ''}${badge ? `, suggested ${badge}` : ''}`}
          sx={{
            flex: 1,
            minWidth: 0,
            justifyContent: 'flex-start',
            textAlign: 'left',
            gap: 0.5,
            px: 0.5,
            py: 0.25,
            fontSize: sub ? '0.625rem' : '0.6875rem',
            lineHeight: 1.25,
            borderRadius: 0.5,
            bgcolor: bg,
            color: isPrimary ? theme.palette.primary.contrastText : 'text.primary',
            border: 1,
            borderStyle: isCurrent && !isPrimary ? 'dashed' : 'solid',
            borderColor: badge ? theme.palette.warning.main : isCurrent ? theme.palette.text.secondary : marks.matches?.has(id) ? theme.palette.info.main : 'transparent',
            '&:hover': { bgcolor: isPrimary ? bg : alpha(theme.palette.primary.main, 0.12) },
            '&.Mui-focusVisible': { outline: `2px solid ${theme.palette.primary.light}`, outlineOffset: -1 },
          }}
        >
          <Box component="span" sx={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
            {name}
          </Box>
          {badge && (
            <Box
              component="span"
              data-testid="matrix-confidence"
              sx={{ flex: 'none', px: 0.375, borderRadius: 0.5, fontSize: '0.5625rem', fontWeight: 700, bgcolor: theme.palette.warning.main, color: theme.palette.warning.contrastText }}
            >
              {badge}
            </Box>
          )}
        </ButtonBase>
      </Tooltip>
      {expandable > 0 && (
        <ButtonBase
          onClick={onExpand}
          tabIndex={-1}
          aria-label={`${expanded ? 'Hide' : 'Show'} ${expandable} sub-techniques of ${id}`}
          sx={{ flex: 'none', width: 22, fontSize: '0.5625rem', color: 'text.secondary', borderRadius: 0.5, '&:hover': { color: 'text.primary' } }}
        >
          {expanded ? '−' : `+${expandable}`}
        </ButtonBase>
      )}
    </Box>
  );
}

function marked(id: string, m: MatrixMarks): boolean {
  return m.primary === id || m.current === id || m.secondary.includes(id) || m.suggestions.some((s) => s.id === id) || (m.matches?.has(id) ?? false);
}

/** Arrow keys move between cells: up and down a column, left and right to the same row of the next. */
function moveFocus(e: KeyboardEvent<HTMLElement>): void {
  const cell = e.target instanceof HTMLElement && e.target.dataset['testid'] === 'matrix-cell' ? e.target : null;
  if (!cell || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey) return;
  const cellsOf = (col: Element | null | undefined) => [...(col?.querySelectorAll<HTMLElement>('[data-testid="matrix-cell"]') ?? [])];
  const column = cell.closest('[data-testid="matrix-column"]');
  const cells = cellsOf(column);
  const i = cells.indexOf(cell);
  let next: HTMLElement | undefined;
  if (e.key === 'ArrowDown') next = cells[i + 1];
  else if (e.key === 'ArrowUp') next = cells[i - 1];
  else if (e.key === 'Home') next = cells[0];
  else if (e.key === 'End') next = cells.at(-1);
  else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
    const columns = [...e.currentTarget.querySelectorAll('[data-testid="matrix-column"]')];
    const other = cellsOf(columns[columns.indexOf(column!) + (e.key === 'ArrowRight' ? 1 : -1)]);
    next = other[Math.min(i, other.length - 1)];
  } else return;
  e.preventDefault();
  next?.focus();
}

export const TacticMatrix = memo(function TacticMatrix({ matrix, marks, onPrimary, onToggleSecondary }: TacticMatrixProps) {
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setToggled((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  return (
    <Box data-testid="tactic-matrix" role="region" aria-label="ATT&CK matrix" onKeyDown={moveFocus} sx={{ display: 'flex', gap: 0.75, minWidth: 'max-content', alignItems: 'flex-start' }}>
      {matrix.tactics.map((tactic) => {
        const count = tactic.techniques.length;
        return (
          <Box key={tactic.id} role="group" aria-label={tactic.name} data-testid="matrix-column" data-tactic={tactic.id} sx={{ width: COLUMN_WIDTH, flex: 'none' }}>
            <Box
              sx={{
                position: 'sticky',
                top: 0,
                zIndex: 1,
                bgcolor: 'background.paper',
                borderBottom: 2,
                borderColor: marks.primaryTactic === tactic.id ? 'primary.main' : 'divider',
                px: 0.5,
                py: 0.5,
                mb: 0.5,
              }}
            >
              <Box sx={{ fontWeight: 700, fontSize: '0.75rem', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>{tactic.name}</Box>
              <Box sx={{ fontFamily: MONO_FONT, fontSize: '0.625rem', color: 'text.secondary' }}>
                {tactic.id} · {count} techniques
              </Box>
            </Box>
            <Box sx={{ display: 'flex', flexDirection: 'column', gap: '2px' }}>
              {tactic.techniques.map((t) => {
                const key = `${tactic.id}|${t.id}`;
                // Unfolded by default where a sub-technique is marked; a click flips that default.
                const auto = t.subtechniques.some((s) => marked(s, marks));
                const expanded = auto !== toggled.has(key);
                return (
                  <Box key={t.id}>
                    <Cell
                      id={t.id}
                      name={matrix.names[t.id] ?? t.id}
                      tactic={tactic.id}
                      sub={false}
                      marks={marks}
                      expandable={t.subtechniques.length}
                      expanded={expanded}
                      onExpand={() => toggle(key)}
                      onPrimary={onPrimary}
                      onToggleSecondary={onToggleSecondary}
                    />
                    {expanded &&
                      t.subtechniques.map((s) => (
                        <Box key={s} sx={{ mt: '2px' }}>
                          <Cell
                            id={s}
                            name={matrix.names[s] ?? s}
                            tactic={tactic.id}
                            sub
                            marks={marks}
                            expandable={0}
                            expanded={false}
                            onExpand={() => undefined}
                            onPrimary={onPrimary}
                            onToggleSecondary={onToggleSecondary}
                          />
                        </Box>
                      ))}
                  </Box>
                );
              })}
            </Box>
          </Box>
        );
      })}
    </Box>
  );
});
