// Evidence bundles in the app: the Export dialog (what is exported, the reason for the custody
// record, progress, then where it went and the digest and key an auditor needs) and the Verify
// view (optional trusted keys, a bundle picked from disk, the verdict with one line per failure).
// Both are mounted once and driven by the evidence store; the queue menu and the case view open them.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import MenuItem from '@mui/material/MenuItem';
import Typography from '@mui/material/Typography';
import ArchiveOutlined from '@mui/icons-material/ArchiveOutlined';
import FactCheckOutlined from '@mui/icons-material/FactCheckOutlined';
import { useEffect, useState } from 'react';
import type { ApproverView } from '../../../../shared/containment';
import { call } from '../../api/client';
import { formatCount } from '../../lib/format';
import { useEvidenceStore } from '../../stores/evidenceStore';
import { MONO_FONT } from '../../theme';

const PHASE: Record<string, string> = { reading: 'Reading findings', writing: 'Writing the report and archive', signing: 'Signing the manifest', done: 'Done' };

/**
 * Who signs the manifest. Only a lead exports: the workstation's own key when its analyst is a lead,
 * otherwise a lead enrolled on this workstation (Settings → Containment) with their passphrase.
 */
interface LeadSigners {
  loaded: boolean;
  role: string | null;
  leads: ApproverView[];
}

function useLeadSigners(open: boolean): LeadSigners {
  const [state, setState] = useState<LeadSigners>({ loaded: false, role: null, leads: [] });
  useEffect(() => {
    if (!open) return;
    let live = true;
    Promise.all([call('custody.status', {}), call('containment.approvers', {})]).then(
      ([status, approvers]) => live && setState({ loaded: true, role: status.role, leads: approvers.filter((a) => a.role === 'lead') }),
      () => live && setState({ loaded: true, role: null, leads: [] }),
    );
    return () => {
      live = false;
    };
  }, [open]);
  return state;
}

/** Who signs: the workstation's own lead key, or (when its analyst is not a lead) an enrolled lead. */
function useSignAs(open: boolean) {
  const { loaded, role, leads } = useLeadSigners(open);
  const [lead, setLead] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const asLead = loaded && role !== 'lead';
  const signer = asLead ? lead || leads[0]?.handle || '' : '';
  return {
    role,
    leads,
    asLead,
    signer,
    setLead,
    passphrase,
    setPassphrase,
    ok: loaded && (!asLead || (signer !== '' && passphrase !== '')),
    /** the `as` to send (the passphrase leaves the form as it is sent) */
    take: (): { handle: string; passphrase: string } | undefined => {
      const as = asLead ? { handle: signer, passphrase } : undefined;
      setPassphrase('');
      return as;
    },
  };
}

function SignAsLeadFields({ s, what, disabled, testId }: { s: ReturnType<typeof useSignAs>; what: string; disabled: boolean; testId: string }) {
  if (!s.asLead) return null;
  return (
    <Box sx={{ mb: 1.5 }} data-testid={`${testId}-as-lead`}>
      <Alert severity="info" sx={{ mb: 1 }}>
        Only a lead {what}, and this workstation’s analyst is {s.role ? `an ${s.role}` : 'not in the roster'}.{' '}
        {s.leads.length > 0 ? 'A lead enrolled on this workstation signs with their own key and passphrase.' : 'Enrol a lead under Settings → Containment, or do this at a lead’s workstation.'}
      </Alert>
      {s.leads.length > 0 && (
        <Box sx={{ display: 'flex', gap: 1.5 }}>
          <TextField select size="small" label="Signed by" value={s.signer} onChange={(e) => s.setLead(e.target.value)} disabled={disabled} sx={{ minWidth: 180 }} slotProps={{ htmlInput: { 'data-testid': `${testId}-lead` } }}>
            {s.leads.map((l) => (
              <MenuItem key={l.key_id} value={l.handle}>
                {l.name} ({l.handle})
              </MenuItem>
            ))}
          </TextField>
          <TextField
            size="small"
            type="password"
            label={`${s.signer}’s passphrase`}
            value={s.passphrase}
            onChange={(e) => s.setPassphrase(e.target.value)}
            disabled={disabled}
            sx={{ flex: 1 }}
            slotProps={{ htmlInput: { 'data-testid': `${testId}-lead-passphrase`, autoComplete: 'off' } }}
          />
        </Box>
      )}
    </Box>
  );
}

