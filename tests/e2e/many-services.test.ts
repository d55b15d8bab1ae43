/**
 * The chart pages in Chromium on a generated national-shape programme of 300 practices × 36 monthly snapshots
 * (bench/programme-generator.ts): past 25 services the charts are distributions and top-and-bottom views, the HTML
 * stays small, and axe finds no serious or critical violation. Screenshots go to tests/output/many-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateProgramme } from '../../bench/programme-generator.ts';
import { startDashboard, type DashboardServer } from './server.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from './browser.ts';

/** Each page with the charts it must show and a selector that proves the many-service form is the one drawn. */
const PAGES = [
  { path: '/', name: 'overview', charts: 1, proof: 'svg .uptake-adoption-step', absent: 'svg .uptake-go-live circle' },
  { path: '/uptake', name: 'uptake', charts: 2, proof: 'svg .uptake-band-median', absent: 'svg .uptake-trend-line' },
  { path: '/timeline', name: 'timeline', charts: 2, proof: 'svg .uptake-go-lives', absent: 'svg .uptake-bar-live' },
  { path: '/settings', name: 'settings', charts: 1, proof: 'figure svg', absent: null },
  {
    path: '/functionality',
    name: 'functionality',
    charts: 3,
    proof: 'svg .uptake-feature-coverage',
    absent: 'svg .uptake-feature-cell'
  },
  { path: '/services/BEN-00001', name: 'service', charts: 1, proof: 'figure svg', absent: null },
  {
    path: '/reports/steering-committee-monthly',
    name: 'report',
    charts: 2,
    proof: 'tr.report-rows-omitted',
    absent: null
  }
];

let folder: string;
let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-e2e-many-'));
  const generated = generateProgramme(join(folder, 'programme'), 300, 36, 'national');
  server = await startDashboard([generated.folder]);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe.each(PAGES)('$path with 300 services', ({ path, name, charts, proof, absent }) => {
  test('draws the many-service form, stays small, and has no serious axe violation', async () => {
    const { page, errors } = await openPage(browser);
    const response = await page.goto(server.url + path);
    expect(response?.status()).toBe(200);
    const html = await response!.body();
    expect(html.byteLength).toBeLessThan(400 * 1024);
    expect(await page.locator('figure svg[role="img"]').count()).toBe(charts);
    expect(await page.locator(proof).count()).toBeGreaterThan(0);
    if (absent) expect(await page.locator(absent).count()).toBe(0);
    await page.screenshot({ path: screenshotPath(`many-${name}`), fullPage: true });

    await page.$$eval('details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const started = performance.now();
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    console.log(`axe on ${path} (300 services): ${Math.round(performance.now() - started)} ms`);
    const serious = axe.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
    expect(serious).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

test('the functionality page shows each unit again once one organisation is chosen', async () => {
  const { page } = await openPage(browser);
  await page.goto(
    `${server.url}/functionality?organisation=${encodeURIComponent('East of England: practice group 3')}`
  );
  expect(await page.locator('figure svg[role="img"]').count()).toBe(1);
  expect(await page.locator('svg .uptake-feature-coverage').count()).toBe(0);
  expect(await page.locator('svg .uptake-feature-cell').count()).toBeGreaterThan(0);
  const text = (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
  expect(text).toContain("6 units match these filters, few enough to show each unit's features.");
  await page.screenshot({ path: screenshotPath('many-functionality-organisation'), fullPage: true });
  await page.close();
});

test('the timeline shows each service again once one organisation is chosen', async () => {
  const { page } = await openPage(browser);
  await page.goto(`${server.url}/timeline?organisation=${encodeURIComponent('East of England: practice group 3')}`);
  expect(await page.locator('figure svg[role="img"]').count()).toBe(1);
  expect(await page.locator('svg .uptake-go-lives').count()).toBe(0);
  expect(await page.locator('figure').first().textContent()).toContain('Timeline');
  await page.close();
});
