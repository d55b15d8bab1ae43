/**
 * What the committee reads, in Chromium against the built server on the demo programme (data/demo/README.md holds
 * every figure asserted here): the overview's headline figures and how filters in the URL change them, the CSV
 * download of a figure, the services table's sorting, searching and links, and a service's history.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startDashboard, type DashboardServer } from './server.ts';
import { launchBrowser, openPage, type Browser } from './browser.ts';

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

/** The headline cards as { key: [value, detail, change] }. */
async function headline(page: Page): Promise<Record<string, string[]>> {
  return page.$$eval('[data-figure]', (cards) =>
    Object.fromEntries(
      cards.map((card) => [
        card.getAttribute('data-figure'),
        ['.uptake-headline__value', '.uptake-headline__detail', '.uptake-headline__change'].map(
          (selector) => card.querySelector(selector)?.textContent?.trim() ?? ''
        )
      ])
    )
  );
}

/** The first cell of each body row of the table captioned `caption`. */
async function rowNames(page: Page, table = '.uptake-table'): Promise<string[]> {
  return page.$$eval(`${table} tbody th`, (cells) => cells.map((c) => c.textContent!.trim()));
}

describe('overview', () => {
  test('shows the demo headline figures at 6 February 2017 with the change since 31 January', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/');
    expect(await headline(page)).toEqual({
      services_live: ['8', 'of 13 approached', 'no change since 31 January 2017'],
      consented: ['600', '', '+27 since 31 January 2017'],
      registered: ['350', '', '+13 since 31 January 2017'],
      // 350 / 600 = 58.3%, down from 337 / 573 = 58.8%.
      registration_rate: ['58.3%', 'of patients consented', '−0.5 percentage points since 31 January 2017'],
      // (20 + 15) / 350 = 10.0%, down from 35 / 337 = 10.4%.
      sharing_rate: [
        '10.0%',
        'shares with a carer or a professional, per patient registered',
        '−0.4 percentage points since 31 January 2017'
      ],
      // (341 + 467) / 2 = 404 days = 13.3 months.
      median_months_launch_to_live: ['13.3', 'for services live', 'no change since 31 January 2017']
    });
    await expect(page.locator('#figure-adoption-curve-title').textContent()).resolves.toBe(
      '8 of 13 approached services went live within 26.2 months of launch'
    );
    // RE-AIM: effectiveness says "not measured" rather than leaving a gap.
    const effectiveness = page
      .locator('#figure-reaim-caption')
      .locator('xpath=..')
      .locator('tr', { hasText: 'effectiveness' });
    await expect(effectiveness.textContent()).resolves.toContain('not measured');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the filters are a GET form: choosing an organisation puts it in the URL and the figures follow', async () => {
    const { page } = await openPage(browser);
    await page.goto(server.url + '/');
    await page.selectOption('#filter-organisation', 'Central North West London NHS Foundation Trust');
    await page.click('.uptake-filters__apply');
    await page.waitForURL(/organisation=Central/);
    expect(new URL(page.url()).searchParams.get('organisation')).toBe('Central North West London NHS Foundation Trust');
    const figures = await headline(page);
    // CNWL: psychosis (live, 15 consented, 12 registered) and elderly care (approached, not live).
    expect(figures.services_live.slice(0, 2)).toEqual(['1', 'of 2 approached']);
    expect(figures.consented[0]).toBe('15');
    expect(figures.registered[0]).toBe('12');
    expect(figures.registration_rate[0]).toBe('80.0%');
    // The navigation keeps the filter, so the next page shows the same population.
    await page.click('.nhsuk-header__navigation-link:text("Services")');
    expect(await rowNames(page)).toEqual(['Early Intervention in Psychosis', 'Elderly care']);
    await page.close();
  });

  test('an earlier as-of date shows that snapshot, with no change line for the first one', async () => {
    const { page } = await openPage(browser);
    await page.goto(server.url + '/?asOf=2016-10-31');
    const figures = await headline(page);
    expect(figures.consented).toEqual(['411', '', '']);
    expect(figures.registered).toEqual(['247', '', '']);
    // Hepatology went live on 5 December 2016, after this snapshot.
    expect(figures.services_live.slice(0, 2)).toEqual(['7', 'of 12 approached']);
    await page.close();
  });
});

