// The signal message reader: Datadog's %%%-wrapped Markdown becomes a plain tree the renderer
// turns into elements, so untrusted text can never become markup.
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from '../../renderer/src/lib/markdown';

const DATADOG_MESSAGE = [
  '%%%',
  '## Goal',
  'Detect modifications to `pam.d` directory.',
  '',
  '## Strategy',
  'Linux **PAM** provides authentication',
  'for applications.',
  '',
  '## Triage and response',
  '1. Check to see what changes were made to `/etc/pam.d/`.',
  '2. Check whether the changes were part of maintenance.',
  '',
  '- [Runbook](https://example.com/runbook)',
  '- *escalate*',
  '%%%',
].join('\n');

describe('parseMarkdown', () => {
  it('drops the %%% fences and reads headings, paragraphs and lists', () => {
    const blocks = parseMarkdown(DATADOG_MESSAGE);
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'heading', 'paragraph', 'heading', 'list', 'list']);
    expect(JSON.stringify(blocks)).not.toContain('%%%');
    expect(blocks[0]).toEqual({ kind: 'heading', level: 2, content: [{ kind: 'text', text: 'Goal' }] });
  });

  it('joins the lines of one paragraph', () => {
    const para = parseMarkdown(DATADOG_MESSAGE)[3];
    expect(para).toEqual({
      kind: 'paragraph',
      content: [
        { kind: 'text', text: 'Linux ' },
        { kind: 'strong', text: 'PAM' },
        { kind: 'text', text: ' provides authentication for applications.' },
      ],
    });
  });

  it('keeps ordered list numbering and inline code', () => {
    const list = parseMarkdown(DATADOG_MESSAGE)[5];
    expect(list).toMatchObject({ kind: 'list', ordered: true, start: 1 });
    expect(list?.kind === 'list' ? list.items[0] : null).toContainEqual({ kind: 'code', text: '/etc/pam.d/' });
  });

  it('reads links as text plus target, never as markup', () => {
    expect(parseInline('see [Runbook](https://example.com/runbook) now')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'Runbook', href: 'https://example.com/runbook' },
      { kind: 'text', text: ' now' },
    ]);
  });

  it('leaves HTML in a message as literal text', () => {
    const blocks = parseMarkdown('<img src=x onerror=alert(1)> <script>alert(1)</script>');
    expect(blocks).toEqual([{ kind: 'paragraph', content: [{ kind: 'text', text: '<img src=x onerror=alert(1)> <script>alert(1)</script>' }] }]);
  });

  it('keeps fenced code verbatim', () => {
    expect(parseMarkdown('```\n**not bold**\n```')).toEqual([{ kind: 'code', text: '**not bold**' }]);
  });

  it('returns nothing for an empty message', () => {
    expect(parseMarkdown('%%%\n\n%%%')).toEqual([]);
    expect(parseMarkdown('')).toEqual([]);
  });
});
