/**
 * The Interviews pages in Chromium against the built server with the demo study loaded (tests/e2e/server.ts runs
 * loadDemoStudy): every page answers 200 with no console error and no serious or critical axe violation, and leaves a
 * screenshot in tests/output/; a passage after P06's emoji is coded by selecting it and pressing a shortcut (so the
 * UTF-16 → code point conversion is exercised), and with ticked codes and Apply; a matrix summary saved with the button
 * and one autosaved both survive a reload with their version; quotes link to their exact passage; the themes page
 * shows the heatmap, its table and the agreement table; the import form finds P16's planted identifiers.
 */
import { launchChromium } from '../../pipeline/notebooks/pdf.ts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { DEMO_DIR, startDashboard, type DashboardServer } from './server.ts';
import { launchBrowser, openPage, screenshotPath, type Browser } from './browser.ts';

let server: DashboardServer;
let browser: Browser;
/** Transcript title → id, read from the Interviews page (ids are GUIDs made on import). */
const transcriptIds = new Map<string, string>();

beforeAll(async () => {
  server = await startDashboard();
  browser = await launchBrowser();
  const { page } = await openPage(browser);
  await page.goto(server.url + '/interviews');
  for (const link of await page.locator('#transcripts-caption >> xpath=ancestor::table >> tbody a').all()) {
    transcriptIds.set((await link.textContent())!.trim(), (await link.getAttribute('href'))!.split('/').pop()!);
  }
  await page.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function seriousViolations(page: Page): Promise<string[]> {
  await page.$$eval('details', (all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
  const axe = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return axe.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.help} (${v.nodes
          .slice(0, 5)
          .map((n) => n.target.join(' '))
          .join('; ')})`
    );
}

/** Selects `phrase` inside the transcript text as a person would with the mouse (a DOM Range over its text nodes). */
async function selectPhrase(page: Page, phrase: string): Promise<void> {
  const found = await page.evaluate((wanted) => {
    const container = document.getElementById('transcript-text')!;
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) =>
        (n.parentElement as HTMLElement).closest('[data-u16]') ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT
    });
    const nodes: Text[] = [];
    let all = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      nodes.push(n as Text);
      all += (n as Text).data;
    }
    const at = all.indexOf(wanted);
    if (at < 0) return false;
    const locate = (offset: number, preferNext: boolean): [Text, number] => {
      let seen = 0;
      for (const node of nodes) {
        const end = seen + node.data.length;
        if (offset < end || (offset === end && !preferNext)) return [node, offset - seen];
        seen = end;
      }
      const last = nodes[nodes.length - 1];
      return [last, last.data.length];
    };
    const range = document.createRange();
    range.setStart(...locate(at, true));
    range.setEnd(...locate(at + wanted.length, false));
    const selection = window.getSelection()!;
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }, phrase);
  expect(found, `"${phrase}" is on the page`).toBe(true);
}

/**
 * Who the page records work as: the signed-in person when access control signed someone in (the page says so),
 * otherwise the name typed into the coder field.
 */
async function workAs(page: Page, wanted: string): Promise<string> {
  if (await page.locator('#coder-name').count()) {
    await page.fill('#coder-name', wanted);
    return wanted;
  }
  return (await page.locator('.uptake-coder strong').first().textContent())!.trim();
}

describe('every Interviews page', () => {
  const pages = [
    { name: 'interviews', path: () => '/interviews', heading: 'Interviews' },
    {
      name: 'interviews-transcript',
      path: () => `/interviews/transcripts/${transcriptIds.get('P06-clinician')}`,
      heading: 'P06-clinician'
    },
    { name: 'interviews-codebook', path: () => '/interviews/codebook', heading: 'Codebook' },
    { name: 'interviews-matrix', path: () => '/interviews/matrix', heading: 'Framework matrix' },
    { name: 'interviews-themes', path: () => '/interviews/themes', heading: 'Themes' },
    { name: 'interviews-export', path: () => '/interviews/export', heading: 'Export and import' }
  ];
  test.each(pages)(
    '$name answers, has its heading, no console errors and no serious axe violations',
    async ({ name, path, heading }) => {
      const { page, errors } = await openPage(browser);
      const response = await page.goto(server.url + path());
      expect(response?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toContain(heading);
      await page.screenshot({ path: screenshotPath(name), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    }
  );
});

test('the demo study is there: 16 participants in six stakeholder groups, 16 transcripts', async () => {
  expect(transcriptIds.size).toBe(16);
  const { page } = await openPage(browser);
  await page.goto(server.url + '/interviews');
  const captions = await page.locator('caption').allTextContents();
  expect(captions.filter((c) => /\(\d+\)$/.test(c.trim()) && !c.startsWith('Transcripts'))).toEqual([
    'bid author (2)',
    'CCG representative (3)',
    'clinician (5)',
    'funder (2)',
    'programme team (2)',
    'supplier (2)'
  ]);
  await page.close();
});

describe('coding a passage', () => {
  // After P06's emoji (U+1F642, two UTF-16 units), so a UTF-16 offset stored as is would be one too far.
  const phrase = 'She’d seen the result, she understood it, and she was asking the right question.';

  test('select text, press 1: the first code is applied at code-point offsets, and listed', async () => {
    const { page, errors } = await openPage(browser);
    const id = transcriptIds.get('P06-clinician')!;
    await page.goto(`${server.url}/interviews/transcripts/${id}`);
    const coder = await workAs(page, 'E2E coder');
    const firstCode = (await page.locator('.uptake-code-list label').first().textContent())!
      .replace(/^\s*1\s*/, '')
      .replace(/^[\d.]+\s+/, '')
      .trim();
    // Number keys typed into a field are text, not shortcuts: leave the field first.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await selectPhrase(page, phrase);
    await expect.poll(() => page.locator('.uptake-selection').textContent()).toContain(phrase);
    await page.keyboard.press('1');
    const row = page.locator('tr.uptake-coding-row', { hasText: phrase });
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    await expect(row.locator('th').textContent()).resolves.toBe(firstCode);
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe(coder);
    await expect(row.locator('.uptake-passage').textContent()).resolves.toBe(phrase);

    // The anchor is the code-point offset: the UTF-16 offset less one for the emoji before it.
    const offsets = await page.evaluate((wanted) => {
      const text = Array.from(document.querySelectorAll('#transcript-text [data-u16]'));
      const first = text.find((s) => (s.textContent ?? '').startsWith(wanted.slice(0, 20)))!;
      return { u16: Number((first as HTMLElement).dataset.u16), id: first.id };
    }, phrase);
    expect(offsets.id).toBe(`c${offsets.u16 - 1}`);
    const body = readFileSync(join(DEMO_DIR, 'interviews/P06-clinician.txt'), 'utf8');
    expect(offsets.id).toBe(`c${Array.from(body.slice(0, body.indexOf(phrase))).length}`);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('tick two codes and Apply: both listed; Remove takes one away', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(`${server.url}/interviews/transcripts/${transcriptIds.get('P06-clinician')}`);
    await workAs(page, 'E2E second coder');
    const passage = 'The nurse replied the same afternoon';
    await selectPhrase(page, passage);
    await expect.poll(() => page.locator('.uptake-selection').textContent()).toContain(passage);
    const labels = page.locator('.uptake-code-list .nhsuk-checkboxes__item');
    await labels.nth(1).locator('input').check();
    await labels.nth(2).locator('input').check();
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const rows = page.locator('tr.uptake-coding-row', { hasText: passage });
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.locator('.uptake-passage').allTextContents()).toEqual([passage, passage]);
    await rows
      .first()
      .getByRole('button', { name: /^Remove/ })
      .click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the framework matrix', () => {
  test('a summary saved with the button survives a reload, with its version', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/interviews/matrix');
    const summary = page.getByLabel('Summary for [FUNDER 1], National data sharing policy', { exact: true });
    await summary.fill('Sees unclear national guidance as the cost of innovation.');
    const cell = page.locator('td', { has: summary });
    await cell.getByRole('button', { name: /^Save/ }).click();
    await expect.poll(() => cell.locator('.uptake-cell__saved').textContent()).toContain('Saved: version 1.');
    await page.reload();
    await expect(summary.inputValue()).resolves.toBe('Sees unclear national guidance as the cost of innovation.');
    await expect(cell.locator('.uptake-cell__saved').textContent()).resolves.toContain('Version 1.');
    await expect(cell.locator('.nhsuk-tag').textContent()).resolves.toBe('Drafted');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('typing autosaves after a pause; editing a reviewed cell makes it drafted, version 2', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/interviews/matrix');
    const summary = page.getByLabel('Summary for [CLINICIAN 5], National data sharing policy', { exact: true });
    const cell = page.locator('td', { has: summary });
    await expect(cell.locator('.nhsuk-tag').textContent()).resolves.toBe('Reviewed');
    const before = await summary.inputValue();
    await summary.press('End');
    await summary.pressSequentially(' Wants a regional agreement the LMC signs off.');
    await expect
      .poll(() => cell.locator('.uptake-cell__saved').textContent(), { timeout: 15_000 })
      .toContain('Saved automatically: version 2.');
    await page.reload();
    await expect(summary.inputValue()).resolves.toBe(`${before} Wants a regional agreement the LMC signs off.`);
    await expect(cell.locator('.uptake-cell__saved').textContent()).resolves.toContain('Version 2.');
    await expect(cell.locator('.nhsuk-tag').textContent()).resolves.toBe('Drafted');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a quote links to the exact passage in its transcript', async () => {
    const { page, errors } = await openPage(browser);
    await page.goto(server.url + '/interviews/matrix');
    const cell = page.locator('td', {
      has: page.getByLabel('Summary for [CLINICIAN 5], National data sharing policy', { exact: true })
    });
    const quote = cell.locator('.uptake-cell__quotes a', { hasText: '[Q1]' });
    const href = (await quote.getAttribute('href'))!;
    expect(href).toMatch(new RegExp(`^/interviews/transcripts/${transcriptIds.get('P07-clinician')}#c\\d+$`));
    await quote.click();
    await page.waitForURL(`**${href}`);
    const target = page.locator(`#${href.split('#')[1]}`);
    await expect(target.textContent()).resolves.toMatch(
      /^Who owns the data once it’s in there\?|^Who owns the data once it's in there\?/
    );
    expect(errors).toEqual([]);
    await page.close();
  });
});

