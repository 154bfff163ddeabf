// The Datadog signal behind the finding: where it came from, its message, the entities and tags
// it names, and the raw samples (collapsed: they are long and mostly for the second look).
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import ExpandMoreOutlined from '@mui/icons-material/ExpandMoreOutlined';
import { useState } from 'react';
import type { FindingDetail } from '../../../../shared/domain';
import { formatTimeSeconds } from '../../lib/format';
import { MONO_FONT } from '../../theme';
import { Field, Fields, Missing, Section } from './Section';
import { RevisionsSection } from './RevisionsSection';
import { SignalMessage } from './SignalMessage';

type Signal = FindingDetail['signal'];

const TAGS_SHOWN = 24;

function JsonBlock({ value }: { value: unknown }) {
  return (
    <Box component="pre" sx={{ m: 0, p: 1, maxHeight: 320, overflow: 'auto', bgcolor: 'action.hover', borderRadius: 0.5, fontFamily: MONO_FONT, fontSize: '0.6875rem' }}>
      {JSON.stringify(value, null, 2)}
    </Box>
  );
}

export function SignalSection({ signal, findingId }: { signal: Signal; findingId?: string }) {
  const [allTags, setAllTags] = useState(false);
  const tags = allTags ? signal.tags : signal.tags.slice(0, TAGS_SHOWN);
  return (
    <>
      <Section title="Signal" testId="signal-section">
        <Fields>
          <Field label="Rule">{signal.rule_name ?? <Missing />}</Field>
          <Field label="Rule type">{signal.rule_type ?? <Missing />}</Field>
          <Field label="Source">{signal.source ?? <Missing />}</Field>
          <Field label="Detected">
            <Box component="span" sx={{ fontFamily: MONO_FONT }}>
              {formatTimeSeconds(signal.timestamp)}
            </Box>
          </Field>
          <Field label="Datadog signal">
            <Box component="span" sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem' }}>
              {signal.dd_signal_id}
            </Box>
          </Field>
          <Field label="Triage state">{signal.triage_state ?? <Missing />}</Field>
        </Fields>
      </Section>
      <Section title="Message">
        <SignalMessage message={signal.message} />
      </Section>
      <Section title={`Entities (${signal.entities.length})`}>
        {signal.entities.length === 0 ? (
          <Missing>No entities named.</Missing>
        ) : (
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }} data-testid="signal-entities">
            {signal.entities.map((e) => (
              <Chip key={e} label={e} variant="outlined" color="primary" sx={{ fontFamily: MONO_FONT, maxWidth: '100%' }} />
            ))}
          </Box>
        )}
      </Section>
      <Section
        title={`Tags (${signal.tags.length})`}
        aside={
          signal.tags.length > TAGS_SHOWN ? (
            <Button onClick={() => setAllTags((v) => !v)} sx={{ py: 0 }}>
              {allTags ? 'Show fewer' : `Show all ${signal.tags.length}`}
            </Button>
          ) : null
        }
      >
        {signal.tags.length === 0 ? (
          <Missing>No tags.</Missing>
        ) : (
          <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }} data-testid="signal-tags">
            {tags.map((t) => (
              <Chip key={t} label={t} sx={{ fontFamily: MONO_FONT, maxWidth: '100%' }} />
            ))}
          </Box>
        )}
      </Section>
      <Section title={`Samples (${signal.samples.length})`}>
        {signal.samples.length === 0 ? (
          <Missing>No samples attached to the signal.</Missing>
        ) : (
          signal.samples.map((s, i) => (
            <Accordion key={i} variant="outlined" slotProps={{ transition: { unmountOnExit: true } }} sx={{ '&:before': { display: 'none' }, mb: 0.5 }}>
              <AccordionSummary expandIcon={<ExpandMoreOutlined fontSize="small" />}>
                <Typography variant="body2">Sample {i + 1}</Typography>
              </AccordionSummary>
              <AccordionDetails sx={{ p: 0.75 }}>
                <JsonBlock value={s} />
              </AccordionDetails>
            </Accordion>
          ))
        )}
      </Section>
      {findingId && <RevisionsSection findingId={findingId} signal={signal} />}
      <Section title="Raw signal">
        <Accordion variant="outlined" slotProps={{ transition: { unmountOnExit: true } }} sx={{ '&:before': { display: 'none' } }}>
          <AccordionSummary expandIcon={<ExpandMoreOutlined fontSize="small" />}>
            <Typography variant="body2">Datadog payload (JSON)</Typography>
          </AccordionSummary>
          <AccordionDetails sx={{ p: 0.75 }}>
            <JsonBlock value={signal.payload} />
          </AccordionDetails>
        </Accordion>
      </Section>
    </>
  );
}
