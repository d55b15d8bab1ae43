/**
 * The four roles (docs/architecture.md "Access"). What each may open is decided in policy.ts, nowhere else.
 */
export const ROLES = ['admin', 'committee', 'researcher', 'funder'] as const;
export type Role = (typeof ROLES)[number];

/** What each role is for, in the words the sign-in and 403 pages use. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'everything, including loading exports, accounts and the audit log',
  committee: 'the dashboard with exact figures, and the reports',
  researcher: 'the dashboard with exact figures, the reports, and the interviews (transcripts and codings)',
  funder: 'the reports, with disclosure-controlled figures only'
};

/** Where each role lands after signing in. */
export const ROLE_HOME: Record<Role, string> = {
  admin: '/',
  committee: '/',
  researcher: '/',
  funder: '/reports'
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The person behind a request, as the hook and the pages see them. */
export interface Viewer {
  username: string;
  displayName: string;
  role: Role;
  /** True only for the automatic demo admin (UPTAKE_DEMO=1): the banner says so on every page. */
  demo: boolean;
}