test('themes: the heatmap with its summary and table, the quote bank and the agreement table', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url + '/interviews/themes');
  const figure = page.locator('figure.uptake-figure');
  await expect(figure.locator('svg[role="img"]').count()).resolves.toBe(1);
  await expect(figure.locator('h2').textContent()).resolves.toContain('Barriers and facilitators to implementation');
  await expect(figure.locator('.uptake-figure__summary').textContent()).resolves.toMatch(
    /^Heatmap of how many participants in each stakeholder group raised each code/
  );
  const table = figure.locator('table');
  await expect(table.locator('thead th').allTextContents()).resolves.toEqual([
    'Code',
    'bid author (2)',
    'CCG representative (3)',
    'clinician (5)',
    'funder (2)',
    'programme team (2)',
    'supplier (2)'
  ]);
  await expect(table.locator('tbody tr').count()).resolves.toBeGreaterThan(10);
  const response = await fetch(server.url + (await figure.locator('.uptake-figure__download a').getAttribute('href'))!);
  const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer());
  expect(csv.split('\r\n')[0]).toBe(
    '\ufeffCode,bid author (2),CCG representative (3),clinician (5),funder (2),programme team (2),supplier (2)'
  );
  const agreement = page.locator('#agreement-table-caption');
  await expect(agreement.textContent()).resolves.toMatch(
    /^Agreement between Coder A \(demo\) and Coder B \(demo\) on 2 transcripts/
  );
  await expect(page.locator('blockquote.uptake-quote').count()).resolves.toBeGreaterThan(0);
  expect(errors).toEqual([]);
  await page.close();
});

