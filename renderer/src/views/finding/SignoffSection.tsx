// Sign-off: the finding's decision revision, every sign-off checked against the trusted roster now
// (valid, invalid with its reason, or stale: made for an older revision), and signing the current
// decision with this workstation's key after confirming exactly what is being signed.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import DrawOutlined from '@mui/icons-material/DrawOutlined';
import { useState } from 'react';
import type { FindingDetail, SignoffView } from '../../../../shared/domain';
import { call, toClientError, type VigilClientError } from '../../api/client';
import { formatTimeSeconds, humanize } from '../../lib/format';
import { useFindingStore } from '../../stores/findingStore';
import { notify } from '../../stores/noticeStore';
import { scheduleQueueRefresh } from '../../stores/queueStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { Field, Fields, Missing, Section } from './Section';

const SIGNABLE = new Set(['drafted', 'in_review']);
const mono = { fontFamily: MONO_FONT, fontSize: '0.6875rem' } as const;

function Verdict({ s }: { s: SignoffView }) {
  return (
    <Box component="span" sx={{ display: 'inline-flex', gap: 0.5, flexWrap: 'wrap' }}>
      {s.valid ? (
        <Chip size="small" color="success" variant="outlined" label="✓ valid" data-testid="signoff-verdict" />
      ) : (
        <Chip size="small" color="error" variant="outlined" label={`✗ invalid (${s.reason ? humanize(s.reason) : 'unknown'})`} data-testid="signoff-verdict" />
      )}
      {s.stale && <Chip size="small" color="warning" variant="outlined" label={`stale (revision ${s.revision ?? '?'})`} data-testid="signoff-stale" />}
    </Box>
  );
}

function SignoffRow({ s }: { s: SignoffView }) {
  return (
    <Box
      component="li"
      data-testid="signoff"
      data-valid={String(s.valid)}
      data-stale={String(s.stale)}
      sx={{ listStyle: 'none', p: 1, border: 1, borderColor: 'divider', borderRadius: 1, fontSize: '0.75rem', display: 'grid', gridTemplateColumns: '1fr auto', gap: 0.5 }}
    >
      <Box sx={{ minWidth: 0 }}>
        <Box component="strong" data-testid="signoff-analyst">
          {s.analyst}
        </Box>
        <Box component="span" sx={{ ...mono, color: 'text.secondary', ml: 1 }} data-testid="signoff-key-id">
          {s.key_id ?? 'no key'}
        </Box>
        <Box sx={{ color: 'text.secondary', mt: 0.25 }}>
          <Box component="span" sx={mono}>
            {formatTimeSeconds(s.signed_at)}
          </Box>
          {' · revision '}
          <Box component="span" data-testid="signoff-revision">
            {s.revision ?? '?'}
          </Box>
          {' · sha256 '}
          {s.signature_sha256 ? (
            <Tooltip title={<Box sx={{ ...mono, overflowWrap: 'anywhere' }}>{s.signature_sha256}</Box>}>
              <Box component="span" sx={{ ...mono, borderBottom: 1, borderStyle: 'dotted', cursor: 'help' }} data-testid="signoff-signature" data-full={s.signature_sha256}>
                {s.signature_sha256.slice(0, 12)}…
              </Box>
            </Tooltip>
          ) : (
            <Missing>none</Missing>
          )}
        </Box>
      </Box>
      <Verdict s={s} />
    </Box>
  );
}

function SignDialog({ detail, open, busy, onClose, onConfirm }: { detail: FindingDetail; open: boolean; busy: boolean; onClose: () => void; onConfirm: () => void }) {
  const f = detail.finding;
  return (
    <Dialog open={open} onClose={busy ? undefined : onClose} maxWidth="sm" fullWidth data-testid="signoff-dialog">
      <DialogTitle>Sign off {f.finding_id}?</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
          Your key signs this decision at revision {f.decision_revision} and the hash of every piece of evidence. A sign-off never changes: a later
          change to the decision needs a new one.
        </Typography>
        <Fields>
          <Field label="Technique" testId="signoff-confirm-technique">
            {f.mitre_technique ? `${f.mitre_technique} ${f.technique_name ?? ''}`.trim() : <Missing />}
          </Field>
          <Field label="Severity" testId="signoff-confirm-severity">
            {f.severity}
          </Field>
          <Field label="Recommended action" testId="signoff-confirm-action">
            {f.recommended_action ?? <Missing />}
          </Field>
          <Field label="Risk score" testId="signoff-confirm-risk">
            {f.risk_score ?? <Missing />}
          </Field>
          <Field label="Evidence" testId="signoff-confirm-evidence">
            {detail.evidence.length} {detail.evidence.length === 1 ? 'item' : 'items'}, each by its hash
          </Field>
          <Field label="Revision">{f.decision_revision}</Field>
        </Fields>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button variant="contained" onClick={onConfirm} disabled={busy} startIcon={busy ? <CircularProgress size={14} color="inherit" /> : <DrawOutlined />} data-testid="signoff-confirm">
          Sign off
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export function SignoffSection({ detail }: { detail: FindingDetail }) {
  const f = detail.finding;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VigilClientError | null>(null);
  const signedNow = detail.signoffs.some((s) => s.revision === f.decision_revision);
  const signable = SIGNABLE.has(f.status) && !signedNow;
  const hint = signedNow
    ? `Signed at revision ${f.decision_revision}; a sign-off never changes. A new decision revision can be signed again.`
    : !SIGNABLE.has(f.status)
      ? `Only a drafted or in-review finding can be signed off; this one is ${humanize(f.status)}.`
      : null;

  const signOff = async () => {
    const id = f.finding_id;
    setBusy(true);
    setError(null);
    try {
      const r = await call('finding.signOff', { id });
      notify(`Signed off ${r.finding_id} at revision ${r.revision} with ${r.key_id}; signature sha256 ${r.signature_sha256.slice(0, 16)}…`, 'success');
      scheduleQueueRefresh();
      await useFindingStore.getState().reload();
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <Section
      title={`Sign-off (${detail.signoffs.length})`}
      testId="signoff-section"
      aside={
        <Typography variant="caption" color="text.secondary">
          decision revision{' '}
          <Box component="span" sx={{ fontFamily: MONO_FONT }} data-testid="decision-revision">
            {f.decision_revision}
          </Box>
        </Typography>
      }
    >
      {detail.signoffs.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }} data-testid="signoffs-empty">
          Not signed off yet.
        </Typography>
      ) : (
        <Box component="ul" sx={{ m: 0, mb: 1, p: 0, display: 'flex', flexDirection: 'column', gap: 0.75 }} data-testid="signoffs">
          {detail.signoffs.map((s, i) => (
            <SignoffRow key={`${s.signed_at}-${s.key_id ?? ''}-${i}`} s={s} />
          ))}
        </Box>
      )}
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5 }}>
        <Button variant="outlined" startIcon={<DrawOutlined />} onClick={() => { setError(null); setConfirming(true); }} disabled={!signable || busy} data-testid="signoff-button">
          Sign off
        </Button>
        {hint && (
          <Typography variant="caption" color="text.secondary" data-testid="signoff-hint">
            {hint}
          </Typography>
        )}
      </Box>
      {error && (
        <Box sx={{ mt: 1.5 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
      <SignDialog detail={detail} open={confirming} busy={busy} onClose={() => setConfirming(false)} onConfirm={() => void signOff()} />
    </Section>
  );
}
