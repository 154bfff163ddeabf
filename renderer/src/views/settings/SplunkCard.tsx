// Splunk: where prior activity comes from. Each new finding runs the saved search over the last 30
// days with the signal's host, user and IP, and keeps the results as evidence.
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import { useState, type FormEvent } from 'react';
import type { SaveSplunkInput, SplunkSettings } from '../../../../shared/domain';
import { useSettingsStore } from '../../stores/settingsStore';
import { FormActions } from './FormActions';
import { SecretField } from './SecretField';
import { SourceCard } from './SourceCard';

export function SplunkCard({ settings: s }: { settings: SplunkSettings }) {
  const busy = useSettingsStore((st) => st.busy.splunk);
  const save = useSettingsStore((st) => st.saveSplunk);

  const [url, setUrl] = useState(s.url ?? '');
  const [token, setToken] = useState('');
  const [savedSearch, setSavedSearch] = useState(s.savedSearch ?? '');
  const [caFile, setCaFile] = useState(s.caFile ?? '');

  const dirty = url.trim() !== (s.url ?? '') || token !== '' || savedSearch.trim() !== (s.savedSearch ?? '') || caFile.trim() !== (s.caFile ?? '');
  const disabled = busy !== null;

  const onSave = (): Promise<boolean> => {
    const input: SaveSplunkInput = {
      url: url.trim(),
      savedSearch: savedSearch.trim(),
      caFile: caFile.trim() || null,
      ...(token.trim() ? { token: token.trim() } : {}),
    };
    return save(input);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onSave();
  };

  return (
    <SourceCard
      title="Splunk"
      configured={s.configured}
      testId="splunk-card"
      description={'Prior activity for every new finding: the saved search runs over the last 30 days with the signal’s host, user and IP as $host$, $user$ and $src_ip$.'}
    >
      <Box component="form" onSubmit={submit} noValidate autoComplete="off" sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, pt: 0.75 }}>
        <TextField
          label="Management URL"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          disabled={disabled}
          placeholder="https://splunk.example.com:8089"
          helperText="The REST (management) port, usually 8089. https; http only for localhost."
          required
          fullWidth
          slotProps={{ htmlInput: { 'data-testid': 'sp-url', spellCheck: false } }}
        />
        <SecretField label="Token" value={token} onChange={setToken} stored={s.hasToken} disabled={disabled} testId="sp-token" helper="A Splunk authentication token (Settings → Tokens)." />
        <TextField
          label="Saved search"
          value={savedSearch}
          onChange={(e) => setSavedSearch(e.target.value)}
          disabled={disabled}
          placeholder="Vigil - prior activity"
          helperText="Its name exactly as in Splunk. It may use $host$, $user$ and $src_ip$."
          required
          fullWidth
          slotProps={{ htmlInput: { 'data-testid': 'sp-saved-search', spellCheck: false } }}
        />
        <TextField
          label="CA file (optional)"
          value={caFile}
          onChange={(e) => setCaFile(e.target.value)}
          disabled={disabled}
          placeholder="/etc/ssl/certs/splunk-ca.pem"
          helperText="A PEM file to trust when Splunk’s certificate comes from a private CA."
          fullWidth
          slotProps={{ htmlInput: { 'data-testid': 'sp-ca-file', spellCheck: false } }}
        />
        <FormActions source="splunk" dirty={dirty} onSave={onSave} canTest={dirty || s.configured} />
      </Box>
    </SourceCard>
  );
}