describe('CSV downloads', () => {
  test('hold the rows and columns of the table on the page, with the same filters and sort', async () => {
    const response = await fetch(`${server.url}/download/services.csv?sort=consented&dir=desc&setting=acute`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text())
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    // Written by the disclosure module's CSV writer with profile 'none' (exact figures): rates as the reader sees
    // them (whole percent below a denominator of 4,000), then a blank line and the footnote naming the profile.
    expect(lines[0]).toBe(
      'Service,Organisation,Setting,In original bid,Approached,Live,Months launch to live,Consented,Registered,% registered,Shared with a carer,Shared with a professional'
    );
    expect(lines[1]).toBe(
      'Colposcopy,Imperial College Healthcare NHS Trust,acute,no,2016-06-06,2016-06-27,20.9,200,74,37%,2,1'
    );
    expect(lines[2]).toBe(
      'Renal,Imperial College Healthcare NHS Trust,acute,no,2015-06-01,2016-01-11,15.3,110,80,73%,6,4'
    );
    expect(lines).toHaveLength(1 + 10 + 2); // ten acute services, a blank line, the footnote
    expect(lines.at(-1)).toMatch(/^"?Note: Exact figures \(profile: none\)/);
  });

  test('for a funder audience are disclosure-controlled, with the footnote naming the profile', async () => {
    const response = await fetch(
      `${server.url}/download/services.csv?sort=consented&dir=desc&setting=acute&audience=funder`
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('-funder.csv');
    const lines = (await response.text())
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n');
    // 74 registered → 75, 2 and 1 sharing → *, and the rate from the rounded parts: 75 / 200 = 38%.
    expect(lines[1]).toBe(
      'Colposcopy,Imperial College Healthcare NHS Trust,acute,no,2016-06-06,2016-06-27,20.9,200,75,38%,*,*'
    );
    expect(lines.at(-1)).toContain('(profile: nhs-digital');
    expect((await fetch(`${server.url}/download/services.csv?audience=everyone`)).status).toBe(400);
  });

  test('refuse an unknown figure or filter', async () => {
    expect((await fetch(`${server.url}/download/nonsense.csv`)).status).toBe(404);
    expect((await fetch(`${server.url}/download/services.csv?asOf=2017-02-30`)).status).toBe(400);
    expect((await fetch(`${server.url}/download/services.csv?sort=service_name;DROP TABLE service`)).status).toBe(400);
  });
});

describe('services', () => {
  test('sort by a column header link, then the other way, without JavaScript', async () => {
    const { page } = await openPage(browser);
    await page.goto(server.url + '/services');
    expect((await rowNames(page)).slice(0, 3)).toEqual(['Colposcopy', 'Diabetes', 'Early Intervention in Psychosis']);
    await page.click('thead a:text("Consented")');
    await page.waitForURL(/sort=consented&dir=asc/);
    // Ascending: the five services with no patients first (ties by name), then psychosis with 15.
    expect((await rowNames(page)).slice(0, 6)).toEqual([
      'Diabetes',
      'Elderly care',
      'HIV',
      'Respiratory medicine',
      'West London GP practice group',
      'Early Intervention in Psychosis'
    ]);
    await page.click('thead a:text("Consented")');
    await page.waitForURL(/sort=consented&dir=desc/);
    expect((await rowNames(page)).slice(0, 3)).toEqual(['Colposcopy', 'Renal', 'Rheumatology']);
    await expect(page.locator('th[aria-sort="descending"]').textContent()).resolves.toContain('Consented');
    await page.close();
  });

  test('search narrows the table, and each row links to its service page with its history', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/services?sort=registered&dir=desc');
    await page.fill('#service-search', 'psychosis');
    await page.click('.uptake-search__button');
    await page.waitForURL(/q=psychosis/);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('registered'); // the search keeps the sort
    expect(await rowNames(page)).toEqual(['Early Intervention in Psychosis']);
    await page.click('tbody a:text("Early Intervention in Psychosis")');
    await page.waitForURL(/\/services\/CNWL-EIP/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Early Intervention in Psychosis');
    const milestones = await page.$$eval('.nhsuk-summary-list__row', (rows) =>
      rows.map((r) => `${r.querySelector('dt')!.textContent!.trim()}: ${r.querySelector('dd')!.textContent!.trim()}`)
    );
    expect(milestones).toContain('Went live: 1 July 2015');
    expect(milestones).toContain('From launch to live: 9.0 months');
    // History across the five snapshots (data/demo/uptake-*.csv, CNWL-EIP rows).
    const history = await page.$$eval('#figure-service-history-caption ~ tbody tr', (rows) =>
      rows.map((r) =>
        [...r.querySelectorAll('th, td')].map((cell) => {
          // Leave out the column label that the stacked (small-screen) layout shows in each cell.
          const copy = cell.cloneNode(true) as Element;
          copy.querySelectorAll('.nhsuk-table__heading').forEach((label) => label.remove());
          return copy.textContent!.trim();
        })
      )
    );
    expect(history).toEqual([
      ['31 Oct 2016', '32', '11', '8', '72.7%', '1', '0'],
      ['30 Nov 2016', '34', '12', '9', '75.0%', '1', '0'],
      ['31 Dec 2016', '36', '13', '10', '76.9%', '1', '0'],
      ['31 Jan 2017', '38', '14', '11', '78.6%', '1', '0'],
      ['6 Feb 2017', '40', '15', '12', '80.0%', '1', '0']
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an unknown service id is a 404 page', async () => {
    const { page } = await openPage(browser);
    const response = await page.goto(server.url + '/services/NOPE');
    expect(response?.status()).toBe(404);
    await expect(page.locator('h1').textContent()).resolves.toBe('Page not found');
    await page.close();
  });
});
