// Shows notices one at a time: failures with their stable code, outcomes (a finished sync) plainly.
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Snackbar from '@mui/material/Snackbar';
import { useNoticeStore } from '../stores/noticeStore';

export function NoticeSnackbar() {
  const notice = useNoticeStore((s) => s.notices[0]);
  const dismiss = useNoticeStore((s) => s.dismiss);
  if (!notice) return null;
  const error = notice.severity === 'error';
  return (
    <Snackbar
      key={notice.id}
      open
      anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}
      sx={{ bottom: { xs: 36 } }}
      autoHideDuration={error ? 8000 : 6000}
      onClose={(_, reason) => {
        if (reason !== 'clickaway') dismiss(notice.id);
      }}
    >
      <Alert
        severity={notice.severity}
        onClose={() => dismiss(notice.id)}
        sx={{ maxWidth: 560 }}
        data-testid={error ? 'error-notice' : 'notice'}
        // Errors interrupt (role alert, MUI's default); outcomes are announced politely.
        {...(error ? {} : { role: 'status' })}
      >
        {notice.code && <AlertTitle sx={{ fontSize: '0.75rem', fontFamily: 'monospace' }}>{notice.code}</AlertTitle>}
        {notice.message}
      </Alert>
    </Snackbar>
  );
}
