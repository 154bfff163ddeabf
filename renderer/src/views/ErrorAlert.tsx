// An inline error under a form: the core's message (written for people) and its stable code.
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import type { VigilClientError } from '../api/client';

export function ErrorAlert({ error, onClose }: { error: VigilClientError; onClose?: () => void }) {
  return (
    <Alert severity="error" variant="outlined" role="alert" data-testid="form-error" {...(onClose ? { onClose } : {})}>
      {error.message}
      <Box component="span" sx={{ display: 'block', mt: 0.5, fontFamily: 'monospace', fontSize: '0.6875rem', opacity: 0.8 }}>
        {error.code}
      </Box>
    </Alert>
  );
}
