// The ATT&CK tagging view of one finding: search techniques by id or name, the tactic matrix with
// the drafter's suggestions (and their confidence) highlighted, and the decision: confirm the
// drafter's technique, or override it with a reason that is kept; secondary techniques beside it.
// Opened from the case view; `/` searches, Escape closes. Export the finding's Navigator layer here.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import IconButton from '@mui/material/IconButton';
import InputAdornment from '@mui/material/InputAdornment';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AddOutlined from '@mui/icons-material/AddOutlined';
import CloseOutlined from '@mui/icons-material/CloseOutlined';
import DownloadOutlined from '@mui/icons-material/DownloadOutlined';
import GridViewOutlined from '@mui/icons-material/GridViewOutlined';
import SearchOutlined from '@mui/icons-material/SearchOutlined';
import TaskAltOutlined from '@mui/icons-material/TaskAltOutlined';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AttackMatrix, TaggingView, TechniqueSuggestion } from '../../../../shared/attack';
import { call } from '../../api/client';
import { useDebouncedCallback } from '../../hooks/useDebouncedCallback';
import { formatTimeSeconds } from '../../lib/format';
import { isTypingTarget } from '../../lib/isTypingTarget';
import { exportNavigatorLayer, useAttackStore } from '../../stores/attackStore';
import { notify } from '../../stores/noticeStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { TacticMatrix, type MatrixMarks } from './TacticMatrix';

type SearchHit = { id: string; name: string; tactics: string[]; is_subtechnique: boolean };

interface Pending {
  technique: string | null;
  tactic: string | null;
  secondary: string[];
}

const mono = { fontFamily: MONO_FONT } as const;
const SOURCE: Record<TechniqueSuggestion['source'], string> = { drafter: 'Drafter', drafter_secondary: 'Drafter · secondary', signal: 'Datadog rule tag' };

function pendingFrom(v: TaggingView): Pending {
  return { technique: v.technique?.id ?? null, tactic: v.tactic?.id ?? null, secondary: v.secondary.map((s) => s.id) };
}

function tacticsOf(matrix: AttackMatrix, id: string): { id: string; name: string }[] {
  return matrix.tactics.filter((t) => t.techniques.some((x) => x.id === id || x.subtechniques.includes(id))).map((t) => ({ id: t.id, name: t.name }));
}

function Overline({ children }: { children: string }) {
  return (
    <Typography variant="overline" component="h3" color="text.secondary" sx={{ display: 'block', mt: 1.5, mb: 0.5 }}>
      {children}
    </Typography>
  );
}

function SuggestionRow({ s, onUse, onSecondary }: { s: TechniqueSuggestion; onUse: () => void; onSecondary: () => void }) {
  const usable = s.status === 'active';
  return (
    <Box data-testid="attack-suggestion" data-technique={s.id} data-source={s.source} sx={{ p: 0.75, border: 1, borderColor: 'warning.main', borderRadius: 1, mb: 0.5, fontSize: '0.75rem' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5 }}>
        <Box component="span" sx={{ ...mono, fontWeight: 700 }}>
          {s.id}
        </Box>
        <Box component="span" sx={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
          {s.name ?? 'not in the catalog'}
        </Box>
        <Button onClick={onUse} disabled={!usable} sx={{ minWidth: 0, px: 0.75 }} aria-label={`Use ${s.id} as the primary technique`}>
          Use
        </Button>
        <Tooltip title="Add as a secondary technique">
          <span>
            <IconButton onClick={onSecondary} disabled={!usable} aria-label={`Add ${s.id} as a secondary technique`}>
              <AddOutlined sx={{ fontSize: 16 }} />
            </IconButton>
          </span>
        </Tooltip>
      </Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, color: 'text.secondary', fontSize: '0.6875rem' }}>
        <span>{SOURCE[s.source]}</span>
        {s.confidence !== null && (
          <>
            <LinearProgress variant="determinate" value={s.confidence * 100} color="warning" sx={{ flex: 1, height: 4, borderRadius: 2 }} aria-label="confidence" />
            <Box component="span" data-testid="suggestion-confidence" sx={{ ...mono, color: 'text.primary' }}>
              {Math.round(s.confidence * 100)}%
            </Box>
          </>
        )}
      </Box>
      {s.status !== 'active' && (
        <Box sx={{ color: 'error.main', fontSize: '0.6875rem' }}>
          {s.status}
          {s.replaced_by ? `: use ${s.replaced_by}` : ''}
        </Box>
      )}
      {s.drafted_by && <Box sx={{ color: 'text.disabled', fontSize: '0.625rem' }}>{s.drafted_by}</Box>}
      {s.evidence.slice(0, 2).map((c, i) => (
        <Box key={i} sx={{ mt: 0.25, color: 'text.secondary', fontSize: '0.6875rem', fontStyle: 'italic' }}>
          {c.verified ? '✓ ' : ''}“{c.text.length > 160 ? `${c.text.slice(0, 160)}…` : c.text}”
        </Box>
      ))}
    </Box>
  );
}

