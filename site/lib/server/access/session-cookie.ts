/**
 * The session cookie: HttpOnly (no script can read it), SameSite=Lax (not sent on cross-site posts, frames or
 * images, but sent when a person follows a link in), Secure whenever the site is served over https, and scoped to
 * the whole site. It lasts as long as the session it names (pipeline/access/sessions.ts).
 */
import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$pipeline/access/sessions.ts';

export function setSessionCookie(cookies: Cookies, url: URL, session: { id: string; expiresAt: Date }): void {
  cookies.set(SESSION_COOKIE, session.id, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    expires: session.expiresAt
  });
}

export function clearSessionCookie(cookies: Cookies, url: URL): void {
  cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
