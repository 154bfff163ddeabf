// Who gets new findings: ordered rules (source, tactic, lowest severity → an analyst or whoever is on
// call) and the on-call rotation. Leads and admins edit; everyone sees the rules and who is on call.
// Saved rules apply to findings as they open; "Apply now" hands out the new, unassigned ones.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import IconButton from '@mui/material/IconButton';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import AddOutlined from '@mui/icons-material/AddOutlined';
import ArrowDownwardOutlined from '@mui/icons-material/ArrowDownwardOutlined';
import ArrowUpwardOutlined from '@mui/icons-material/ArrowUpwardOutlined';
import DeleteOutlined from '@mui/icons-material/DeleteOutlined';
import { useEffect, useState } from 'react';
import type { AssignmentConfig, AssignmentStatus } from '../../../../shared/assignment';
import { SEVERITIES } from '../../../../shared/domain';
import { call, toClientError, type VigilClientError } from '../../api/client';
import { formatTimeSeconds } from '../../lib/format';
import { notify } from '../../stores/noticeStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { SourceCard } from './SourceCard';

/** The form edits text; lists are comma-separated until saved. */
interface RuleDraft {
  name: string;
  sources: string;
  tactics: string;
  min_severity: string;
  to: 'analyst' | 'on_call';
  handle: string;
}

interface Draft {
  enabled: boolean;
  fallback: boolean;
  rules: RuleDraft[];
  rotation: { handles: string; shift_hours: string; starts_at: string } | null;
}

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

function toDraft(c: AssignmentConfig): Draft {
  return {
    enabled: c.enabled,
    fallback: c.fallback_on_call,
    rules: c.rules.map((r) => ({
      name: r.name,
      sources: r.sources.join(', '),
      tactics: r.tactics.join(', '),
      min_severity: r.min_severity ?? '',
      to: r.assign.to,
      handle: r.assign.to === 'analyst' ? r.assign.handle : '',
    })),
    rotation: c.rotation ? { handles: c.rotation.handles.join(', '), shift_hours: String(c.rotation.shift_hours), starts_at: c.rotation.starts_at } : null,
  };
}

function fromDraft(d: Draft): AssignmentConfig {
  return {
    enabled: d.enabled,
    fallback_on_call: d.fallback,
    rules: d.rules.map((r) => ({
      name: r.name.trim(),
      sources: list(r.sources),
      tactics: list(r.tactics).map((t) => t.toUpperCase()),
      ...(r.min_severity ? { min_severity: r.min_severity as AssignmentConfig['rules'][number]['min_severity'] } : {}),
      assign: r.to === 'analyst' ? { to: 'analyst', handle: r.handle.trim() } : { to: 'on_call' },
    })),
    rotation: d.rotation ? { handles: list(d.rotation.handles), shift_hours: Number(d.rotation.shift_hours), starts_at: d.rotation.starts_at.trim() } : null,
  };
}

const NEW_RULE: RuleDraft = { name: '', sources: '', tactics: '', min_severity: '', to: 'analyst', handle: '' };

