/**
 * Single sign-on end to end in Chromium: a real OpenID provider (oidc-provider, its development login and consent
 * pages) on loopback, the built dashboard configured for it by UPTAKE_OIDC_*, and a person clicking through. Checks
 * the authorisation code flow with PKCE (S256), the role from the "groups" claim, the account it makes, a claim
 * change becoming a role change, a person with no mapped group refused with a message, and the audit trail.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';
import { freePort, signedIn, startAccessServer, type AccessServer } from './helpers/server.ts';
import { launchBrowser, screenshotPath, type Browser } from '../e2e/browser.ts';

/** The provider's people: login name → their claims. Mutable, so a test can move someone to another group. */
const PEOPLE: Record<string, { name: string; email: string; groups: string[] }> = {
  'rea.sso': { name: 'Rhian Sso', email: 'rhian.sso@nhs.example', groups: ['staff', 'uptake-researchers'] },
  'fay.sso': { name: 'Faye Sso', email: 'faye.sso@funder.example', groups: ['uptake-funders'] },
  'nobody.sso': { name: 'No Group', email: 'no.group@nhs.example', groups: ['staff'] }
};

let issuerServer: Server;
let dashboard: AccessServer;
let browser: Browser;
const authorisationRequests: URL[] = [];

beforeAll(async () => {
  const [issuerPort, dashboardPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${issuerPort}`;
  const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'uptake-dashboard',
        client_secret: 'a client secret for the tests',
        redirect_uris: [`${dashboardUrl}/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post'
      }
    ],
    // Every authorisation request must carry an S256 PKCE challenge, or the provider refuses it.
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'groups'], email: ['email'] },
    cookies: { keys: ['a cookie signing key for the tests'] },
    async findAccount(_ctx: unknown, id: string) {
      const person = PEOPLE[id];
      if (!person) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, preferred_username: id, ...person }) };
    }
  });
  issuerServer = provider.listen(issuerPort, '127.0.0.1');
  dashboard = await startAccessServer({
    port: dashboardPort,
    env: {
      UPTAKE_OIDC_ISSUER: issuer,
      UPTAKE_OIDC_CLIENT_ID: 'uptake-dashboard',
      UPTAKE_OIDC_CLIENT_SECRET: 'a client secret for the tests',
      UPTAKE_OIDC_ROLE_CLAIM: 'groups',
      UPTAKE_OIDC_ROLE_MAP: JSON.stringify({ 'uptake-researchers': 'researcher', 'uptake-funders': 'funder' }),
      UPTAKE_OIDC_LABEL: 'Sign in with your NHS account'
    }
  });
  browser = await launchBrowser();
  browser.context.on('request', (request) => {
    if (request.url().startsWith(`${issuer}/auth?`)) authorisationRequests.push(new URL(request.url()));
  });
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await new Promise((r) => (issuerServer ? issuerServer.close(r) : r(undefined)));
});

/** From an Uptake page that needs sign-in, through the provider's login and consent pages, back to Uptake. */
async function signInThroughProvider(page: Page, start: string, login: string): Promise<void> {
  await page.goto(dashboard.url + start);
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  await page.getByRole('link', { name: 'Sign in with your NHS account' }).click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('anything: the provider checks it, not Uptake');
  await page.locator('button[type="submit"]').click();
  // The development consent page asks once per person and client.
  const consent = page.locator('input[name="prompt"][value="consent"] ~ button[type="submit"]');
  await Promise.race([
    consent.waitFor({ timeout: 10_000 }),
    page.waitForURL((url) => url.origin === dashboard.url, { timeout: 10_000 })
  ]);
  if (new URL(page.url()).origin !== dashboard.url) await consent.click();
  await page.waitForURL((url) => url.origin === dashboard.url);
}

