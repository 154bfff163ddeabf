// The analyst's notes on the finding, oldest first like a conversation, and the box to add one.
// A note is evidence in the register (hashed, attributed) and, when the finding has a Datadog
// case, a comment on it (through the outbox).
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddCommentOutlined from '@mui/icons-material/AddCommentOutlined';
import { useState, type FormEvent } from 'react';
import type { EvidenceView } from '../../../../shared/domain';
import { formatTimeSeconds, humanize } from '../../lib/format';
import { useFindingStore } from '../../stores/findingStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { Missing, Section } from './Section';

const MAX_NOTE = 10_000;

export function NotesSection({ evidence, hasCase }: { evidence: readonly EvidenceView[]; hasCase: boolean }) {
  const busy = useFindingStore((s) => s.busy);
  const actionError = useFindingStore((s) => s.actionError);
  const comment = useFindingStore((s) => s.comment);
  const clearActionError = useFindingStore((s) => s.clearActionError);
  const [text, setText] = useState('');
  const notes = evidence.filter((e) => e.kind === 'note').sort((a, b) => a.id - b.id);
  const saving = busy === 'comment';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || busy) return;
    if (await comment(text.trim())) setText('');
  };

  return (
    <Section title={`Notes (${notes.length})`} testId="notes-section">
      {notes.length === 0 ? (
        <Missing>No notes yet.</Missing>
      ) : (
        <Box component="ol" sx={{ m: 0, p: 0, listStyle: 'none', display: 'flex', flexDirection: 'column', gap: 1 }}>
          {notes.map((n) => (
            <Box component="li" key={n.id} data-testid="note" sx={{ borderLeft: 2, borderColor: 'primary.dark', pl: 1 }}>
              <Typography variant="caption" color="text.secondary" component="div">
                <Box component="span" sx={{ color: 'text.primary', fontWeight: 600 }}>
                  {n.created_by}
                </Box>{' '}
                <Box component="span" sx={{ fontFamily: MONO_FONT }}>
                  {formatTimeSeconds(n.created_at)}
                </Box>
              </Typography>
              <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {n.text ?? ''}
              </Typography>
            </Box>
          ))}
        </Box>
      )}
      <Box component="form" onSubmit={(e) => void submit(e)} noValidate sx={{ mt: 1.5, display: 'flex', flexDirection: 'column', gap: 1 }}>
        <TextField
          label="Add a note"
          value={text}
          onChange={(e) => setText(e.target.value)}
          disabled={saving}
          multiline
          minRows={2}
          maxRows={8}
          fullWidth
          helperText={hasCase ? 'Kept with the finding and added to its Datadog case as a comment.' : 'Kept with the finding; also sent to Datadog as a case comment when case mirroring is on.'}
          slotProps={{ htmlInput: { 'data-testid': 'note-text', maxLength: MAX_NOTE } }}
          onKeyDown={(e) => {
            // Ctrl/Cmd+Enter adds the note without leaving the keyboard.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
          }}
        />
        <Box>
          <Button type="submit" variant="outlined" disabled={!text.trim() || busy !== null} startIcon={saving ? <CircularProgress size={14} color="inherit" /> : <AddCommentOutlined />} data-testid="note-add">
            Add note
          </Button>
        </Box>
      </Box>
      {actionError?.action === 'comment' && (
        <Box sx={{ mt: 1 }}>
          <ErrorAlert error={actionError.error} onClose={clearActionError} />
        </Box>
      )}
    </Section>
  );
}

/** Evidence that is neither Splunk results nor a note (a signal snapshot, a workflow run). */
export function OtherEvidenceSection({ evidence }: { evidence: readonly EvidenceView[] }) {
  const other = evidence.filter((e) => e.kind !== 'note' && e.kind !== 'splunk_results').sort((a, b) => b.id - a.id);
  if (other.length === 0) return null;
  return (
    <Section title={`Other evidence (${other.length})`} testId="other-evidence">
      <Box component="ul" sx={{ m: 0, p: 0, listStyle: 'none', fontSize: '0.75rem', display: 'flex', flexDirection: 'column', gap: 0.5 }}>
        {other.map((e) => (
          <Box component="li" key={e.id} sx={{ display: 'grid', gridTemplateColumns: '110px minmax(0, 1fr) auto', gap: 1 }}>
            <Box component="span" sx={{ color: 'text.secondary' }}>
              {humanize(e.kind)}
            </Box>
            <Box component="span" sx={{ overflowWrap: 'anywhere' }}>
              {e.title}
              <Box component="span" sx={{ color: 'text.secondary' }}>
                {' '}
                · {e.created_by} · {formatTimeSeconds(e.created_at)}
              </Box>
            </Box>
            <Box component="span" title={e.sha256} sx={{ fontFamily: MONO_FONT, fontSize: '0.6875rem', color: 'text.secondary' }}>
              {e.sha256.slice(0, 12)}…
            </Box>
          </Box>
        ))}
      </Box>
    </Section>
  );
}
