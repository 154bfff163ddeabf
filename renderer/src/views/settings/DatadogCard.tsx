// Datadog: where the signals come from and where case updates go. The site can be pasted in any
// form the browser shows (the core normalises it); keys are write-only; the base URL is for
// proxies and test servers and stays folded away unless it is in use.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Collapse from '@mui/material/Collapse';
import TextField from '@mui/material/TextField';
import ExpandMoreOutlined from '@mui/icons-material/ExpandMoreOutlined';
import { useState, type FormEvent } from 'react';
import { MAX_RECHECK_DAYS, type DatadogSettings, type SaveDatadogInput } from '../../../../shared/domain';
import { useSettingsStore } from '../../stores/settingsStore';
import { MONO_FONT } from '../../theme';
import { FormActions } from './FormActions';
import { SecretField } from './SecretField';
import { SourceCard } from './SourceCard';

const SITE_HELP = 'e.g. datadoghq.com, us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu, ap1.datadoghq.com, ddog-gov.com — or paste your Datadog URL.';

/** "" when fine, else what is wrong with a whole number typed in a field. */
function wholeNumberProblem(text: string, min: number, max: number): string {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < min || Number(t) > max) return `A whole number from ${min} to ${max}.`;
  return '';
}

const grid = { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: 1.5 } as const;

