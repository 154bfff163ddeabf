// Analyst & team: this workstation's signing key (the private half never leaves the workspace) and
// the team roster a lead signed, which every sign-off is checked against. The first roster is pinned
// to its signer's key id, compared with the lead out of band; later versions must follow it.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import KeyOutlined from '@mui/icons-material/KeyOutlined';
import { useEffect, useState, type ReactNode } from 'react';
import { useCustodyStore } from '../../stores/custodyStore';
import { notify } from '../../stores/noticeStore';
import { MONO_FONT } from '../../theme';
import { ErrorAlert } from '../ErrorAlert';
import { SourceCard } from './SourceCard';

const HANDLE = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;
const KEY_ID = /^ed25519:[0-9a-f]{16}$/;

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <Box component="dt" sx={{ color: 'text.secondary' }}>
        {label}
      </Box>
      <Box component="dd" sx={{ m: 0, minWidth: 0, overflowWrap: 'anywhere' }} data-testid={testId}>
        {children}
      </Box>
    </>
  );
}

const mono = { fontFamily: MONO_FONT, fontSize: '0.75rem' } as const;

function CreateKeyForm() {
  const createKey = useCustodyStore((s) => s.createKey);
  const busy = useCustodyStore((s) => s.busy);
  const [handle, setHandle] = useState('');
  const [name, setName] = useState('');
  const handleOk = HANDLE.test(handle);
  const nameOk = name.trim().length > 0 && name.length <= 200;

  const submit = async () => {
    if (await createKey(handle, name.trim())) notify(`Created a signing key for ${handle}. Send your key id to your lead.`, 'success');
  };

  return (
    <Box component="form" onSubmit={(e) => { e.preventDefault(); if (handleOk && nameOk) void submit(); }} sx={{ display: 'flex', alignItems: 'flex-start', gap: 1.5, flexWrap: 'wrap' }}>
      <TextField
        label="Handle"
        size="small"
        value={handle}
        onChange={(e) => setHandle(e.target.value)}
        error={handle !== '' && !handleOk}
        helperText={handle !== '' && !handleOk ? 'lower-case letters, digits, ".", "_" or "-"' : 'like amara.okafor'}
        slotProps={{ htmlInput: { 'data-testid': 'custody-handle', autoComplete: 'off', spellCheck: false } }}
        sx={{ width: 200 }}
      />
      <TextField
        label="Name"
        size="small"
        value={name}
        onChange={(e) => setName(e.target.value)}
        helperText="as the roster shows it"
        slotProps={{ htmlInput: { 'data-testid': 'custody-name', autoComplete: 'off' } }}
        sx={{ width: 200 }}
      />
      <Button
        type="submit"
        variant="contained"
        startIcon={busy === 'createKey' ? <CircularProgress size={14} color="inherit" /> : <KeyOutlined />}
        disabled={!handleOk || !nameOk || busy !== null}
        data-testid="custody-create-key"
        sx={{ mt: 0.25 }}
      >
        Create my signing key
      </Button>
    </Box>
  );
}

function ImportRosterForm({ first }: { first: boolean }) {
  const importRoster = useCustodyStore((s) => s.importRoster);
  const busy = useCustodyStore((s) => s.busy);
  const [text, setText] = useState('');
  const [pin, setPin] = useState('');
  const pinOk = pin === '' ? !first : KEY_ID.test(pin.trim());

  const submit = async () => {
    if (await importRoster(text, pin.trim() || null)) {
      const r = useCustodyStore.getState().status?.roster;
      notify(r ? `Imported roster ${r.team} v${r.version}${r.trusted ? ', trusted' : ''}.` : 'Imported the roster.', 'success');
      setText('');
      setPin('');
    }
  };

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.25 }}>
      <TextField
        label="Team roster (JSON from your lead)"
        multiline
        minRows={4}
        maxRows={10}
        value={text}
        onChange={(e) => setText(e.target.value)}
        slotProps={{ htmlInput: { 'data-testid': 'roster-text', spellCheck: false, style: { fontFamily: MONO_FONT, fontSize: '0.6875rem' } } }}
      />
      <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 1.5 }}>
        <TextField
          label="Signer key id (confirm it with your lead)"
          size="small"
          value={pin}
          onChange={(e) => setPin(e.target.value)}
          error={pin !== '' && !pinOk}
          helperText={first ? 'Required for the first roster: ed25519: and 16 hex digits' : 'Optional: later versions must be signed by the trusted lead'}
          slotProps={{ htmlInput: { 'data-testid': 'roster-pin', autoComplete: 'off', spellCheck: false, style: { fontFamily: MONO_FONT } } }}
          sx={{ flex: 1 }}
        />
        <Button
          variant="outlined"
          onClick={() => void submit()}
          disabled={text.trim().length < 2 || !pinOk || busy !== null}
          startIcon={busy === 'importRoster' ? <CircularProgress size={14} color="inherit" /> : undefined}
          data-testid="roster-import"
          sx={{ mt: 0.25 }}
        >
          Import team roster
        </Button>
      </Box>
    </Box>
  );
}

