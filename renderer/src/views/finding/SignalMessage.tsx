// Renders a signal's Markdown message as React elements from the small parser in lib/markdown.
// Links are shown, not followed: the renderer navigates nowhere, and a signal's text is untrusted.
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useMemo } from 'react';
import { parseMarkdown, type Block, type Inline } from '../../lib/markdown';
import { MONO_FONT } from '../../theme';

function InlineText({ content }: { content: Inline[] }) {
  return (
    <>
      {content.map((n, i) => {
        switch (n.kind) {
          case 'text':
            return <span key={i}>{n.text}</span>;
          case 'code':
            return (
              <Box key={i} component="code" sx={{ px: 0.5, borderRadius: 0.5, bgcolor: 'action.hover', fontFamily: MONO_FONT, fontSize: '0.92em' }}>
                {n.text}
              </Box>
            );
          case 'strong':
            return <strong key={i}>{n.text}</strong>;
          case 'em':
            return <em key={i}>{n.text}</em>;
          case 'link':
            return (
              <Box key={i} component="span" title={n.href} sx={{ color: 'primary.main', textDecoration: 'underline dotted' }}>
                {n.text}
              </Box>
            );
        }
      })}
    </>
  );
}

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'heading':
      return (
        <Typography variant="h6" component={`h${Math.min(6, block.level + 3)}` as 'h4'} sx={{ mt: 1.25, mb: 0.5 }}>
          <InlineText content={block.content} />
        </Typography>
      );
    case 'paragraph':
      return (
        <Typography variant="body2" component="p" sx={{ my: 0.5, lineHeight: 1.55 }}>
          <InlineText content={block.content} />
        </Typography>
      );
    case 'list':
      return (
        <Box component={block.ordered ? 'ol' : 'ul'} start={block.ordered ? block.start : undefined} sx={{ my: 0.5, pl: 2.5, fontSize: '0.75rem', lineHeight: 1.55 }}>
          {block.items.map((item, i) => (
            <li key={i}>
              <InlineText content={item} />
            </li>
          ))}
        </Box>
      );
    case 'code':
      return (
        <Box component="pre" sx={{ my: 0.5, p: 1, borderRadius: 0.5, bgcolor: 'action.hover', fontFamily: MONO_FONT, fontSize: '0.6875rem', overflowX: 'auto', whiteSpace: 'pre' }}>
          {block.text}
        </Box>
      );
    case 'quote':
      return (
        <Box component="blockquote" sx={{ my: 0.5, mx: 0, pl: 1, borderLeft: 3, borderColor: 'divider', color: 'text.secondary', fontSize: '0.75rem' }}>
          <InlineText content={block.content} />
        </Box>
      );
    case 'rule':
      return <Box component="hr" sx={{ border: 0, borderTop: 1, borderColor: 'divider', my: 1 }} />;
  }
}

export function SignalMessage({ message }: { message: string }) {
  const blocks = useMemo(() => parseMarkdown(message), [message]);
  if (blocks.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        The signal has no message.
      </Typography>
    );
  }
  return (
    <Box data-testid="signal-message" sx={{ '& > :first-of-type': { mt: 0 } }}>
      {blocks.map((b, i) => (
        <BlockView key={i} block={b} />
      ))}
    </Box>
  );
}
