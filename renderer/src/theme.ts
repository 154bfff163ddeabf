// The one theme. Dark by default because a SOC works at night; dense because analysts scan
// hundreds of rows and want as many on screen as possible. Components get dense defaults here so
// views never repeat `size="small"`.
import { createTheme, type Theme } from '@mui/material/styles';
import type { FindingStatus, Severity } from '../../shared/domain';

/** Fixed queue row height: the virtual scroller depends on every row being exactly this tall. */
export const ROW_HEIGHT = 28;
export const STATUS_BAR_HEIGHT = 26;

/** No web fonts (the CSP forbids remote content): the platform's UI and mono fonts. */
const SYSTEM_FONT = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Roboto',
  'Ubuntu',
  'Cantarell',
  '"Noto Sans"',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(',');
export const MONO_FONT = ['ui-monospace', '"SF Mono"', '"Cascadia Mono"', '"DejaVu Sans Mono"', 'Menlo', 'Consolas', 'monospace'].join(',');

/** Severity colours follow the usual SIEM convention so they read without a legend. */
export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#f0506e',
  high: '#ff8a3d',
  medium: '#e8c547',
  low: '#5fa8e8',
  info: '#8a94a6',
};

export const STATUS_COLOR: Record<FindingStatus, string> = {
  new: '#5fa8e8',
  drafted: '#9d8cf0',
  in_review: '#e8c547',
  blocked: '#f0506e',
  signed: '#4cc38a',
  containing: '#ff8a3d',
  contained: '#3fb6a8',
  closed: '#8a94a6',
};

export function createVigilTheme(mode: 'dark' | 'light' = 'dark'): Theme {
  const dark = mode === 'dark';
  return createTheme({
    palette: {
      mode,
      primary: { main: dark ? '#6ea8fe' : '#1f5fbf' },
      secondary: { main: dark ? '#c792ea' : '#7b3fb0' },
      background: dark ? { default: '#0f1217', paper: '#161a21' } : { default: '#f4f6f9', paper: '#ffffff' },
      divider: dark ? 'rgba(255,255,255,0.09)' : 'rgba(0,0,0,0.1)',
      text: dark ? { primary: '#dde3ea', secondary: '#98a2b3' } : {},
    },
    typography: {
      fontFamily: SYSTEM_FONT,
      fontSize: 12,
      htmlFontSize: 16,
      body1: { fontSize: '0.8125rem' },
      body2: { fontSize: '0.75rem' },
      caption: { fontSize: '0.6875rem' },
      button: { textTransform: 'none', fontWeight: 600 },
      h1: { fontSize: '1.5rem', fontWeight: 600 },
      h2: { fontSize: '1.25rem', fontWeight: 600 },
      h3: { fontSize: '1.0625rem', fontWeight: 600 },
      h4: { fontSize: '0.9375rem', fontWeight: 600 },
      h5: { fontSize: '0.875rem', fontWeight: 600 },
      h6: { fontSize: '0.8125rem', fontWeight: 600 },
      overline: { fontSize: '0.625rem', fontWeight: 700, letterSpacing: '0.08em', lineHeight: 1.6 },
    },
    shape: { borderRadius: 4 },
    spacing: 6,
    components: {
      MuiCssBaseline: {
        styleOverrides: {
          'html, body, #root': { height: '100%', overflow: 'hidden' },
          code: { fontFamily: MONO_FONT, fontSize: '0.95em' },
        },
      },
      MuiButton: { defaultProps: { size: 'small', disableElevation: true } },
      MuiIconButton: { defaultProps: { size: 'small' } },
      MuiTextField: { defaultProps: { size: 'small', variant: 'outlined' } },
      MuiFormControl: { defaultProps: { size: 'small' } },
      MuiSelect: { defaultProps: { size: 'small' } },
      MuiAutocomplete: { defaultProps: { size: 'small' } },
      MuiChip: {
        defaultProps: { size: 'small' },
        styleOverrides: { sizeSmall: { height: 20, fontSize: '0.6875rem', '& .MuiChip-label': { paddingLeft: 6, paddingRight: 6 } } },
      },
      MuiTable: { defaultProps: { size: 'small' } },
      MuiTableCell: {
        styleOverrides: { sizeSmall: { padding: '3px 8px', fontSize: '0.75rem' }, head: { fontWeight: 600 } },
      },
      MuiTooltip: { defaultProps: { enterDelay: 400, disableInteractive: true } },
      MuiToolbar: { defaultProps: { variant: 'dense' } },
      MuiMenuItem: { defaultProps: { dense: true } },
      MuiList: { defaultProps: { dense: true } },
      MuiListItem: { defaultProps: { dense: true } },
      MuiAlert: { defaultProps: { variant: 'filled' } },
      MuiPaper: { defaultProps: { elevation: 0 }, styleOverrides: { root: { backgroundImage: 'none' } } },
      MuiAccordion: { defaultProps: { disableGutters: true, elevation: 0 } },
      MuiAccordionSummary: { styleOverrides: { root: { minHeight: 28, padding: '0 6px' }, content: { margin: '4px 0' } } },
    },
  });
}
