/**
 * The services table of a large programme in Chromium with JavaScript off: it opens at the level that fits
 * (organisations, since 300 services are too many to read), pages with NHS pagination links, drills down by link,
 * sorts and searches by link and form, and stays accessible (axe: no serious or critical violation). The programme is
 * bench/programme-generator.ts at 300 services × 3 snapshots (seeded: the same files every run).
 * Screenshots: tests/output/services-large-*.png.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { generateProgramme } from '../../bench/programme-generator.ts';
import { startDashboard, type DashboardServer } from './server.ts';
import { launchBrowser, screenshotPath, type Browser } from './browser.ts';

let server: DashboardServer;
let browser: Browser;
/** axe runs its script in the page, so it checks the same URLs in a browser with JavaScript on. */
let axeBrowser: Browser;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-large-'));
  generateProgramme(folder, 300, 3);
  server = await startDashboard([folder]);
  browser = await launchBrowser(undefined, { javaScriptEnabled: false });
  axeBrowser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await axeBrowser?.close();
  await server?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

async function noScriptPage(): Promise<{ page: Page; close: () => Promise<void> }> {
  const page = await browser.context.newPage();
  return { page, close: () => page.close() };
}

const rowNames = (page: Page) =>
  page.$$eval('#services-caption ~ tbody th[scope="row"]', (cells) => cells.map((c) => c.textContent!.trim()));

async function seriousAxe(url: string): Promise<string[]> {
  const page = await axeBrowser.context.newPage();
  await page.goto(url);
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const serious = axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
  await page.close();
  return serious;
}

describe('the services table of 300 services, without JavaScript', () => {
  test('opens by organisation, pages 25 at a time, and page 2 follows page 1 in name order', async () => {
    const { page, close } = await noScriptPage();
    const response = await page.goto(server.url + '/services');
    expect(response?.status()).toBe(200);
    await expect(page.locator('.uptake-levels [aria-current="page"]').textContent()).resolves.toBe('Organisation');
    const first = await rowNames(page);
    expect(first).toHaveLength(25);
    expect([...first].sort((a, b) => (a < b ? -1 : 1))).toEqual(first);
    const count = (await page.locator('.uptake-table-count').textContent())!.replace(/\s+/g, ' ').trim();
    expect(count).toMatch(/^Showing 1 to 25 of \d+ rows, 25 a page\.$/);
    const total = Number(/of (\d+) rows/.exec(count)![1]);
    expect(total).toBeGreaterThan(25);
    await page.screenshot({ path: screenshotPath('services-large-organisations'), fullPage: true });
    expect(await seriousAxe(page.url())).toEqual([]);

    await page.click('nav.nhsuk-pagination a[rel="next"]');
    await page.waitForURL(/page=2/);
    const second = await rowNames(page);
    expect(second.length).toBe(Math.min(25, total - 25));
    expect(second[0] > first[24]).toBe(true);
    await expect(page.locator('.nhsuk-pagination [aria-current="page"]').textContent()).resolves.toBe('2');
    await expect(page.locator('nav.nhsuk-pagination').getAttribute('aria-label')).resolves.toMatch(/^Pages of /);
    await close();
  });

  test('a row drills down to its services; sorting and search keep the level and the organisation', async () => {
    const { page, close } = await noScriptPage();
    await page.goto(server.url + '/services');
    const organisation = (await rowNames(page))[0];
    await page.click(`#services-caption ~ tbody th[scope="row"] a >> nth=0`);
    await page.waitForURL(/level=service/);
    const url = new URL(page.url());
    expect(url.searchParams.get('organisation')).toBe(organisation);
    const services = await rowNames(page);
    expect(services.length).toBeGreaterThan(0);
    const organisations = await page.$$eval('#services-caption ~ tbody tr td:nth-child(2)', (cells) =>
      cells.map((c) => c.textContent!.trim())
    );
    expect(new Set(organisations)).toEqual(new Set([organisation]));
    await page.screenshot({ path: screenshotPath('services-large-drilled'), fullPage: true });

    await page.click('thead a:text("Registered")');
    await page.waitForURL(/sort=registered/);
    expect(new URL(page.url()).searchParams.get('level')).toBe('service');
    expect(new URL(page.url()).searchParams.get('organisation')).toBe(organisation);
    await page.fill('#service-search', services[0].slice(0, 4));
    await page.click('.uptake-search__button');
    await page.waitForURL(/q=/);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('registered');
    expect(new URL(page.url()).searchParams.get('organisation')).toBe(organisation);
    expect(await rowNames(page)).toContain(services[0]);
    expect(await seriousAxe(page.url())).toEqual([]);
    await close();
  });

  test('every service is one link away by level: 300 services, 12 pages, the last with the rest', async () => {
    const { page, close } = await noScriptPage();
    await page.goto(server.url + '/services?level=service&page=12');
    expect(await rowNames(page)).toHaveLength(300 - 11 * 25);
    await expect(page.locator('.uptake-table-count').textContent()).resolves.toMatch(/Showing 276 to 300 of 300/);
    const bad = await page.goto(server.url + '/services?level=service&page=13');
    expect(bad?.status()).toBe(400);
    await expect(page.locator('main').textContent()).resolves.toContain(
      'There is no page 13: this table has 12 pages.'
    );
    await close();
  });

  test('the CSV holds every service, however the page is paged', async () => {
    const response = await fetch(`${server.url}/download/services.csv?level=service&page=3`);
    expect(response.status).toBe(200);
    const lines = (await response.text())
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines).toHaveLength(1 + 300 + 2); // heading, 300 services, blank line, footnote
  });

  test('the table names the loads it rests on, each linking to its row on the Data page', async () => {
    const { page, close } = await noScriptPage();
    await page.goto(server.url + '/services');
    const text = (await page.locator('.uptake-sources').textContent())!.replace(/\s+/g, ' ').trim();
    // The services table shows one snapshot: the last uptake export, and the three files without an as-of date.
    expect(text).toMatch(
      /^Sources: uptake-2017-02-06\.csv, as of 6 Feb 2017 \(SHA-256 [0-9a-f]{12}\); features\.csv \(SHA-256 [0-9a-f]{12}\); programme\.csv \(SHA-256 [0-9a-f]{12}\); services\.csv \(SHA-256 [0-9a-f]{12}\)\.$/
    );
    const href = (await page.locator('.uptake-sources a').first().getAttribute('href'))!;
    const sha = /SHA-256 ([0-9a-f]{12})/.exec(text)![1];
    expect(href).toBe(`/data#load-${sha}`);
    await page.goto(server.url + href);
    await expect(page.locator(`#load-${sha} th`).textContent()).resolves.toBe('uptake-2017-02-06.csv');
    await close();
  });
});
