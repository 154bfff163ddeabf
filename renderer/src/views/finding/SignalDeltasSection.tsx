// What the signal did after this finding was signed. The sign-off stays as it was; each later
// revision of the signal is listed here with what changed, and a material change (severity up, new
// entities, a new technique tag) links to the finding it opened. A finding opened that way links
// back to the one it supersedes. Renders nothing for a finding with neither.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Link from '@mui/material/Link';
import type { FindingDetail, SignalDeltaView } from '../../../../shared/domain';
import { formatTimeSeconds } from '../../lib/format';
import { useFindingStore } from '../../stores/findingStore';
import { MONO_FONT } from '../../theme';
import { Section } from './Section';

const REASONS: Record<string, string> = {
  severity_up: 'severity raised',
  new_entities: 'new entities',
  new_technique: 'new technique tag',
};

const short = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? '' : s.length > 120 ? `${s.slice(0, 117)}…` : s;
};

function FindingLink({ id, testId }: { id: string; testId: string }) {
  return (
    <Link component="button" type="button" onClick={() => void useFindingStore.getState().open(id)} sx={{ fontFamily: MONO_FONT, verticalAlign: 'baseline' }} data-testid={testId}>
      {id}
    </Link>
  );
}

function SetLine({ label, change }: { label: string; change: { added: string[]; removed: string[] } }) {
  if (change.added.length === 0 && change.removed.length === 0) return null;
  return (
    <Box component="li">
      {label}:{' '}
      {change.added.map((x) => (
        <Box component="span" key={`+${x}`} sx={{ color: 'success.main', fontFamily: MONO_FONT, mr: 0.75 }}>
          +{x}
        </Box>
      ))}
      {change.removed.map((x) => (
        <Box component="span" key={`-${x}`} sx={{ color: 'error.main', fontFamily: MONO_FONT, mr: 0.75, textDecoration: 'line-through' }}>
          {x}
        </Box>
      ))}
    </Box>
  );
}

function Delta({ d }: { d: SignalDeltaView }) {
  const material = d.material.length > 0;
  return (
    <Box sx={{ py: 0.75, borderTop: 1, borderColor: 'divider', fontSize: '0.75rem' }} data-testid="signal-delta">
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'baseline' }}>
        <Box component="span" sx={{ fontFamily: MONO_FONT }}>
          revision {d.from_revision} → {d.to_revision}
        </Box>
        <Box component="span" sx={{ color: 'text.secondary', fontFamily: MONO_FONT }}>
          {formatTimeSeconds(d.at)}
        </Box>
        <Box component="span" sx={{ color: material ? 'warning.main' : 'text.secondary', fontWeight: material ? 600 : 400 }} data-testid="signal-delta-kind">
          {material ? `material: ${d.material.map((m) => REASONS[m.kind] ?? m.kind).join(', ')}` : 'not material'}
        </Box>
        {d.superseded_by && (
          <Box component="span">
            opened <FindingLink id={d.superseded_by} testId="signal-delta-opened" />
          </Box>
        )}
      </Box>
      <Box component="ul" sx={{ m: 0, mt: 0.25, pl: 2 }}>
        {Object.entries(d.fields).map(([name, c]) => (
          <Box component="li" key={name}>
            {name}:{' '}
            <Box component="span" sx={{ color: 'error.main', textDecoration: 'line-through', fontFamily: MONO_FONT }}>
              {short(c.old)}
            </Box>{' '}
            →{' '}
            <Box component="span" sx={{ color: 'success.main', fontFamily: MONO_FONT }}>
              {short(c.new)}
            </Box>
          </Box>
        ))}
        <SetLine label="entities" change={d.entities} />
        <SetLine label="techniques" change={d.techniques} />
        <SetLine label="tags" change={d.tags} />
      </Box>
    </Box>
  );
}

export function SignalDeltasSection({ detail }: { detail: FindingDetail }) {
  const f = detail.finding;
  const deltas = detail.signal_deltas;
  if (deltas.length === 0 && !f.supersedes && !f.superseded_by) return null;
  return (
    <Section title={`Signal changes after sign-off (${deltas.length})`} testId="signal-deltas-section">
      {f.superseded_by && (
        <Alert severity="warning" variant="outlined" sx={{ mb: 1 }} data-testid="superseded-by">
          The signal changed materially after sign-off: superseded by <FindingLink id={f.superseded_by} testId="superseded-by-link" />. This sign-off stays as it was.
        </Alert>
      )}
      {f.supersedes && (
        <Alert severity="info" variant="outlined" sx={{ mb: 1 }} data-testid="supersedes">
          Opened because the signal of the signed finding <FindingLink id={f.supersedes} testId="supersedes-link" /> changed materially.
        </Alert>
      )}
      {deltas.length > 0 && (
        <Box sx={{ color: 'text.secondary', fontSize: '0.75rem', mb: 0.5 }}>
          Judged against signal revision {deltas[0]!.baseline_revision}, the one in force at sign-off. The signed decision is unchanged.
        </Box>
      )}
      {deltas.map((d) => (
        <Delta key={d.to_revision} d={d} />
      ))}
    </Section>
  );
}
