/**
 * The web-facing rules the hook applies around the policy table, kept here as plain functions so they are tested
 * without a server: security headers, the same-origin rule for writes, demo mode, and safe redirects after sign-in.
 */
import type { Viewer } from './roles.ts';

/** Methods that change nothing; every other method must come from our own pages. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A write (POST, PUT, PATCH, DELETE) is accepted only when the browser says it comes from this site: its Origin
 * header equals ours. Browsers send Origin on every such request, same-site ones included, so a missing Origin is
 * refused too (fail closed). SvelteKit checks this for form posts already; this covers every content type.
 */
export function isSameOriginWrite(method: string, origin: string | null, siteOrigin: string): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  return origin !== null && origin === siteOrigin;
}

/** Headers every response carries (OWASP Secure Headers). Pages also get SvelteKit's CSP (svelte.config.js kit.csp). */
export function securityHeaders(https: boolean): Record<string, string> {
  return {
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    'cross-origin-opener-policy': 'same-origin',
    ...(https ? { 'strict-transport-security': 'max-age=31536000' } : {})
  };
}

/** For responses SvelteKit did not render as a page (endpoints, our refusal pages): nothing runs, nothing frames it. */
export const STRICT_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Where to go after signing in: only a path on this site (never `//evil.example` or `https://…`), else `fallback`. */
export function safeNext(next: string | null | undefined, fallback: string): string {
  // eslint-disable-next-line no-control-regex -- control characters in a redirect target are exactly what is refused
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\u0000-\u001f]/.test(next))
    return fallback;
  if (next.startsWith('/sign-in') || next.startsWith('/sign-out') || next.startsWith('/auth/')) return fallback;
  return next.slice(0, 2000);
}

export const DEMO_VIEWER: Viewer = { username: 'demo-admin', displayName: 'demo admin', role: 'admin', demo: true };

/**
 * Demo mode signs everyone in as an admin, so it is honoured only when asked for exactly (UPTAKE_DEMO=1, which
 * `npm start` sets) AND the server listens on a loopback address only (HOST=127.0.0.1, ::1 or localhost; `npm start`
 * sets 127.0.0.1). A server reachable from the network never signs anyone in by itself.
 */
export function demoMode(
  env: Record<string, string | undefined>,
  developmentServer = false
): { on: boolean; why: string } {
  if (env.UPTAKE_DEMO !== '1') return { on: false, why: 'UPTAKE_DEMO is not 1' };
  const host = env.HOST;
  // `vite dev` listens on localhost unless told otherwise; the built server (adapter-node) on every address unless HOST
  // says.
  if (host === undefined && developmentServer) return { on: true, why: 'development server on localhost' };
  if (host !== undefined && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)))
    return { on: true, why: `HOST=${host}` };
  return {
    on: false,
    why: `UPTAKE_DEMO=1 was ignored: HOST is ${host === undefined ? 'not set (the server listens on every address)' : `"${host}"`}, and demo mode signs everyone in as an admin, so it needs HOST=127.0.0.1`
  };
}

/** Bytes from adapter-node's BODY_SIZE_LIMIT syntax ("512K", "100M", "1G", "Infinity"); its default is 512K. */
export function parseByteSize(value: string | undefined, fallback = 512 * 1024): number {
  if (value === undefined || value === '') return fallback;
  if (value === 'Infinity') return Infinity;
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)B?$/i.exec(value.trim());
  if (!match) return fallback;
  const unit = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[match[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(match[1]) * unit;
}