test('import: the detectors find P16’s NHS number and postcode (not the decoys), and the stored demo text is unchanged', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url + '/interviews');
  await page.setInputFiles('#files', join(DEMO_DIR, 'interviews/P16-programme-team.txt'));
  await page.getByRole('button', { name: 'Find identifiers' }).click();
  await page.getByRole('heading', { name: 'Step 2 of 2: confirm the anonymisation' }).waitFor();
  await expect(page.locator('mark.uptake-found').allTextContents()).resolves.toEqual(['943 476 5919', 'W2 1NY']);
  await page.screenshot({ path: screenshotPath('interviews-import-confirm'), fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Confirm and store' }).click();
  await expect
    .poll(() => page.locator('[role="status"]').first().textContent())
    .toContain('P16-programme-team.txt: Already imported: nothing changed');
  expect(errors).toEqual([]);
  await page.close();
});

test('import with a names list: consistent pseudonyms, a new version of the transcript, and the key offered as a download only', async () => {
  const { page, errors } = await openPage(browser);
  await page.goto(server.url + '/interviews');
  await page.setInputFiles('#files', join(DEMO_DIR, 'interviews/P13-bid-author.txt'));
  await page.fill('#names', 'organisation: [TRUST A]');
  await page.getByRole('button', { name: 'Find identifiers' }).click();
  await page.getByRole('heading', { name: 'Step 2 of 2: confirm the anonymisation' }).waitFor();
  const found = await page.locator('mark.uptake-found').allTextContents();
  const occurrences =
    readFileSync(join(DEMO_DIR, 'interviews/P13-bid-author.txt'), 'utf8').split('[TRUST A]').length - 1;
  expect(found).toEqual(Array(occurrences).fill('[TRUST A]'));
  const replacements = await page
    .locator('input[name^="replacement-0-name:"]')
    .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  expect(new Set(replacements)).toEqual(new Set(['[ORGANISATION A]']));
  await page.getByRole('button', { name: 'Confirm and store' }).click();
  const status = page.locator('[role="status"]').first();
  await expect
    .poll(() => status.textContent())
    .toContain(
      `P13-bid-author.txt: Imported as a new version, ${occurrences} ${occurrences === 1 ? 'replacement' : 'replacements'} made`
    );
  const href = (await page.getByRole('link', { name: 'Download the pseudonym key' }).getAttribute('href'))!;
  expect(href.startsWith('data:application/json;charset=utf-8,')).toBe(true);
  expect(JSON.parse(decodeURIComponent(href.split(',').slice(1).join(','))).entries).toEqual([
    { pseudonym: '[ORGANISATION A]', role: 'organisation', variants: ['[TRUST A]'] }
  ]);
  expect(errors).toEqual([]);
  await page.close();
});

