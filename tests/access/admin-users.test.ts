/**
 * /admin/users on the built server (`npm run build` first), over HTTP as a browser without JavaScript sends it: an
 * admin adds an account, changes a role, resets a password, disables and re-enables an account and ends a lockout,
 * each taking effect at once and each in the audit log; nobody else can. And the lockout, counted per username and
 * client address, per address, and per username everywhere: someone guessing at the admin's password from one address
 * no longer locks the admin out.
 *
 * The server runs behind a "proxy" here (ADDRESS_HEADER=x-forwarded-for), so each visitor can come from an address of
 * its own.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PASSWORD, startAccessServer, Visitor, type AccessServer } from './helpers/server.ts';

let server: AccessServer;

/** A visitor at a client address of its own. */
class At extends Visitor {
  constructor(
    base: string,
    readonly address: string
  ) {
    super(base);
  }
  override request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-for', this.address);
    return super.request(path, { ...init, headers });
  }
}

let admin: At;

beforeAll(async () => {
  server = await startAccessServer({ env: { ADDRESS_HEADER: 'x-forwarded-for', XFF_DEPTH: '1' } });
  admin = new At(server.url, '10.0.0.1');
  expect((await admin.signIn('ada')).status).toBe(303);
});

afterAll(async () => {
  await server?.stop();
});

