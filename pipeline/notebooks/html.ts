/**
 * Escaping for the HTML the notebook renderer writes. Everything from a notebook or the warehouse passes through here.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for element content and attribute values alike (quotes are escaped too). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/**
 * A link target a reader may follow: http(s), mailto, a path on this site or a fragment. Anything else (javascript:,
 * data:, vbscript:) is refused, so a notebook cannot smuggle a script into a page or PDF through a link.
 */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  if (/^[/#?]/.test(trimmed) && !trimmed.startsWith('//')) return trimmed;
  if (/^[\w.-]+(\/[\w.-]*)*([?#].*)?$/.test(trimmed) && !trimmed.includes(':')) return trimmed; // relative path
  return null;
}