function Decisions({ view }: { view: TaggingView }) {
  if (view.decisions.length === 0) return <Typography variant="caption" color="text.disabled">No technique decision recorded yet.</Typography>;
  return (
    <Box component="ol" data-testid="attack-decisions" sx={{ m: 0, p: 0, listStyle: 'none' }}>
      {[...view.decisions].reverse().map((d) => (
        <Box component="li" key={d.id} data-testid="attack-decision" data-kind={d.kind} sx={{ py: 0.5, borderBottom: 1, borderColor: 'divider', fontSize: '0.6875rem' }}>
          <Box sx={{ display: 'flex', gap: 0.75, alignItems: 'baseline' }}>
            <Box component="strong">{d.kind === 'override' ? 'Overrode' : d.kind === 'confirm' ? 'Confirmed' : 'Set'}</Box>
            <Box component="span" sx={mono}>
              {d.kind === 'override' ? `${d.suggested_technique ?? '∅'} → ${d.technique}` : d.technique}
            </Box>
            <Box component="span" sx={{ color: 'text.secondary' }}>rev {d.decision_revision}</Box>
          </Box>
          <Box sx={{ color: 'text.secondary' }}>
            {d.actor} · <span style={{ fontFamily: MONO_FONT }}>{formatTimeSeconds(d.at)}</span>
            {d.secondary.length > 0 && ` · + ${d.secondary.join(', ')}`}
          </Box>
          {d.reason && <Box sx={{ fontStyle: 'italic' }} data-testid="attack-decision-reason">“{d.reason}”</Box>}
        </Box>
      ))}
    </Box>
  );
}

