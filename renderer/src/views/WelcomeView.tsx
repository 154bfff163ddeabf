// First launch: nothing is open yet. Explain Vigil in two lines and offer the demo workspace.
// Without an OS key store the demo must still be encrypted, so ask for a passphrase for it.
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import RocketLaunchOutlined from '@mui/icons-material/RocketLaunchOutlined';
import { useState, type FormEvent } from 'react';
import { useVaultStore } from '../stores/vaultStore';
import { CenteredCard } from './CenteredCard';
import { ErrorAlert } from './ErrorAlert';

const MIN_PASSPHRASE = 8;

export function WelcomeView() {
  const status = useVaultStore((s) => s.status);
  const busy = useVaultStore((s) => s.busy);
  const formError = useVaultStore((s) => s.formError);
  const openDemo = useVaultStore((s) => s.openDemo);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);

  const needsPassphrase = status?.osKeystore === 'unavailable';
  const tooShort = passphrase.length < MIN_PASSPHRASE;
  const mismatch = confirm !== passphrase;
  const invalid = needsPassphrase && (tooShort || mismatch);
  const building = busy === 'openDemo';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (invalid || building) return;
    void openDemo(needsPassphrase ? passphrase : undefined);
  };

  return (
    <CenteredCard title="Welcome to Vigil" testId="welcome-view">
      <Typography variant="body1" sx={{ mb: 0.5 }}>
        Vigil turns security signals into signed, attributed findings.
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Datadog detects and Splunk holds history; Vigil keeps the interpretation — the agent’s draft, your decision, and who signed what, when — in an encrypted local register.
      </Typography>
      <Stack component="form" spacing={1.5} onSubmit={submit} noValidate>
        {needsPassphrase && (
          <>
            <Typography variant="body2" color="text.secondary">
              No OS key store is available, so choose a passphrase to encrypt the demo workspace.
            </Typography>
            <TextField
              label="Passphrase"
              type="password"
              autoComplete="new-password"
              autoFocus
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              disabled={building}
              error={touched && tooShort}
              helperText={touched && tooShort ? `At least ${MIN_PASSPHRASE} characters.` : ' '}
              slotProps={{ htmlInput: { 'aria-label': 'Passphrase', 'data-testid': 'new-passphrase' } }}
            />
            <TextField
              label="Confirm passphrase"
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              disabled={building}
              error={touched && !tooShort && mismatch}
              helperText={touched && !tooShort && mismatch ? 'The two passphrases differ.' : ' '}
              slotProps={{ htmlInput: { 'aria-label': 'Confirm passphrase', 'data-testid': 'confirm-passphrase' } }}
            />
          </>
        )}
        {formError && <ErrorAlert error={formError} />}
        <Button type="submit" variant="contained" startIcon={<RocketLaunchOutlined />} disabled={building} size="medium">
          Open demo workspace
        </Button>
        {building && (
          <Stack spacing={0.5} data-testid="demo-progress">
            <LinearProgress />
            <Typography variant="caption" color="text.secondary">
              Building the demo workspace: generating signals, drafting findings and recording their history…
            </Typography>
          </Stack>
        )}
      </Stack>
    </CenteredCard>
  );
}
