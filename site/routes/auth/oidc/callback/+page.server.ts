/**
 * GET /auth/oidc/callback: the identity provider sends the person back here with a code. The code is exchanged
 * (state, nonce and PKCE checked by openid-client), the role claim is mapped to an Uptake role, the account is found
 * or made (pipeline/access/accounts.ts), and a session starts exactly as after a password sign-in. When anything
 * fails, this page says what and offers to start again; the attempt is in the audit log either way.
 */
import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { clientAddress } from '$lib/server/access/guard.ts';
import { setSessionCookie } from '$lib/server/access/session-cookie.ts';
import { getSingleSignOn, OIDC_COOKIE, pendingSignIns } from '$lib/server/access/single-sign-on.ts';
import { accountForSingleSignOn, AccountError } from '$pipeline/access/accounts.ts';
import { OidcSignInError } from '$pipeline/access/oidc.ts';
import { mayOpen } from '$pipeline/access/policy.ts';
import { ROLE_HOME } from '$pipeline/access/roles.ts';
import { createSession, pruneSessions } from '$pipeline/access/sessions.ts';
import { safeNext } from '$pipeline/access/web.ts';
import { recordAudit } from '$pipeline/audit/log.ts';

export const load: PageServerLoad = async (event) => {
  const { url, cookies } = event;
  const sso = getSingleSignOn();
  if (!sso) return { problem: 'Single sign-on is not set up on this server: sign in with a password.' };
  const key = cookies.get(OIDC_COOKIE);
  cookies.delete(OIDC_COOKIE, { path: '/auth/oidc' });
  const pending = key ? pendingSignIns.take(key) : null;
  if (!pending) {
    return { problem: 'This sign-in was started too long ago, in another browser, or already finished. Start again.' };
  }
  const client = clientAddress(event);
  let identity;
  try {
    identity = await sso.finish(url, pending);
  } catch (e) {
    if (!(e instanceof OidcSignInError)) throw e;
    await withReader((connection) =>
      recordAudit(connection, {
        actor: '(single sign-on)',
        action: 'sign-in',
        target: 'single sign-on',
        outcome: 'failed',
        detail: e.message,
        source: 'web',
        client
      })
    );
    return { problem: e.message };
  }
  const outcome = await withReader(async (connection) => {
    const by = { actor: 'single sign-on', source: 'web' as const, client };
    try {
      const account = await accountForSingleSignOn(connection, identity, by);
      await pruneSessions(connection);
      const session = await createSession(connection, account.username, 'oidc');
      await recordAudit(connection, {
        actor: account.username,
        actorRole: account.role,
        action: 'sign-in',
        target: 'single sign-on',
        source: 'web',
        client,
        detail: `subject ${identity.subject}`
      });
      return { account, session };
    } catch (e) {
      if (!(e instanceof AccountError)) throw e;
      await recordAudit(connection, {
        actor: identity.username,
        action: 'sign-in',
        target: 'single sign-on',
        outcome: 'refused',
        detail: e.message,
        source: 'web',
        client
      });
      return { problem: e.message };
    }
  });
  if ('problem' in outcome) return { problem: outcome.problem };
  setSessionCookie(cookies, url, outcome.session);
  const home = ROLE_HOME[outcome.account.role];
  const target = safeNext(pending.next, home);
  redirect(303, mayOpen(outcome.account.role, target) ? target : home);
};
