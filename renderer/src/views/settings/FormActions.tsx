// Save / Test connection for one source, then the last test's checks and the last error. The test
// runs against what is saved, so with unsaved changes the button saves them first and says so.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import NetworkCheckOutlined from '@mui/icons-material/NetworkCheckOutlined';
import SaveOutlined from '@mui/icons-material/SaveOutlined';
import { useSettingsStore, type Source } from '../../stores/settingsStore';
import { ErrorAlert } from '../ErrorAlert';
import { ConnectionChecks } from './ConnectionChecks';

export interface FormActionsProps {
  source: Source;
  dirty: boolean;
  /** saves the form; false when it could not (local check or the core refused) */
  onSave: () => Promise<boolean>;
  /** a test needs something saved (or about to be) to test */
  canTest: boolean;
}

export function FormActions({ source, dirty, onSave, canTest }: FormActionsProps) {
  const busy = useSettingsStore((s) => s.busy[source]);
  const error = useSettingsStore((s) => s.errors[source]);
  const report = useSettingsStore((s) => s.reports[source]);
  const test = useSettingsStore((s) => s.test);
  const clearError = useSettingsStore((s) => s.clearError);

  return (
    <>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mt: 2 }}>
        <Button type="submit" variant="contained" startIcon={busy === 'save' ? <CircularProgress size={14} color="inherit" /> : <SaveOutlined />} disabled={busy !== null || !dirty}>
          Save
        </Button>
        <Button
          variant="outlined"
          startIcon={busy === 'test' ? <CircularProgress size={14} color="inherit" /> : <NetworkCheckOutlined />}
          disabled={busy !== null || !canTest}
          onClick={async () => {
            if (dirty && !(await onSave())) return;
            await test(source);
          }}
        >
          {dirty ? 'Save and test connection' : 'Test connection'}
        </Button>
        {busy === 'test' && (
          <Box component="span" sx={{ fontSize: '0.75rem', color: 'text.secondary' }} aria-live="polite">
            Testing…
          </Box>
        )}
      </Box>
      {error && (
        <Box sx={{ mt: 1.5 }}>
          <ErrorAlert error={error} onClose={() => clearError(source)} />
        </Box>
      )}
      {report && <ConnectionChecks report={report} />}
    </>
  );
}
