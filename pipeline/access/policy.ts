/**
 * THE policy table: which role may open which route. site/hooks.server.ts asks `decide` on every request, so no page
 * carries a check of its own, and a route nobody listed is refused to everyone but admins (deny by default).
 *
 * Patterns are matched against SvelteKit route ids (`/services/[id]`, `/reports/[name].pdf`), not raw URLs, so
 * encodings, doubled slashes or a trailing `/__data.json` cannot dodge a rule: the id is what SvelteKit will run.
 * Route groups such as `(app)` are ignored. `*` is one path segment; `/**` is any number of segments, including none.
 * The first entry that matches decides. Each role gets one grant, or nothing (refused):
 *  - 'allow'
 *  - { redirect }        : sent elsewhere instead (a funder opening the overview goes to the reports);
 *  - { forceAudience }   : allowed only with `?audience=<value>` in the URL; the hook redirects to add it, so a funder
 *                          always gets the disclosure-controlled rendering of a report, its HTML and its PDF.
 *
 * This file is pure (no Node, no Svelte) so the layout may also use `mayOpen` to show only the links a role can follow.
 */
import type { Role } from './roles.ts';

export type Grant = 'allow' | { redirect: string } | { forceAudience: 'funder' };

/** Events the hook writes to the audit log when a matching GET succeeds (pipeline/audit). */
export type AuditedView = 'download' | 'report-render' | 'transcript-view';

export interface PolicyEntry {
  pattern: string;
  /** What lives there, for the design note, the tests and the 403 page. */
  what: string;
  /** Open to everyone, signed in or not (sign-in, sign-out, single sign-on). */
  public?: true;
  grants: Partial<Record<Role, Grant>>;
  audit?: AuditedView;
  /** Why a role is refused here, shown on its 403 page. */
  refusal?: string;
}

/** Exact figures: the steering committee, researchers (who may see exact numbers, docs/architecture.md) and admins. */
const EXACT: Partial<Record<Role, Grant>> = { admin: 'allow', committee: 'allow', researcher: 'allow' };
const EXACT_REFUSAL =
  'This page shows exact figures, including small counts of patients. The funder role sees disclosure-controlled figures only, in the reports.';
const FUNDER_REPORT = { forceAudience: 'funder' } as const;

export const POLICY: readonly PolicyEntry[] = [
  { pattern: '/sign-in', what: 'sign-in page', public: true, grants: {} },
  { pattern: '/sign-out', what: 'sign-out (POST)', public: true, grants: {} },
  {
    pattern: '/auth/oidc/**',
    what: 'single sign-on through the organisation (OpenID Connect)',
    public: true,
    grants: {}
  },

  { pattern: '/', what: 'overview', grants: { ...EXACT, funder: { redirect: '/reports' } } },
  { pattern: '/services', what: 'services table', grants: EXACT, refusal: EXACT_REFUSAL },
  { pattern: '/services/*', what: 'one service', grants: EXACT, refusal: EXACT_REFUSAL },
  { pattern: '/timeline', what: 'setup timeline', grants: EXACT, refusal: EXACT_REFUSAL },
  { pattern: '/uptake', what: 'uptake and trends', grants: EXACT, refusal: EXACT_REFUSAL },
  { pattern: '/functionality', what: 'functionality', grants: EXACT, refusal: EXACT_REFUSAL },
  { pattern: '/usage', what: 'usage of online functions', grants: EXACT, refusal: EXACT_REFUSAL },
  { pattern: '/sharing', what: 'sharing', grants: EXACT, refusal: EXACT_REFUSAL },
  { pattern: '/settings', what: 'adoption by setting', grants: EXACT, refusal: EXACT_REFUSAL },
  { pattern: '/equity', what: 'equity of reach by unit characteristic', grants: EXACT, refusal: EXACT_REFUSAL },
  {
    pattern: '/download/**',
    what: 'CSV download of a dashboard figure (exact for the committee; disclosure-controlled with ?audience=funder|public)',
    // A funder gets only the controlled CSV: the hook adds ?audience=funder, as for the reports.
    grants: { ...EXACT, funder: FUNDER_REPORT },
    audit: 'download'
  },

  {
    pattern: '/data/upload/**',
    what: 'upload an export (loads into the warehouse)',
    grants: { admin: 'allow' },
    refusal: 'Loading exports changes the warehouse for everyone, so it is for admins.'
  },
  { pattern: '/data/**', what: 'loads so far, with their problems', grants: EXACT, refusal: EXACT_REFUSAL },

  { pattern: '/reports', what: 'list of reports', grants: { ...EXACT, funder: 'allow' } },
  {
    pattern: '/reports/**',
    what: 'a report, its HTML and its PDF',
    grants: { ...EXACT, funder: FUNDER_REPORT },
    audit: 'report-render'
  },

  {
    pattern: '/interviews/export/**',
    what: 'exports of the interviews (REFI-QDA project, codebook, framework matrix workbook)',
    grants: { admin: 'allow', researcher: 'allow' },
    audit: 'download',
    refusal:
      'Interview transcripts and codings are sensitive even when anonymised: only researchers (and admins) can export them.'
  },
  {
    pattern: '/interviews/**',
    what: 'interviews: transcripts, coding, framework matrix, themes',
    grants: { admin: 'allow', researcher: 'allow' },
    audit: 'transcript-view',
    refusal:
      'Interview transcripts and codings are sensitive even when anonymised: only researchers (and admins) can open them.'
  },

  {
    pattern: '/admin/**',
    what: 'administration: the audit log and accounts',
    grants: { admin: 'allow' },
    refusal: 'Administration pages are for admins.'
  },

  // Deny by default: a route nobody listed is refused to every role but admin, who may open everything anyway.
  {
    pattern: '/**',
    what: 'any route not listed above',
    grants: { admin: 'allow' },
    refusal: 'This page has not been opened to your role.'
  }
];

