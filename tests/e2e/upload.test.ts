/**
 * The upload page, in Chromium against the built server on the demo programme: a CSV is previewed in the browser
 * (papaparse); a file that breaks a check is rejected with the row and column named, in the problem list and marked in
 * the preview, and nothing is loaded; a good file loads through the same pipeline as `uptake load`, after which the
 * overview shows the new snapshot; the same file again changes nothing. The form also works without JavaScript.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_DIR, startDashboard, type DashboardServer } from './server.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from './browser.ts';

let server: DashboardServer;
let browser: Browser;
let folder: string;
let good: string;
let bad: string;
let badApril: string;

/**
 * The demo's 6 February export moved to a later date. Good: colposcopy +20 approached, +20 consented, +10 registered,
 * and renal +5 registered; so 620 consented and 365 registered in all. Bad: the same, except that interstitial lung
 * disease (the second data row, row 3 as a spreadsheet counts) has 60 registered of 50 consented.
 */
function laterExport(asOf: string, breakIt: boolean): string {
  const lines = readFileSync(join(DEMO_DIR, 'uptake-2017-02-06.csv'), 'utf8').trimEnd().split(/\r?\n/);
  const changed = lines.map((line, i) => {
    if (i === 0) return line;
    const cells = line.split(',');
    cells[0] = asOf;
    const [, id] = cells;
    if (id === 'IMP-COLP') [cells[2], cells[3], cells[4]] = ['420', '220', '84'];
    if (id === 'IMP-RENAL') cells[4] = '85';
    if (id === 'IMP-ILD' && breakIt) cells[4] = '60';
    return cells.join(',');
  });
  return changed.join('\n') + '\n';
}

beforeAll(async () => {
  server = await startDashboard();
  browser = await launchBrowser();
  folder = mkdtempSync(join(tmpdir(), 'uptake-upload-test-'));
  // Separate folders, because the loader tells the kind of a file from its name: good and bad share theirs.
  good = join(mkdtempSync(join(folder, 'good-')), 'uptake-2017-03-06.csv');
  bad = join(mkdtempSync(join(folder, 'bad-')), 'uptake-2017-03-06.csv');
  badApril = join(folder, 'uptake-2017-04-06.csv');
  writeFileSync(good, laterExport('2017-03-06', false));
  writeFileSync(bad, laterExport('2017-03-06', true));
  // For the test without JavaScript, which may run after March has loaded: a date no other test loads.
  writeFileSync(badApril, laterExport('2017-04-06', true));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

async function headlineValue(page: Page, key: string): Promise<string> {
  return (await page.locator(`[data-figure="${key}"] .uptake-headline__value`).textContent())!.trim();
}

async function problemRows(page: Page): Promise<string[][]> {
  return page.$$eval('#upload-problems-caption ~ tbody tr', (rows) =>
    rows.map((r) => [...r.querySelectorAll('th, td')].slice(0, 4).map((c) => c.textContent!.trim()))
  );
}

describe('with JavaScript', () => {
  test('a bad file is previewed, rejected with its row and column, and loads nothing', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/data/upload');
    await page.setInputFiles('#upload-file', bad);
    // The preview is parsed in the browser: 13 data rows, numbered from 2 (the header is row 1).
    await expect(page.locator('#preview-caption').textContent()).resolves.toContain(
      'Preview of uptake-2017-03-06.csv: all 13 rows'
    );
    expect(
      await page.$$eval('#preview-caption ~ tbody th', (cells) => cells.map((c) => c.textContent!.trim()).slice(0, 3))
    ).toEqual(['2', '3', '4']);

    await page.click('button:text("Check and load")');
    await expect(page.locator('#upload-rejected h2').textContent()).resolves.toBe(
      'uptake-2017-03-06.csv was not loaded'
    );
    expect(await problemRows(page)).toEqual([['uptake-2017-03-06.csv', '3', 'registered', '60']]);
    // The same cell is marked in the preview, in words as well as colour.
    const markedCells = await page.$$eval('.uptake-preview .uptake-problem-cell', (cells) =>
      cells.map((c) => c.textContent!.trim())
    );
    expect(markedCells).toEqual(['60 (problem: registered-over-consented)']);
    await page.screenshot({ path: screenshotPath('upload-rejected'), fullPage: true });
    expect(errors.filter((e) => !e.startsWith('422 '))).toEqual([]);

    await page.goto(server.url + '/');
    await expect(page.locator('#filter-as-of option[selected]').textContent()).resolves.toBe(
      '6 February 2017 (latest)'
    );
    expect(await headlineValue(page, 'consented')).toBe('600');
    await page.close();
  });

  test('a good file loads, the overview moves to its date, and loading it again changes nothing', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/data/upload');
    await page.setInputFiles('#upload-file', good);
    await page.click('button:text("Check and load")');
    await expect(page.locator('.nhsuk-notification-banner__content li').textContent()).resolves.toBe(
      'uptake-2017-03-06.csv: 13 rows of uptake, as of 6 March 2017'
    );
    await page.screenshot({ path: screenshotPath('upload-loaded'), fullPage: true });

    await page.goto(server.url + '/');
    await expect(page.locator('#filter-as-of option[selected]').textContent()).resolves.toBe('6 March 2017 (latest)');
    expect(await headlineValue(page, 'consented')).toBe('620');
    expect(await headlineValue(page, 'registered')).toBe('365');
    expect(await headlineValue(page, 'registration_rate')).toBe('58.9%'); // 365 / 620
    await expect(page.locator('[data-figure="consented"] .uptake-headline__change').textContent()).resolves.toBe(
      '+20 since 6 February 2017'
    );

    await page.goto(server.url + '/data/upload');
    await page.setInputFiles('#upload-file', good);
    await page.click('button:text("Check and load")');
    await expect(page.locator('.nhsuk-inset-text[role="status"]').textContent()).resolves.toContain(
      'uptake-2017-03-06.csv has been loaded before (same content): nothing changed.'
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the Data page lists the rejected load with its problem and the loaded one', async () => {
    const { page } = await openPage(browser);
    await page.goto(server.url + '/data');
    const outcomes = await page.$$eval('#files-caption ~ tbody tr', (rows) =>
      rows
        .filter((r) => r.querySelector('th')!.textContent!.includes('2017-03-06'))
        .map((r) => r.querySelectorAll('td')[3].textContent!.trim())
    );
    expect(outcomes.sort()).toEqual(['Loaded', 'Rejected']);
    const problems = await page.$$eval('#problems-caption ~ tbody tr', (rows) =>
      rows.map((r) => [...r.querySelectorAll('th, td')].slice(0, 4).map((c) => c.textContent!.trim()))
    );
    expect(problems).toEqual([['uptake-2017-03-06.csv', '3', 'registered', '60']]);
    await page.close();
  });
});

test('without JavaScript the form still loads and reports problems', async () => {
  const noScript = await launchBrowser(undefined, { javaScriptEnabled: false });
  try {
    const { page } = await openPage(noScript);
    await page.goto(server.url + '/data/upload');
    await page.click('button:text("Check and load")');
    await expect(page.locator('.nhsuk-error-summary').textContent()).resolves.toContain('Choose a file to load');
    await page.setInputFiles('#upload-file', badApril);
    await page.click('button:text("Check and load")');
    expect(await problemRows(page)).toEqual([['uptake-2017-04-06.csv', '3', 'registered', '60']]);
    await page.close();
  } finally {
    await noScript.close();
  }
});
