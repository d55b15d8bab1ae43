/**
 * GET /auth/oidc/start[?next=/path]: sends the person to the organisation's identity provider (authorisation code
 * flow with PKCE). What the callback must check (state, nonce, PKCE verifier) stays in this server's memory; the
 * browser only carries a random key to it, in a short-lived HttpOnly cookie scoped to /auth/oidc.
 */
import { error, redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import {
  getSingleSignOn,
  OIDC_COOKIE,
  pendingSignIns,
  singleSignOnProblem
} from '$lib/server/access/single-sign-on.ts';
import { OidcSignInError } from '$pipeline/access/oidc.ts';
import { safeNext } from '$pipeline/access/web.ts';

export const GET: RequestHandler = async ({ url, cookies }) => {
  const sso = getSingleSignOn();
  if (!sso)
    error(404, singleSignOnProblem() ?? 'Single sign-on is not set up on this server: sign in with a password.');
  let started;
  try {
    started = await sso.start(`${url.origin}/auth/oidc/callback`, safeNext(url.searchParams.get('next'), ''));
  } catch (e) {
    if (e instanceof OidcSignInError) error(503, e.message);
    throw e;
  }
  cookies.set(OIDC_COOKIE, pendingSignIns.add(started.pending), {
    path: '/auth/oidc',
    httpOnly: true,
    // Lax: the provider sends the person back with a top-level GET from its own site, which Lax cookies survive.
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    maxAge: 10 * 60
  });
  redirect(303, started.url.href);
};
