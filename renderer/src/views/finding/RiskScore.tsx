// The risk score never appears without its factors and the formula that combines them, so an
// analyst (or an auditor) can redo the arithmetic.
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import { RISK_FORMULA } from '../../../../shared/risk';
import { MONO_FONT } from '../../theme';
import { Missing } from './Section';

const FACTOR_LABEL: Record<string, string> = {
  impact: 'Impact (1–5)',
  likelihood: 'Likelihood',
  control_effectiveness: 'Control effectiveness',
  exposure: 'Exposure',
};
const FACTOR_ORDER = ['impact', 'likelihood', 'control_effectiveness', 'exposure'];

function scoreColor(score: number): 'error' | 'warning' | 'info' | 'success' {
  if (score >= 60) return 'error';
  if (score >= 35) return 'warning';
  if (score >= 15) return 'info';
  return 'success';
}

export function RiskScore({ score, factors, formula = RISK_FORMULA, testId = 'risk-score' }: { score: number | null; factors: Record<string, number> | null; formula?: string; testId?: string }) {
  if (score === null) return <Missing>not scored yet</Missing>;
  const entries = Object.entries(factors ?? {}).sort(
    ([a], [b]) => (FACTOR_ORDER.indexOf(a) + 1 || 99) - (FACTOR_ORDER.indexOf(b) + 1 || 99),
  );
  return (
    <Box data-testid={testId}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 0.75 }}>
        <Typography component="span" sx={{ fontSize: '1.125rem', fontWeight: 700, fontVariantNumeric: 'tabular-nums', minWidth: 28 }}>
          {score}
        </Typography>
        <LinearProgress variant="determinate" value={Math.max(0, Math.min(100, score))} color={scoreColor(score)} sx={{ flex: 1, height: 6, borderRadius: 3 }} />
        <Typography variant="caption" color="text.secondary">
          / 100
        </Typography>
      </Box>
      {entries.length > 0 && (
        <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'auto auto', justifyContent: 'start', columnGap: 2, rowGap: 0.25, fontSize: '0.6875rem' }}>
          {entries.map(([k, v]) => (
            <Box key={k} sx={{ display: 'contents' }}>
              <Box component="dt" sx={{ color: 'text.secondary' }}>
                {FACTOR_LABEL[k] ?? k}
              </Box>
              <Box component="dd" sx={{ m: 0, fontFamily: MONO_FONT }}>
                {Number.isInteger(v) ? v : v.toFixed(2)}
              </Box>
            </Box>
          ))}
        </Box>
      )}
      <Typography variant="caption" component="p" color="text.secondary" sx={{ mt: 0.75, fontFamily: MONO_FONT, fontSize: '0.625rem' }}>
        {formula}
      </Typography>
    </Box>
  );
}
