// The workspace exists but is locked (at start, after Lock, or after the idle timer). The
// passphrase never leaves this component's state except in the unlock call, and is cleared after
// a failed attempt so it is not kept in memory longer than needed.
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import KeyOutlined from '@mui/icons-material/KeyOutlined';
import LockOpenOutlined from '@mui/icons-material/LockOpenOutlined';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useVaultStore } from '../stores/vaultStore';
import { CenteredCard } from './CenteredCard';
import { ErrorAlert } from './ErrorAlert';

export function UnlockView() {
  const status = useVaultStore((s) => s.status);
  const busy = useVaultStore((s) => s.busy);
  const formError = useVaultStore((s) => s.formError);
  const unlock = useVaultStore((s) => s.unlock);
  const [passphrase, setPassphrase] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);

  const methods = status?.unlockMethods ?? [];
  const canOs = methods.includes('os');
  // No method known (e.g. the key file could not be read) still offers the passphrase: the error
  // from trying says what is wrong.
  const canPassphrase = methods.includes('passphrase') || methods.length === 0;
  const unlocking = busy === 'unlock';

  // After a failed attempt, put the cursor back for the retry (once the field is enabled again).
  useEffect(() => {
    if (formError && !unlocking) inputRef.current?.focus();
  }, [formError, unlocking]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (unlocking || passphrase === '') return;
    await unlock(passphrase);
    setPassphrase('');
  };

  return (
    <CenteredCard title="Unlock workspace" testId="unlock-view">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        <strong>{status?.workspace?.name ?? 'The workspace'}</strong> is encrypted and locked.
        {status?.idleLockMinutes ? ` It locks itself after ${status.idleLockMinutes} minutes without activity.` : ''}
      </Typography>
      <Stack spacing={1.5}>
        {canOs && (
          <Button variant="contained" size="medium" startIcon={<LockOpenOutlined />} disabled={unlocking} onClick={() => void unlock()}>
            Unlock
          </Button>
        )}
        {canPassphrase && (
          <Stack component="form" spacing={1.5} onSubmit={(e) => void submit(e)} noValidate>
            <TextField
              label="Passphrase"
              type="password"
              autoComplete="current-password"
              autoFocus
              inputRef={inputRef}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              disabled={unlocking}
              slotProps={{ htmlInput: { 'aria-label': 'Passphrase', 'data-testid': 'unlock-passphrase' } }}
            />
            <Button type="submit" variant={canOs ? 'outlined' : 'contained'} size="medium" startIcon={<KeyOutlined />} disabled={unlocking || passphrase === ''}>
              Unlock with passphrase
            </Button>
          </Stack>
        )}
        {unlocking && <LinearProgress />}
        {formError && <ErrorAlert error={formError} />}
      </Stack>
    </CenteredCard>
  );
}