describe('single sign-on', () => {
  test('a researcher signs in through the provider and lands where they were going, as a researcher', async () => {
    const context = browser.context;
    await context.clearCookies();
    const page = await context.newPage();
    await signInThroughProvider(page, '/interviews', 'rea.sso');
    expect(new URL(page.url()).pathname).toBe('/interviews');
    await expect(page.locator('[data-testid="account-bar"]').textContent()).resolves.toContain(
      'Signed in as Rhian Sso (researcher)'
    );
    await page.screenshot({ path: screenshotPath('access-sso-researcher'), fullPage: false });

    // The code flow used PKCE with S256, a state and a nonce.
    const request = authorisationRequests.at(-1)!;
    expect(request.searchParams.get('response_type')).toBe('code');
    expect(request.searchParams.get('code_challenge_method')).toBe('S256');
    expect(request.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.searchParams.get('state')).toBeTruthy();
    expect(request.searchParams.get('nonce')).toBeTruthy();
    expect(request.searchParams.get('redirect_uri')).toBe(`${dashboard.url}/auth/oidc/callback`);

    // The session cookie is the same kind as after a password sign-in.
    const cookie = (await context.cookies(dashboard.url)).find((c) => c.name === 'uptake_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    await page.close();
  });

  test('a funder lands on the reports (not the interviews they asked for)', async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await signInThroughProvider(page, '/interviews', 'fay.sso');
    expect(new URL(page.url()).pathname).toBe('/reports');
    await expect(page.locator('[data-testid="account-bar"]').textContent()).resolves.toContain(
      'Signed in as Faye Sso (funder)'
    );
    await page.close();
  });

  test('someone whose groups map to no Uptake role is refused, and told why', async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await signInThroughProvider(page, '/', 'nobody.sso');
    expect(new URL(page.url()).pathname).toBe('/auth/oidc/callback');
    await expect(page.locator('h1').textContent()).resolves.toBe('You are not signed in');
    await expect(page.locator('[data-testid="sso-problem"]').textContent()).resolves.toBe(
      'Your organisation account has no Uptake role: its "groups" claim has no value that Uptake maps to a role. Ask your Uptake admin to give you access.'
    );
    expect((await browser.context.cookies(dashboard.url)).some((c) => c.name === 'uptake_session')).toBe(false);
    await page.screenshot({ path: screenshotPath('access-sso-no-role'), fullPage: false });
    await page.close();
  });

  test('a callback that was not started here (or replayed) signs nobody in', async () => {
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await page.goto(`${dashboard.url}/auth/oidc/callback?code=stolen&state=guessed`);
    await expect(page.locator('[data-testid="sso-problem"]').textContent()).resolves.toBe(
      'This sign-in was started too long ago, in another browser, or already finished. Start again.'
    );
    await page.close();
  });

  test('moving someone to another group at the provider changes their Uptake role at their next sign-in', async () => {
    PEOPLE['rea.sso'].groups = ['uptake-funders'];
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    await signInThroughProvider(page, '/', 'rea.sso');
    expect(new URL(page.url()).pathname).toBe('/reports');
    await expect(page.locator('[data-testid="account-bar"]').textContent()).resolves.toContain('(funder)');
    await page.close();
  });

  test('the audit log has the sign-ins, the refusal, the account made and the role change', async () => {
    const admin = await signedIn(dashboard.url, 'ada');
    const html = await (await admin.request('/admin/audit')).text();
    const rows = [...html.slice(html.indexOf('<tbody')).matchAll(/<tr class="nhsuk-table__row">([\s\S]*?)<\/tr>/g)].map(
      (row) =>
        [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)]
          .map((cell) =>
            cell[1]
              .replace(/<!--[^>]*-->/g, '')
              .replace(/&amp;/g, '&')
              .trim()
          )
          .slice(1, 6)
    );
    expect(rows).toContainEqual(['rea.sso (researcher)', 'sign-in', 'single sign-on', 'ok', 'subject rea.sso']);
    expect(rows).toContainEqual(['fay.sso (funder)', 'sign-in', 'single sign-on', 'ok', 'subject fay.sso']);
    expect(rows).toContainEqual(['single sign-on', 'account-add', 'rea.sso', 'ok', 'role researcher (single sign-on)']);
    expect(rows).toContainEqual([
      'single sign-on',
      'role-change',
      'rea.sso',
      'ok',
      "researcher → funder (from the identity provider's claim)"
    ]);
    expect(rows.find((r) => r[1] === 'sign-in' && r[3] === 'failed')?.[4]).toContain(
      'Your organisation account has no Uptake role'
    );
  });
});