export function TeamCard() {
  const status = useCustodyStore((s) => s.status);
  const busy = useCustodyStore((s) => s.busy);
  const error = useCustodyStore((s) => s.error);
  const exported = useCustodyStore((s) => s.exported);
  const load = useCustodyStore((s) => s.load);
  const exportRoster = useCustodyStore((s) => s.exportRoster);
  const clearError = useCustodyStore((s) => s.clearError);

  useEffect(() => {
    void load();
  }, [load]);

  const me = status?.me ?? null;
  const roster = status?.roster ?? null;
  const badge = !status ? null : roster ? (
    <Chip
      label={roster.trusted ? 'Roster trusted' : 'Roster untrusted'}
      color={roster.trusted ? 'success' : 'error'}
      variant="outlined"
      data-testid="roster-state"
    />
  ) : (
    <Chip label="No roster" variant="outlined" data-testid="roster-state" />
  );

  return (
    <SourceCard
      title="Analyst & team"
      configured={Boolean(me && roster?.trusted)}
      badge={badge}
      testId="team-card"
      description="Your signing key stays in this workspace, encrypted; sign-offs are checked against the team roster your lead signs. Only key ids and public keys ever leave it."
    >
      {!status ? (
        error ? <ErrorAlert error={error.error} onClose={() => void load()} /> : <CircularProgress size={18} />
      ) : (
        <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
          <Box>
            <Typography variant="overline" component="h3" color="text.secondary">
              Me
            </Typography>
            {me ? (
              <>
                <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: '110px minmax(0, 1fr)', columnGap: 1.5, rowGap: 0.5, fontSize: '0.8125rem' }}>
                  <Row label="Handle" testId="custody-me-handle">
                    {me.handle}
                  </Row>
                  <Row label="Key id" testId="custody-me-key-id">
                    <Box component="span" sx={mono}>
                      {me.key_id}
                    </Box>
                  </Row>
                  <Row label="Public key" testId="custody-me-public-key">
                    <Box component="span" sx={{ ...mono, wordBreak: 'break-all' }}>
                      {me.public_key}
                    </Box>
                  </Row>
                </Box>
                <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 0.75 }}>
                  Send your handle and public key to your lead so they add you to the roster; read the key id to them over a second channel.
                </Typography>
              </>
            ) : (
              <>
                <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }} data-testid="custody-no-key">
                  No signing key on this workstation yet. Create one, then have your lead add it to the team roster.
                </Typography>
                <CreateKeyForm />
              </>
            )}
          </Box>

          <Box>
            <Typography variant="overline" component="h3" color="text.secondary">
              Team roster
            </Typography>
            {roster ? (
              <Box component="dl" sx={{ m: 0, mb: 1.5, display: 'grid', gridTemplateColumns: '110px minmax(0, 1fr)', columnGap: 1.5, rowGap: 0.5, fontSize: '0.8125rem' }}>
                <Row label="Team" testId="roster-team">
                  {roster.team}
                </Row>
                <Row label="Version" testId="roster-version">
                  {roster.version}
                </Row>
                <Row label="Signed by" testId="roster-signer">
                  {roster.signer.handle ?? <Box component="span" sx={{ color: 'text.disabled' }}>no longer on the roster</Box>}{' '}
                  <Box component="span" sx={{ ...mono, color: 'text.secondary' }}>
                    {roster.signer.key_id}
                  </Box>
                </Row>
                <Row label="Trusted" testId="roster-trusted">
                  {roster.trusted ? '✓ verifies against its pinned signer' : '✗ no longer verifies: import a roster your lead signed'}
                </Row>
              </Box>
            ) : (
              <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }} data-testid="roster-none">
                No roster imported yet: sign-offs cannot be made or checked without one.
              </Typography>
            )}
            <ImportRosterForm key={roster ? `${roster.team}-${roster.version}` : 'none'} first={roster === null} />
          </Box>

          {roster && (
            <Box>
              <Button variant="text" onClick={() => void exportRoster()} disabled={busy !== null} data-testid="roster-export">
                Export roster
              </Button>
              {exported !== null && (
                <TextField
                  label="Roster (select and copy)"
                  multiline
                  fullWidth
                  minRows={3}
                  maxRows={8}
                  value={exported}
                  onFocus={(e) => e.target.select()}
                  slotProps={{ htmlInput: { readOnly: true, 'data-testid': 'roster-export-text', spellCheck: false, style: { fontFamily: MONO_FONT, fontSize: '0.6875rem' } } }}
                  sx={{ mt: 1 }}
                />
              )}
            </Box>
          )}

          {error && error.action !== 'load' && <ErrorAlert error={error.error} onClose={clearError} />}
          {error && error.action === 'load' && <ErrorAlert error={error.error} />}
        </Box>
      )}
    </SourceCard>
  );
}