export function DatadogCard({ settings: s }: { settings: DatadogSettings }) {
  const busy = useSettingsStore((st) => st.busy.datadog);
  const save = useSettingsStore((st) => st.saveDatadog);

  const [site, setSite] = useState(s.site);
  const [apiKey, setApiKey] = useState('');
  const [appKey, setAppKey] = useState('');
  const [query, setQuery] = useState(s.query);
  const [projectId, setProjectId] = useState(s.projectId ?? '');
  const [pageSize, setPageSize] = useState(String(s.pageSize));
  const [autoSync, setAutoSync] = useState(String(s.autoSyncMinutes));
  const [recheckDays, setRecheckDays] = useState(String(s.recheckDays));
  const [baseUrl, setBaseUrl] = useState(s.baseUrl ?? '');
  const [caseTypeId, setCaseTypeId] = useState(s.caseTypeId ?? '');
  const [advanced, setAdvanced] = useState(Boolean(s.baseUrl || s.caseTypeId));
  const [touched, setTouched] = useState(false);

  const pageSizeProblem = wholeNumberProblem(pageSize, 1, 1000);
  const autoSyncProblem = wholeNumberProblem(autoSync, 0, 1440);
  const recheckProblem = wholeNumberProblem(recheckDays, 0, MAX_RECHECK_DAYS);
  const dirty =
    site.trim() !== s.site ||
    apiKey !== '' ||
    appKey !== '' ||
    query.trim() !== s.query ||
    projectId.trim() !== (s.projectId ?? '') ||
    pageSize.trim() !== String(s.pageSize) ||
    autoSync.trim() !== String(s.autoSyncMinutes) ||
    recheckDays.trim() !== String(s.recheckDays) ||
    baseUrl.trim() !== (s.baseUrl ?? '') ||
    caseTypeId.trim() !== (s.caseTypeId ?? '');
  const disabled = busy !== null;

  const onSave = async (): Promise<boolean> => {
    setTouched(true);
    if (pageSizeProblem || autoSyncProblem || recheckProblem) return false;
    const input: SaveDatadogInput = {
      site: site.trim(),
      baseUrl: baseUrl.trim() || null,
      query: query.trim(),
      projectId: projectId.trim() || null,
      caseTypeId: caseTypeId.trim() || null,
      pageSize: Number(pageSize.trim()),
      autoSyncMinutes: Number(autoSync.trim()),
      recheckDays: Number(recheckDays.trim()),
      // Empty keeps the stored key.
      ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
      ...(appKey.trim() ? { appKey: appKey.trim() } : {}),
    };
    return save(input);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onSave();
  };

  return (
    <SourceCard
      title="Datadog"
      configured={s.configured}
      testId="datadog-card"
      description="Cloud SIEM signals become findings here; status, priority, assignee and notes go back to Datadog Case Management through the outbox."
    >
      <Box component="form" onSubmit={submit} noValidate autoComplete="off" sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, pt: 0.75 }}>
        <TextField
          label="Site"
          value={site}
          onChange={(e) => setSite(e.target.value)}
          disabled={disabled}
          helperText={SITE_HELP}
          required
          fullWidth
          slotProps={{ htmlInput: { 'data-testid': 'dd-site', spellCheck: false } }}
        />
        <Box sx={grid}>
          <SecretField label="API key" value={apiKey} onChange={setApiKey} stored={s.hasApiKey} disabled={disabled} testId="dd-api-key" />
          <SecretField label="Application key" value={appKey} onChange={setAppKey} stored={s.hasAppKey} disabled={disabled} testId="dd-app-key" />
        </Box>
        <TextField
          label="Signal query"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          disabled={disabled}
          placeholder="security:attack"
          helperText="Which signals to sync, in Datadog’s search syntax. Empty means security:attack."
          fullWidth
          slotProps={{ htmlInput: { 'data-testid': 'dd-query', spellCheck: false, style: { fontFamily: MONO_FONT } } }}
        />
        <TextField
          label="Case Management project id"
          value={projectId}
          onChange={(e) => setProjectId(e.target.value)}
          disabled={disabled}
          helperText="Mirror each finding as a Datadog case in this project. Empty: no cases."
          fullWidth
          slotProps={{ htmlInput: { 'data-testid': 'dd-project-id', spellCheck: false } }}
        />
        <Box sx={{ ...grid, gridTemplateColumns: 'repeat(3, minmax(0, 1fr))' }}>
          <TextField
            label="Page size"
            value={pageSize}
            onChange={(e) => setPageSize(e.target.value)}
            disabled={disabled}
            error={touched && pageSizeProblem !== ''}
            helperText={touched && pageSizeProblem ? pageSizeProblem : 'Signals per request (1–1000).'}
            slotProps={{ htmlInput: { 'data-testid': 'dd-page-size', inputMode: 'numeric' } }}
          />
          <TextField
            label="Auto-sync every (minutes)"
            value={autoSync}
            onChange={(e) => setAutoSync(e.target.value)}
            disabled={disabled}
            error={touched && autoSyncProblem !== ''}
            helperText={touched && autoSyncProblem ? autoSyncProblem : '0 turns automatic sync off.'}
            slotProps={{ htmlInput: { 'data-testid': 'dd-auto-sync', inputMode: 'numeric' } }}
          />
          <TextField
            label="Re-check window (days)"
            value={recheckDays}
            onChange={(e) => setRecheckDays(e.target.value)}
            disabled={disabled}
            error={touched && recheckProblem !== ''}
            helperText={touched && recheckProblem ? recheckProblem : 'Read again daily: signals changed after they fired. 0 = off.'}
            slotProps={{ htmlInput: { 'data-testid': 'dd-recheck-days', inputMode: 'numeric' } }}
          />
        </Box>
        <Box>
          <Button
            onClick={() => setAdvanced((v) => !v)}
            aria-expanded={advanced}
            endIcon={<ExpandMoreOutlined sx={{ transform: advanced ? 'rotate(180deg)' : 'none', transition: 'transform 150ms' }} />}
            sx={{ px: 0.5, color: 'text.secondary' }}
            data-testid="dd-advanced"
          >
            Advanced
          </Button>
          <Collapse in={advanced}>
            <Box sx={{ ...grid, pt: 1 }}>
              <TextField
                label="Advanced: base URL"
                value={baseUrl}
                onChange={(e) => setBaseUrl(e.target.value)}
                disabled={disabled}
                placeholder="https://api.datadoghq.eu"
                helperText="Send every request here instead of the site’s API host (a proxy or a test server)."
                slotProps={{ htmlInput: { 'data-testid': 'dd-base-url', spellCheck: false } }}
              />
              <TextField
                label="Case type id"
                value={caseTypeId}
                onChange={(e) => setCaseTypeId(e.target.value)}
                disabled={disabled}
                helperText="Optional: the case type for new cases."
                slotProps={{ htmlInput: { 'data-testid': 'dd-case-type-id', spellCheck: false } }}
              />
            </Box>
          </Collapse>
        </Box>
        <FormActions source="datadog" dirty={dirty} onSave={onSave} canTest={dirty || s.configured} />
      </Box>
    </SourceCard>
  );
}
