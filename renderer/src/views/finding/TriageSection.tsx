// What the analyst decides about the finding right now: its status, priority and owner, with an
// optional reason that goes into the audit trail (and to Datadog with the change). The change is
// local at once; its copy for Datadog waits in the outbox when the network does not.
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import CheckOutlined from '@mui/icons-material/CheckOutlined';
import { useMemo, useState, type FormEvent } from 'react';
import { PRIORITIES, type FindingDetail, type FindingStatus, type Priority } from '../../../../shared/domain';
import { manualTargets } from '../../../../shared/triage';
import { StatusLabel } from '../../components/StatusLabel';
import { useFindingStore, type FindingChange } from '../../stores/findingStore';
import { useQueueStore } from '../../stores/queueStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { Section } from './Section';

type Finding = FindingDetail['finding'];

/** Keyed by the stored status, priority and assignee: the form starts from them. */
export function TriageSection({ f }: { f: Finding }) {
  const busy = useFindingStore((s) => s.busy);
  const actionError = useFindingStore((s) => s.actionError);
  const update = useFindingStore((s) => s.update);
  const clearActionError = useFindingStore((s) => s.clearActionError);
  const assigneeFacet = useQueueStore((s) => s.facets?.assignee);
  const assignees = useMemo(() => (assigneeFacet ?? []).map((a) => a.value).filter((v) => v !== ''), [assigneeFacet]);

  const [status, setStatus] = useState<FindingStatus>(f.status);
  const [priority, setPriority] = useState<Priority>(f.priority);
  const [assignee, setAssignee] = useState(f.assignee ?? '');
  const [reason, setReason] = useState('');
  const [awaiting, setAwaiting] = useState(f.awaiting ?? '');
  // Only the moves a person may make by hand; signed and containment have their own acts.
  const choices = useMemo(() => [f.status, ...manualTargets(f.status)], [f.status]);
  const blocking = status === 'blocked';
  const needsAwaiting = blocking && awaiting.trim() === '';

  const change: FindingChange = {
    ...(status !== f.status ? { status } : {}),
    ...(blocking && awaiting.trim() !== (f.awaiting ?? '') ? { awaiting: awaiting.trim() } : {}),
    ...(priority !== f.priority ? { priority } : {}),
    ...(assignee.trim() !== (f.assignee ?? '') ? { assignee: assignee.trim() || null } : {}),
  };
  const changed = Object.keys(change).length > 0;
  const saving = busy === 'update';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!changed || busy || needsAwaiting) return;
    void update({ ...change, ...(reason.trim() ? { reason: reason.trim() } : {}) });
  };

  return (
    <Section title="Triage" testId="triage-section">
      <Box component="form" onSubmit={submit} noValidate sx={{ display: 'grid', gridTemplateColumns: '150px 92px minmax(0, 1fr) auto', gap: 1 }}>
        <TextField
          select
          label="Status"
          value={status}
          onChange={(e) => setStatus(e.target.value as FindingStatus)}
          disabled={saving}
          slotProps={{ select: { renderValue: (v) => <StatusLabel status={v as FindingStatus} />, SelectDisplayProps: { 'data-testid': 'triage-status' } as object } }}
        >
          {choices.map((s) => (
            <MenuItem key={s} value={s} data-value={s}>
              <StatusLabel status={s} />
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Priority"
          value={priority}
          onChange={(e) => setPriority(e.target.value as Priority)}
          disabled={saving}
          slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'triage-priority' } as object }, input: { sx: { fontFamily: MONO_FONT } } }}
        >
          {PRIORITIES.map((p) => (
            <MenuItem key={p} value={p} data-value={p} sx={{ fontFamily: MONO_FONT }}>
              {p}
            </MenuItem>
          ))}
        </TextField>
        <Autocomplete
          sx={{ gridColumn: '3 / 5' }}
          freeSolo
          options={assignees}
          inputValue={assignee}
          onInputChange={(_, v) => setAssignee(v)}
          disabled={saving}
          renderInput={(params) => (
            <TextField
              {...params}
              label="Assignee"
              placeholder="unassigned"
              slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': 'triage-assignee', spellCheck: false } }}
            />
          )}
        />
        {blocking && (
          <TextField
            label="Waiting for"
            required
            value={awaiting}
            onChange={(e) => setAwaiting(e.target.value)}
            disabled={saving}
            error={needsAwaiting && status !== f.status}
            helperText={needsAwaiting ? 'What the finding waits for: information, a person, a system' : undefined}
            placeholder="e.g. the account owner to confirm the login"
            sx={{ gridColumn: '1 / 5' }}
            slotProps={{ htmlInput: { 'data-testid': 'triage-awaiting', maxLength: 500 } }}
          />
        )}
        <TextField
          label="Reason (optional)"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          disabled={saving}
          placeholder="Why — kept in the history and sent with the change"
          sx={{ gridColumn: '1 / 4' }}
          slotProps={{ htmlInput: { 'data-testid': 'triage-reason', maxLength: 2000 } }}
        />
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Button type="submit" variant="contained" disabled={!changed || busy !== null || needsAwaiting} startIcon={saving ? <CircularProgress size={14} color="inherit" /> : <CheckOutlined />} data-testid="triage-apply">
            Apply
          </Button>
          {changed && !saving && (
            <Button
              onClick={() => {
                setStatus(f.status);
                setPriority(f.priority);
                setAssignee(f.assignee ?? '');
                setAwaiting(f.awaiting ?? '');
                setReason('');
              }}
            >
              Discard
            </Button>
          )}
        </Box>
      </Box>
      {actionError?.action === 'update' && (
        <Box sx={{ mt: 1 }}>
          <ErrorAlert error={actionError.error} onClose={clearActionError} />
        </Box>
      )}
    </Section>
  );
}
