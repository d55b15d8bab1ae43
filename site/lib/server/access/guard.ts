/**
 * The one place that decides access: every request passes through `guardRequest`, called by
 * site/hooks.server.ts, in this order:
 *
 *  1. writes (POST, PUT, PATCH, DELETE) from another site are refused, whatever their content type;
 *  2. who is asking: the session cookie, else the demo admin in demo mode, else nobody;
 *  3. the policy table (pipeline/access/policy.ts) decides on the route SvelteKit matched: public, sign in first
 *     (redirect to /sign-in), allowed, sent elsewhere, a forced `?audience=funder`, or refused with a 403 page;
 *  4. an upload larger than the limit is refused before its body is read;
 *  5. audited views (downloads, report renders, pages under /interviews) are written to the audit log;
 *  6. security headers go on every response.
 */
import { redirect, type Handle, type RequestEvent } from '@sveltejs/kit';
import { dev } from '$app/environment';
import { env } from '$env/dynamic/private';
import { withReader } from '$lib/server/warehouse.ts';
import { decide, withAudience, type Decision } from '$pipeline/access/policy.ts';
import { findSession, SESSION_COOKIE } from '$pipeline/access/sessions.ts';
import { maxUploadBytes } from '$pipeline/access/upload-guard.ts';
import {
  DEMO_VIEWER,
  demoMode,
  isSameOriginWrite,
  parseByteSize,
  SAFE_METHODS,
  securityHeaders,
  STRICT_CSP
} from '$pipeline/access/web.ts';
import { recordAudit, type AuditEvent } from '$pipeline/audit/log.ts';
import type { Viewer } from '$pipeline/access/roles.ts';
import { refusalResponse } from './refusal-page.ts';
import './locals.ts';

const demo = demoMode(env, dev);
if (env.UPTAKE_DEMO === '1')
  console.log(demo.on ? 'uptake: demo mode: everyone is signed in as demo admin.' : `uptake: ${demo.why}.`);

/**
 * One line of the audit log about this request, whoever writes it (the guard, the upload page, the reports): the
 * viewer, or "(not signed in)", and the client's address.
 */
export async function auditRequest(
  event: RequestEvent,
  viewer: Viewer | null | undefined,
  what: Pick<AuditEvent, 'action' | 'target' | 'outcome' | 'detail'>
): Promise<void> {
  await withReader((connection) =>
    recordAudit(connection, {
      actor: viewer?.username ?? '(not signed in)',
      actorRole: viewer?.role ?? null,
      ...what,
      source: 'web',
      client: clientAddress(event)
    })
  );
}

/** The client's address for the audit log (adapter-node: the socket, or ADDRESS_HEADER behind a proxy). */
export function clientAddress(event: RequestEvent): string | null {
  try {
    return event.getClientAddress();
  } catch {
    return null;
  }
}

async function identify(event: RequestEvent): Promise<{ viewer: Viewer | null; sessionId: string | null }> {
  const id = event.cookies.get(SESSION_COOKIE);
  if (id) {
    const found = await withReader((connection) => findSession(connection, id));
    if (found) return { viewer: found.viewer, sessionId: id };
    // Expired or unknown: forget it, so the browser stops sending it.
    event.cookies.delete(SESSION_COOKIE, { path: '/' });
  }
  return { viewer: demo.on ? DEMO_VIEWER : null, sessionId: null };
}

