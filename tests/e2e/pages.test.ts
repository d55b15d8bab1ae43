/**
 * Every dashboard page in Chromium against the built server on the demo programme: it answers 200, logs no console
 * error and requests nothing that fails, has no serious or critical axe violation (WCAG 2.2 A and AA), reflows at
 * 320px without sideways scrolling of the page, and leaves a full-page screenshot in tests/output/ to look at.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import { startDashboard, type DashboardServer } from './server.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from './browser.ts';

/** Every page, with the name of its screenshot and the number of server-rendered charts it must show. */
export const PAGES = [
  { path: '/', name: 'overview', heading: 'Overview', charts: 1 },
  { path: '/services', name: 'services', heading: 'Services', charts: 0 },
  { path: '/services/CNWL-EIP', name: 'service', heading: 'Early Intervention in Psychosis', charts: 1 },
  { path: '/timeline', name: 'timeline', heading: 'Setup timeline', charts: 1 },
  { path: '/uptake', name: 'uptake', heading: 'Uptake and trends', charts: 2 },
  { path: '/functionality', name: 'functionality', heading: 'Functionality', charts: 1 },
  { path: '/settings', name: 'settings', heading: 'Settings', charts: 1 },
  // The demo programme has no unit characteristics: the page says how to load them (tests/e2e/equity.test.ts has data).
  { path: '/equity', name: 'equity-none-loaded', heading: 'Equity of reach', charts: 0 },
  { path: '/data', name: 'data', heading: 'Data', charts: 0 },
  { path: '/data/upload', name: 'upload', heading: 'Load an export', charts: 0 }
];

let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  server = await startDashboard();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.each(PAGES)('$path', ({ path, name, heading, charts }) => {
  test('loads with no console errors, has its heading and charts, and no serious axe violations', async () => {
    const { page, errors } = await openPage(browser);
    const response = await page.goto(server.url + path);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toContain(heading);
    expect(await page.locator('figure svg[role="img"]').count()).toBe(charts);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });

    // Open every "Show data table" so that axe checks the tables too.
    await page.$$eval('details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
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

test('the overview reflows at 320px: nothing wider than the screen but scrollable tables', async () => {
  const { page, errors } = await openPage(browser);
  await page.setViewportSize({ width: 320, height: 800 });
  await page.goto(server.url + '/');
  await page.screenshot({ path: screenshotPath('overview-320px'), fullPage: true });
  const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(pageWidth).toBe(320);
  expect(errors).toEqual([]);
  await page.close();
});

test('a link with an unknown filter value shows a 400 page that says what was wrong', async () => {
  const { page } = await openPage(browser);
  const response = await page.goto(server.url + '/?setting=hospital');
  expect(response?.status()).toBe(400);
  await expect(page.locator('h1').textContent()).resolves.toContain('There is a problem with this link');
  await expect(page.locator('main').textContent()).resolves.toContain('There is no setting "hospital"');
  const bad = await page.goto(server.url + "/services?organisation=x'%20OR%201=1--");
  expect(bad?.status()).toBe(400);
  await expect(page.locator('main').textContent()).resolves.toContain(
    `No service is loaded for the organisation "x' OR 1=1--"`
  );
  await page.close();
});

test('the overview prints on A4: no navigation or forms, and no figure split across pages', async () => {
  const { page } = await openPage(browser);
  await page.goto(server.url + '/');
  await page.emulateMedia({ media: 'print' });
  // A4 at 96 dpi less 15 mm margins is about 680px wide.
  await page.setViewportSize({ width: 680, height: 1000 });
  await page.screenshot({ path: screenshotPath('overview-print'), fullPage: true });
  const printed = await page.evaluate(() => ({
    hidden: ['.nhsuk-header__navigation', '.uptake-filters', '.uptake-figure__download'].map(
      (selector) => getComputedStyle(document.querySelector(selector)!).display
    ),
    figures: [...document.querySelectorAll('figure')].map((f) => getComputedStyle(f).breakInside),
    widest: Math.max(...[...document.querySelectorAll('figure svg')].map((svg) => svg.getBoundingClientRect().width))
  }));
  expect(printed.hidden).toEqual(['none', 'none', 'none']);
  expect(printed.figures).toEqual(['avoid', 'avoid']);
  expect(printed.widest).toBeLessThanOrEqual(680);
  const pdf = await page.pdf({ format: 'A4', margin: { top: '15mm', bottom: '15mm', left: '15mm', right: '15mm' } });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  await page.close();
});
