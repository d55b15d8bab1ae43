/**
 * The Equity page's other measures in Chromium, on the ten practices of tests/fixtures/equity/pomi (the national
 * practice export, and their deprivation scores): usage per registered patient and the share of units offering a
 * function, chosen in the URL; the text names the measure and its denominator; no serious axe violation; the CSV
 * keeps the measure; an unknown measure is a 400. Screenshots in tests/output/equity-usage.png and
 * equity-offering.png to look at.
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

const FIXTURES = join(import.meta.dirname, '../fixtures/equity/pomi');

let server: DashboardProcess;
let browser: Browser;

beforeAll(async () => {
  requireBuild('the browser tests');
  const folder = mkdtempSync(join(tmpdir(), 'uptake-e2e-equity-measures-'));
  const dbPath = join(folder, 'uptake.duckdb');
  const warehouse = await openWarehouse(dbPath);
  try {
    const rawDir = join(folder, 'raw');
    const pomi = await loadPaths(warehouse, [join(FIXTURES, 'pomi-2026-07.csv')], {
      profile: 'nhs-pomi-practice',
      rawDir
    });
    const scores = await loadPaths(warehouse, [join(FIXTURES, 'indicators-imd.csv')], {
      profile: 'public-health-indicators',
      rawDir
    });
    expect([pomi.outcome, scores.outcome]).toEqual(['loaded', 'loaded']);
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

async function axeSerious(page: Awaited<ReturnType<typeof openPage>>['page']) {
  await page.$$eval('details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

test('usage per registered patient: chosen in the URL, named with its denominator, charted above 100%, passes axe', async () => {
  const { page, errors } = await openPage(browser);
  const response = await page.goto(`${server.url}/equity?measure=${encodeURIComponent('usage:all functions')}`);
  expect(response?.status()).toBe(200);
  await expect(page.locator('#equity-measure').inputValue()).resolves.toBe('usage:all functions');
  await expect(page.locator('#figure-equity-quintiles-title').textContent()).resolves.toBe(
    '1.20 transactions per registered patient (all functions) in the least deprived fifth of units, 0.50 in the most deprived'
  );
  const text = (await page.locator('#equity-measure-text').textContent())!.replace(/\s+/g, ' ').trim();
  expect(text).toBe(
    "Measure: Transactions per registered patient (all functions): transactions over registered patients, summed over each quintile's units that report both. The denominator counts patients, so larger units weigh more in the quintile rates and the slope index. This is a rate of use, not a share: it can be above 1, and the slope index is in transactions per registered patient."
  );
  await expect(page.locator('#figure-equity-gap-summary').textContent()).resolves.toContain(
    'use of all functions per registered patient was 0.85 transactions per registered patient higher at the least deprived end'
  );
  // The dot of quintile 5 (1.20) is drawn: the axis is not capped at 100%.
  await expect(page.locator('.uptake-equity-label text').allTextContents()).resolves.toEqual([
    '0.50',
    '0.60',
    '0.80',
    '0.90',
    '1.20'
  ]);
  const href = await page
    .locator('#figure-equity-quintiles-title')
    .locator('xpath=ancestor::figure')
    .locator('a[download]')
    .getAttribute('href');
  expect(href).toBe(
    `/download/equity-quintiles.csv?${new URLSearchParams({ asOf: '2026-07-31', measure: 'usage:all functions' })}`
  );
  const csv = await (await fetch(`${server.url}${href}`)).text();
  expect(csv.split('\r\n')[1]).toBe('1 (most deprived),42.0 to 46.0,2,2,1000,2000,0.50,0.47,0.53');
  await page.screenshot({ path: screenshotPath('equity-usage'), fullPage: true });
  expect(await axeSerious(page)).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
});

test('the share of units offering a function: chosen from the form, weighted by units, passes axe', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(`${server.url}/equity`);
  await page.locator('#equity-measure').selectOption('offering:detailed coded record');
  await Promise.all([
    page.waitForURL(/measure=offering/),
    page.locator('form[aria-label="Measure and characteristic"] button').click()
  ]);
  expect(new URL(page.url()).searchParams.get('measure')).toBe('offering:detailed coded record');
  await expect(page.locator('#figure-equity-quintiles-title').textContent()).resolves.toBe(
    '100.0% of units offering detailed coded record in the least deprived fifth of units, 50.0% in the most deprived'
  );
  const text = (await page.locator('#equity-measure-text').textContent())!.replace(/\s+/g, ' ').trim();
  expect(text).toContain('units offering over units reporting the flag');
  expect(text).toContain('The denominator counts units, not patients, so each unit weighs the same');
  await page.screenshot({ path: screenshotPath('equity-offering'), fullPage: true });
  expect(await axeSerious(page)).toEqual([]);
  expect(errors).toEqual([]);
  await page.close();
});

test('an unknown measure is a 400 that names the measures there are', async () => {
  const { page, errors } = await openPage(browser);
  const response = await page.goto(`${server.url}/equity?measure=usage:teleportation`);
  expect(response?.status()).toBe(400);
  await expect(page.locator('main').textContent()).resolves.toContain(
    'No measure called "usage:teleportation" can be shown. Measures: registration; usage:all functions;'
  );
  expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
  await page.close();
});
