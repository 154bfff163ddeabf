// The MITRE ATT&CK Enterprise catalog the drafters check techniques against (revoked and
// deprecated ids, names, tactics). Vigil ships one; a newer STIX bundle can be imported from a file.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import FileOpenOutlined from '@mui/icons-material/FileOpenOutlined';
import { useState } from 'react';
import { call, toClientError, type VigilClientError } from '../../api/client';
import { useAppStore } from '../../stores/appStore';
import { notify } from '../../stores/noticeStore';
import { ErrorAlert } from '../ErrorAlert';
import { SourceCard } from './SourceCard';

export function AttackCard() {
  const version = useAppStore((s) => s.info?.attack.version ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<VigilClientError | null>(null);

  const importBundle = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('attack.import', {});
      if (r.imported) {
        notify(`Imported ATT&CK v${r.version}. New drafts use it.`, 'success');
        void useAppStore.getState().refresh();
      }
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <SourceCard
      title="MITRE ATT&CK catalog"
      configured
      badge={null}
      testId="attack-card"
      description="The Enterprise catalog drafts are checked against: technique names and tactics, and revoked or deprecated ids (replaced, with a note on the brief)."
    >
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5 }}>
        <Typography variant="body2" sx={{ flex: 1 }}>
          In use:{' '}
          <Box component="strong" data-testid="attack-version">
            {version ? `ATT&CK v${version}` : '…'}
          </Box>
        </Typography>
        <Button variant="outlined" startIcon={busy ? <CircularProgress size={14} color="inherit" /> : <FileOpenOutlined />} onClick={() => void importBundle()} disabled={busy} data-testid="attack-import">
          Import newer bundle…
        </Button>
      </Box>
      <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
        An enterprise-attack.json STIX 2.1 bundle from github.com/mitre-attack/attack-stix-data.
      </Typography>
      <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }} data-testid="attack-attribution">
        © 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.
        ATT&CK® and MITRE ATT&CK® are registered trademarks of The MITRE Corporation. Terms of use: attack.mitre.org/resources/terms-of-use.
      </Typography>
      {error && (
        <Box sx={{ mt: 1.5 }}>
          <ErrorAlert error={error} onClose={() => setError(null)} />
        </Box>
      )}
    </SourceCard>
  );
}
