/**
 * The Usage page and the Functionality page's "% of units offering each function" in Chromium, on the NHS POMI
 * fixture loaded with the built-in nhs-pomi-practice profile (tests/fixtures/load/nhs-pomi/): 200, the charts, the
 * "not reported" wording, no console error, no serious or critical axe violation with every table open, a full-page
 * screenshot in tests/output/ (overview-pomi.png, usage.png, usage-organisation-april.png, functionality-pomi.png).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import { startDashboard, type DashboardServer } from './server.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from './browser.ts';

const POMI = resolve(import.meta.dirname, '../fixtures/load/nhs-pomi');

let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDashboard([POMI], { profile: 'nhs-pomi-practice' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const PAGES = [
  // The overview's headline cards: POMI reports no consented patients, so that card says so rather than 0 or "None".
  { path: '/', name: 'overview-pomi', heading: 'Overview', charts: 0, text: 'Patients consented Not reported' },
  {
    path: '/usage',
    name: 'usage',
    heading: 'Usage',
    charts: 1,
    text: 'Transactions per registered patient by function'
  },
  {
    // April, by organisation: Southampton's practice reported no registered patients that month.
    path: '/usage?asOf=2018-04-30&level=organisation',
    name: 'usage-organisation-april',
    heading: 'Usage',
    charts: 1,
    text: 'not reported'
  },
  {
    path: '/functionality',
    name: 'functionality-pomi',
    heading: 'Functionality',
    charts: 1,
    text: 'Least offered: detailed coded record, by 67% of the units reporting on 31 May 2018'
  }
];

describe.each(PAGES)('$path', ({ path, name, heading, charts, text }) => {
  test('loads with its charts and wording, no console errors and no serious axe violations', async () => {
    const { page, errors } = await openPage(browser);
    const response = await page.goto(server.url + path);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain(heading);
    expect(await page.locator('figure svg[role="img"]').count()).toBe(charts);
    await page.$$eval('details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    await expect(page.locator('main').textContent()).resolves.toContain(text);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    const serious = axe.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
    expect(serious).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

test('the header links to Usage; the level links keep the filters; a bad level is a 400 page', async () => {
  const { page } = await openPage(browser);
  await page.goto(server.url + '/usage?asOf=2018-04-30');
  await expect(page.locator('.nhsuk-header__navigation-link', { hasText: 'Usage' }).getAttribute('href')).resolves.toBe(
    '/usage?asOf=2018-04-30'
  );
  await expect(page.locator('a', { hasText: 'Sub-region' }).getAttribute('href')).resolves.toBe(
    '/usage?asOf=2018-04-30&level=subregion'
  );
  const csv = await page.request.get(server.url + '/download/usage-by-level.csv?asOf=2018-05-31&level=region');
  expect(csv.status()).toBe(200);
  const lines = (await csv.text())
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n');
  expect(lines[0]).toBe(
    'Region,Function,Transactions,Registered patients,Transactions per registered patient,Units reporting,Units'
  );
  expect(lines[1]).toBe('LONDON COMMISSIONING REGION,all functions,2530,3900,0.65,2,2');
  const bad = await page.goto(server.url + '/usage?level=practice');
  expect(bad?.status()).toBe(400);
  await page.close();
});

test.each(['/services', '/services/E85001', '/timeline', '/uptake', '/settings', '/data'])(
  '%s answers 200 on a source without a programme file or consent counts',
  async (path) => {
    const { page, errors } = await openPage(browser);
    const response = await page.goto(server.url + path);
    expect(response?.status()).toBe(200);
    expect(errors).toEqual([]);
    await page.close();
  }
);

test('the overview cards say "Not reported" where POMI gives no go-live or launch dates, not "0 of 0" or "None"', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url + '/');
  const card = async (key: string) =>
    (await page.locator(`[data-figure="${key}"]`).innerText()).replace(/\s+/g, ' ').trim();
  await expect(card('services_live')).resolves.toBe(
    'Services live Not reported the loaded exports give no approach or go-live dates'
  );
  await expect(card('median_months_launch_to_live')).resolves.toBe(
    'Median months from launch to live Not reported the loaded exports give no go-live dates'
  );
  expect(errors).toEqual([]);
  await page.close();
});
