// The analyst's hand on the drafted decision: severity (raised or lowered with a reason, kept in
// its history), blast radius, recommended action and the mitigation plan. On a finding signed at
// its current revision the decision is read-only; editing it is an explicit new revision that needs
// a new sign-off, and the form says so before anything is saved.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import EditOutlined from '@mui/icons-material/EditOutlined';
import { useState, type FormEvent } from 'react';
import { SEVERITIES, type FindingDetail, type Severity } from '../../../../shared/domain';
import { MIN_REASON_CHARS } from '../../../../shared/triage';
import { SeverityChip } from '../../components/SeverityChip';
import { formatTimeSeconds } from '../../lib/format';
import { useFindingStore, type FindingChange } from '../../stores/findingStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';

type Detail = FindingDetail;

/** True when a sign-off covers the decision the finding shows now. */
export function signedNow(d: Detail): boolean {
  return d.signoffs.some((s) => s.revision === d.finding.decision_revision);
}

/** Every severity change with who, when and why, newest first. */
export function SeverityHistory({ history }: { history: Detail['history'] }) {
  const changes = history.filter((e) => e.field === 'severity').reverse();
  if (changes.length === 0) return null;
  return (
    <Box component="ol" sx={{ m: 0, p: 0, listStyle: 'none', display: 'grid', gap: 0.5 }} data-testid="severity-history">
      {changes.map((e) => (
        <Box component="li" key={e.seq} sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 0.75, fontSize: '0.6875rem' }}>
          {typeof e.old === 'string' && <SeverityChip severity={e.old as Severity} />}→{typeof e.new === 'string' && <SeverityChip severity={e.new as Severity} />}
          <Box component="span" sx={{ color: 'text.secondary' }}>
            {e.actor} · <span style={{ fontFamily: MONO_FONT }}>{formatTimeSeconds(e.at)}</span>
          </Box>
          {e.reason && (
            <Box component="span" sx={{ flexBasis: '100%', color: 'text.primary' }}>
              “{e.reason}”
            </Box>
          )}
        </Box>
      ))}
    </Box>
  );
}