/** `(group)` segments do not appear in URLs, so they play no part in matching. */
export function stripGroups(routeId: string): string {
  const stripped = routeId.replace(/\/\([^/)]+\)/g, '');
  return stripped === '' ? '/' : stripped;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** Whether a route id (or a plain path) matches a pattern: `*` one segment, `**` as the last segment any number. */
export function matchesPattern(pattern: string, routeId: string): boolean {
  const want = segments(pattern);
  const have = segments(stripGroups(routeId));
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '**' && i === want.length - 1) return true;
    if (i >= have.length) return false;
    if (want[i] !== '*' && want[i] !== have[i]) return false;
  }
  return want.length === have.length;
}

export function entryFor(routeId: string): PolicyEntry {
  // The last entry matches everything, so this always finds one.
  return POLICY.find((entry) => matchesPattern(entry.pattern, routeId))!;
}

export type Decision =
  | { kind: 'public'; entry: PolicyEntry }
  | { kind: 'sign-in'; entry: PolicyEntry }
  | { kind: 'allow'; entry: PolicyEntry }
  | { kind: 'redirect'; entry: PolicyEntry; location: string }
  /** Allowed once the URL says `?audience=<audience>`: the hook redirects to the same URL with it set. */
  | { kind: 'add-audience'; entry: PolicyEntry; audience: string }
  | { kind: 'refuse'; entry: PolicyEntry; message: string };

/**
 * What to do with a request for `routeId` (its URL search given, to check a forced audience) from someone with
 * `role` (null: not signed in).
 */
export function decide(role: Role | null, routeId: string, search: URLSearchParams = new URLSearchParams()): Decision {
  const entry = entryFor(routeId);
  if (entry.public) return { kind: 'public', entry };
  if (role === null) return { kind: 'sign-in', entry };
  const grant = entry.grants[role];
  if (grant === undefined) {
    return { kind: 'refuse', entry, message: entry.refusal ?? 'This page has not been opened to your role.' };
  }
  if (grant === 'allow') return { kind: 'allow', entry };
  if ('redirect' in grant) return { kind: 'redirect', entry, location: grant.redirect };
  if (search.get('audience') === grant.forceAudience) return { kind: 'allow', entry };
  return { kind: 'add-audience', entry, audience: grant.forceAudience };
}

/** The URL to send an 'add-audience' decision to: the same path and query, with the audience set. */
export function withAudience(url: URL, audience: string): string {
  const search = new URLSearchParams(url.searchParams);
  search.set('audience', audience);
  return `${url.pathname}?${search}`;
}

/** For links: may `role` follow `href` (a path, with or without a query) at all. */
export function mayOpen(role: Role | null, href: string): boolean {
  const path = href.split(/[?#]/)[0];
  const decision = decide(role, path);
  return decision.kind === 'allow' || decision.kind === 'public' || decision.kind === 'add-audience';
}
