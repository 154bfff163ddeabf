// The LLM that drafts briefs: any OpenAI-compatible endpoint (OpenAI, or a local server such as
// Ollama or vLLM). Without one, the offline drafter writes every draft from the signal alone. The
// signal data of every drafted finding is sent to this endpoint, so the card says where that is.
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import HomeWorkOutlined from '@mui/icons-material/HomeWorkOutlined';
import PublicOutlined from '@mui/icons-material/PublicOutlined';
import SaveOutlined from '@mui/icons-material/SaveOutlined';
import { useState, type FormEvent } from 'react';
import type { LlmSettings, SaveLlmInput } from '../../../../shared/domain';
import { useSettingsStore } from '../../stores/settingsStore';
import { ErrorAlert } from '../ErrorAlert';
import { SecretField } from './SecretField';
import { SourceCard } from './SourceCard';

const PROMPT_VERSIONS = [
  { id: 'p1', label: 'p1 — compact', help: 'Task, untrusted-data rules and the output contract.' },
  { id: 'p2', label: 'p2 — guided', help: 'p1 plus a step-by-step method, a scoring rubric and catalog names for tagged techniques.' },
] as const;

const grid = { display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)', gap: 1.5 } as const;

/** Loopback, private and link-local addresses, *.local / *.internal: the model runs on site. */
export function isOnSite(baseUrl: string): boolean | null {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  if (host === '::1' || /^f[cd]/.test(host) || host.startsWith('fe80:')) return true;
  const m = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a === 127 || a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31) || (a === 169 && b === 254);
}

function urlProblem(text: string): string {
  const t = text.trim();
  if (!t) return 'Required.';
  try {
    const u = new URL(t);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'An http(s) URL.';
  } catch {
    return 'A URL such as https://api.openai.com/v1.';
  }
  return '';
}