function signInFirst(event: RequestEvent): Response {
  if (!SAFE_METHODS.has(event.request.method)) {
    return new Response('Sign in first: your session has ended.\n', {
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8' }
    });
  }
  const next = event.url.pathname + event.url.search;
  redirect(303, next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`);
}

async function audit(
  event: RequestEvent,
  viewer: Viewer,
  decision: Decision,
  outcome: 'ok' | 'refused',
  detail?: string
): Promise<void> {
  const action = outcome === 'refused' ? 'access-refused' : decision.entry.audit;
  if (!action) return;
  await auditRequest(event, viewer, { action, target: event.url.pathname + event.url.search, outcome, detail });
}

async function decideAndAnswer(event: RequestEvent, resolve: Parameters<Handle>[0]['resolve']): Promise<Response> {
  const { request, url } = event;
  // SvelteKit's remote functions are not used by Uptake; their URL names a page of the caller's choosing, so they
  // could slip past the table. Refuse them outright.
  if (new URL(request.url).pathname.startsWith('/_app/remote'))
    return new Response('Not available.\n', { status: 404 });

  if (!isSameOriginWrite(request.method, request.headers.get('origin'), url.origin)) {
    return new Response(`Cross-site ${request.method} requests are refused: send it from an Uptake page.\n`, {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8' }
    });
  }

  const { viewer, sessionId } = await identify(event);
  event.locals.viewer = viewer;
  event.locals.sessionId = sessionId;

  // No such route: nothing to protect, so a signed-in person gets SvelteKit's 404; anyone else is asked to sign in.
  if (event.route.id === null) return viewer ? resolve(event) : signInFirst(event);

  const decision = decide(viewer?.role ?? null, event.route.id, url.searchParams);
  switch (decision.kind) {
    case 'public':
      return resolve(event);
    case 'sign-in':
      return signInFirst(event);
    case 'redirect':
      redirect(303, decision.location); // throws, so never falls through
    case 'add-audience':
      if (SAFE_METHODS.has(request.method)) redirect(303, withAudience(url, decision.audience));
      return refusalResponse(request, 403, 'You cannot do this', 'Your role can only read reports here.', viewer);
    case 'refuse':
      await audit(event, viewer!, decision, 'refused', decision.message);
      return refusalResponse(request, 403, 'You cannot open this page', decision.message, viewer);
    case 'allow': {
      const tooLarge = uploadTooLarge(event);
      if (tooLarge) return refusalResponse(request, 413, 'The file is too large', tooLarge, viewer);
      const response = await resolve(event);
      if (decision.entry.audit && request.method === 'GET' && response.status < 300)
        await audit(event, viewer!, decision, 'ok');
      return response;
    }
  }
}

/** The upload route refuses a body over the limit from its Content-Length, before a byte of it is read. */
function uploadTooLarge(event: RequestEvent): string | null {
  if (event.request.method !== 'POST' || !event.route.id?.startsWith('/data/upload')) return null;
  const limit = Math.min(maxUploadBytes(env), parseByteSize(env.BODY_SIZE_LIMIT));
  const length = Number(event.request.headers.get('content-length'));
  if (!Number.isFinite(length) || length <= limit) return null;
  const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
  return `The upload is ${mb(length)}; the largest file accepted is ${mb(limit)}. Split the export into smaller files (for example one as-of date each), or ask an admin to load it with the uptake command.`;
}

function withHeaders(response: Response, https: boolean): Response {
  let answer = response;
  try {
    answer.headers.set('x-content-type-options', 'nosniff');
  } catch {
    answer = new Response(response.body, response); // a Response.redirect() has immutable headers
  }
  for (const [name, value] of Object.entries(securityHeaders(https))) answer.headers.set(name, value);
  // Pages get SvelteKit's CSP with per-response nonces (svelte.config.js); anything else gets the strict one.
  if (!answer.headers.has('content-security-policy')) answer.headers.set('content-security-policy', STRICT_CSP);
  if (!answer.headers.has('cache-control')) answer.headers.set('cache-control', 'private, no-store');
  return answer;
}

/**
 * The hook. A redirect() thrown on the way is left to SvelteKit, which turns it into a 303 (or a JSON redirect for
 * a data request) and keeps any cookie set or cleared before it.
 */
export const guardRequest: Handle = async ({ event, resolve }) =>
  withHeaders(await decideAndAnswer(event, resolve), event.url.protocol === 'https:');
