// The frame of one connection: its name, whether it is set up, what it is for, the form, and the
// Save / Test connection row with the last test's checks and the last error underneath.
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';

export interface SourceCardProps {
  title: string;
  configured: boolean;
  description: ReactNode;
  testId: string;
  children: ReactNode;
  /** replaces the Configured / Not configured chip */
  badge?: ReactNode;
}

export function SourceCard({ title, configured, description, testId, children, badge }: SourceCardProps) {
  return (
    <Paper variant="outlined" component="section" aria-label={`${title} connection`} data-testid={testId} sx={{ p: 2, minWidth: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 0.5 }}>
        <Typography variant="h3" component="h2" sx={{ flex: 1 }}>
          {title}
        </Typography>
        {badge !== undefined ? badge : (
        <Chip
          label={configured ? 'Configured' : 'Not configured'}
          color={configured ? 'success' : 'default'}
          variant="outlined"
          data-testid="source-state"
        />
        )}
      </Box>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        {description}
      </Typography>
      {children}
    </Paper>
  );
}