export function LlmCard({ settings: s }: { settings: LlmSettings }) {
  const busy = useSettingsStore((st) => st.busy.llm);
  const error = useSettingsStore((st) => st.errors.llm);
  const save = useSettingsStore((st) => st.saveLlm);
  const clearError = useSettingsStore((st) => st.clearError);

  const [baseUrl, setBaseUrl] = useState(s.baseUrl ?? '');
  const [model, setModel] = useState(s.model ?? '');
  const [apiKey, setApiKey] = useState('');
  const [promptVersion, setPromptVersion] = useState(s.promptVersion);
  const [concurrency, setConcurrency] = useState(String(s.concurrency));
  const [autoDraft, setAutoDraft] = useState(s.autoDraft);
  const [touched, setTouched] = useState(false);

  const baseUrlProblem = urlProblem(baseUrl);
  const modelProblem = model.trim() ? '' : 'Required.';
  const c = concurrency.trim();
  const concurrencyProblem = /^\d+$/.test(c) && Number(c) >= 1 && Number(c) <= 32 ? '' : 'A whole number from 1 to 32.';
  const dirty =
    baseUrl.trim() !== (s.baseUrl ?? '') ||
    model.trim() !== (s.model ?? '') ||
    apiKey !== '' ||
    promptVersion !== s.promptVersion ||
    c !== String(s.concurrency) ||
    autoDraft !== s.autoDraft;
  const disabled = busy !== null;
  const onSite = baseUrlProblem ? null : isOnSite(baseUrl.trim());
  const promptHelp = PROMPT_VERSIONS.find((p) => p.id === promptVersion)?.help ?? '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!dirty || baseUrlProblem || modelProblem || concurrencyProblem) return;
    const input: SaveLlmInput = {
      baseUrl: baseUrl.trim(),
      model: model.trim(),
      promptVersion,
      concurrency: Number(c),
      autoDraft,
      ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
    };
    void save(input);
  };

  return (
    <SourceCard
      title="LLM drafter"
      configured={s.configured}
      testId="llm-card"
      badge={
        <Chip
          label={s.configured ? 'LLM configured' : 'Offline drafter'}
          color={s.configured ? 'success' : 'default'}
          variant="outlined"
          data-testid="source-state"
        />
      }
      description={
        <>
          Drafts each finding’s brief through an OpenAI-compatible endpoint. Without one, the <strong>offline drafter</strong> writes the drafts from the signal alone. The signal data of every
          drafted finding (message, entities, samples, Splunk rows) is sent to this endpoint: a local server (Ollama, vLLM, llama.cpp) keeps it on site.
        </>
      }
    >
      <Box component="form" onSubmit={submit} noValidate autoComplete="off" sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, pt: 0.75 }}>
        <TextField
          label="Base URL"
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.target.value)}
          disabled={disabled}
          placeholder="https://api.openai.com/v1"
          error={touched && baseUrlProblem !== ''}
          helperText={touched && baseUrlProblem ? baseUrlProblem : 'OpenAI: https://api.openai.com/v1 · Ollama: http://127.0.0.1:11434/v1'}
          required
          fullWidth
          slotProps={{
            htmlInput: { 'data-testid': 'llm-base-url', spellCheck: false },
            input: {
              endAdornment:
                onSite === null ? undefined : (
                  <Chip
                    icon={onSite ? <HomeWorkOutlined /> : <PublicOutlined />}
                    label={onSite ? 'on site' : 'leaves this network'}
                    color={onSite ? 'success' : 'warning'}
                    variant="outlined"
                    sx={{ whiteSpace: 'nowrap' }}
                    data-testid="llm-endpoint-locality"
                  />
                ),
            },
          }}
        />
        <Box sx={grid}>
          <TextField
            label="Model"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            disabled={disabled}
            placeholder="gpt-4.1-mini"
            error={touched && modelProblem !== ''}
            helperText={touched && modelProblem ? modelProblem : 'As the endpoint names it (e.g. llama3.1:8b for Ollama).'}
            required
            fullWidth
            slotProps={{ htmlInput: { 'data-testid': 'llm-model', spellCheck: false } }}
          />
          <SecretField label="API key" value={apiKey} onChange={setApiKey} stored={s.hasApiKey} disabled={disabled} testId="llm-api-key" helper="Optional for a local server without auth." />
        </Box>
        <Box sx={grid}>
          <TextField
            select
            label="Prompt version"
            value={promptVersion}
            onChange={(e) => setPromptVersion(e.target.value)}
            disabled={disabled}
            helperText={promptHelp}
            fullWidth
            slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'llm-prompt-version' } as object } }}
          >
            {PROMPT_VERSIONS.map((p) => (
              <MenuItem key={p.id} value={p.id} data-value={p.id}>
                {p.label}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            label="Concurrency"
            value={concurrency}
            onChange={(e) => setConcurrency(e.target.value)}
            disabled={disabled}
            error={touched && concurrencyProblem !== ''}
            helperText={touched && concurrencyProblem ? concurrencyProblem : 'Findings drafted at once (1–32).'}
            fullWidth
            slotProps={{ htmlInput: { 'data-testid': 'llm-concurrency', inputMode: 'numeric' } }}
          />
        </Box>
        <FormControlLabel
          control={<Switch checked={autoDraft} onChange={(e) => setAutoDraft(e.target.checked)} disabled={disabled} slotProps={{ input: { 'data-testid': 'llm-auto-draft' } as object }} />}
          label={
            <Typography variant="body2">
              Draft new findings after every sync
              <Typography component="span" variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                Off: findings stay “new” until someone drafts them from the queue.
              </Typography>
            </Typography>
          }
        />
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mt: 0.5 }}>
          <Button type="submit" variant="contained" startIcon={busy === 'save' ? <CircularProgress size={14} color="inherit" /> : <SaveOutlined />} disabled={disabled || !dirty} data-testid="llm-save">
            Save
          </Button>
          <Typography variant="caption" color="text.secondary" data-testid="llm-drafter-in-use">
            {s.configured ? `Drafting with ${s.model ?? '?'} at ${s.baseUrl ?? '?'}` : 'Drafting with the offline drafter'}
          </Typography>
        </Box>
        {error && <ErrorAlert error={error} onClose={() => clearError('llm')} />}
      </Box>
    </SourceCard>
  );
}
