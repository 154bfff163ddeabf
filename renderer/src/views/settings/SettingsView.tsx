// Settings of the open workspace: the Datadog, Splunk and LLM connections side by side, and the
// ATT&CK catalog. Everything
// here is stored in the workspace itself (encrypted), so another workspace has its own.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Typography from '@mui/material/Typography';
import ArrowBackOutlined from '@mui/icons-material/ArrowBackOutlined';
import { useEffect } from 'react';
import Alert from '@mui/material/Alert';
import { useAppStore } from '../../stores/appStore';
import { useCustodyStore } from '../../stores/custodyStore';
import { useSettingsStore } from '../../stores/settingsStore';
import { AssignmentCard } from './AssignmentCard';
import { AttackCard } from './AttackCard';
import { ContainmentCard } from './ContainmentCard';
import { DatadogCard } from './DatadogCard';
import { LlmCard } from './LlmCard';
import { SecurityCard } from './SecurityCard';
import { SplunkCard } from './SplunkCard';
import { TeamCard } from './TeamCard';

export function SettingsView() {
  const settings = useSettingsStore((s) => s.settings);
  const versions = useSettingsStore((s) => s.versions);
  const load = useSettingsStore((s) => s.load);
  const show = useAppStore((s) => s.show);
  const custody = useCustodyStore((s) => s.status);
  const loadCustody = useCustodyStore((s) => s.load);

  useEffect(() => {
    void load();
    void loadCustody();
  }, [load, loadCustody]);

  return (
    <Box component="main" sx={{ flex: 1, minWidth: 0, overflow: 'auto' }} data-testid="settings-view">
      <Box sx={{ maxWidth: 1280, mx: 'auto', px: 3, py: 2.5 }}>
        <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 2, mb: 2 }}>
          <Box sx={{ flex: 1 }}>
            <Typography variant="h2" component="h1">
              Connections
            </Typography>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
              Stored in this workspace, encrypted. Keys and tokens are never shown again: leave one empty to keep it.
            </Typography>
          </Box>
          <Button startIcon={<ArrowBackOutlined />} onClick={() => show('queue')}>
            Back to queue
          </Button>
        </Box>
        {custody?.role && custody.role !== 'admin' && (
          <Alert severity="info" sx={{ mb: 2 }} data-testid="connections-readonly">
            Connections are an admin’s to change: the team roster makes {custody.me?.handle} {custody.role === 'analyst' ? 'an analyst' : 'a lead'}. To connect your own Datadog, Splunk
            or LLM, ask an admin, or create a workspace of your own (Switch workspace → New team workspace).
          </Alert>
        )}
        {settings ? (
          <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(460px, 1fr))', gap: 2, alignItems: 'start' }}>
            {/* Remounted when the core answers with a source's new settings: the forms start from what is stored. */}
            <DatadogCard key={`datadog-${versions.datadog}`} settings={settings.datadog} />
            <SplunkCard key={`splunk-${versions.splunk}`} settings={settings.splunk} />
            <LlmCard key={`llm-${versions.llm}`} settings={settings.llm} />
            <AttackCard />
            <TeamCard />
            <ContainmentCard />
            <AssignmentCard />
            <SecurityCard />
          </Box>
        ) : (
          <Box sx={{ display: 'grid', placeItems: 'center', py: 6 }}>
            <CircularProgress size={24} />
          </Box>
        )}
      </Box>
    </Box>
  );
}
