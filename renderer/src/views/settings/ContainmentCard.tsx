// Containment: the actions an admin configures (a Datadog workflow and how a finding fills its
// inputs, or a Datadog incident; each with a danger level), the second analysts whose keys live on
// this workstation (each sealed by their own passphrase), and approving a request file that an
// analyst on another workstation sent.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { ApproverView, ContainmentActionView } from '../../../../shared/containment';
import { call, toClientError, type VigilClientError } from '../../api/client';
import { notify } from '../../stores/noticeStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { SourceCard } from './SourceCard';

const DANGERS = ['info', 'low', 'medium', 'high', 'critical'] as const;
const HANDLE = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
const mono = { fontFamily: MONO_FONT, fontSize: '0.6875rem' } as const;
const EXAMPLE = '{\n  "hosts": "$entities.host",\n  "user": "$entity.user",\n  "finding": "$finding.id",\n  "note": "Contained from Vigil ${finding.id}"\n}';

interface Draft {
  id?: number;
  name: string;
  kind: 'workflow' | 'incident';
  workflow_id: string;
  inputs: string;
  danger: (typeof DANGERS)[number];
  description: string;
}

const EMPTY: Draft = { name: '', kind: 'workflow', workflow_id: '', inputs: EXAMPLE, danger: 'high', description: '' };

