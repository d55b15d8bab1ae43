/**
 * The policy table (pipeline/access/policy.ts), decided for every role on every route the site has: exact figures
 * for admin, committee and researcher; interviews for researcher and admin; reports for everyone signed in, the
 * funder always with ?audience=funder; administration for admins; nothing for someone not signed in but the sign-in
 * routes. Every route in site/routes must be named by an entry of its own (not left to the deny-by-default line).
 */
import { describe, expect, test } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  decide,
  entryFor,
  matchesPattern,
  mayOpen,
  POLICY,
  stripGroups,
  withAudience
} from '../../pipeline/access/policy.ts';
import { ROLES, type Role } from '../../pipeline/access/roles.ts';

const ROUTES = resolve(import.meta.dirname, '../../site/routes');

/** Every route id in site/routes (a folder with a +page or +server file). */
function routeIds(folder = ROUTES): string[] {
  const ids: string[] = [];
  const files = readdirSync(folder);
  if (files.some((f) => /^\+(page|server)\./.test(f))) ids.push('/' + relative(ROUTES, folder).split('\\').join('/'));
  for (const f of files) if (statSync(join(folder, f)).isDirectory()) ids.push(...routeIds(join(folder, f)));
  return ids.map((id) => (id === '/' ? '/' : id.replace(/\/$/, '')));
}

type Kind = 'allow' | 'refuse' | 'public' | 'sign-in' | 'redirect' | 'add-audience';
const EXACT: Record<Role, Kind> = { admin: 'allow', committee: 'allow', researcher: 'allow', funder: 'refuse' };
const INTERVIEWS: Record<Role, Kind> = { admin: 'allow', committee: 'refuse', researcher: 'allow', funder: 'refuse' };
const ADMIN_ONLY: Record<Role, Kind> = { admin: 'allow', committee: 'refuse', researcher: 'refuse', funder: 'refuse' };
const REPORT: Record<Role, Kind> = { admin: 'allow', committee: 'allow', researcher: 'allow', funder: 'add-audience' };
const PUBLIC: Record<Role, Kind> = { admin: 'public', committee: 'public', researcher: 'public', funder: 'public' };

/** What each role gets on each route id; `null` (not signed in) is 'sign-in' everywhere but the public routes. */
const EXPECTED: Record<string, Record<Role, Kind>> = {
  '/': { ...EXACT, funder: 'redirect' },
  '/services': EXACT,
  '/services/[id]': EXACT,
  '/timeline': EXACT,
  '/uptake': EXACT,
  '/functionality': EXACT,
  '/usage': EXACT,
  '/settings': EXACT,
  '/equity': EXACT,
  '/sharing': EXACT,
  '/download/[figure]': REPORT, // the funder gets the CSV only with ?audience=funder (disclosure-controlled)
  '/data': EXACT,
  '/data/upload': ADMIN_ONLY,
  '/reports': { ...REPORT, funder: 'allow' },
  '/reports/[name]': REPORT,
  '/reports/[name].html': REPORT,
  '/reports/[name].pdf': REPORT,
  '/interviews': INTERVIEWS,
  '/interviews/codebook': INTERVIEWS,
  '/interviews/matrix': INTERVIEWS,
  '/interviews/matrix/cell': INTERVIEWS,
  '/interviews/attributes': INTERVIEWS,
  '/interviews/themes': INTERVIEWS,
  '/interviews/themes/prevalence.csv': INTERVIEWS,
  '/interviews/transcripts/[id]': INTERVIEWS,
  '/interviews/export': INTERVIEWS,
  '/interviews/export/project.qdpx': INTERVIEWS,
  '/interviews/export/codebook.qdc': INTERVIEWS,
  '/interviews/export/matrix.xlsx': INTERVIEWS,
  '/admin/audit': ADMIN_ONLY,
  '/admin/users': ADMIN_ONLY,
  '/admin/users/[username]': ADMIN_ONLY,
  '/sign-in': PUBLIC,
  '/sign-out': PUBLIC,
  '/auth/oidc/start': PUBLIC,
  '/auth/oidc/callback': PUBLIC,
  // Not listed anywhere: deny by default (admins may open everything).
  '/something-new': ADMIN_ONLY,
  '/services/[id]/history': ADMIN_ONLY
};

