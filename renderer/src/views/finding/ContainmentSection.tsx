// Containment behind the gate, in the case view: pick a configured action and say why; the core
// refuses (and this section shows why) unless the finding is signed at its current revision. A
// critical finding or a dangerous action then waits for a second, different analyst — approving
// here with their own key and passphrase, or through the request file — before its deadline,
// shown counting down; the run's status and evidence follow once the outbox has sent it.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import GppMaybeOutlined from '@mui/icons-material/GppMaybeOutlined';
import HowToRegOutlined from '@mui/icons-material/HowToRegOutlined';
import { useCallback, useEffect, useState } from 'react';
import type { ContainmentFindingState, ContainmentRequestView } from '../../../../shared/containment';
import type { FindingDetail } from '../../../../shared/domain';
import { call, toClientError, type VigilClientError } from '../../api/client';
import { formatTimeSeconds, humanize } from '../../lib/format';
import { useFindingStore } from '../../stores/findingStore';
import { notify } from '../../stores/noticeStore';
import { scheduleQueueRefresh } from '../../stores/queueStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { Missing, Section } from './Section';

const mono = { fontFamily: MONO_FONT, fontSize: '0.6875rem' } as const;

const STATE_COLOR: Record<ContainmentRequestView['state'], 'default' | 'warning' | 'info' | 'success' | 'error'> = {
  awaiting_approval: 'warning',
  queued: 'info',
  running: 'info',
  succeeded: 'success',
  failed: 'error',
  refused: 'error',
  expired: 'error',
};

/** "42 min left", "3 h 5 min left", "overdue by 4 min". */
export function deadlineText(expiresAt: string, now: number): string {
  const ms = Date.parse(expiresAt) - now;
  const mins = Math.ceil(Math.abs(ms) / 60_000);
  const span = mins >= 60 ? `${Math.floor(mins / 60)} h ${mins % 60} min` : `${mins} min`;
  return ms >= 0 ? `${span} left` : `overdue by ${span}`;
}

function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

