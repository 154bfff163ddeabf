// Every fetched version of the finding's signal, newest first, each with what changed since the one
// before it (fields added, removed, changed; tags and entities as sets), read from the register.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import { useState } from 'react';
import type { ChannelOutput } from '../../../../shared/contract';
import type { FindingDetail } from '../../../../shared/domain';
import { call, toClientError, type VigilClientError } from '../../api/client';
import { formatTimeSeconds } from '../../lib/format';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { Missing, Section } from './Section';

type Diff = ChannelOutput<'finding.revisionDiff'>;

const short = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? '' : s.length > 160 ? `${s.slice(0, 157)}…` : s;
};

const COLORS = { added: 'success.main', removed: 'error.main', changed: 'warning.main' } as const;

function Changes({ diff }: { diff: Diff }) {
  if (diff.changes.length === 0) return <Missing>No field changed (same content, fetched again).</Missing>;
  return (
    <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 0, listStyle: 'none', display: 'grid', gap: 0.25 }} data-testid="revision-diff">
      {diff.changes.map((c, i) => (
        <Box component="li" key={i} sx={{ display: 'grid', gridTemplateColumns: '64px minmax(0, 1fr)', gap: 1, fontSize: '0.6875rem' }}>
          <Box component="span" sx={{ color: COLORS[c.kind], fontWeight: 600 }}>
            {c.kind}
          </Box>
          <Box component="span" sx={{ fontFamily: MONO_FONT, overflowWrap: 'anywhere' }}>
            {c.path}{' '}
            {c.kind === 'changed' && (
              <>
                <Box component="span" sx={{ color: 'error.main', textDecoration: 'line-through' }}>
                  {short(c.old)}
                </Box>{' '}
                →{' '}
                <Box component="span" sx={{ color: 'success.main' }}>
                  {short(c.new)}
                </Box>
              </>
            )}
            {c.kind === 'added' && <Box component="span" sx={{ color: 'success.main' }}>{short(c.new)}</Box>}
            {c.kind === 'removed' && <Box component="span" sx={{ color: 'error.main', textDecoration: 'line-through' }}>{short(c.old)}</Box>}
          </Box>
        </Box>
      ))}
    </Box>
  );
}

export function RevisionsSection({ findingId, signal }: { findingId: string; signal: FindingDetail['signal'] }) {
  const [open, setOpen] = useState<Record<number, Diff>>({});
  const [error, setError] = useState<VigilClientError | null>(null);

  const toggle = async (revision: number) => {
    if (open[revision]) {
      const { [revision]: _gone, ...rest } = open;
      setOpen(rest);
      return;
    }
    setError(null);
    try {
      const diff = await call('finding.revisionDiff', { id: findingId, revision });
      setOpen((o) => ({ ...o, [revision]: diff }));
    } catch (e) {
      setError(toClientError(e));
    }
  };

  return (
    <Section title={`Revisions (${signal.revisions.length})`} testId="revisions-section">
      {signal.revisions.length === 0 ? (
        <Missing>No revisions recorded.</Missing>
      ) : (
        <Box component="ol" reversed sx={{ m: 0, pl: 0, listStyle: 'none', fontSize: '0.75rem' }} data-testid="revisions">
          {[...signal.revisions]
            .sort((a, b) => b.revision - a.revision)
            .map((r) => (
              <Box component="li" key={r.revision} sx={{ py: 0.25 }}>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5 }}>
                  <Box component="span" sx={{ width: 28, fontWeight: 600 }}>
                    r{r.revision}
                  </Box>
                  <Box component="span" sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem', color: 'text.secondary', width: 150 }}>
                    {formatTimeSeconds(r.fetched_at)}
                  </Box>
                  <Box component="span" title={r.content_hash} sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem', overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0, flex: 1 }}>
                    sha256 {r.content_hash.slice(0, 16)}…
                  </Box>
                  {r.revision === signal.revision && <Chip label="current" color="success" variant="outlined" sx={{ height: 16 }} />}
                  {r.revision > 1 && (
                    <Button size="small" sx={{ minWidth: 0, py: 0 }} onClick={() => void toggle(r.revision)} data-testid={`revision-diff-${r.revision}`}>
                      {open[r.revision] ? 'hide changes' : `changes since r${r.revision - 1}`}
                    </Button>
                  )}
                </Box>
                {open[r.revision] && <Changes diff={open[r.revision]!} />}
              </Box>
            ))}
        </Box>
      )}
      {error && (
        <Box sx={{ mt: 1 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
    </Section>
  );
}
