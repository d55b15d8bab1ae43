/** POST /sign-out: ends the session (in the warehouse, not just the cookie) and goes back to the sign-in page. */
import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { clientAddress } from '$lib/server/access/guard.ts';
import { clearSessionCookie } from '$lib/server/access/session-cookie.ts';
import { endSession } from '$pipeline/access/sessions.ts';
import { recordAudit } from '$pipeline/audit/log.ts';

export const POST: RequestHandler = async (event) => {
  const { locals, cookies, url } = event;
  if (locals.sessionId && locals.viewer) {
    const { sessionId, viewer } = locals;
    await withReader(async (connection) => {
      await endSession(connection, sessionId);
      await recordAudit(connection, {
        actor: viewer.username,
        actorRole: viewer.role,
        action: 'sign-out',
        source: 'web',
        client: clientAddress(event)
      });
    });
  }
  clearSessionCookie(cookies, url);
  redirect(303, '/sign-in?signed-out');
};
