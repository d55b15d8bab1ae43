/**
 * Access pages in Chromium: a transcript holding a <script> and an <img onerror> shows them as text and runs
 * nothing; the sign-in page, the 403 page and the demo-mode banner look right (screenshots in tests/output/) and
 * have no serious axe violation; demo mode is off unless asked for, and on (clearly labelled) when it is.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { storeTranscript } from '../../pipeline/qualitative/transcripts.ts';
import { PASSWORD, startAccessServer, type AccessServer } from './helpers/server.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from '../e2e/browser.ts';

const HOSTILE = 'P99: <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & that was it.';

let server: AccessServer;
let demo: AccessServer;
let browser: Browser;
let transcriptId = '';

beforeAll(async () => {
  [server, demo] = await Promise.all([
    startAccessServer({
      prepare: async (warehouse) => {
        const stored = await storeTranscript(warehouse.connection, {
          title: 'Hostile <b>title</b>',
          format: 'txt',
          text: `INTERVIEWER: What happened?\n${HOSTILE}\n`
        });
        transcriptId = stored.transcript_id;
      }
    }),
    startAccessServer({ env: { UPTAKE_DEMO: '1' } })
  ]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([server?.stop(), demo?.stop()]);
});

async function seriousAxeViolations(page: Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help}`);
}

async function signInAs(page: Page, base: string, username: string, next = ''): Promise<void> {
  await page.goto(`${base}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
}

test('a transcript with a <script> and an <img onerror> shows them as text and runs nothing', async () => {
  await browser.context.clearCookies();
  const { page, errors } = await openPage(browser);
  await signInAs(page, server.url, 'rea', `/interviews/transcripts/${transcriptId}`);
  expect(new URL(page.url()).pathname).toBe(`/interviews/transcripts/${transcriptId}`);
  await expect(page.locator('main').textContent()).resolves.toContain(
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & that was it.'
  );
  await expect(page.locator('main').textContent()).resolves.toContain('Hostile <b>title</b>');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('main script, main img[src="x"], main b').count()).toBe(0);
  expect(errors.filter((e) => /pwned|Content Security Policy/.test(e))).toEqual([]);
  await page.close();
});

describe('pages', () => {
  test('the sign-in page: the lockout rule in words, an error summary when wrong, no serious axe violation', async () => {
    await browser.context.clearCookies();
    const { page } = await openPage(browser);
    await page.goto(`${server.url}/timeline`);
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/sign-in?next=%2Ftimeline');
    await expect(page.locator('h1').textContent()).resolves.toBe('Sign in to Uptake');
    await expect(page.locator('#password-hint').innerText()).resolves.toMatch(
      // The lock is on the username from that address (someone guessing elsewhere cannot lock its owner out).
      /After 5 failed attempts within 15 minutes, that username cannot sign in\s+from the same network address for 15 minutes; an admin can unlock it sooner\./
    );
    await page.locator('#username').fill('cal');
    await page.locator('#password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('.nhsuk-error-summary').textContent()).resolves.toContain(
      'The username or password is not right'
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('access-sign-in-error'), fullPage: true });
    // Then the right password goes where the person was going.
    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/timeline');
    await page.close();
  });

  test('the 403 page for a funder on an exact page: heading, reason, way on, no serious axe violation', async () => {
    await browser.context.clearCookies();
    const { page } = await openPage(browser);
    await signInAs(page, server.url, 'fay');
    const response = await page.goto(`${server.url}/services/CNWL-EIP`);
    expect(response?.status()).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('You cannot open this page');
    await expect(page.locator('main').textContent()).resolves.toContain(
      'The funder role sees disclosure-controlled figures only, in the reports.'
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('access-403-funder'), fullPage: true });
    await page.getByRole('link', { name: 'Go to the reports' }).click();
    await page.waitForURL((url) => url.pathname === '/reports');
    // Sign out from the account bar: a POST form.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await expect(page.locator('main').textContent()).resolves.toContain('You have signed out.');
    await page.close();
  });
});

describe('demo mode', () => {
  test('off unless asked for: the plain server asks everyone to sign in, and shows no banner', async () => {
    await browser.context.clearCookies();
    const { page } = await openPage(browser);
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByText('Demo mode').count()).toBe(0);
    await page.close();
  });

  test('on with UPTAKE_DEMO=1 on loopback: signed in as demo admin, and every page says so', async () => {
    await browser.context.clearCookies();
    const { page, errors } = await openPage(browser);
    for (const path of ['/', '/interviews', '/admin/audit', '/reports']) {
      const response = await page.goto(demo.url + path);
      expect(response?.status()).toBe(200);
      await expect(page.locator('[data-testid="account-bar"]').textContent()).resolves.toContain(
        'Demo mode: signed in as demo admin.'
      );
    }
    await page.goto(demo.url + '/');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({
      path: screenshotPath('access-demo-banner'),
      clip: { x: 0, y: 0, width: 1280, height: 300 }
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('/admin/users', () => {
  test('an admin adds an account and disables it, with clear errors on the way; no serious axe violation', async () => {
    await browser.context.clearCookies();
    const { page, errors } = await openPage(browser);
    await signInAs(page, server.url, 'ada', '/admin/users');
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    await expect(page.locator('h1').textContent()).resolves.toBe('Accounts');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('access-admin-users'), fullPage: true });

    // A password that is too short: the error summary names it and links to the field; what was typed is kept.
    await page.locator('#username').fill('new.person@example.org');
    await page.locator('#name').fill('New Person');
    await page.locator('#role-committee').check();
    await page.locator('#password').fill('too short');
    await page.getByRole('button', { name: 'Add account' }).click();
    const summary = page.locator('.nhsuk-error-summary');
    await summary.waitFor();
    await expect(summary.textContent()).resolves.toContain('A password must be at least 12 characters long.');
    expect(await summary.locator('a').getAttribute('href')).toBe('#password');
    expect(await page.locator('#username').inputValue()).toBe('new.person@example.org');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('access-admin-users-error'), fullPage: true });

    await page.locator('#password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByTestId('done').waitFor();
    await expect(page.getByTestId('done').textContent()).resolves.toContain(
      'Account new.person@example.org added with the committee role.'
    );
    await expect(page.locator('[data-testid="accounts"] tbody tr').count()).resolves.toBe(5);

    await page.getByRole('link', { name: 'new.person@example.org' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/users/new.person%40example.org');
    await expect(page.getByTestId('state').textContent()).resolves.toContain('Active.');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('access-admin-user'), fullPage: true });
    await page.getByRole('button', { name: 'Disable new.person@example.org' }).click();
    await page.getByTestId('done').waitFor();
    await expect(page.getByTestId('state').textContent()).resolves.toContain('Disabled: cannot sign in.');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The forms are enhanced here (JavaScript on): the refused short password came back without a page load.
    expect(errors).toEqual([]);
    await page.close();
  });
});