function ExportDialog() {
  const target = useEvidenceStore((s) => s.target);
  const exporting = useEvidenceStore((s) => s.exporting);
  const progress = useEvidenceStore((s) => s.progress);
  const result = useEvidenceStore((s) => s.result);
  const error = useEvidenceStore((s) => s.error);
  const close = useEvidenceStore((s) => s.closeExport);
  const run = useEvidenceStore((s) => s.runExport);
  const [reason, setReason] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  const signAs = useSignAs(target !== null);
  const isRange = target?.scope === 'range';
  const rangeOk = !isRange || since !== '' || until !== '';
  const done = result?.saved === true;
  const pct = progress && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;

  return (
    <Dialog open={target !== null} onClose={close} fullWidth maxWidth="sm" aria-labelledby="export-title" data-testid="export-dialog">
      <DialogTitle id="export-title">Export evidence: {target?.label}</DialogTitle>
      <DialogContent>
        {!done && (
          <>
            <DialogContentText sx={{ fontSize: '0.8125rem', mb: 1.5 }}>
              A zip an auditor verifies offline with <code>vigil verify</code> and your public key: the findings with their drafts, signal revisions and evidence, every sign-off and
              approval, the audit entries about them, custody events and a printable report, all listed in a manifest signed with your lead key. The export is recorded in the audit trail.
            </DialogContentText>
            {isRange && (
              <Box sx={{ display: 'flex', gap: 1.5, mb: 1.5 }}>
                <TextField
                  type="date"
                  label="Opened from (UTC)"
                  value={since}
                  onChange={(e) => setSince(e.target.value)}
                  disabled={exporting}
                  slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'export-since' } }}
                />
                <TextField
                  type="date"
                  label="to (UTC, inclusive)"
                  value={until}
                  onChange={(e) => setUntil(e.target.value)}
                  disabled={exporting}
                  slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': 'export-until' } }}
                />
              </Box>
            )}
            <SignAsLeadFields s={signAs} what="exports evidence bundles" disabled={exporting} testId="export" />
            <TextField
              label="Reason (goes into the custody record)"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              fullWidth
              multiline
              minRows={2}
              autoFocus
              disabled={exporting}
              slotProps={{ htmlInput: { maxLength: 2000, 'data-testid': 'export-reason' } }}
            />
          </>
        )}
        {exporting && (
          <Box sx={{ mt: 2 }} data-testid="export-progress" aria-live="polite">
            <Typography variant="body2">
              {progress ? `${PHASE[progress.phase] ?? progress.phase} · ${formatCount(progress.done)} of ${formatCount(progress.total)}` : 'Choose where to save the bundle…'}
            </Typography>
            <LinearProgress variant={progress ? 'determinate' : 'indeterminate'} value={pct} sx={{ mt: 0.5 }} />
          </Box>
        )}
        {error && !exporting && (
          <Alert severity="error" sx={{ mt: 2 }}>
            {error}
          </Alert>
        )}
        {done && result && (
          <Box data-testid="export-result">
            <Alert severity="success" sx={{ mb: 1.5 }}>
              {formatCount(result.findings)} finding{result.findings === 1 ? '' : 's'}, {formatCount(result.files)} files, {result.bytes < 1024 * 1024 ? `${Math.max(1, Math.round(result.bytes / 1024))} KiB` : `${(result.bytes / 1024 / 1024).toFixed(1)} MiB`} saved to {result.path}.
            </Alert>
            <Typography variant="body2" sx={{ mb: 0.5 }}>
              Content digest (printed in the report's footer):
            </Typography>
            <Typography sx={{ fontFamily: MONO_FONT, fontSize: '0.75rem', wordBreak: 'break-all', mb: 1 }} data-testid="export-digest">
              {result.content_digest}
            </Typography>
            <Typography variant="body2" sx={{ mb: 0.5 }}>
              The auditor's trusted key (signed by {result.exported_by?.handle}):
            </Typography>
            <Typography sx={{ fontFamily: MONO_FONT, fontSize: '0.75rem', wordBreak: 'break-all' }} data-testid="export-key">
              {result.exported_by?.key_id} {result.exported_by?.public_key}
            </Typography>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={exporting}>
          {done ? 'Close' : 'Cancel'}
        </Button>
        {!done && (
          <Button variant="contained" startIcon={<ArchiveOutlined />} disabled={exporting || reason.trim() === '' || !rangeOk || !signAs.ok}
            onClick={() => void run(reason, isRange ? { since, until } : undefined, signAs.take())}
            data-testid="export-run"
          >
            Export…
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

function VerifyDialog() {
  const open = useEvidenceStore((s) => s.verifyOpen);
  const verifying = useEvidenceStore((s) => s.verifying);
  const verdict = useEvidenceStore((s) => s.verdict);
  const close = useEvidenceStore((s) => s.closeVerify);
  const run = useEvidenceStore((s) => s.runVerify);
  const [keys, setKeys] = useState('');
  const s = verdict?.summary ?? null;

  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="md" aria-labelledby="verify-title" data-testid="verify-dialog">
      <DialogTitle id="verify-title">Verify an evidence bundle</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ fontSize: '0.8125rem', mb: 1.5 }}>
          The same checks as <code>vigil verify</code>, without this workspace: the archive, every file against the signed manifest, the signatures, every sign-off and approval against the
          bundled roster, the audit slice, the report's digest. Paste the public keys you trust (one per line) or load the key file the lead sent; without them the bundle's own roster is used and the verdict says so.
        </DialogContentText>
        <TextField
          label="Trusted public keys (optional)"
          value={keys}
          onChange={(e) => setKeys(e.target.value)}
          fullWidth
          multiline
          minRows={2}
          placeholder="ed25519:0123456789abcdef AbCd…43 characters of base64url"
          slotProps={{ htmlInput: { 'data-testid': 'verify-keys', style: { fontFamily: MONO_FONT, fontSize: '0.75rem' } } }}
        />
        <Button size="small" component="label" sx={{ mt: 0.5 }} disabled={verifying}>
          Load keys from a file…
          <input
            hidden
            type="file"
            accept=".pub,.txt,.json,text/plain,application/json"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              // A key file from `vigil export --public-key-out`, a list, or a roster: the verifier reads them all.
              if (f) void f.text().then((t) => setKeys((k) => (k.trim() ? `${k.trimEnd()}\n${t}` : t)));
            }}
            data-testid="verify-keys-file"
          />
        </Button>
        {verifying && <LinearProgress sx={{ mt: 2 }} />}
        {verdict && (
          <Box sx={{ mt: 2 }} data-testid="verify-verdict">
            <Alert severity={verdict.valid ? 'success' : 'error'} data-testid={verdict.valid ? 'verify-valid' : 'verify-invalid'}>
              {verdict.valid
                ? `Valid: ${formatCount(s?.findings ?? 0)} findings, ${formatCount(s?.files ?? 0)} files, ${formatCount(s?.signoffs ?? 0)} sign-offs, ${formatCount(s?.audit_entries ?? 0)} audit entries.`
                : `Not valid: ${verdict.failures.length} problem${verdict.failures.length === 1 ? '' : 's'}.`}{' '}
              {verdict.path}
            </Alert>
            {s && (
              <Typography variant="body2" sx={{ mt: 1 }}>
                Exported {s.exported_at} by {s.exported_by.handle} ({s.exported_by.key_id}) from “{s.workspace.name}” with {s.tool.name} {s.tool.version}: “{s.reason}”. Checked against{' '}
                {s.trust === 'trusted-keys' ? 'the keys you gave' : "the bundle's own roster"}.
              </Typography>
            )}
            {verdict.notes.map((n) => (
              <Alert key={n} severity="warning" sx={{ mt: 1 }}>
                {n}
              </Alert>
            ))}
            {verdict.failures.length > 0 && (
              <Table size="small" sx={{ mt: 1 }} data-testid="verify-failures">
                <TableHead>
                  <TableRow>
                    <TableCell>Code</TableCell>
                    <TableCell>File</TableCell>
                    <TableCell>Why</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {verdict.failures.slice(0, 500).map((f, i) => (
                    <TableRow key={i}>
                      <TableCell sx={{ fontFamily: MONO_FONT, fontSize: '0.75rem' }}>{f.code}</TableCell>
                      <TableCell sx={{ fontFamily: MONO_FONT, fontSize: '0.75rem' }}>{f.file ?? '—'}</TableCell>
                      <TableCell>{f.message}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={verifying}>
          Close
        </Button>
        <Button variant="contained" startIcon={<FactCheckOutlined />} disabled={verifying} onClick={() => void run(keys)} data-testid="verify-pick">
          Choose a bundle…
        </Button>
      </DialogActions>
    </Dialog>
  );
}

function CosignDialog() {
  const open = useEvidenceStore((s) => s.cosignOpen);
  const busy = useEvidenceStore((s) => s.cosigning);
  const result = useEvidenceStore((s) => s.cosigned);
  const error = useEvidenceStore((s) => s.cosignError);
  const close = useEvidenceStore((s) => s.closeCosign);
  const run = useEvidenceStore((s) => s.runCosign);
  const signAs = useSignAs(open);
  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="sm" aria-labelledby="cosign-title" data-testid="cosign-dialog">
      <DialogTitle id="cosign-title">Co-sign an evidence bundle</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ fontSize: '0.8125rem', mb: 1.5 }}>
          For auditors who want more than one lead to vouch for a bundle (<code>vigil verify --threshold 2</code>). The bundle is verified first — nobody co-signs one that does not
          verify — and only its signed manifest changes: your lead key&apos;s signature is added beside the exporter&apos;s. The co-signing is recorded in the audit trail.
        </DialogContentText>
        {!result && <SignAsLeadFields s={signAs} what="co-signs evidence bundles" disabled={busy} testId="cosign" />}
        {busy && <LinearProgress sx={{ mt: 1 }} />}
        {error && !busy && (
          <Alert severity="error" sx={{ mt: 1 }} data-testid="cosign-error">
            {error}
          </Alert>
        )}
        {result && (
          <Box data-testid="cosign-result">
            <Alert severity="success" sx={{ mb: 1.5 }}>
              Signed by {result.handle} ({result.key_id}); the bundle now carries {result.signatures} signatures. Saved to {result.path}.
            </Alert>
            <Typography variant="body2" sx={{ mb: 0.5 }}>
              Content digest (unchanged):
            </Typography>
            <Typography sx={{ fontFamily: MONO_FONT, fontSize: '0.75rem', wordBreak: 'break-all' }}>{result.content_digest}</Typography>
          </Box>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={busy}>
          {result ? 'Close' : 'Cancel'}
        </Button>
        {!result && (
          <Button variant="contained" startIcon={<FactCheckOutlined />} disabled={busy || !signAs.ok} onClick={() => void run(signAs.take())} data-testid="cosign-pick">
            Choose a bundle…
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

export function EvidenceDialogs() {
  const session = useEvidenceStore((s) => s.session);
  return (
    <>
      <ExportDialog key={session} />
      <VerifyDialog />
      <CosignDialog />
    </>
  );
}
