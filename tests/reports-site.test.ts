/**
 * The /reports pages of the built dashboard (site/routes/reports/) on the demo programme, in Chromium: the list, a
 * report as a page for each audience, the HTML and PDF downloads, and the 400/404 pages for wrong links. Needs
 * `npm run build` first, like the other browser tests (tests/e2e/README.md).
 */
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type DashboardServer } from './e2e/server.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from './e2e/browser.ts';

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

async function seriousViolations(page: import('playwright-core').Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

describe('/reports', () => {
  it('lists every notebook with its downloads', async () => {
    const { page, errors } = await openPage(browser);
    expect((await page.goto(`${server.url}/reports`))?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('Reports');
    expect(await page.locator('.uptake-report-list h2 a').allTextContents()).toEqual([
      'Care Information Exchange evaluation: progress to date',
      'Impact report',
      'Steering committee monthly report'
    ]);
    expect(await page.locator('a[href="/reports/funder-impact.pdf"]').count()).toBe(1);
    expect(errors).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows a report for a funder with controlled figures, and for the committee with exact ones', async () => {
    const { page, errors } = await openPage(browser);
    expect((await page.goto(`${server.url}/reports/cie-evaluation-2017?audience=funder`))?.status()).toBe(200);
    const psychosis = page
      .locator('table', { hasText: 'Table 4' })
      .locator('tr', { hasText: 'Early Intervention in Psychosis' });
    expect((await psychosis.locator('td').allInnerTexts()).map((t) => t.trim())).toEqual(['15', '10', '67%']);
    await expect(page.locator('.report-about').innerText()).resolves.toContain('Disclosure control: nhs-digital');
    // The downloads carry the audience and date the page shows.
    expect(await page.locator('a', { hasText: 'PDF (A4)' }).getAttribute('href')).toBe(
      '/reports/cie-evaluation-2017.pdf?audience=funder&as_of=2017-02-06'
    );
    await page.screenshot({ path: screenshotPath('reports-cie-funder'), fullPage: true });
    expect(errors).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    // The form is a GET form: choosing the committee reloads the page with exact figures.
    await page.selectOption('#report-audience', 'committee');
    await page.selectOption('#report-as-of', '2017-02-06');
    await Promise.all([page.waitForURL(/audience=committee/), page.click('button:has-text("Show report")')]);
    const exact = page
      .locator('table', { hasText: 'Table 4' })
      .locator('tr', { hasText: 'Early Intervention in Psychosis' });
    expect((await exact.locator('td').allInnerTexts()).map((t) => t.trim())).toEqual(['15', '12', '80%']);
  });

  it('downloads the same report as HTML and as PDF', async () => {
    const html = await fetch(`${server.url}/reports/steering-committee-monthly.html?as_of=2016-12-31`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-disposition')).toBe(
      'attachment; filename="steering-committee-monthly-2016-12-31-committee.html"'
    );
    const text = await html.text();
    expect(text.startsWith('<!doctype html>')).toBe(true);
    expect(text).toContain('compares 31 Dec 2016 with the previous snapshot (30 Nov 2016)');

    const pdf = await fetch(`${server.url}/reports/funder-impact.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="funder-impact-2017-02-06-funder.pdf"');
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1')
    ).toBe('%PDF-');
  });

  it('answers a wrong link with a page that says what was wrong', async () => {
    const notFound = await fetch(`${server.url}/reports/nope`);
    expect(notFound.status).toBe(404);
    // The answer repeats nothing of what was asked (the name could be a probe for a file): one sentence for all.
    expect(await notFound.text()).toContain('There is no report with that name.');
    const badDate = await fetch(`${server.url}/reports/funder-impact?as_of=2020-01-01`);
    expect(badDate.status).toBe(400);
    expect(await badDate.text()).toContain(
      'Loaded as-of dates: 2016-10-31, 2016-11-30, 2016-12-31, 2017-01-31, 2017-02-06.'
    );
    const badAudience = await fetch(`${server.url}/reports/funder-impact?audience=board`);
    expect(badAudience.status).toBe(400);
    expect(await badAudience.text()).toContain('Unknown audience "board". Use one of: committee, funder, public.');
  });
});
