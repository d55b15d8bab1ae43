/**
 * The 403 (and 413) page, answered by the hook itself: the refused route's own load functions must not run, so the
 * page cannot come from the route's layout. It is a whole HTML document with the NHS header, the account bar and
 * a plain explanation; a request that does not want HTML gets the same sentence as text.
 */
import { createHash } from 'node:crypto';
import { render } from 'svelte/server';
import RefusalPage from '$lib/components/access/RefusalPage.svelte';
import { ROLE_HOME, type Viewer } from '$pipeline/access/roles.ts';
import { STRICT_CSP } from '$pipeline/access/web.ts';

const escapeText = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function refusalResponse(
  request: Request,
  status: 403 | 413,
  heading: string,
  message: string,
  viewer: Viewer | null
): Response {
  const wantsHtml = (request.headers.get('accept') ?? '').includes('text/html');
  if (!wantsHtml)
    return new Response(`${heading}. ${message}\n`, {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8' }
    });
  const home = viewer
    ? { href: ROLE_HOME[viewer.role], label: viewer.role === 'funder' ? 'Go to the reports' : 'Go to the overview' }
    : { href: '/sign-in', label: 'Sign in' };
  const { head, body } = render(RefusalPage, { props: { heading, message, viewer, home } });
  const html = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeText(heading)} – Uptake</title>
<link rel="stylesheet" href="/nhsuk-frontend.min.css">
<link rel="icon" href="/assets/images/favicon.ico" sizes="48x48">
${head}
</head>
<body>
${body}
</body>
</html>
`;
  // The components inject their own <style> elements; allow exactly those, by hash.
  const styleHashes = [...head.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`
  );
  const csp = STRICT_CSP.replace("style-src 'self'", ["style-src 'self'", ...styleHashes].join(' '));
  return new Response(html, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp, 'cache-control': 'no-store' }
  });
}
