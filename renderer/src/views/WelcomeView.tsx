// Nothing is open: explain Vigil in two lines, then offer the three ways in — the demo workspace
// (a realistic team to explore), a new team workspace of your own (empty, ready to connect Datadog
// and Splunk), or a workspace file you already have (recent ones listed). Without an OS key store
// every workspace is encrypted with a passphrase, so the forms ask for one.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Divider from '@mui/material/Divider';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import AddOutlined from '@mui/icons-material/AddOutlined';
import FolderOpenOutlined from '@mui/icons-material/FolderOpenOutlined';
import RocketLaunchOutlined from '@mui/icons-material/RocketLaunchOutlined';
import { useState, type FormEvent } from 'react';
import { useVaultStore } from '../stores/vaultStore';
import { MONO_FONT } from '../theme';
import { CenteredCard } from './CenteredCard';
import { ErrorAlert } from './ErrorAlert';

const MIN_PASSPHRASE = 8;

function PassphraseFields({ value, confirm, onValue, onConfirm, touched, disabled, what }: { value: string; confirm: string; onValue: (v: string) => void; onConfirm: (v: string) => void; touched: boolean; disabled: boolean; what: string }) {
  const tooShort = value.length < MIN_PASSPHRASE;
  const mismatch = confirm !== value;
  return (
    <>
      <Typography variant="body2" color="text.secondary">
        No OS key store is available, so choose a passphrase to encrypt {what}.
      </Typography>
      <TextField
        label="Passphrase"
        type="password"
        autoComplete="new-password"
        value={value}
        onChange={(e) => onValue(e.target.value)}
        disabled={disabled}
        error={touched && tooShort}
        helperText={touched && tooShort ? `At least ${MIN_PASSPHRASE} characters.` : ' '}
        slotProps={{ htmlInput: { 'aria-label': 'Passphrase', 'data-testid': 'new-passphrase' } }}
      />
      <TextField
        label="Confirm passphrase"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={(e) => onConfirm(e.target.value)}
        disabled={disabled}
        error={touched && !tooShort && mismatch}
        helperText={touched && !tooShort && mismatch ? 'The two passphrases differ.' : ' '}
        slotProps={{ htmlInput: { 'aria-label': 'Confirm passphrase', 'data-testid': 'confirm-passphrase' } }}
      />
    </>
  );
}

export function WelcomeView() {
  const status = useVaultStore((s) => s.status);
  const busy = useVaultStore((s) => s.busy);
  const formError = useVaultStore((s) => s.formError);
  const openDemo = useVaultStore((s) => s.openDemo);
  const createWorkspace = useVaultStore((s) => s.createWorkspace);
  const openWorkspace = useVaultStore((s) => s.openWorkspace);
  const clearFormError = useVaultStore((s) => s.clearFormError);
  const [tab, setTab] = useState<'demo' | 'create'>('demo');
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);

  const needsPassphrase = status?.osKeystore === 'unavailable';
  const badPassphrase = needsPassphrase && (passphrase.length < MIN_PASSPHRASE || confirm !== passphrase);
  const building = busy === 'openDemo';
  const creating = busy === 'create';
  const recent = status?.recent ?? [];

  const submitDemo = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (badPassphrase || busy) return;
    void openDemo(needsPassphrase ? passphrase : undefined);
  };
  const submitCreate = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (badPassphrase || !name.trim() || busy) return;
    void createWorkspace(name.trim(), needsPassphrase ? passphrase : undefined);
  };
  const switchTab = (t: 'demo' | 'create') => {
    setTab(t);
    setTouched(false);
    clearFormError();
  };

  return (
    <CenteredCard title="Welcome to Vigil" testId="welcome-view">
      <Typography variant="body1" sx={{ mb: 0.5 }}>
        Vigil turns security signals into signed, attributed findings.
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Datadog detects and Splunk holds history; Vigil keeps the interpretation — the agent’s draft, your decision, and who signed what, when — in an encrypted local register.
      </Typography>
      <Tabs value={tab} onChange={(_, t: 'demo' | 'create') => switchTab(t)} sx={{ mb: 1.5, minHeight: 36 }}>
        <Tab value="demo" label="Explore the demo" data-testid="welcome-tab-demo" sx={{ minHeight: 36 }} />
        <Tab value="create" label="New team workspace" data-testid="welcome-tab-create" sx={{ minHeight: 36 }} />
      </Tabs>
      {tab === 'demo' ? (
        <Stack component="form" spacing={1.5} onSubmit={submitDemo} noValidate>
          <Typography variant="body2" color="text.secondary">
            A month of a SOC’s signals, worked by a demo team: drafted briefs, sign-offs, containment, the audit trail.
          </Typography>
          {needsPassphrase && <PassphraseFields value={passphrase} confirm={confirm} onValue={setPassphrase} onConfirm={setConfirm} touched={touched} disabled={busy !== null} what="the demo workspace" />}
          {formError && <ErrorAlert error={formError} />}
          <Button type="submit" variant="contained" startIcon={<RocketLaunchOutlined />} disabled={busy !== null} size="medium">
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
      ) : (
        <Stack component="form" spacing={1.5} onSubmit={submitCreate} noValidate data-testid="create-workspace-form">
          <Typography variant="body2" color="text.secondary">
            An empty, encrypted workspace for your team. Then connect Datadog and Splunk in Settings, create your analyst key and import the team roster.
          </Typography>
          <TextField
            label="Workspace name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            disabled={busy !== null}
            error={touched && !name.trim()}
            helperText={touched && !name.trim() ? 'Name the workspace (your team or the engagement).' : ' '}
            autoFocus
            slotProps={{ htmlInput: { 'data-testid': 'workspace-name', maxLength: 120 } }}
          />
          {needsPassphrase && <PassphraseFields value={passphrase} confirm={confirm} onValue={setPassphrase} onConfirm={setConfirm} touched={touched} disabled={busy !== null} what="the workspace" />}
          {formError && <ErrorAlert error={formError} />}
          <Button type="submit" variant="contained" startIcon={<AddOutlined />} disabled={busy !== null} size="medium" data-testid="create-workspace">
            {creating ? 'Creating…' : 'Create workspace'}
          </Button>
        </Stack>
      )}
      <Divider sx={{ my: 2 }} />
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <Typography variant="subtitle2" sx={{ flex: 1 }}>
          Open a workspace
        </Typography>
        <Button startIcon={<FolderOpenOutlined />} onClick={() => void openWorkspace()} disabled={busy !== null} data-testid="open-workspace">
          Open file…
        </Button>
      </Box>
      {recent.length > 0 && (
        <Stack component="ul" spacing={0.25} sx={{ listStyle: 'none', p: 0, m: 0, mt: 0.5 }} data-testid="recent-workspaces">
          {recent.map((r) => (
            <Box component="li" key={r.path}>
              <Button
                fullWidth
                onClick={() => void openWorkspace(r.path)}
                disabled={busy !== null}
                sx={{ justifyContent: 'flex-start', textTransform: 'none', gap: 1 }}
                data-testid="recent-workspace"
              >
                <span>{r.name}</span>
                <Box component="span" sx={{ color: 'text.secondary', fontFamily: MONO_FONT, fontSize: '0.6875rem', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                  {r.path}
                </Box>
              </Button>
            </Box>
          ))}
        </Stack>
      )}
    </CenteredCard>
  );
}
