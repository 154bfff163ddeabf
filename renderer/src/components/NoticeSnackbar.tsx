// Shows call failures that have no form to live in, one at a time, with their stable code.
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Snackbar from '@mui/material/Snackbar';
import { useNoticeStore } from '../stores/noticeStore';

export function NoticeSnackbar() {
  const notice = useNoticeStore((s) => s.notices[0]);
  const dismiss = useNoticeStore((s) => s.dismiss);
  if (!notice) return null;
  return (
    <Snackbar
      key={notice.id}
      open
      anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
      sx={{ bottom: { xs: 36 } }}
      autoHideDuration={8000}
      onClose={(_, reason) => {
        if (reason !== 'clickaway') dismiss(notice.id);
      }}
    >
      <Alert severity="error" onClose={() => dismiss(notice.id)} sx={{ maxWidth: 560 }} data-testid="error-notice">
        <AlertTitle sx={{ fontSize: '0.75rem', fontFamily: 'monospace' }}>{notice.code}</AlertTitle>
        {notice.message}
      </Alert>
    </Snackbar>
  );
}