function ActionForm({ start, onSaved, onCancel }: { start: Draft; onSaved: (a: ContainmentActionView[]) => void; onCancel: () => void }) {
  const [d, setD] = useState<Draft>(start);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VigilClientError | null>(null);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const list = await call('containment.saveAction', {
        ...(d.id !== undefined ? { id: d.id } : {}),
        name: d.name,
        kind: d.kind,
        ...(d.kind === 'workflow' ? { workflow_id: d.workflow_id.trim() } : {}),
        inputs: d.inputs,
        danger: d.danger,
        ...(d.description.trim() ? { description: d.description } : {}),
      });
      notify(`Saved containment action ${d.name}.`, 'success');
      onSaved(list);
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box component="form" onSubmit={(e) => { e.preventDefault(); void save(); }} sx={{ display: 'flex', flexDirection: 'column', gap: 1.25, p: 1.5, border: 1, borderColor: 'divider', borderRadius: 1 }} data-testid="containment-action-form">
      <Box sx={{ display: 'flex', gap: 1.25, flexWrap: 'wrap' }}>
        <TextField label="Name" size="small" value={d.name} onChange={(e) => set('name', e.target.value)} sx={{ flex: 1, minWidth: 160 }} slotProps={{ htmlInput: { 'data-testid': 'action-name', maxLength: 80 } }} />
        <TextField select label="Runs" size="small" value={d.kind} onChange={(e) => set('kind', e.target.value as Draft['kind'])} sx={{ width: 170 }} slotProps={{ htmlInput: { 'data-testid': 'action-kind' } }}>
          <MenuItem value="workflow">a Datadog workflow</MenuItem>
          <MenuItem value="incident">a Datadog incident</MenuItem>
        </TextField>
        <TextField select label="Danger" size="small" value={d.danger} onChange={(e) => set('danger', e.target.value as Draft['danger'])} sx={{ width: 120 }} slotProps={{ htmlInput: { 'data-testid': 'action-danger' } }}>
          {DANGERS.map((x) => (
            <MenuItem key={x} value={x} data-testid={`action-danger-${x}`}>
              {x}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {d.kind === 'workflow' && (
        <TextField
          label="Workflow id (from the workflow's URL)"
          size="small"
          value={d.workflow_id}
          onChange={(e) => set('workflow_id', e.target.value)}
          slotProps={{ htmlInput: { 'data-testid': 'action-workflow-id', spellCheck: false, style: { fontFamily: MONO_FONT } } }}
        />
      )}
      <TextField
        label={d.kind === 'workflow' ? 'Input mapping (workflow inputs)' : 'Incident fields (title required)'}
        multiline
        minRows={4}
        maxRows={12}
        value={d.inputs}
        onChange={(e) => set('inputs', e.target.value)}
        helperText='JSON. A value may be "$finding.id", "$finding.title", "$finding.severity", "$entity.user" (first), "$entities.host" (all), "$requester", "$reason", or text with ${…} inside. Nothing else is evaluated.'
        slotProps={{ htmlInput: { 'data-testid': 'action-inputs', spellCheck: false, style: mono } }}
      />
      <TextField label="Description (optional)" size="small" value={d.description} onChange={(e) => set('description', e.target.value)} slotProps={{ htmlInput: { maxLength: 500 } }} />
      {error && <ErrorAlert error={error} onClose={() => setError(null)} />}
      <Box sx={{ display: 'flex', gap: 1 }}>
        <Button type="submit" variant="contained" disabled={busy || !d.name.trim()} startIcon={busy ? <CircularProgress size={14} color="inherit" /> : undefined} data-testid="action-save">
          Save action
        </Button>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
      </Box>
    </Box>
  );
}

function EnrolForm({ onDone }: { onDone: (a: ApproverView[]) => void }) {
  const [handle, setHandle] = useState('');
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VigilClientError | null>(null);
  const ok = HANDLE.test(handle) && name.trim() !== '' && passphrase.length >= 8;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const list = await call('containment.enrolApprover', { handle, name, passphrase });
      notify(`${handle} has a key on this workstation. Their lead adds its public key to the roster.`, 'success');
      setHandle('');
      setName('');
      onDone(list);
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setPassphrase('');
      setBusy(false);
    }
  };
  return (
    <Box component="form" onSubmit={(e) => { e.preventDefault(); if (ok) void submit(); }} sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start' }}>
      <TextField label="Their handle" size="small" value={handle} onChange={(e) => setHandle(e.target.value)} sx={{ width: 150 }} slotProps={{ htmlInput: { 'data-testid': 'enrol-handle', autoComplete: 'off', spellCheck: false } }} />
      <TextField label="Name" size="small" value={name} onChange={(e) => setName(e.target.value)} sx={{ width: 150 }} slotProps={{ htmlInput: { 'data-testid': 'enrol-name', autoComplete: 'off' } }} />
      <TextField label="Their own passphrase" type="password" size="small" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} sx={{ width: 180 }} helperText="typed by them; 8+ characters" slotProps={{ htmlInput: { 'data-testid': 'enrol-passphrase', autoComplete: 'new-password' } }} />
      <Button type="submit" variant="outlined" disabled={!ok || busy} data-testid="enrol-submit" sx={{ mt: 0.25 }}>
        Enrol
      </Button>
      {error && (
        <Box sx={{ flexBasis: '100%' }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
    </Box>
  );
}

function ApproveFileForm() {
  const [text, setText] = useState('');
  const [out, setOut] = useState<{ text: string; filename: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VigilClientError | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      setOut(await call('containment.approveFile', { text }));
      notify('Approved and signed with your key. Send the approved file back.', 'success');
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <TextField label="Request file from a colleague" multiline minRows={3} maxRows={8} value={text} onChange={(e) => setText(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'approve-file-text', spellCheck: false, style: mono } }} />
      <Box>
        <Button variant="outlined" onClick={() => void submit()} disabled={busy || text.trim().length < 2} data-testid="approve-file-submit">
          Verify and approve with my key
        </Button>
      </Box>
      {error && <ErrorAlert error={error} onClose={() => setError(null)} />}
      {out && (
        <TextField label={`Approved file (${out.filename}) — select and copy`} multiline minRows={3} maxRows={8} value={out.text} onFocus={(e) => e.target.select()} slotProps={{ htmlInput: { readOnly: true, 'data-testid': 'approve-file-out', style: mono } }} />
      )}
    </Box>
  );
}

export function ContainmentCard() {
  const [actions, setActions] = useState<ContainmentActionView[] | null>(null);
  const [approvers, setApprovers] = useState<ApproverView[]>([]);
  const [editing, setEditing] = useState<Draft | null>(null);
  const [error, setError] = useState<VigilClientError | null>(null);

  const load = () => {
    call('containment.actions', {}).then(setActions, (e: unknown) => setError(toClientError(e)));
    call('containment.approvers', {}).then(setApprovers, (e: unknown) => setError(toClientError(e)));
  };
  useEffect(load, []);

  const remove = async (a: ContainmentActionView) => {
    try {
      setActions(await call('containment.deleteAction', { id: a.id }));
      notify(`Removed ${a.name}.`, 'success');
    } catch (e) {
      setError(toClientError(e));
    }
  };

  return (
    <SourceCard
      title="Containment"
      configured={(actions?.length ?? 0) > 0}
      testId="containment-card"
      description="Actions run only on a signed finding; a critical finding or a dangerous action also needs a second analyst's signature. Admins configure the actions."
    >
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
        <Box>
          <Typography variant="overline" component="h3" color="text.secondary">
            Actions
          </Typography>
          {actions === null ? (
            <CircularProgress size={16} />
          ) : actions.length === 0 ? (
            <Typography variant="body2" color="text.secondary" data-testid="containment-actions-empty">
              None yet.
            </Typography>
          ) : (
            <Box component="ul" sx={{ m: 0, p: 0, display: 'flex', flexDirection: 'column', gap: 0.75 }} data-testid="containment-actions">
              {actions.map((a) => (
                <Box component="li" key={a.id} sx={{ listStyle: 'none', fontSize: '0.8125rem', display: 'flex', gap: 1, alignItems: 'baseline', flexWrap: 'wrap' }} data-testid="containment-action-row">
                  <strong>{a.name}</strong>
                  <span>danger {a.danger}</span>
                  <Box component="span" sx={{ ...mono, color: 'text.secondary' }}>
                    {a.kind === 'workflow' ? `workflow ${a.workflow_id}` : 'incident'} · reads {a.refs.join(', ') || 'nothing'}
                  </Box>
                  <Box sx={{ flex: 1 }} />
                  <Button size="small" onClick={() => setEditing({ id: a.id, name: a.name, kind: a.kind, workflow_id: a.workflow_id ?? '', inputs: a.inputs, danger: a.danger, description: a.description ?? '' })}>
                    Edit
                  </Button>
                  <Button size="small" color="error" onClick={() => void remove(a)}>
                    Remove
                  </Button>
                </Box>
              ))}
            </Box>
          )}
          <Box sx={{ mt: 1 }}>
            {editing ? (
              <ActionForm
                key={editing.id ?? 'new'}
                start={editing}
                onCancel={() => setEditing(null)}
                onSaved={(list) => {
                  setActions(list);
                  setEditing(null);
                }}
              />
            ) : (
              <Button variant="outlined" size="small" onClick={() => setEditing(EMPTY)} data-testid="action-add">
                Add an action
              </Button>
            )}
          </Box>
        </Box>

        <Box>
          <Typography variant="overline" component="h3" color="text.secondary">
            Second analysts on this workstation
          </Typography>
          <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }}>
            A colleague makes a key here, locked by a passphrase only they know, so they can approve at this desk. Their lead adds its public key to the roster.
          </Typography>
          {approvers.length > 0 && (
            <Box component="ul" sx={{ m: 0, mb: 1, p: 0 }} data-testid="approvers">
              {approvers.map((a) => (
                <Box component="li" key={a.key_id} sx={{ listStyle: 'none', fontSize: '0.75rem' }} data-testid="approver-row">
                  <strong>{a.handle}</strong> {a.role ? `(${a.role})` : '(not in the roster yet)'}{' '}
                  <Box component="span" sx={{ ...mono, color: 'text.secondary', wordBreak: 'break-all' }} data-testid="approver-public-key">
                    {a.key_id} · {a.public_key}
                  </Box>
                </Box>
              ))}
            </Box>
          )}
          <EnrolForm onDone={setApprovers} />
        </Box>

        <Box>
          <Typography variant="overline" component="h3" color="text.secondary">
            Approve a request file
          </Typography>
          <ApproveFileForm />
        </Box>
        {error && <ErrorAlert error={error} onClose={() => setError(null)} />}
      </Box>
    </SourceCard>
  );
}