export function AssignmentCard() {
  const [status, setStatus] = useState<AssignmentStatus | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<VigilClientError | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    call('assignment.get', {}).then(
      (s) => {
        if (!live) return;
        setStatus(s);
        setDraft(toDraft(s.config));
      },
      (e: unknown) => live && setError(toClientError(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  if (!status || !draft) {
    return (
      <SourceCard title="Assignment" configured={false} badge={null} testId="assignment-card" description="Who gets new findings.">
        {error ? <ErrorAlert error={error} onClose={() => setError(null)} /> : <Typography variant="body2">Loading…</Typography>}
      </SourceCard>
    );
  }
  const ro = !status.may_edit || saving;
  const changed = JSON.stringify(fromDraft(draft)) !== JSON.stringify(status.config);
  const setRule = (i: number, patch: Partial<RuleDraft>) => setDraft({ ...draft, rules: draft.rules.map((r, k) => (k === i ? { ...r, ...patch } : r)) });
  const move = (i: number, by: number) => {
    const rules = [...draft.rules];
    const [r] = rules.splice(i, 1);
    rules.splice(i + by, 0, r!);
    setDraft({ ...draft, rules });
  };

  const save = async () => {
    setError(null);
    setSaving(true);
    try {
      const s = await call('assignment.save', { config: fromDraft(draft) });
      setStatus(s);
      setDraft(toDraft(s.config));
      notify('Assignment rules saved; they apply to findings as they open.', 'success');
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setSaving(false);
    }
  };

  const apply = async () => {
    setError(null);
    try {
      const r = await call('assignment.apply', {});
      notify(`Assigned ${r.assigned.length} of ${r.considered} new, unassigned findings.`, 'success');
    } catch (e) {
      setError(toClientError(e));
    }
  };

  return (
    <SourceCard
      title="Assignment"
      configured={status.config.enabled}
      badge={null}
      testId="assignment-card"
      description="Rules are tried in order; the first that matches assigns the new finding to an analyst or to whoever is on call. A person’s assignment is never overridden."
    >
      {!status.may_edit && (
        <Alert severity="info" sx={{ mb: 1.5 }} data-testid="assignment-readonly">
          Your roster role cannot change these rules; a lead or an admin can.
        </Alert>
      )}
      {status.on_call && (
        <Typography variant="body2" sx={{ mb: 1.5 }} data-testid="assignment-on-call">
          On call now: <b>{status.on_call.handle}</b> until <span style={{ fontFamily: MONO_FONT }}>{formatTimeSeconds(status.on_call.until)}</span>, then {status.on_call.next}.
        </Typography>
      )}
      <Box sx={{ display: 'flex', gap: 2, mb: 1 }}>
        <FormControlLabel control={<Switch checked={draft.enabled} onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })} disabled={ro} />} label="Assign new findings" />
        <FormControlLabel
          control={<Checkbox checked={draft.fallback} onChange={(e) => setDraft({ ...draft, fallback: e.target.checked })} disabled={ro} />}
          label="Unmatched findings go on call"
        />
      </Box>
      <Box sx={{ display: 'grid', gap: 1 }} data-testid="assignment-rules">
        {draft.rules.map((r, i) => (
          <Box key={i} sx={{ display: 'grid', gridTemplateColumns: '24px 1.4fr 1fr 1fr 110px 120px 1fr auto', gap: 1, alignItems: 'center' }} data-testid={`assignment-rule-${i}`}>
            <Typography variant="caption" sx={{ fontFamily: MONO_FONT }}>
              {i + 1}
            </Typography>
            <TextField size="small" label="Name" value={r.name} onChange={(e) => setRule(i, { name: e.target.value })} disabled={ro} />
            <TextField size="small" label="Sources" placeholder="any" value={r.sources} onChange={(e) => setRule(i, { sources: e.target.value })} disabled={ro} />
            <TextField size="small" label="Tactics" placeholder="any (TA0006, …)" value={r.tactics} onChange={(e) => setRule(i, { tactics: e.target.value })} disabled={ro} />
            <TextField size="small" select label="At least" value={r.min_severity} onChange={(e) => setRule(i, { min_severity: e.target.value })} disabled={ro}>
              <MenuItem value="">any</MenuItem>
              {SEVERITIES.map((s) => (
                <MenuItem key={s} value={s}>
                  {s}
                </MenuItem>
              ))}
            </TextField>
            <TextField size="small" select label="Assign to" value={r.to} onChange={(e) => setRule(i, { to: e.target.value as RuleDraft['to'] })} disabled={ro}>
              <MenuItem value="analyst">analyst</MenuItem>
              <MenuItem value="on_call">on call</MenuItem>
            </TextField>
            <TextField size="small" label="Handle" value={r.to === 'analyst' ? r.handle : '(rotation)'} onChange={(e) => setRule(i, { handle: e.target.value })} disabled={ro || r.to !== 'analyst'} />
            <Box sx={{ display: 'flex' }}>
              <IconButton size="small" aria-label="Move up" disabled={ro || i === 0} onClick={() => move(i, -1)}>
                <ArrowUpwardOutlined fontSize="small" />
              </IconButton>
              <IconButton size="small" aria-label="Move down" disabled={ro || i === draft.rules.length - 1} onClick={() => move(i, 1)}>
                <ArrowDownwardOutlined fontSize="small" />
              </IconButton>
              <IconButton size="small" aria-label="Delete rule" disabled={ro} onClick={() => setDraft({ ...draft, rules: draft.rules.filter((_, k) => k !== i) })}>
                <DeleteOutlined fontSize="small" />
              </IconButton>
            </Box>
          </Box>
        ))}
      </Box>
      <Button size="small" startIcon={<AddOutlined />} onClick={() => setDraft({ ...draft, rules: [...draft.rules, { ...NEW_RULE }] })} disabled={ro} sx={{ mt: 1 }}>
        Add rule
      </Button>
      <Typography variant="subtitle2" sx={{ mt: 2, mb: 1 }}>
        On-call rotation
      </Typography>
      {draft.rotation ? (
        <Box sx={{ display: 'grid', gridTemplateColumns: '2fr 120px 1.2fr auto', gap: 1, alignItems: 'center' }}>
          <TextField size="small" label="Handles, in order" value={draft.rotation.handles} onChange={(e) => setDraft({ ...draft, rotation: { ...draft.rotation!, handles: e.target.value } })} disabled={ro} />
          <TextField size="small" label="Shift (hours)" value={draft.rotation.shift_hours} onChange={(e) => setDraft({ ...draft, rotation: { ...draft.rotation!, shift_hours: e.target.value } })} disabled={ro} slotProps={{ htmlInput: { inputMode: 'numeric' } }} />
          <TextField size="small" label="First shift starts (ISO 8601)" value={draft.rotation.starts_at} onChange={(e) => setDraft({ ...draft, rotation: { ...draft.rotation!, starts_at: e.target.value } })} disabled={ro} />
          <Tooltip title="Remove the rotation">
            <span>
              <IconButton size="small" aria-label="Remove rotation" disabled={ro} onClick={() => setDraft({ ...draft, rotation: null })}>
                <DeleteOutlined fontSize="small" />
              </IconButton>
            </span>
          </Tooltip>
        </Box>
      ) : (
        <Button size="small" startIcon={<AddOutlined />} disabled={ro} onClick={() => setDraft({ ...draft, rotation: { handles: '', shift_hours: '12', starts_at: new Date().toISOString() } })}>
          Add rotation
        </Button>
      )}
      <Box sx={{ display: 'flex', gap: 1, mt: 2 }}>
        <Button variant="contained" onClick={() => void save()} disabled={ro || !changed} data-testid="assignment-save">
          Save rules
        </Button>
        <Button onClick={() => setDraft(toDraft(status.config))} disabled={ro || !changed}>
          Discard
        </Button>
        <Box sx={{ flex: 1 }} />
        <Button variant="outlined" onClick={() => void apply()} disabled={!status.may_edit || !status.config.enabled || changed} data-testid="assignment-apply">
          Apply now to new, unassigned findings
        </Button>
      </Box>
      {error && (
        <Box sx={{ mt: 1.5 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
    </SourceCard>
  );
}