test('export: the project (.qdpx) and the matrix (.xlsx) download as zip files', async () => {
  for (const path of ['/interviews/export/project.qdpx', '/interviews/export/matrix.xlsx']) {
    const response = await fetch(server.url + path);
    expect(response.status).toBe(200);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(String.fromCharCode(bytes[0], bytes[1])).toBe('PK');
  }
  const qdc = await fetch(server.url + '/interviews/export/codebook.qdc');
  expect(await qdc.text()).toContain('urn:QDA-XML:codebook:1.0');
});

test('without JavaScript: code lines by number, and save a matrix summary with the button', async () => {
  // A plain (non-persistent) browser with scripts off: every form must still post and come back with the result.
  const noScript = await launchChromium();
  try {
    const page = await (
      await noScript.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } })
    ).newPage();
    await page.goto(`${server.url}/interviews/transcripts/${transcriptIds.get('P03-clinician')}`);
    await workAs(page, 'No-script coder');
    await page.fill('#line_from', '5');
    await page.fill('#line_to', '5');
    await page.locator('.uptake-code-list input').first().check();
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.waitForLoadState('load');
    await expect(
      page.locator('tr.uptake-coding-row', { hasText: 'Duration: 35 minutes' }).locator('.uptake-passage').textContent()
    ).resolves.toBe('Duration: 35 minutes');

    await page.goto(server.url + '/interviews/matrix');
    const summary = page.getByLabel('Summary for [FUNDER 2], National data sharing policy', { exact: true });
    await summary.fill('Saved without JavaScript.');
    await page.locator('td', { has: summary }).getByRole('button', { name: /^Save/ }).click();
    await page.waitForLoadState('load');
    const saved = page.getByLabel('Summary for [FUNDER 2], National data sharing policy', { exact: true });
    await expect(saved.inputValue()).resolves.toBe('Saved without JavaScript.');
    await expect(page.locator('td', { has: saved }).locator('.uptake-cell__saved').textContent()).resolves.toContain(
      'Version 1.'
    );
  } finally {
    await noScript.close();
  }
});
