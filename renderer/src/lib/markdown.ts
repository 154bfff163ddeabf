// A deliberately small Markdown reader for Datadog signal messages (rule descriptions wrapped in
// %%%). It produces a plain tree that React renders as elements: no HTML string is ever built, so
// a hostile signal cannot inject markup. Anything it does not understand stays literal text.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; text: string }
  | { kind: 'em'; text: string }
  | { kind: 'link'; text: string; href: string };

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; content: Inline[] }
  | { kind: 'paragraph'; content: Inline[] }
  | { kind: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { kind: 'code'; text: string }
  | { kind: 'quote'; content: Inline[] }
  | { kind: 'rule' };

const INLINE = /(`[^`\n]+`)|(\*\*[^*\n]+\*\*|__[^_\n]+__)|(\*[^*\s][^*\n]*\*|_[^_\s][^_\n]*_)|(\[[^\]\n]+\]\([^)\s]+\))/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ kind: 'text', text: text.slice(last, at) });
    const token = m[0];
    if (m[1]) out.push({ kind: 'code', text: token.slice(1, -1) });
    else if (m[2]) out.push({ kind: 'strong', text: token.slice(2, -2) });
    else if (m[3]) out.push({ kind: 'em', text: token.slice(1, -1) });
    else {
      const close = token.indexOf('](');
      out.push({ kind: 'link', text: token.slice(1, close), href: token.slice(close + 2, -1) });
    }
    last = at + token.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** Datadog wraps rich messages in %%% fences; drop them (and only them). */
function unwrap(message: string): string {
  return message.replace(/^\s*%%%\s*\n?/, '').replace(/\n?\s*%%%\s*$/, '');
}

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const ORDERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const FENCE = /^\s*(```|~~~)/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;

export function parseMarkdown(message: string): Block[] {
  const lines = unwrap(message).replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; start: number; items: string[] } | null = null;

  const flushPara = () => {
    if (para.length) blocks.push({ kind: 'paragraph', content: parseInline(para.join(' ')) });
    para = [];
  };
  const flushList = () => {
    if (list) blocks.push({ kind: 'list', ordered: list.ordered, start: list.start, items: list.items.map(parseInline) });
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) {
      flushPara();
      flushList();
      const body: string[] = [];
      for (i++; i < lines.length && !FENCE.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flushPara();
      flushList();
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      flushPara();
      flushList();
      blocks.push({ kind: 'heading', level: (h[1] ?? '#').length as 1 | 2 | 3 | 4 | 5 | 6, content: parseInline(h[2] ?? '') });
      continue;
    }
    if (RULE.test(line)) {
      flushPara();
      flushList();
      blocks.push({ kind: 'rule' });
      continue;
    }
    const b = BULLET.exec(line);
    const o = b ? null : ORDERED.exec(line);
    if (b || o) {
      flushPara();
      const ordered = o !== null;
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, start: o ? Number(o[1]) : 1, items: [] };
      list.items.push((b ? b[1] : o?.[2]) ?? '');
      continue;
    }
    if (list && /^\s{2,}\S/.test(line)) {
      // An indented continuation line belongs to the last list item.
      const items = list.items;
      items[items.length - 1] = `${items[items.length - 1] ?? ''} ${line.trim()}`;
      continue;
    }
    if (line.startsWith('>')) {
      flushPara();
      flushList();
      blocks.push({ kind: 'quote', content: parseInline(line.replace(/^>\s?/, '')) });
      continue;
    }
    flushList();
    para.push(line.trim());
  }
  flushPara();
  flushList();
  return blocks;
}
