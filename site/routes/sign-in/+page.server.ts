/**
 * Sign in with a username and password (or through the organisation's identity provider, when set up). The answer
 * to a wrong name and to a wrong password is the same sentence, and the lockout applies to names that do not exist
 * too, so this page never tells anyone whether an account exists (pipeline/access/sign-in.ts).
 */
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { clientAddress } from '$lib/server/access/guard.ts';
import { setSessionCookie } from '$lib/server/access/session-cookie.ts';
import { getSingleSignOn, singleSignOnProblem } from '$lib/server/access/single-sign-on.ts';
import { LOCKOUT, signInWithPassword } from '$pipeline/access/sign-in.ts';
import { mayOpen } from '$pipeline/access/policy.ts';
import { ROLE_HOME } from '$pipeline/access/roles.ts';
import { safeNext } from '$pipeline/access/web.ts';

const londonTime = (at: Date) =>
  at.toLocaleTimeString('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

export const load: PageServerLoad = async ({ url, locals }) => {
  const sso = getSingleSignOn();
  return {
    next: safeNext(url.searchParams.get('next'), ''),
    signedOut: url.searchParams.has('signed-out'),
    viewer: locals.viewer,
    singleSignOn: sso ? { label: sso.settings.label } : null,
    singleSignOnProblem: singleSignOnProblem(),
    lockout: LOCKOUT
  };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const username = String(form.get('username') ?? '').slice(0, 200);
    const password = String(form.get('password') ?? '');
    const next = String(form.get('next') ?? '');
    if (!username.trim() || !password) {
      return fail(400, {
        username,
        problem: !username.trim() ? 'Enter your username' : 'Enter your password',
        field: !username.trim() ? ('username' as const) : ('password' as const)
      });
    }
    const result = await withReader((connection) =>
      signInWithPassword(connection, username, password, { client: clientAddress(event) })
    );
    if (result.outcome === 'locked') {
      return fail(429, {
        username,
        problem: `Too many failed attempts: this username cannot sign in until ${londonTime(result.until)} (UK time).`,
        field: 'username' as const
      });
    }
    if (result.outcome === 'address-locked') {
      return fail(429, {
        username,
        problem: `Too many failed sign-in attempts from your network address: nobody can sign in from it until ${londonTime(result.until)} (UK time).`,
        field: 'username' as const
      });
    }
    if (result.outcome === 'disabled') {
      return fail(403, {
        username,
        problem: 'This account has been disabled. Ask an Uptake admin if you still need it.',
        field: 'username' as const
      });
    }
    if (result.outcome === 'wrong') {
      return fail(400, { username, problem: 'The username or password is not right', field: 'username' as const });
    }
    setSessionCookie(event.cookies, event.url, result.session);
    const home = ROLE_HOME[result.viewer.role];
    const target = safeNext(next, home);
    redirect(303, mayOpen(result.viewer.role, target) ? target : home);
  }
};