function TaggingBody({ view, matrix, onClose }: { view: TaggingView; matrix: AttackMatrix; onClose: () => void }) {
  const save = useAttackStore((s) => s.save);
  const saving = useAttackStore((s) => s.saving);
  const error = useAttackStore((s) => s.error);
  const clearError = useAttackStore((s) => s.clearError);

  const [pending, setPending] = useState<Pending>(() => pendingFrom(view));
  const [reason, setReason] = useState('');
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [exporting, setExporting] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLUListElement>(null);
  const matrixBox = useRef<HTMLDivElement>(null);

  // A saved decision (or one made elsewhere) is the new starting point.
  useEffect(() => {
    setPending(pendingFrom(view));
    setReason('');
  }, [view]);

  const runSearch = useDebouncedCallback((q: string) => {
    if (q.trim() === '') {
      setHits([]);
      return;
    }
    call('attack.search', { query: q, limit: 30 })
      .then((r) => setHits(r))
      .catch(() => setHits([]));
  }, 150);

  const drafter = view.suggestions.find((s) => s.source === 'drafter') ?? null;
  const names = matrix.names;
  const label = (id: string) => `${id} ${names[id] ?? ''}`.trim();

  const reveal = useCallback((id: string) => {
    requestAnimationFrame(() => {
      const cell = matrixBox.current?.querySelector<HTMLElement>(`[data-technique="${id}"]`);
      cell?.scrollIntoView({ block: 'nearest', inline: 'center' });
    });
  }, []);

  const pickPrimary = useCallback(
    (technique: string, tactic?: string) => {
      clearError();
      setPending((p) => {
        const tactics = tacticsOf(matrix, technique).map((t) => t.id);
        const keep = p.tactic && tactics.includes(p.tactic) ? p.tactic : null;
        return { technique, tactic: tactic ?? keep ?? tactics[0] ?? null, secondary: p.secondary.filter((s) => s !== technique) };
      });
      reveal(technique);
    },
    [matrix, reveal, clearError],
  );
  const toggleSecondary = useCallback(
    (technique: string) => {
      clearError();
      setPending((p) => {
        if (p.technique === technique) return p;
        return p.secondary.includes(technique) ? { ...p, secondary: p.secondary.filter((s) => s !== technique) } : { ...p, secondary: [...p.secondary, technique] };
      });
    },
    [clearError],
  );

  const marks: MatrixMarks = useMemo(
    () => ({
      primary: pending.technique,
      primaryTactic: pending.tactic,
      secondary: pending.secondary,
      current: view.technique?.id ?? null,
      suggestions: view.suggestions,
      matches: query.trim() === '' ? null : new Set(hits.map((h) => h.id)),
    }),
    [pending, view, query, hits],
  );

  const changed =
    pending.technique !== (view.technique?.id ?? null) || pending.tactic !== (view.tactic?.id ?? null) || pending.secondary.join(',') !== view.secondary.map((s) => s.id).join(',');
  const overrides = drafter !== null && pending.technique !== null && pending.technique !== drafter.id;
  const reasonMissing = overrides && reason.trim() === '';
  const revisionNote = view.signed ? ` as revision ${view.decision_revision + 1}` : '';

  const submit = async (confirm: boolean) => {
    if (!pending.technique && !confirm) return;
    const ok = await save({
      id: view.finding_id,
      ...(confirm ? { confirm: true } : { technique: pending.technique!, ...(pending.tactic ? { tactic: pending.tactic } : {}) }),
      secondary: pending.secondary,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
      ...(view.signed ? { newRevision: true } : {}),
    });
    if (ok) notify(confirm ? `Confirmed the drafter's technique on ${view.finding_id}` : `Saved the technique of ${view.finding_id}${revisionNote}`, 'success');
  };

  const onResultsKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(resultsRef.current?.querySelectorAll<HTMLElement>('[data-testid="attack-result"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? at + 1 : at - 1;
      if (next < 0) searchRef.current?.focus();
      else items[Math.min(next, items.length - 1)]?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === '/' && !isTypingTarget(e.target)) {
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    }
  };

  const exportLayer = async () => {
    setExporting(true);
    if (await exportNavigatorLayer({ id: view.finding_id })) notify(`Exported the ATT&CK Navigator layer of ${view.finding_id}`, 'success');
    setExporting(false);
  };

  const pendingTactics = pending.technique ? tacticsOf(matrix, pending.technique) : [];

  return (
    <Box onKeyDown={onKeyDown} sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 2, py: 1, borderBottom: 1, borderColor: 'divider' }}>
        <GridViewOutlined fontSize="small" color="primary" />
        <Typography variant="h4" component="h2" id="attack-tagging-title">
          ATT&CK tagging · <span style={{ fontFamily: MONO_FONT }}>{view.finding_id}</span>
        </Typography>
        <Chip label={`revision ${view.decision_revision}`} variant="outlined" sx={mono} data-testid="attack-revision" />
        {view.signed && <Chip label="signed" color="success" variant="outlined" />}
        <Typography variant="caption" color="text.secondary">
          ATT&CK v{matrix.version}
        </Typography>
        <Box sx={{ flex: 1 }} />
        <Button startIcon={exporting ? <CircularProgress size={14} /> : <DownloadOutlined />} onClick={() => void exportLayer()} disabled={exporting} data-testid="attack-export-finding">
          Navigator layer
        </Button>
        <Tooltip title="Close (Esc)">
          <IconButton onClick={onClose} aria-label="Close ATT&CK tagging">
            <CloseOutlined fontSize="small" />
          </IconButton>
        </Tooltip>
      </Box>
      <Box sx={{ display: 'flex', flex: 1, minHeight: 0 }}>
        <Box component="aside" sx={{ width: 360, flex: 'none', overflow: 'auto', px: 1.5, py: 1, borderRight: 1, borderColor: 'divider' }}>
          <TextField
            inputRef={searchRef}
            autoFocus
            fullWidth
            placeholder="Search techniques by id or name"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              runSearch(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                runSearch.flush();
                resultsRef.current?.querySelector<HTMLElement>('[data-testid="attack-result"]')?.focus();
              } else if (e.key === 'Enter') {
                e.preventDefault();
                runSearch.flush();
              }
            }}
            slotProps={{
              htmlInput: { 'aria-label': 'Search ATT&CK techniques', 'data-testid': 'attack-search', spellCheck: false },
              input: {
                startAdornment: (
                  <InputAdornment position="start">
                    <SearchOutlined fontSize="small" />
                  </InputAdornment>
                ),
              },
            }}
          />
          {query.trim() !== '' && (
            <Box component="ul" ref={resultsRef} onKeyDown={onResultsKey} aria-label="Matching techniques" data-testid="attack-results" sx={{ m: 0, mt: 0.5, p: 0, listStyle: 'none', maxHeight: 260, overflow: 'auto', border: 1, borderColor: 'divider', borderRadius: 1 }}>
              {hits.length === 0 && (
                <Box component="li" sx={{ p: 1, color: 'text.disabled', fontSize: '0.75rem' }}>
                  No active technique matches.
                </Box>
              )}
              {hits.map((h) => (
                <Box
                  component="li"
                  key={h.id}
                  tabIndex={0}
                  data-testid="attack-result"
                  data-technique={h.id}
                  onClick={(e) => (e.shiftKey ? toggleSecondary(h.id) : pickPrimary(h.id))}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      if (e.shiftKey) toggleSecondary(h.id);
                      else pickPrimary(h.id);
                    }
                  }}
                  sx={{
                    display: 'flex',
                    gap: 0.75,
                    alignItems: 'baseline',
                    px: 0.75,
                    py: 0.375,
                    fontSize: '0.75rem',
                    cursor: 'pointer',
                    bgcolor: pending.technique === h.id ? 'action.selected' : 'transparent',
                    '&:hover, &:focus': { bgcolor: 'action.hover', outline: 'none' },
                  }}
                >
                  <Box component="span" sx={{ ...mono, fontWeight: 700, flex: 'none', width: 64 }}>
                    {h.id}
                  </Box>
                  <Box component="span" sx={{ flex: 1, minWidth: 0 }}>
                    {h.is_subtechnique && names[h.id.slice(0, 5)] ? <Box component="span" sx={{ color: 'text.secondary' }}>{names[h.id.slice(0, 5)]}: </Box> : null}
                    {h.name}
                  </Box>
                  {pending.secondary.includes(h.id) && <Chip label="2nd" color="secondary" variant="outlined" />}
                </Box>
              ))}
            </Box>
          )}
          <Typography variant="caption" color="text.disabled" sx={{ display: 'block', mt: 0.5 }}>
            Enter or click: primary · Shift+Enter or Shift+click: secondary · / search
          </Typography>

          <Overline>Suggestions</Overline>
          {view.suggestions.length === 0 ? (
            <Typography variant="caption" color="text.disabled">
              No drafter suggestion and no MITRE tag on the signal.
            </Typography>
          ) : (
            view.suggestions.map((s) => <SuggestionRow key={`${s.source}|${s.id}`} s={s} onUse={() => pickPrimary(s.id, s.tactic ?? undefined)} onSecondary={() => toggleSecondary(s.id)} />)
          )}

          <Overline>Decision</Overline>
          <Box sx={{ display: 'grid', gridTemplateColumns: '76px minmax(0, 1fr)', rowGap: 0.75, columnGap: 1, fontSize: '0.75rem', alignItems: 'center' }}>
            <Box sx={{ color: 'text.secondary' }}>Technique</Box>
            <Box data-testid="attack-pending-technique" sx={{ fontWeight: 600 }}>
              {pending.technique ? label(pending.technique) : <Box component="span" sx={{ color: 'text.disabled' }}>none: pick one</Box>}
            </Box>
            <Box sx={{ color: 'text.secondary' }}>Tactic</Box>
            <TextField
              select
              value={pending.tactic ?? ''}
              disabled={pendingTactics.length < 2}
              onChange={(e) => setPending((p) => ({ ...p, tactic: e.target.value || null }))}
              slotProps={{ htmlInput: { 'aria-label': 'Tactic', 'data-testid': 'attack-tactic' } }}
            >
              {pendingTactics.map((t) => (
                <MenuItem key={t.id} value={t.id}>
                  {t.id} {t.name}
                </MenuItem>
              ))}
              {pendingTactics.length === 0 && <MenuItem value="">—</MenuItem>}
            </TextField>
            <Box sx={{ color: 'text.secondary', alignSelf: 'start', pt: 0.25 }}>Secondary</Box>
            <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }} data-testid="attack-secondary">
              {pending.secondary.length === 0 && <Box component="span" sx={{ color: 'text.disabled' }}>none</Box>}
              {pending.secondary.map((s) => (
                <Chip key={s} label={label(s)} onDelete={() => toggleSecondary(s)} color="secondary" variant="outlined" data-testid="attack-secondary-chip" sx={{ maxWidth: '100%' }} />
              ))}
            </Box>
          </Box>
          {drafter && (
            <Alert severity={overrides ? 'warning' : 'info'} variant="outlined" sx={{ mt: 1, py: 0, fontSize: '0.6875rem' }} data-testid="attack-kind">
              {overrides
                ? `Overrides the drafter's ${drafter.id}${drafter.confidence !== null ? ` (${Math.round(drafter.confidence * 100)}% confidence)` : ''}${changed ? ': say why.' : '.'}`
                : `Matches the drafter's suggestion ${drafter.id}.`}
            </Alert>
          )}
          <TextField
            fullWidth
            multiline
            minRows={2}
            maxRows={6}
            label={overrides && changed ? 'Reason for the override (required, kept)' : 'Reason (optional, kept)'}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={reasonMissing && changed}
            sx={{ mt: 1 }}
            slotProps={{ htmlInput: { 'data-testid': 'attack-reason', maxLength: 2000 } }}
          />
          {view.signed && (
            <Alert severity="warning" variant="outlined" sx={{ mt: 1, py: 0, fontSize: '0.6875rem' }} data-testid="attack-signed-warning">
              Signed at revision {view.decision_revision}. Saving a change makes revision {view.decision_revision + 1}, which needs a new sign-off.
            </Alert>
          )}
          {error && (
            <Box sx={{ mt: 1 }}>
              <ErrorAlert error={error} onClose={clearError} />
            </Box>
          )}
          <Box sx={{ display: 'flex', gap: 1, mt: 1, flexWrap: 'wrap' }}>
            <Button
              variant="contained"
              onClick={() => void submit(false)}
              disabled={saving || !pending.technique || !changed || reasonMissing}
              startIcon={saving ? <CircularProgress size={14} color="inherit" /> : undefined}
              data-testid="attack-save"
            >
              {overrides ? 'Override' : 'Save'}
              {revisionNote}
            </Button>
            {drafter && (
              <Button
                variant="outlined"
                startIcon={<TaskAltOutlined />}
                onClick={() => void submit(true)}
                disabled={saving || drafter.status !== 'active'}
                data-testid="attack-confirm"
              >
                Confirm {drafter.id}
              </Button>
            )}
            <Button onClick={() => setPending(pendingFrom(view))} disabled={saving || !changed}>
              Reset
            </Button>
          </Box>

          <Overline>Kept decisions</Overline>
          <Decisions view={view} />
        </Box>
        <Box ref={matrixBox} sx={{ flex: 1, minWidth: 0, overflow: 'auto', p: 1 }}>
          <TacticMatrix matrix={matrix} marks={marks} onPrimary={pickPrimary} onToggleSecondary={toggleSecondary} />
        </Box>
      </Box>
    </Box>
  );
}