export function DecisionEditor({ detail }: { detail: Detail }) {
  const f = detail.finding;
  const busy = useFindingStore((s) => s.busy);
  const actionError = useFindingStore((s) => s.actionError);
  const update = useFindingStore((s) => s.update);
  const clearActionError = useFindingStore((s) => s.clearActionError);
  const [open, setOpen] = useState(false);
  const [severity, setSeverity] = useState<Severity>(f.severity);
  const [blast, setBlast] = useState(f.blast_radius ?? '');
  const [action, setAction] = useState(f.recommended_action ?? '');
  const [plan, setPlan] = useState(f.mitigation_plan ?? '');
  const [reason, setReason] = useState('');
  const [revise, setRevise] = useState(false);
  const signed = signedNow(detail);
  const locked = f.status === 'containing';

  const change: FindingChange = {
    ...(severity !== f.severity ? { severity } : {}),
    ...(blast.trim() !== (f.blast_radius ?? '') ? { blast_radius: blast.trim() || null } : {}),
    ...(action.trim() !== (f.recommended_action ?? '') ? { recommended_action: action.trim() || null } : {}),
    ...(plan.trim() !== (f.mitigation_plan ?? '') ? { mitigation_plan: plan.trim() || null } : {}),
  };
  const changed = Object.keys(change).length > 0;
  const severityNeedsReason = change.severity !== undefined && reason.trim().length < MIN_REASON_CHARS;
  const saving = busy === 'update';
  const blocked = !changed || busy !== null || severityNeedsReason || (signed && !revise);

  const reset = () => {
    setSeverity(f.severity);
    setBlast(f.blast_radius ?? '');
    setAction(f.recommended_action ?? '');
    setPlan(f.mitigation_plan ?? '');
    setReason('');
    setRevise(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (blocked) return;
    const ok = await update({ ...change, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(signed ? { newRevision: true } : {}) });
    if (ok) {
      setOpen(false);
      setReason('');
      setRevise(false);
    }
  };

  if (!open) {
    return (
      <Box sx={{ mt: 1 }}>
        <Button size="small" startIcon={<EditOutlined />} onClick={() => setOpen(true)} disabled={locked} data-testid="decision-edit">
          {signed ? 'Revise decision…' : 'Edit decision'}
        </Button>
        {locked && (
          <Typography variant="caption" color="text.secondary" sx={{ ml: 1 }}>
            read-only while containment runs
          </Typography>
        )}
      </Box>
    );
  }
  return (
    <Box component="form" onSubmit={(e) => void submit(e)} noValidate sx={{ mt: 1.25, display: 'grid', gridTemplateColumns: '150px minmax(0, 1fr)', gap: 1 }} data-testid="decision-form">
      {signed && (
        <Alert severity="warning" sx={{ gridColumn: '1 / 3' }}>
          Signed at revision {f.decision_revision}: the signed decision never changes. Saving makes revision {f.decision_revision + 1}, back in review, which needs a new sign-off.
          <FormControlLabel
            sx={{ display: 'block', mt: 0.5 }}
            control={<Checkbox size="small" checked={revise} onChange={(e) => setRevise(e.target.checked)} slotProps={{ input: { 'data-testid': 'decision-revise' } as object }} />}
            label={`Make revision ${f.decision_revision + 1}`}
          />
        </Alert>
      )}
      <TextField
        select
        label="Severity"
        value={severity}
        onChange={(e) => setSeverity(e.target.value as Severity)}
        disabled={saving}
        slotProps={{ select: { renderValue: (v) => <SeverityChip severity={v as Severity} />, SelectDisplayProps: { 'data-testid': 'decision-severity' } as object } }}
      >
        {SEVERITIES.map((s) => (
          <MenuItem key={s} value={s} data-value={s}>
            <SeverityChip severity={s} />
          </MenuItem>
        ))}
      </TextField>
      <TextField label="Blast radius" value={blast} onChange={(e) => setBlast(e.target.value)} disabled={saving} slotProps={{ htmlInput: { maxLength: 2000, 'data-testid': 'decision-blast' } }} />
      <TextField
        label="Recommended action"
        value={action}
        onChange={(e) => setAction(e.target.value)}
        disabled={saving}
        sx={{ gridColumn: '1 / 3' }}
        slotProps={{ htmlInput: { maxLength: 2000, 'data-testid': 'decision-action' } }}
      />
      <TextField
        label="Mitigation plan"
        value={plan}
        onChange={(e) => setPlan(e.target.value)}
        disabled={saving}
        multiline
        minRows={3}
        maxRows={12}
        sx={{ gridColumn: '1 / 3' }}
        slotProps={{ htmlInput: { maxLength: 20000, 'data-testid': 'decision-plan' } }}
      />
      <TextField
        label={change.severity !== undefined ? 'Reason (required for a severity change)' : 'Reason (optional)'}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        disabled={saving}
        required={change.severity !== undefined}
        error={severityNeedsReason && reason.length > 0}
        helperText={change.severity !== undefined ? `Kept in the severity history (at least ${MIN_REASON_CHARS} characters)` : undefined}
        sx={{ gridColumn: '1 / 3' }}
        slotProps={{ htmlInput: { maxLength: 2000, 'data-testid': 'decision-reason' } }}
      />
      <Box sx={{ gridColumn: '1 / 3', display: 'flex', gap: 1 }}>
        <Button type="submit" variant="contained" disabled={blocked} startIcon={saving ? <CircularProgress size={14} color="inherit" /> : undefined} data-testid="decision-save">
          {signed ? `Save as revision ${f.decision_revision + 1}` : 'Save decision'}
        </Button>
        <Button
          onClick={() => {
            reset();
            setOpen(false);
          }}
        >
          Cancel
        </Button>
      </Box>
      {actionError?.action === 'update' && (
        <Box sx={{ gridColumn: '1 / 3' }}>
          <ErrorAlert error={actionError.error} onClose={clearActionError} />
        </Box>
      )}
    </Box>
  );
}
