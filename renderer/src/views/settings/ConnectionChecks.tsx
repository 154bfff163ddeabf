// The answer to "Test connection": one row per check, passed or not, with the core's message,
// which says exactly what is wrong (a rejected key, the wrong site, a missing permission…).
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import CancelOutlined from '@mui/icons-material/CancelOutlined';
import CheckCircleOutlined from '@mui/icons-material/CheckCircleOutlined';
import type { ConnectionReport } from '../../../../shared/domain';
import { humanize } from '../../lib/format';
import { MONO_FONT } from '../../theme';

const LABELS: Record<string, string> = {
  api_key: 'API key',
  app_key: 'Application key',
  signals_read: 'Read security signals',
  reachable: 'Reachable',
  tls: 'TLS certificate',
  token: 'Token',
  saved_search: 'Saved search',
};

export function ConnectionChecks({ report }: { report: ConnectionReport }) {
  return (
    <Box
      role="list"
      aria-label="Connection checks"
      data-testid="connection-checks"
      data-ok={report.ok}
      sx={{ mt: 1.5, border: 1, borderColor: report.ok ? 'success.dark' : 'error.dark', borderRadius: 1, overflow: 'hidden' }}
    >
      <Typography variant="body2" sx={{ px: 1.25, py: 0.75, fontWeight: 600, bgcolor: 'action.hover', color: report.ok ? 'success.main' : 'error.main' }}>
        {report.ok ? 'The connection works.' : 'The connection does not work yet.'}
      </Typography>
      {report.checks.map((c) => (
        <Box
          role="listitem"
          key={c.name}
          data-testid="connection-check"
          data-check={c.name}
          data-ok={c.ok}
          sx={{ display: 'grid', gridTemplateColumns: '20px 150px minmax(0, 1fr)', columnGap: 1, alignItems: 'start', px: 1.25, py: 0.75, borderTop: 1, borderColor: 'divider' }}
        >
          {c.ok ? (
            <CheckCircleOutlined sx={{ fontSize: 18, color: 'success.main' }} aria-label="passed" titleAccess="passed" />
          ) : (
            <CancelOutlined sx={{ fontSize: 18, color: 'error.main' }} aria-label="failed" titleAccess="failed" />
          )}
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {LABELS[c.name] ?? humanize(c.name)}
          </Typography>
          <Box sx={{ minWidth: 0 }}>
            <Typography variant="body2" sx={{ overflowWrap: 'anywhere' }}>
              {c.message}
            </Typography>
            {c.code && !c.ok && (
              <Typography variant="caption" sx={{ fontFamily: MONO_FONT, color: 'text.secondary' }}>
                {c.code}
              </Typography>
            )}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
