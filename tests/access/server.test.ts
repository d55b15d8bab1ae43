/**
 * Access control on the built server (`npm run build` first), over HTTP as a browser would send it, with one account
 * per role and no demo mode: every role on every route and every export (allowed: 200; refused: a 403 page that says
 * why; the funder's reports: forced to audience=funder), sign-in, lockout, sign-out, cookie flags, cross-site
 * writes, security headers, the audit log recording each kind of event, and the upload hardening on the real route.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIGURE_IDS } from '../../pipeline/dashboard/figures.ts';
import { storeTranscript } from '../../pipeline/qualitative/transcripts.ts';
import { ACCOUNTS, DEMO_DIR, signedIn, startAccessServer, Visitor, type AccessServer } from './helpers/server.ts';
import { writeZip } from './helpers/zip-writer.ts';
import type { Role } from '../../pipeline/access/roles.ts';

let server: AccessServer;
let transcriptId = '';
const visitors = new Map<Role, Visitor>();

beforeAll(async () => {
  server = await startAccessServer({
    env: { UPTAKE_MAX_UPLOAD_MB: '1' },
    prepare: async (warehouse) => {
      const stored = await storeTranscript(warehouse.connection, {
        title: 'Hostile <b>title</b>',
        format: 'txt',
        text: 'INTERVIEWER: What happened?\nP99: <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & that was it.\n'
      });
      transcriptId = stored.transcript_id;
    }
  });
  for (const { username, role } of ACCOUNTS) visitors.set(role, await signedIn(server.url, username));
});

afterAll(async () => {
  await server?.stop();
});

type Access = 'allow' | 'refuse' | 'funder-report';
const ROLES: Role[] = ['admin', 'committee', 'researcher', 'funder'];
const EXACT: Record<Role, Access> = { admin: 'allow', committee: 'allow', researcher: 'allow', funder: 'refuse' };
const INTERVIEWS: Record<Role, Access> = { admin: 'allow', committee: 'refuse', researcher: 'allow', funder: 'refuse' };
const ADMIN: Record<Role, Access> = { admin: 'allow', committee: 'refuse', researcher: 'refuse', funder: 'refuse' };
const REPORT: Record<Role, Access> = {
  admin: 'allow',
  committee: 'allow',
  researcher: 'allow',
  funder: 'funder-report'
};
const EVERYONE: Record<Role, Access> = { admin: 'allow', committee: 'allow', researcher: 'allow', funder: 'allow' };

/** Every page and export the site has, with what each role may do there (one URL per route, every figure CSV). */
const URLS: [string, Record<Role, Access>][] = [
  ['/services', EXACT],
  ['/services/CNWL-EIP', EXACT],
  ['/timeline', EXACT],
  ['/uptake', EXACT],
  ['/functionality', EXACT],
  ['/usage', EXACT],
  ['/settings', EXACT],
  ['/equity', EXACT],
  ['/data', EXACT],
  // The funder may download every figure, but only as the disclosure-controlled CSV (?audience=funder is forced).
  ...FIGURE_IDS.map((id): [string, Record<Role, Access>] => [
    `/download/${id}.csv${id === 'service-history' ? '?service=CNWL-EIP' : ''}`,
    REPORT
  ]),
  ['/data/upload', ADMIN],
  ['/admin/audit', ADMIN],
  ['/admin/users', ADMIN],
  ['/admin/users/cal', ADMIN],
  ['/reports', EVERYONE],
  ['/reports/funder-impact', REPORT],
  ['/reports/steering-committee-monthly?audience=committee', REPORT],
  ['/reports/funder-impact.html', REPORT],
  ['/reports/funder-impact.pdf', REPORT],
  ['/interviews', INTERVIEWS],
  ['/interviews/codebook', INTERVIEWS],
  ['/interviews/matrix', INTERVIEWS],
  ['/interviews/themes', INTERVIEWS],
  ['/interviews/themes/prevalence.csv', INTERVIEWS],
  ['/interviews/transcripts/{transcript}', INTERVIEWS],
  ['/interviews/export', INTERVIEWS],
  ['/interviews/export/project.qdpx', INTERVIEWS],
  ['/interviews/export/codebook.qdc', INTERVIEWS],
  ['/interviews/export/matrix.xlsx', INTERVIEWS]
];
const url = (path: string) => path.replace('{transcript}', transcriptId);

