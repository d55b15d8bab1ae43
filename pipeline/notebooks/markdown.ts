/**
 * The Markdown a notebook's text may use, rendered to HTML: headings, paragraphs, bulleted and numbered lists, block
 * quotes, rules, **strong**, *emphasis*, `code` and [links](https://…). Nothing else: raw HTML is shown as text, so a
 * notebook cannot put a script into a report. Tables and charts come from directives (render.ts), not from Markdown.
 *
 * Written here rather than adding `marked`: the subset is ~150 lines, and owning it means inline values (`{funnel.x}`)
 * are substituted as already-controlled, already-escaped HTML, with no sanitiser to configure.
 */
import { escapeHtml, safeHref } from './html.ts';

/** Turns an inline value expression (the text between braces) into HTML, or null to leave the braces as text. */
export type InlineValue = (expression: string) => string | null;

/** `{result.column}`, `{result.a/b|sum}`, `{as_of}`: a name, optionally a dotted path and one `|function`. */
export const INLINE_VALUE = /\{([a-z_][a-z0-9_]*(?:\.[a-z0-9_]+(?:[/-][a-z0-9_]+)?)?(?:\|[a-z]+)?)\}/gi;

const MARK = '\u0000';

/** Inline Markdown of one block's text: code spans, inline values, links, strong and emphasis. */
export function renderInline(text: string, inlineValue: InlineValue = () => null): string {
  const held: string[] = [];
  const hold = (html: string) => `${MARK}${held.push(html) - 1}${MARK}`;
  let out = text.replace(/`([^`]+)`/g, (_, code: string) => hold(`<code>${escapeHtml(code)}</code>`));
  out = out.replace(INLINE_VALUE, (whole, expression: string) => {
    const html = inlineValue(expression);
    return html === null ? whole : hold(html);
  });
  out = escapeHtml(out);
  // A target may hold one level of brackets (Wikipedia-style links), so `(…(1))` is one target, not a target and a ')'.
  out = out.replace(/\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g, (whole, label: string, href: string) => {
    // href was escaped with the rest; unescape &amp; so a query string survives, then check the scheme.
    const target = safeHref(href.replace(/&amp;/g, '&'));
    return target === null ? label : `<a href="${escapeHtml(target)}">${label}</a>`;
  });
  out = out.replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, '<strong>$1</strong>');
  out = out.replace(/\*(?=\S)(.+?)(?<=\S)\*/g, '<em>$1</em>');
  // Underscores only at word edges, so snake_case names in prose stay as they are.
  out = out.replace(/(^|[^\w])_(?=\S)(.+?)(?<=\S)_(?!\w)/g, '$1<em>$2</em>');
  return out.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_, i: string) => held[Number(i)]);
}

/** An id for a heading: lower case words joined by hyphens ("Services behind plan" → "services-behind-plan"). */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/\{[^}]*\}/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'section'
  );
}

type Block =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'quote'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  | { kind: 'rule' };

function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  let open: Block | null = null;
  const close = () => {
    if (open) out.push(open);
    open = null;
  };
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*?)\s*#*$/.exec(line);
    const bullet = /^\s{0,3}[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s{0,3}\d+[.)]\s+(.*)$/.exec(line);
    const quote = /^\s{0,3}>\s?(.*)$/.exec(line);
    if (line.trim() === '') close();
    else if (/^\s{0,3}(-{3,}|\*{3,}|_{3,})$/.test(line)) {
      close();
      out.push({ kind: 'rule' });
    } else if (heading) {
      close();
      out.push({ kind: 'heading', level: heading[1].length, text: heading[2] });
    } else if (bullet || numbered) {
      const ordered = !bullet;
      const text = (bullet ?? numbered)![1];
      const current = open as Block | null;
      if (current?.kind === 'list' && current.ordered === ordered) current.items.push(text);
      else {
        close();
        open = { kind: 'list', ordered, items: [text] };
      }
    } else if (quote) {
      const current = open as Block | null;
      if (current?.kind === 'quote') current.text += ` ${quote[1]}`;
      else {
        close();
        open = { kind: 'quote', text: quote[1] };
      }
    } else {
      // A plain line continues the open paragraph, list item or quote (lazy continuation), else starts a paragraph.
      const current = open as Block | null;
      if (current?.kind === 'paragraph' || current?.kind === 'quote') current.text += ` ${line.trim()}`;
      else if (current?.kind === 'list') current.items[current.items.length - 1] += ` ${line.trim()}`;
      else open = { kind: 'paragraph', text: line.trim() };
    }
  }
  close();
  return out;
}

/** Renders a stretch of notebook text (between directives) to HTML. */
export function renderMarkdown(markdown: string, inlineValue?: InlineValue): string {
  return blocks(markdown)
    .map((block) => {
      switch (block.kind) {
        case 'heading':
          return `<h${block.level} id="${slug(block.text)}">${renderInline(block.text, inlineValue)}</h${block.level}>`;
        case 'paragraph':
          return `<p>${renderInline(block.text, inlineValue)}</p>`;
        case 'quote':
          return `<blockquote><p>${renderInline(block.text, inlineValue)}</p></blockquote>`;
        case 'rule':
          return '<hr>';
        case 'list': {
          const tag = block.ordered ? 'ol' : 'ul';
          return `<${tag}>${block.items.map((item) => `<li>${renderInline(item, inlineValue)}</li>`).join('')}</${tag}>`;
        }
      }
    })
    .join('\n');
}