/** The page's text as a person reads it: tags gone, entities decoded, spaces squeezed. */
function readable(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Posts a form to an action as a browser without JavaScript does (same origin, form encoding). */
async function post(visitor: Visitor, path: string, fields: Record<string, string> = {}) {
  const response = await visitor.request(path, {
    method: 'POST',
    headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString()
  });
  return { status: response.status, text: readable(await response.text()) };
}

async function signIn(username: string, password = PASSWORD, address = '10.0.0.200') {
  const visitor = new At(server.url, address);
  const response = await visitor.signIn(username, password);
  return { visitor, status: response.status, text: readable(await response.text()) };
}

/** Rows of the audit log for a query, as text. */
async function auditText(query: string): Promise<string> {
  const html = await (await admin.request(`/admin/audit?${query}`)).text();
  return readable(html.slice(html.indexOf('<tbody'), html.indexOf('</tbody>')));
}

describe('an admin manages accounts from the web, without JavaScript', () => {
  test('lists every account with its role and state', async () => {
    const response = await admin.request('/admin/users');
    expect(response.status).toBe(200);
    const text = readable(await response.text());
    expect(text).toContain('Accounts (4)');
    for (const row of ['ada admin password Active', 'cal committee password Active', 'fay funder password Active'])
      expect(text).toContain(row);
  });

  test('adds an account, which can sign in at once; a short password or a taken name is refused on the form', async () => {
    const short = await post(admin, '/admin/users?/add', {
      username: 'newbie',
      name: 'New Person',
      role: 'committee',
      password: 'too short'
    });
    expect(short.status).toBe(400);
    expect(short.text).toContain('There is a problem A password must be at least 12 characters long.');
    const taken = await post(admin, '/admin/users?/add', { username: 'CAL', role: 'funder', password: PASSWORD });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('There is already an account "cal".');
    const noRole = await post(admin, '/admin/users?/add', { username: 'newbie', password: PASSWORD });
    expect(noRole.status).toBe(400);
    expect(noRole.text).toContain('There is no role "": the roles are admin, committee, researcher, funder.');

    const added = await post(admin, '/admin/users?/add', {
      username: 'newbie',
      name: 'New Person',
      role: 'committee',
      password: PASSWORD
    });
    expect(added.status).toBe(200);
    expect(added.text).toContain('Account newbie added with the committee role.');
    expect(added.text).toContain('Accounts (5)');
    expect((await signIn('newbie')).status).toBe(303);
    expect(await auditText('action=account-add&actor=ada')).toMatch(
      /ada \(admin\) account-add newbie ok role committee/
    );
  });

  test('changes a role, which applies to the next request of a live session', async () => {
    const { visitor: rea } = await signIn('rea');
    expect((await rea.request('/interviews')).status).toBe(200);
    const changed = await post(admin, '/admin/users/rea?/role', { role: 'funder' });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain("rea's role is now funder (was researcher).");
    expect((await rea.request('/interviews')).status).toBe(403);
    expect((await post(admin, '/admin/users/rea?/role', { role: 'researcher' })).status).toBe(200);
    expect((await rea.request('/interviews')).status).toBe(200);
    expect(await auditText('action=role-change&actor=ada')).toContain('rea ok funder → researcher');
  });

  test('disables an account: its session ends, it cannot sign in, and is told why; enabling it undoes that', async () => {
    const { visitor: cal } = await signIn('cal');
    const disabled = await post(admin, '/admin/users/cal?/disable');
    expect(disabled.text).toContain('cal is disabled: they cannot sign in, and they have been signed out everywhere.');
    expect((await cal.request('/services')).headers.get('location')).toBe('/sign-in?next=%2Fservices');
    const refused = await signIn('cal');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('This account has been disabled. Ask an Uptake admin if you still need it.');
    // A wrong password on a disabled account gets the usual answer: being disabled is no clue to a guesser.
    expect((await signIn('cal', 'not the password')).text).toContain('The username or password is not right');
    expect(readable(await (await admin.request('/admin/users')).text())).toContain('cal committee password Disabled');
    expect((await post(admin, '/admin/users/cal?/enable')).text).toContain('cal can sign in again.');
    expect((await signIn('cal')).status).toBe(303);
    const log = await auditText('actor=ada&text=cal');
    expect(log).toContain('account-disable cal ok sessions ended');
    expect(log).toContain('account-enable cal ok');
  });

  test('resets a password: the old one stops working and every session of the account ends', async () => {
    const { visitor: fay } = await signIn('fay');
    const reset = await post(admin, '/admin/users/fay?/password', { password: 'a brand new password' });
    expect(reset.text).toContain("fay's password has been reset and they have been signed out everywhere.");
    expect((await fay.request('/reports')).status).toBe(303);
    expect((await signIn('fay')).status).toBe(400);
    expect((await signIn('fay', 'a brand new password')).status).toBe(303);
    expect(await auditText('action=password-reset&actor=ada')).toContain('fay ok sessions ended');
  });

  test('refuses what would lock admins out: disabling or demoting yourself', async () => {
    const self = await post(admin, '/admin/users/ada?/disable');
    expect(self.status).toBe(400);
    expect(self.text).toContain('You cannot disable your own account: ask another admin.');
    const role = await post(admin, '/admin/users/ada?/role', { role: 'funder' });
    expect(role.status).toBe(400);
    expect(role.text).toContain('You cannot change your own role: ask another admin.');
  });

  test('an unknown account is a 404 that names no one', async () => {
    const response = await admin.request('/admin/users/nobody-here');
    expect(response.status).toBe(404);
    expect(readable(await response.text())).toContain('There is no account with that username.');
  });

  test('nobody but an admin can change an account, or see the list', async () => {
    const { visitor: cal } = await signIn('cal', PASSWORD, '10.0.0.5');
    expect((await cal.request('/admin/users')).status).toBe(403);
    const forged = await post(cal, '/admin/users?/add', { username: 'mallory', role: 'admin', password: PASSWORD });
    expect(forged.status).toBe(403);
    expect((await post(cal, '/admin/users/cal?/role', { role: 'admin' })).status).toBe(403);
    expect(readable(await (await admin.request('/admin/users')).text())).not.toContain('mallory');
    expect((await signIn('mallory')).status).toBe(400);
  });
});

describe('the lockout, per username and address, per address, and per username everywhere', () => {
  test('five wrong passwords for the admin from one address lock that address out, not the admin', async () => {
    for (let i = 0; i < 4; i++) expect((await signIn('ada', 'not the password', '10.6.6.6')).status).toBe(400);
    const fifth = await signIn('ada', 'not the password', '10.6.6.6');
    expect(fifth.status).toBe(429);
    expect(fifth.text).toMatch(/Too many failed attempts: this username cannot sign in until \d\d:\d\d \(UK time\)\./);
    expect((await signIn('ada', PASSWORD, '10.6.6.6')).status).toBe(429);
    // The admin, elsewhere, signs in as usual.
    expect((await signIn('ada', PASSWORD, '10.0.0.2')).status).toBe(303);
  });

  test('twenty failures from one address, whatever the usernames, lock the address for everyone on it', async () => {
    for (let i = 0; i < 19; i++) expect((await signIn(`guess${i}`, 'not the password', '10.7.7.7')).status).toBe(400);
    expect((await signIn('guess19', 'not the password', '10.7.7.7')).status).toBe(429);
    const blocked = await signIn('cal', PASSWORD, '10.7.7.7');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toMatch(
      /Too many failed sign-in attempts from your network address: nobody can sign in from it until \d\d:\d\d \(UK time\)\./
    );
    expect((await signIn('cal', PASSWORD, '10.0.0.3')).status).toBe(303);
  });

  test('thirty failures for one username from many addresses lock it everywhere, until an admin unlocks it', async () => {
    await post(admin, '/admin/users?/add', { username: 'lockme', role: 'funder', password: PASSWORD });
    for (let address = 1; address <= 6; address++)
      for (let i = 0; i < 5; i++) await signIn('lockme', 'not the password', `10.8.0.${address}`);
    expect((await signIn('lockme', PASSWORD, '10.9.9.9')).status).toBe(429);
    expect(readable(await (await admin.request('/admin/users')).text())).toMatch(
      /lockme funder password Locked until \d\d:\d\d \(UK time\)/
    );
    const page = readable(await (await admin.request('/admin/users/lockme')).text());
    expect(page).toMatch(
      /Locked until \d\d:\d\d \(UK time\), \d+ \w+, after too many failed sign-ins \(from 6 addresses\)\./
    );
    const unlocked = await post(admin, '/admin/users/lockme?/unlock');
    expect(unlocked.text).toContain('lockme can sign in again now: their failed attempts no longer count.');
    expect((await signIn('lockme', PASSWORD, '10.9.9.9')).status).toBe(303);
    expect(await auditText('action=account-unlock')).toContain(
      'ada (admin) account-unlock lockme ok failed sign-ins cleared'
    );
  });
});