describe.each(Object.entries(EXPECTED))('%s', (routeId, byRole) => {
  test.each([...ROLES])('%s', (role) => {
    expect(decide(role, routeId).kind).toBe(byRole[role]);
  });
  test('not signed in', () => {
    expect(decide(null, routeId).kind).toBe(byRole.admin === 'public' ? 'public' : 'sign-in');
  });
});

test('every route the site has is decided by an entry naming it, not by the deny-by-default line', () => {
  const ids = routeIds();
  expect(ids.length).toBeGreaterThan(20);
  const fallback = POLICY[POLICY.length - 1];
  const unlisted = ids.filter((id) => entryFor(id) === fallback);
  expect(unlisted).toEqual([]);
  // And every one of them has its expectation written above.
  expect(ids.filter((id) => !(stripGroups(id) in EXPECTED))).toEqual([]);
});

test('refusals say why, in words for the person refused', () => {
  const funderOnTimeline = decide('funder', '/timeline');
  expect(funderOnTimeline).toMatchObject({ kind: 'refuse' });
  expect(funderOnTimeline.kind === 'refuse' && funderOnTimeline.message).toBe(
    'This page shows exact figures, including small counts of patients. The funder role sees disclosure-controlled figures only, in the reports.'
  );
  const committeeOnTranscript = decide('committee', '/interviews/transcripts/[id]');
  expect(committeeOnTranscript.kind === 'refuse' && committeeOnTranscript.message).toContain(
    'only researchers (and admins) can open them'
  );
});

test('a funder on the overview is sent to the reports; on a report, to the same report with audience=funder', () => {
  expect(decide('funder', '/')).toMatchObject({ kind: 'redirect', location: '/reports' });
  expect(
    decide('funder', '/reports/[name].pdf', new URLSearchParams('audience=committee&as_of=2017-02-06'))
  ).toMatchObject({ kind: 'add-audience', audience: 'funder' });
  expect(decide('funder', '/reports/[name].pdf', new URLSearchParams('audience=funder'))).toMatchObject({
    kind: 'allow'
  });
  expect(
    withAudience(new URL('http://x/reports/funder-impact.pdf?audience=committee&as_of=2017-02-06'), 'funder')
  ).toBe('/reports/funder-impact.pdf?audience=funder&as_of=2017-02-06');
  // Other roles choose their audience freely.
  expect(decide('committee', '/reports/[name]', new URLSearchParams('audience=committee')).kind).toBe('allow');
});

test('patterns: one segment per *, any depth for a final **, groups ignored', () => {
  expect(matchesPattern('/services/*', '/services/[id]')).toBe(true);
  expect(matchesPattern('/services/*', '/services')).toBe(false);
  expect(matchesPattern('/services/*', '/services/[id]/history')).toBe(false);
  expect(matchesPattern('/interviews/**', '/interviews')).toBe(true);
  expect(matchesPattern('/interviews/**', '/interviews/transcripts/[id]')).toBe(true);
  expect(matchesPattern('/interviews/**', '/interviewsx')).toBe(false);
  expect(matchesPattern('/admin/**', '/(app)/admin/(tools)/audit')).toBe(true);
  expect(stripGroups('/(app)')).toBe('/');
});

test('links: the header shows a role only what it can open', () => {
  const sections = [
    '/',
    '/services',
    '/timeline',
    '/uptake',
    '/functionality',
    '/settings',
    '/equity',
    '/data',
    '/reports',
    '/interviews'
  ];
  expect(sections.filter((href) => mayOpen('funder', href))).toEqual(['/reports']);
  expect(sections.filter((href) => mayOpen('committee', href))).toEqual(sections.slice(0, 9));
  expect(sections.filter((href) => mayOpen('researcher', href))).toEqual(sections);
  expect(sections.filter((href) => mayOpen(null, href))).toEqual([]);
  expect(mayOpen('funder', '/reports/funder-impact?audience=funder')).toBe(true);
});
