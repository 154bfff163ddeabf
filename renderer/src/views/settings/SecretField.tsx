// A key or token: typed once, sent to the core, never shown again. When one is stored the field
// stays empty and says so; typing replaces it, leaving it empty keeps the stored one.
import Chip from '@mui/material/Chip';
import InputAdornment from '@mui/material/InputAdornment';
import TextField from '@mui/material/TextField';
import LockOutlined from '@mui/icons-material/LockOutlined';

export interface SecretFieldProps {
  label: string;
  value: string;
  onChange: (v: string) => void;
  stored: boolean;
  disabled?: boolean;
  testId: string;
  helper?: string;
}

export function SecretField({ label, value, onChange, stored, disabled, testId, helper }: SecretFieldProps) {
  return (
    <TextField
      label={label}
      type="password"
      autoComplete="off"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      placeholder={stored ? 'leave empty to keep it' : ''}
      helperText={stored ? (value ? 'Saving replaces the stored value.' : 'Stored encrypted in this workspace.') : (helper ?? 'Required.')}
      fullWidth
      slotProps={{
        inputLabel: { shrink: stored || value !== '' ? true : undefined },
        htmlInput: { 'data-testid': testId, spellCheck: false, 'aria-label': label },
        input: {
          endAdornment:
            stored && value === '' ? (
              <InputAdornment position="end">
                <Chip icon={<LockOutlined />} label="stored" color="success" variant="outlined" data-testid={`${testId}-stored`} />
              </InputAdornment>
            ) : undefined,
        },
      }}
    />
  );
}
