// How soon the vault locks itself. Locking closes the database handle; unlocking needs the key again.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { call, toClientError, type VigilClientError } from '../../api/client';
import { notify } from '../../stores/noticeStore';
import { useVaultStore } from '../../stores/vaultStore';
import { ErrorAlert } from '../ErrorAlert';
import { SourceCard } from './SourceCard';

export function SecurityCard() {
  const current = useVaultStore((s) => s.status?.idleLockMinutes ?? 15);
  const apply = useVaultStore((s) => s.apply);
  const [minutes, setMinutes] = useState(String(current));
  const [error, setError] = useState<VigilClientError | null>(null);
  const value = Number(minutes);
  const valid = Number.isInteger(value) && value >= 1 && value <= 1440;

  const save = async () => {
    setError(null);
    try {
      apply(await call('vault.setIdleLock', { minutes: value }));
      notify(`The workspace now locks after ${value} minutes without activity.`, 'success');
    } catch (e) {
      setError(toClientError(e));
    }
  };

  return (
    <SourceCard
      title="Lock"
      configured
      badge={null}
      testId="security-card"
      description="The workspace locks itself after this long without activity, when the screen locks and when the machine sleeps. Locking closes the database; unlocking needs the key again."
    >
      <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 1.5 }}>
        <TextField
          label="Lock after (minutes)"
          size="small"
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
          error={!valid}
          helperText={valid ? ' ' : 'A whole number of minutes from 1 to 1440'}
          slotProps={{ htmlInput: { inputMode: 'numeric', 'data-testid': 'idle-lock-minutes' } }}
          sx={{ width: 200 }}
        />
        <Button variant="outlined" onClick={() => void save()} disabled={!valid || value === current} data-testid="idle-lock-save" sx={{ mt: 0.25 }}>
          Save
        </Button>
      </Box>
      <Typography variant="caption" color="text.secondary" component="p">
        Now: {current} minutes.
      </Typography>
      {error && (
        <Box sx={{ mt: 1.5 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
    </SourceCard>
  );
}