export function AttackTaggingDialog({ id, open, onClose }: { id: string; open: boolean; onClose: () => void }) {
  const view = useAttackStore((s) => s.view);
  const matrix = useAttackStore((s) => s.matrix);
  const loading = useAttackStore((s) => s.loading);
  const error = useAttackStore((s) => s.error);
  const load = useAttackStore((s) => s.load);
  const close = useAttackStore((s) => s.close);

  useEffect(() => {
    if (open) void load(id);
  }, [open, id, load]);

  const done = () => {
    close();
    onClose();
  };
  const ready = view && matrix && view.finding_id === id;
  return (
    <Dialog
      open={open}
      onClose={done}
      fullWidth
      maxWidth={false}
      aria-labelledby="attack-tagging-title"
      data-testid="attack-tagging"
      slotProps={{ paper: { sx: { width: '96vw', height: '92vh', maxHeight: '92vh', m: 1 } } }}
    >
      {ready ? (
        <TaggingBody view={view} matrix={matrix} onClose={done} />
      ) : (
        <Box sx={{ p: 2 }}>
          <Typography id="attack-tagging-title" variant="h4" component="h2" sx={{ mb: 1 }}>
            ATT&CK tagging · {id}
          </Typography>
          {loading && <LinearProgress />}
          {error && <ErrorAlert error={error} />}
        </Box>
      )}
    </Dialog>
  );
}

/** "Tag technique" in the case view's decision section. */
export function AttackTagButton({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button startIcon={<GridViewOutlined />} onClick={() => setOpen(true)} data-testid="tag-technique">
        Tag technique
      </Button>
      {open && <AttackTaggingDialog id={id} open={open} onClose={() => setOpen(false)} />}
    </>
  );
}

/** The queue toolbar's export of a Navigator layer for everything the current filter matches. */
export function QueueLayerButton() {
  const [busy, setBusy] = useState(false);
  return (
    <Tooltip title="ATT&CK Navigator layer (format 4.5) of every finding the current filter matches">
      <span>
        <Button
          startIcon={busy ? <CircularProgress size={14} /> : <DownloadOutlined />}
          disabled={busy}
          data-testid="queue-export-layer"
          onClick={() => {
            setBusy(true);
            void exportNavigatorLayer('queue').then((ok) => {
              setBusy(false);
              if (ok) notify('Exported the ATT&CK Navigator layer of the filtered queue', 'success');
            });
          }}
        >
          Navigator layer
        </Button>
      </span>
    </Tooltip>
  );
}
