/**
 * The Equity page in Chromium on the hand-worked fixture (tests/fixtures/equity): 27 practices over two snapshots,
 * loaded in Uptake's own templates, and their deprivation scores with public-health-indicators. The chart, the plain
 * words on the trend, the within-organisation table, the units left out; no serious axe violation; the CSV download
 * keeps the characteristic chosen in the URL; a screenshot in tests/output/equity.png to look at.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { freePort } from '../helpers/free-port.ts';
import { requireBuild, startDashboardProcess, type DashboardProcess } from '../helpers/dashboard-process.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from './browser.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/equity');
const IMD = 'Deprivation score (IMD 2019)';

let server: DashboardProcess;
let browser: Browser;

beforeAll(async () => {
  requireBuild('the browser tests');
  const folder = mkdtempSync(join(tmpdir(), 'uptake-e2e-equity-'));
  const dbPath = join(folder, 'uptake.duckdb');
  const warehouse = await openWarehouse(dbPath);
  try {
    const rawDir = join(folder, 'raw');
    const practices = await loadPaths(warehouse, [join(FIXTURES, 'practices')], {
      rawDir
    });
    const scores = await loadPaths(warehouse, [join(FIXTURES, 'indicators-imd.csv')], {
      profile: 'public-health-indicators',
      rawDir
    });
    expect([practices.outcome, scores.outcome]).toEqual(['loaded', 'loaded']);
  } finally {
    warehouse.close();
  }
  server = await startDashboardProcess({ port: await freePort(), dbPath, folder, env: { UPTAKE_DEMO: '1' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

test('the Equity page shows the quintile chart, the trend in words, the tables, and passes axe', async () => {
  const { page, errors } = await openPage(browser);
  const response = await page.goto(`${server.url}/equity`);
  expect(response?.status()).toBe(200);
  await expect(page.locator('h1').textContent()).resolves.toBe('Equity of reach');
  expect(await page.locator('figure svg[role="img"]').count()).toBe(1);
  await expect(page.locator('#figure-equity-quintiles-title').textContent()).resolves.toBe(
    '30.0% registered in the least deprived fifth of units, 10.0% in the most deprived'
  );
  await expect(page.locator('#figure-equity-gap-summary').textContent()).resolves.toContain(
    'The gap is widening: the slope index went from 11.3 to 22.6 percentage points between 31 January 2026 and 31 July 2026'
  );
  await expect(page.locator('#figure-equity-gap-title').textContent()).resolves.toBe(
    'Is the gap widening or narrowing? It is widening'
  );
  await expect(page.locator('#equity-characteristic').inputValue()).resolves.toBe(IMD);
  const main = (await page.locator('main').textContent())!.replace(/\s+/g, ' ');
  expect(main).toContain('2 units in view have no value for Deprivation score (IMD 2019), so they are in no quintile.');
  // The navigation has the page, marked as current.
  await expect(page.locator('[aria-current="page"]').textContent()).resolves.toContain('Equity');
  await page.screenshot({ path: screenshotPath('equity'), fullPage: true });

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

test('the characteristic and as-of date live in the URL, and the CSV keeps them', async () => {
  const { page, errors } = await openPage(browser);
  const query = `?asOf=2026-01-31&characteristic=${encodeURIComponent(IMD)}`;
  await page.goto(`${server.url}/equity${query}`);
  await expect(page.locator('#figure-equity-gap-summary').textContent()).resolves.toMatch(
    /^At 31 January 2026, registration against list size was 11\.3 percentage points higher/
  );
  const href = await page
    .locator('#figure-equity-quintiles-title')
    .locator('xpath=ancestor::figure')
    .locator('a[download]')
    .getAttribute('href');
  expect(href).toBe(
    `/download/equity-quintiles.csv?${new URLSearchParams({ asOf: '2026-01-31', characteristic: IMD })}`
  );
  const csv = await (await fetch(`${server.url}${href}`)).text();
  expect(csv.split('\r\n')[1]).toBe('1 (most deprived),50.0 to 58.0,5,5,500,10000,5.0%,4.6%,5.4%');
  const unknown = await page.goto(`${server.url}/equity?characteristic=Rurality`);
  expect(unknown?.status()).toBe(400);
  await expect(page.locator('main').textContent()).resolves.toContain('No characteristic called "Rurality" is loaded');
  expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
  await page.close();
});
