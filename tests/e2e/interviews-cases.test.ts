/**
 * The Interviews pages added for case attributes, a matrix cell's history and memos, and a bare .qde upload, in
 * Chromium against the built server with the demo study: each answers 200 with no console error and no serious or
 * critical axe violation, and leaves a screenshot in tests/output/.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { startDashboard, type DashboardServer } from './server.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from './browser.ts';

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

async function seriousViolations(page: Page): Promise<string[]> {
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`);
}

async function workAs(page: Page, wanted: string, field = '#coder-name'): Promise<void> {
  if (await page.locator(field).count()) await page.fill(field, wanted);
}

describe('case attributes', () => {
  test('set gender for two participants: listed, then the matrix groups rows by it and themes filter by it', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/interviews/attributes');
    await expect(page.locator('h1').textContent()).resolves.toBe('Case attributes');
    for (const [participant, value] of [
      ['P01', 'female'],
      ['P07', 'male']
    ]) {
      await workAs(page, 'E2E researcher');
      await page.selectOption('#participant', participant);
      await page.fill('#name', 'gender');
      await page.fill('#value', value);
      await page.getByRole('button', { name: 'Set attribute' }).click();
      await page.waitForLoadState('networkidle');
    }
    await expect(page.locator('#attributes-caption').innerText()).resolves.toBe('16 participants, 1 attribute');
    const rows = page.locator('table tbody tr');
    await expect(rows.filter({ hasText: 'P01' }).locator('td').first().textContent()).resolves.toBe('female');
    await expect(rows.filter({ hasText: 'P07' }).locator('td').first().textContent()).resolves.toBe('male');
    await page.screenshot({ path: screenshotPath('interviews-attributes'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(server.url + '/interviews/matrix?rows=gender');
    await expect(page.locator('.uptake-matrix__group th').allTextContents()).resolves.toEqual([
      'female (1)',
      'male (1)',
      'No gender (14)'
    ]);
    await page.screenshot({ path: screenshotPath('interviews-matrix-by-gender'), fullPage: false });
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(server.url + '/interviews/themes?only=gender%3A%20female');
    await expect(page.locator('main, body').first().textContent()).resolves.toContain(
      'Prevalence and quotes below are for participants with gender: female only.'
    );
    await expect(page.locator('figure.uptake-figure table thead th').allTextContents()).resolves.toEqual([
      'Code',
      'funder (1)'
    ]);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("a matrix cell's history and memos", () => {
  test('two saves give two versions with a word diff; memos on the cell and on its code are added and listed', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/interviews/matrix');
    const summary = page.getByLabel('Summary for [FUNDER 2], National data sharing policy', { exact: true });
    const cell = page.locator('td', { has: summary });
    await workAs(page, 'E2E researcher');
    await summary.fill('Guidance was unclear.');
    await cell.getByRole('button', { name: /^Save/ }).click();
    await expect.poll(() => cell.locator('.uptake-cell__saved').textContent()).toContain('version 1.');
    await summary.fill('National guidance was unclear at first.');
    await cell.getByRole('button', { name: /^Save/ }).click();
    await expect.poll(() => cell.locator('.uptake-cell__saved').textContent()).toContain('version 2.');
    await cell.getByRole('link', { name: /History and memos/ }).click();
    await page.waitForURL('**/interviews/matrix/cell?**');
    await expect(page.locator('h1').textContent()).resolves.toBe('[FUNDER 2] × National data sharing policy');
    await expect(page.locator('table tbody tr td:nth-child(5)').allTextContents()).resolves.toEqual([
      'National guidance was unclear at first.',
      'Guidance was unclear.'
    ]);
    await expect(page.locator('.uptake-diff ins').allTextContents()).resolves.toEqual([
      'National guidance ',
      'unclear at first.'
    ]);
    await expect(page.locator('.uptake-diff del').allTextContents()).resolves.toEqual(['Guidance ', 'unclear.']);

    await workAs(page, 'E2E researcher', '#coder-cell');
    await page.fill('#cell-memo-body', 'Check whether the DPIA template was shared.');
    await page.getByRole('button', { name: 'Add memo on the cell' }).click();
    await page.waitForLoadState('networkidle');
    await workAs(page, 'E2E researcher', '#coder-code');
    await page.fill('#code-memo-body', 'Policy comes up in every funder interview.');
    await page.getByRole('button', { name: 'Add memo on the code' }).click();
    await page.waitForLoadState('networkidle');
    // The demo study already has one memo on this code (written by its loader).
    await expect(page.locator('.uptake-memo p.uptake-summary-text').allTextContents()).resolves.toEqual([
      'Check whether the DPIA template was shared.',
      'The GP, the CCG lead and the mental health trust all name it as the biggest cause of delay. Check what the funders say.',
      'Policy comes up in every funder interview.'
    ]);
    await page.screenshot({ path: screenshotPath('interviews-matrix-cell'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto(server.url + '/interviews/matrix');
    await expect(
      page
        .locator('td', {
          has: page.getByLabel('Summary for [FUNDER 2], National data sharing policy', { exact: true })
        })
        .locator('.uptake-cell__more')
        .textContent()
    ).resolves.toMatch(/^History and 1 memo/);
    expect(errors).toEqual([]);
    await page.close();
  });
});

test('import: a bare project.qde is accepted, its transcripts listed as waiting for their text', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url + '/interviews/export');
  await page.setInputFiles('#file', resolve(import.meta.dirname, '../fixtures/refi-qda/bare-qde/project.qde'));
  await page.getByRole('button', { name: 'Import' }).click();
  await expect(page.locator('#report-heading').textContent()).resolves.toBe('Import report: project.qde');
  await expect(page.locator('table tbody tr td:first-child').allTextContents()).resolves.toEqual([
    'source text',
    'source text'
  ]);
  await page.screenshot({ path: screenshotPath('interviews-import-bare-qde'), fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
  // The transcripts are listed as waiting for their text, and one (with a coding kept) opens.
  await page.goto(server.url + '/interviews');
  await expect(page.locator('tr', { hasText: 'Interview 1' }).locator('td').nth(1).textContent()).resolves.toBe(
    'Text not imported yet'
  );
  const response = await page.goto(server.url + '/interviews/transcripts/a2000000-0000-4000-8000-000000000001');
  expect(response?.status()).toBe(200);
  await expect(page.locator('h1').textContent()).resolves.toContain('Interview 1');
  expect(errors).toEqual([]);
  await page.close();
});
