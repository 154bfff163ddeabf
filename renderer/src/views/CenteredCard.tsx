// The frame shared by the Welcome and Unlock screens: one card, centred, with the product mark.
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import ShieldOutlined from '@mui/icons-material/ShieldOutlined';
import type { ReactNode } from 'react';

export function CenteredCard({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Box sx={{ flex: 1, display: 'grid', placeItems: 'center', p: 3, overflow: 'auto' }}>
      <Paper variant="outlined" sx={{ width: 440, maxWidth: '100%', p: 3 }} data-testid={testId}>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 2 }}>
          <ShieldOutlined color="primary" sx={{ fontSize: 28 }} />
          <Typography variant="h2" component="h1">
            {title}
          </Typography>
        </Stack>
        {children}
      </Paper>
    </Box>
  );
}