describe('every role on every route and export', () => {
  describe.each(URLS)('%s', (path, byRole) => {
    test.each(ROLES)('%s', async (role) => {
      const visitor = visitors.get(role)!;
      const response = await visitor.request(url(path));
      const access = byRole[role];
      if (access === 'allow') {
        expect(response.status, await response.clone().text()).toBe(200);
      } else if (access === 'refuse') {
        expect(response.status).toBe(403);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        const html = await response.text();
        expect(html).toContain('<h1 class="nhsuk-heading-l">You cannot open this page</h1>');
        expect(html).toContain(
          `You are signed in as <strong>${ACCOUNTS.find((a) => a.role === role)!.username}</strong> with the ${role} role`
        );
        expect(html).toContain(
          role === 'funder' ? '<a href="/reports">Go to the reports</a>' : '<a href="/">Go to the overview</a>'
        );
      } else {
        // The funder is sent to the same report for the funder audience, whatever was asked for, and it opens.
        expect(response.status).toBe(303);
        const location = response.headers.get('location')!;
        const target = new URL(location, server.url);
        expect(target.pathname).toBe(new URL(url(path), server.url).pathname);
        expect(target.searchParams.get('audience')).toBe('funder');
        expect((await visitor.request(location)).status).toBe(200);
      }
    });
  });

  test('the 403 page says why in words: the funder on an exact page, the committee on a transcript', async () => {
    const funder = await (await visitors.get('funder')!.request('/timeline')).text();
    expect(funder).toContain(
      '<p>This page shows exact figures, including small counts of patients. The funder role sees disclosure-controlled figures only, in the reports.</p>'
    );
    const committee = await (
      await visitors.get('committee')!.request(url('/interviews/transcripts/{transcript}'))
    ).text();
    expect(committee).toContain(
      'Interview transcripts and codings are sensitive even when anonymised: only researchers (and admins) can open them.'
    );
    // A download refused to a script (no text/html) is the same sentence as text.
    const plain = await visitors
      .get('funder')!
      .request('/interviews/themes/prevalence.csv', { headers: { accept: 'text/csv' } });
    expect(plain.status).toBe(403);
    expect(await plain.text()).toBe(
      'You cannot open this page. Interview transcripts and codings are sensitive even when anonymised: only researchers (and admins) can open them.\n'
    );
  });

  test('a funder opening the overview is sent to the reports, whose list it may read', async () => {
    const response = await visitors.get('funder')!.request('/');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/reports');
  });

  test('the funder report really is the disclosure-controlled one', async () => {
    const forced = await visitors.get('funder')!.request('/reports/funder-impact.html?audience=funder');
    const html = await forced.text();
    expect(html).toContain('nhs-digital');
    const exact = await visitors.get('committee')!.request('/reports/funder-impact.html?audience=committee');
    expect(await exact.text()).not.toContain('nhs-digital');
  });

  test('a funder asking for the exact CSV of a figure is sent to the controlled one', async () => {
    const funder = visitors.get('funder')!;
    const asked = await funder.request('/download/uptake-funnel.csv?audience=committee');
    expect(asked.status).toBe(303);
    const location = asked.headers.get('location')!;
    expect(new URL(location, server.url).searchParams.get('audience')).toBe('funder');
    const csv = await (await funder.request(location)).text();
    // Psychosis: 15 consented → 15, 12 registered → 10, so 10 of 15 = 67% (exact would be 80.0%).
    // Approached 40, sharing with a carer 1 → *, rate 10 / 15 = 67% (exact: 12 / 15 = 80%).
    expect(csv.split('\r\n')).toContain('Early Intervention in Psychosis,40,15,10,*,0,38%,67%');
    expect(csv).toContain('(profile: nhs-digital');
    const exact = await (await visitors.get('committee')!.request('/download/uptake-funnel.csv')).text();
    expect(exact).toContain('(profile: none)');
  });

  test('the header shows each role only the links it can follow', async () => {
    const nav = async (role: Role) => {
      const html = await (await visitors.get(role)!.request('/reports')).text();
      const list = html.slice(html.indexOf('uptake-navigation-list'), html.indexOf('</nav>'));
      return [...list.matchAll(/class="nhsuk-header__navigation-link" href="([^"?]*)/g)].map((m) => m[1]);
    };
    expect(await nav('funder')).toEqual(['/reports']);
    expect(await nav('committee')).toEqual([
      '/',
      '/services',
      '/timeline',
      '/uptake',
      '/functionality',
      '/usage',
      '/settings',
      '/equity',
      '/reports',
      '/data'
    ]);
  });
});