function ApproveDialog({ req, approvers, onClose, onDone }: { req: ContainmentRequestView; approvers: ContainmentFindingState['approvers']; onClose: () => void; onDone: (s: ContainmentFindingState) => void }) {
  const [handle, setHandle] = useState(approvers.find((a) => a.handle !== req.requested_by)?.handle ?? '');
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VigilClientError | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const s = await call('containment.approveLocal', { request: req.id, handle, passphrase });
      setPassphrase('');
      onDone(s);
    } catch (e) {
      setError(toClientError(e));
      setPassphrase('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="xs" fullWidth data-testid="approve-dialog">
      <DialogTitle>Approve as a second analyst</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          {req.requested_by} asks to run <strong>{req.action_name}</strong> ({req.danger}). The approver signs with their own key, unlocked by their own passphrase; the requester cannot approve.
        </Typography>
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, mt: 1 }}>
          <TextField
            select
            label="Approver"
            size="small"
            value={handle}
            onChange={(e) => setHandle(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'approve-handle' } }}
            helperText={approvers.length === 0 ? 'No second analyst has a key on this workstation: enrol one in Settings → Containment.' : undefined}
          >
            {approvers.map((a) => (
              <MenuItem key={a.key_id} value={a.handle} data-testid={`approve-handle-${a.handle}`}>
                {a.handle} {a.role ? `(${a.role})` : '(not in the roster)'}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label={handle ? `${handle}'s passphrase` : 'Passphrase'}
            type="password"
            size="small"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            slotProps={{ htmlInput: { 'data-testid': 'approve-passphrase', autoComplete: 'off' } }}
          />
          {error && <ErrorAlert error={error} onClose={() => setError(null)} />}
        </Box>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={() => void submit()} disabled={busy || !handle || !passphrase} startIcon={busy ? <CircularProgress size={14} color="inherit" /> : <HowToRegOutlined />} data-testid="approve-confirm">
          Sign approval
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function FileDialog({ req, onClose, onDone }: { req: ContainmentRequestView; onClose: () => void; onDone: (s: ContainmentFindingState) => void }) {
  const [exported, setExported] = useState<{ text: string; filename: string } | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VigilClientError | null>(null);
  useEffect(() => {
    call('containment.exportRequest', { request: req.id }).then(setExported, (e: unknown) => setError(toClientError(e)));
  }, [req.id]);
  const download = () => {
    if (!exported) return;
    const url = URL.createObjectURL(new Blob([exported.text], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = exported.filename;
    a.click();
    URL.revokeObjectURL(url);
  };
  const readFile = (f: File | undefined) => {
    if (f) void f.text().then(setText);
  };
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await call('containment.importApproval', { text }));
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth data-testid="approval-file-dialog">
      <DialogTitle>Approval by file</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          Send the signed request to a second analyst. On their workstation, Settings → Containment → <em>Approve a request file</em> signs it; import the file they send back here.
        </Typography>
        <TextField
          label="Signed request (select and copy)"
          multiline
          fullWidth
          minRows={3}
          maxRows={6}
          value={exported?.text ?? ''}
          onFocus={(e) => e.target.select()}
          slotProps={{ htmlInput: { readOnly: true, 'data-testid': 'request-file-text', spellCheck: false, style: mono } }}
        />
        <Button size="small" onClick={download} disabled={!exported} sx={{ mt: 0.5 }} data-testid="request-file-download">
          Save as {exported?.filename ?? 'file'}
        </Button>
        <TextField
          label="Approved file from the second analyst"
          multiline
          fullWidth
          minRows={3}
          maxRows={6}
          value={text}
          onChange={(e) => setText(e.target.value)}
          slotProps={{ htmlInput: { 'data-testid': 'approval-file-text', spellCheck: false, style: mono } }}
          sx={{ mt: 2 }}
        />
        <Button size="small" component="label" sx={{ mt: 0.5 }}>
          Open a file…
          <input hidden type="file" accept=".json,application/json" onChange={(e) => readFile(e.target.files?.[0])} data-testid="approval-file-input" />
        </Button>
        {error && (
          <Box sx={{ mt: 1 }}>
            <ErrorAlert error={error} onClose={() => setError(null)} />
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Close
        </Button>
        <Button variant="contained" onClick={() => void submit()} disabled={busy || text.trim().length < 2} data-testid="approval-file-import">
          Import approval
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function RequestRow({ r, now, approvers, onChanged }: { r: ContainmentRequestView; now: number; approvers: ContainmentFindingState['approvers']; onChanged: (s: ContainmentFindingState) => void }) {
  const [dialog, setDialog] = useState<'approve' | 'file' | null>(null);
  const waiting = r.state === 'awaiting_approval';
  const overdue = waiting && Date.parse(r.expires_at) <= now;
  return (
    <Box
      component="li"
      data-testid="containment-request"
      data-state={r.state}
      sx={{ listStyle: 'none', p: 1, border: 1, borderColor: 'divider', borderRadius: 1, fontSize: '0.75rem', display: 'flex', flexDirection: 'column', gap: 0.5 }}
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Box component="strong" data-testid="containment-action-name">
          {r.action_name}
        </Box>
        <Chip size="small" variant="outlined" color={STATE_COLOR[r.state]} label={humanize(r.state)} data-testid="containment-state" />
        <Chip size="small" variant="outlined" label={`danger ${r.danger}`} />
        {r.needs_second_key && <Chip size="small" variant="outlined" icon={<GppMaybeOutlined />} label="second key" data-testid="containment-second-key" />}
      </Box>
      <Box sx={{ color: 'text.secondary' }}>
        asked by <strong>{r.requested_by}</strong> <span style={mono}>{formatTimeSeconds(r.requested_at)}</span> — “{r.reason}”
      </Box>
      {r.needs_second_key && (
        <Box data-testid="containment-approval">
          {r.approved_by ? (
            <>
              approved by <strong data-testid="containment-approved-by">{r.approved_by}</strong> <span style={mono}>{formatTimeSeconds(r.approved_at)}</span>
            </>
          ) : r.escalated_at ? (
            <Box component="span" sx={{ color: 'error.main' }} data-testid="containment-escalated">
              No approval within {r.deadline_minutes} min: escalated to {r.escalated_to.length ? r.escalated_to.join(', ') : 'the leads'} at {formatTimeSeconds(r.escalated_at)}. Ask again to retry.
            </Box>
          ) : (
            <Box component="span" sx={{ color: overdue ? 'error.main' : 'warning.main' }} data-testid="containment-deadline">
              Waiting for a second analyst — deadline {formatTimeSeconds(r.expires_at)} ({deadlineText(r.expires_at, now)}; {r.deadline_minutes} min for a {r.severity} finding)
            </Box>
          )}
        </Box>
      )}
      {(r.instance_id || r.incident_id) && (
        <Box sx={{ color: 'text.secondary' }} data-testid="containment-run">
          {r.instance_id ? 'workflow instance ' : 'incident '}
          <span style={mono}>{r.instance_id ?? r.incident_id}</span>
          {r.instance_status && (
            <>
              {' · '}
              <span data-testid="containment-instance-status">{r.instance_status}</span>
            </>
          )}
          {r.evidence_id !== null && <> · evidence #{r.evidence_id}</>}
        </Box>
      )}
      {r.error && (
        <Box sx={{ color: 'error.main' }} data-testid="containment-error">
          {r.error.code}: {r.error.message}
        </Box>
      )}
      {waiting && !overdue && (
        <Box sx={{ display: 'flex', gap: 1, mt: 0.5 }}>
          <Button size="small" variant="outlined" onClick={() => setDialog('approve')} data-testid="containment-approve">
            Approve as second analyst
          </Button>
          <Button size="small" onClick={() => setDialog('file')} data-testid="containment-file">
            Request file / import approval
          </Button>
        </Box>
      )}
      {dialog === 'approve' && (
        <ApproveDialog
          req={r}
          approvers={approvers}
          onClose={() => setDialog(null)}
          onDone={(s) => {
            setDialog(null);
            notify(`Approved ${r.action_name}; the run is queued.`, 'success');
            onChanged(s);
          }}
        />
      )}
      {dialog === 'file' && (
        <FileDialog
          req={r}
          onClose={() => setDialog(null)}
          onDone={(s) => {
            setDialog(null);
            notify(`Approval imported for ${r.action_name}; the run is queued.`, 'success');
            onChanged(s);
          }}
        />
      )}
    </Box>
  );
}

export function ContainmentSection({ detail }: { detail: FindingDetail }) {
  const id = detail.finding.finding_id;
  const [state, setState] = useState<ContainmentFindingState | null>(null);
  const [action, setAction] = useState<number | ''>('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VigilClientError | null>(null);
  const now = useNow();

  const load = useCallback(() => {
    call('containment.state', { id }).then(setState, (e: unknown) => setError(toClientError(e)));
  }, [id]);
  // The finding's detail reloads on every change (a sign-off, an outbox run): so does this.
  useEffect(load, [load, detail]);

  const changed = (s: ContainmentFindingState) => {
    setState(s);
    scheduleQueueRefresh();
    void useFindingStore.getState().reload();
  };

  const request = async () => {
    if (action === '') return;
    setBusy(true);
    setError(null);
    try {
      const s = await call('containment.request', { id, action, reason });
      const last = s.requests.at(-1);
      notify(last?.state === 'awaiting_approval' ? `${last.action_name} needs a second analyst's approval before it runs.` : `${last?.action_name ?? 'Containment'} queued.`, last?.state === 'awaiting_approval' ? 'warning' : 'success');
      setReason('');
      changed(s);
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setBusy(false);
    }
  };

  const picked = state?.actions.find((a) => a.id === action) ?? null;
  return (
    <Section title={`Containment${state ? ` (${state.requests.length})` : ''}`} testId="containment-section">
      {!state ? (
        error ? <ErrorAlert error={error} onClose={load} /> : <CircularProgress size={16} />
      ) : (
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
          {!state.gate.ok && (
            <Alert severity="info" variant="outlined" data-testid="containment-refusal" data-code={state.gate.code ?? ''}>
              {state.gate.message}
            </Alert>
          )}
          {state.actions.length === 0 ? (
            <Typography variant="body2" color="text.secondary" data-testid="containment-no-actions">
              No containment actions are configured; an admin adds them in Settings → Containment.
            </Typography>
          ) : (
            <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: 'wrap' }}>
              <TextField
                select
                label="Action"
                size="small"
                value={action}
                onChange={(e) => setAction(e.target.value === '' ? '' : Number(e.target.value))}
                sx={{ minWidth: 200 }}
                slotProps={{ htmlInput: { 'data-testid': 'containment-action' } }}
              >
                {state.actions.map((a) => (
                  <MenuItem key={a.id} value={a.id} data-testid={`containment-action-${a.id}`}>
                    {a.name} · {a.danger}
                    {a.needs_second_key ? ' · second key' : ''}
                  </MenuItem>
                ))}
              </TextField>
              <TextField
                label="Why"
                size="small"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                sx={{ flex: 1, minWidth: 160 }}
                slotProps={{ htmlInput: { 'data-testid': 'containment-reason', maxLength: 2000 } }}
              />
              <Button
                variant="contained"
                color="warning"
                onClick={() => void request()}
                disabled={busy || action === '' || reason.trim() === '' || !state.gate.ok}
                startIcon={busy ? <CircularProgress size={14} color="inherit" /> : undefined}
                data-testid="containment-request-button"
              >
                Contain
              </Button>
            </Box>
          )}
          {picked?.needs_second_key && (
            <Typography variant="caption" color="warning.main" data-testid="containment-needs-second-key">
              {detail.finding.severity === 'critical' ? 'A critical finding' : `A ${picked.danger} action`} needs a second, different analyst's approval ({picked.approver_roles.join(' or ')}) before it runs.
            </Typography>
          )}
          {error && <ErrorAlert error={error} onClose={() => setError(null)} />}
          {state.requests.length === 0 ? (
            <Missing>No containment asked for yet.</Missing>
          ) : (
            <Box component="ul" sx={{ m: 0, p: 0, display: 'flex', flexDirection: 'column', gap: 0.75 }} data-testid="containment-requests">
              {[...state.requests].reverse().map((r) => (
                <RequestRow key={r.id} r={r} now={now} approvers={state.approvers.filter((a) => a.handle !== r.requested_by)} onChanged={changed} />
              ))}
            </Box>
          )}
        </Box>
      )}
    </Section>
  );
}