describe('not signed in', () => {
  test.each(['/', ...URLS.map(([path]) => path), '/no-such-page'])(
    '%s redirects to the sign-in page, remembering where it was going',
    async (path) => {
      const response = await new Visitor(server.url).request(url(path));
      expect(response.status).toBe(303);
      const target = url(path);
      expect(response.headers.get('location')).toBe(
        target === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(target)}`
      );
    }
  );

  test('a signed-in person asking for a page that does not exist gets the 404 page', async () => {
    expect((await visitors.get('committee')!.request('/no-such-page')).status).toBe(404);
  });
});

describe('signing in and out', () => {
  test('the session cookie is HttpOnly, SameSite=Lax, site-wide, not Secure over plain http, and expires', async () => {
    const visitor = new Visitor(server.url);
    const response = await visitor.signIn('cal', undefined, '/timeline?setting=acute');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/timeline?setting=acute');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('uptake_session='))!;
    expect(cookie).toMatch(/^uptake_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain('Expires=');
    expect(cookie).not.toContain('Secure');
  });

  test('after sign-in, a link elsewhere is not followed, and a page the role cannot open sends it home', async () => {
    const offsite = await new Visitor(server.url).signIn('cal', undefined, '//evil.example/');
    expect(offsite.headers.get('location')).toBe('/');
    const funder = await new Visitor(server.url).signIn('fay', undefined, '/timeline');
    expect(funder.headers.get('location')).toBe('/reports');
  });

  test('a wrong password and an unknown name get the same answer; the lockout rule is always on the page', async () => {
    const page = await (await new Visitor(server.url).request('/sign-in')).text();
    // Whitespace in HTML is not text: the formatter may wrap a sentence across lines.
    expect(page.replace(/\s+/g, ' ')).toContain(
      'After 5 failed attempts within 15 minutes, that username cannot sign in'
    );
    for (const name of ['rea', 'nobody-here']) {
      const response = await new Visitor(server.url).signIn(name, 'not the password');
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('The username or password is not right');
    }
  });

  test('five failures lock a name, existing or not, with a clear message, even for the right password', async () => {
    for (const name of ['rea', 'ghost']) {
      const attempts: number[] = [];
      // rea failed once above and ghost never: make it five in all.
      for (let i = name === 'rea' ? 1 : 0; i < 5; i++)
        attempts.push((await new Visitor(server.url).signIn(name, 'not the password')).status);
      expect(attempts.at(-1)).toBe(429);
      const right = await new Visitor(server.url).signIn(name);
      expect(right.status).toBe(429);
      const html = await right.text();
      expect(html).toMatch(/Too many failed attempts: this username cannot sign in until \d\d:\d\d \(UK time\)\./);
    }
    // Someone else is not locked out, and rea's existing session still works.
    expect((await new Visitor(server.url).signIn('cal')).status).toBe(303);
    expect((await visitors.get('researcher')!.request('/interviews')).status).toBe(200);
  });

  test('sign-out ends the session on the server, not only in the browser', async () => {
    const visitor = await signedIn(server.url, 'ada');
    const stolen = visitor.cookie;
    const out = await visitor.request('/sign-out', { method: 'POST', headers: { origin: server.url } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/sign-in?signed-out');
    expect(visitor.cookie).toBe('');
    const replay = new Visitor(server.url);
    replay.cookie = stolen;
    expect((await replay.request('/')).headers.get('location')).toBe('/sign-in');
  });
});

describe('cross-site requests', () => {
  test("SvelteKit's own check refuses a cross-site form post", async () => {
    const response = await fetch(`${server.url}/sign-in`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=ada&password=x',
      redirect: 'manual'
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('Cross-site POST form submissions are forbidden');
  });

  test('the hook refuses any write without our Origin, whatever its content type, even with a valid session', async () => {
    const admin = visitors.get('admin')!;
    const json = await admin.request('/sign-out', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}'
    });
    expect(json.status).toBe(403);
    expect(await json.text()).toBe('Cross-site POST requests are refused: send it from an Uptake page.\n');
    const other = await admin.request('/data/upload', {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:1', 'content-type': 'application/octet-stream' },
      body: 'x'
    });
    expect(other.status).toBe(403);
    // The admin is still signed in: nothing happened.
    expect((await admin.request('/admin/audit')).status).toBe(200);
  });
});

describe('security headers', () => {
  test('pages: SvelteKit CSP with frame-ancestors none, frame denial, no sniffing, referrer kept to the site', async () => {
    const response = await visitors.get('committee')!.request('/timeline');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('strict-transport-security')).toBeNull(); // plain http here
  });

  test('downloads and the sign-in page carry them too', async () => {
    const csv = await visitors.get('committee')!.request('/download/services.csv');
    expect(csv.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    );
    expect(csv.headers.get('x-content-type-options')).toBe('nosniff');
    const signIn = await new Visitor(server.url).request('/sign-in');
    expect(signIn.headers.get('x-frame-options')).toBe('DENY');
    expect(signIn.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('uploads', () => {
  const upload = (name: string, bytes: Uint8Array | string, headers: Record<string, string> = {}) => {
    const form = new FormData();
    form.set('file', new Blob([bytes as BlobPart]), name);
    return visitors
      .get('admin')!
      .request('/data/upload', { method: 'POST', body: form, headers: { origin: server.url, ...headers } });
  };

  test('larger than the limit: refused from its length, before it is read, with a page that says so', async () => {
    const response = await upload('uptake-2017-03-06.csv', 'x'.repeat(1.5 * 1048576));
    expect(response.status).toBe(413);
    const html = await response.text();
    expect(html).toContain('<h1 class="nhsuk-heading-l">The file is too large</h1>');
    expect(html).toMatch(/The upload is 1\.5 MB; the largest file accepted is (0\.5|1\.0) MB\./);
  });

  test('the wrong type, by name or by content, and a zip bomb posing as a workbook: each refused with its reason', async () => {
    const exe = await upload('services.exe', 'MZ\u0000\u0000');
    expect(exe.status).toBe(422);
    expect(await exe.text()).toContain(
      'services.exe is not a file Uptake loads: the accepted types are CSV (.csv), Excel workbook (XLSX) (.xlsx), JSON (.json).'
    );
    const binary = await upload('uptake-2017-03-06.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    expect(await binary.text()).toContain('uptake-2017-03-06.csv is named .csv but holds binary data, not text.');
    const bomb = writeZip([
      { name: 'xl/workbook.xml', data: '<workbook/>' },
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(20 * 1048576) }
    ]);
    expect(bomb.length).toBeLessThan(1048576 / 2);
    const refused = await upload('services.xlsx', bomb);
    expect(refused.status).toBe(422);
    expect(await refused.text()).toMatch(
      /services\.xlsx was refused: the entry "xl\/worksheets\/sheet1\.xml" would unpack \d+ times larger than it is stored \(a zip bomb\)/
    );
  });

  test('the name sent is never a path: a traversal name loads under its last part only', async () => {
    const lines = readFileSync(join(DEMO_DIR, 'uptake-2017-02-06.csv'), 'utf8').trimEnd().split(/\r?\n/);
    const later = [lines[0], ...lines.slice(1).map((l) => l.replace(/^2017-02-06/, '2017-03-06'))].join('\n') + '\n';
    const response = await upload('../../../uptake-2017-03-06.csv', later);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('uptake-2017-03-06.csv was loaded.');
    const data = await (await visitors.get('admin')!.request('/data')).text();
    expect(data).toContain('uptake-2017-03-06.csv');
    expect(data).not.toContain('../');
  });
});

describe('the audit log', () => {
  /** Rows of /admin/audit for a query, as [who, what, target, outcome, detail]. */
  async function auditRows(query: string): Promise<string[][]> {
    const html = await (await visitors.get('admin')!.request(`/admin/audit?${query}`)).text();
    const body = html.slice(html.indexOf('<tbody'), html.indexOf('</tbody>'));
    return [...body.matchAll(/<tr class="nhsuk-table__row">([\s\S]*?)<\/tr>/g)]
      .map((row) =>
        [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
          cell[1]
            .replace(/<!--[^>]*-->/g, '')
            .replace(/&amp;/g, '&')
            .replace(/&#39;/g, "'")
            .replace(/&quot;/g, '"')
            .trim()
        )
      )
      .map(([, who, what, target, outcome, detail]) => [who, what, target, outcome, detail]);
  }

  test('records each kind of event the tests above caused, with who, what and the outcome', async () => {
    const signIns = await auditRows('action=sign-in');
    expect(signIns).toContainEqual(['cal (committee)', 'sign-in', 'password', 'ok', '']);
    expect(signIns).toContainEqual(['rea', 'sign-in', 'password', 'failed', 'wrong password']);
    expect(signIns).toContainEqual(['nobody-here', 'sign-in', 'password', 'failed', 'no such account']);
    expect(signIns.filter((r) => r[0] === 'ghost' && r[3] === 'refused')).toHaveLength(1);
    expect(await auditRows('action=sign-out')).toEqual([['ada (admin)', 'sign-out', '', 'ok', '']]);
    expect(await auditRows('action=download&actor=cal')).toContainEqual([
      'cal (committee)',
      'download',
      '/download/services.csv',
      'ok',
      ''
    ]);
    expect(await auditRows('action=download&actor=rea')).toContainEqual([
      'rea (researcher)',
      'download',
      '/interviews/export/project.qdpx',
      'ok',
      ''
    ]);
    expect(await auditRows('action=report-render&actor=fay')).toContainEqual([
      'fay (funder)',
      'report-render',
      '/reports/funder-impact.pdf?audience=funder',
      'ok',
      ''
    ]);
    expect(await auditRows('action=transcript-view&actor=rea')).toContainEqual([
      'rea (researcher)',
      'transcript-view',
      `/interviews/transcripts/${transcriptId}`,
      'ok',
      ''
    ]);
    const refusals = await auditRows('action=access-refused&actor=fay');
    expect(refusals).toContainEqual([
      'fay (funder)',
      'access-refused',
      '/timeline',
      'refused',
      'This page shows exact figures, including small counts of patients. The funder role sees disclosure-controlled figures only, in the reports.'
    ]);
    const loads = await auditRows('action=load');
    expect(loads).toContainEqual([
      'ada (admin)',
      'load',
      'services.exe',
      'failed',
      expect.stringContaining('rejected: 1 problem, nothing loaded (first: upload-wrong-type: ')
    ]);
    expect(loads.find((r) => r[2] === 'uptake-2017-03-06.csv' && r[3] === 'ok')?.[4]).toMatch(
      /^loaded 1 file, 13 rows \(batch .+\)$/
    );
    expect(await auditRows('action=account-add')).toHaveLength(4); // the four accounts the test made
  });

  test("filters are bound values: ' OR 1=1 -- finds nothing; a bad date is a 400 page", async () => {
    const html = await (
      await visitors.get('admin')!.request(`/admin/audit?actor=${encodeURIComponent("' OR 1=1 --")}`)
    ).text();
    expect(html).toContain('No events match.');
    expect(await auditRows(`text=${encodeURIComponent("' OR 1=1 --")}`)).toEqual([]);
    const bad = await visitors.get('admin')!.request(`/admin/audit?since=${encodeURIComponent("2017' OR 1=1 --")}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('is not a date: since takes YYYY-MM-DD or YYYY-MM-DD HH:MM.');
  });
});
