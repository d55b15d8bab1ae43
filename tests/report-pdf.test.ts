/**
 * Reports as PDF (pipeline/notebooks/pdf.ts): each shipped notebook printed by headless Chromium on the demo programme,
 * then read back with poppler-utils (pdfinfo, pdftotext) as a reader's PDF viewer would: A4, the expected number of
 * pages, "Page i of N" on every page, the figures in the text, and no figure or table split across two pages (its
 * caption and its last line are on the same page). Pages are also drawn with pdftoppm into tests/output/report-pdf/
 * for a person to look at.
 *
 * Page counts are what these notebooks give on the demo data with Debian's fonts (fonts-liberation); a change to a
 * notebook, the report CSS or the demo data may change them, and then this test says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoWarehouse } from './helpers/demo-fixture.ts';
import type { Warehouse } from '../pipeline/warehouse/query.ts';
import { htmlToPdf, loadNotebook, renderNotebook, type RenderedReport } from '../pipeline/notebooks/index.ts';
import { formatDate } from '../pipeline/format/format.ts';

const OUTPUT = resolve(import.meta.dirname, 'output/report-pdf');

/** Runs a poppler tool; a missing one fails the test with what to install, never skips it. */
function poppler(tool: 'pdfinfo' | 'pdftotext' | 'pdftoppm', args: string[]): string {
  try {
    return execFileSync(tool, args, {
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe']
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `${tool} is missing: install Debian's poppler-utils (apt-get install poppler-utils) to run the PDF tests.`,
        { cause: error }
      );
    }
    throw error;
  }
}

const squeeze = (text: string) => text.replace(/\s+/g, ' ').trim();

interface Printed {
  report: RenderedReport;
  path: string;
  pages: number;
  /** Each page's text (pdftotext, whitespace squeezed), page 1 first. */
  pageText: string[];
  /** The whole document with its layout kept, for reading table rows. */
  layout: string;
}

let warehouse: Warehouse;
let dispose: () => void;
let folder: string;
const printed = new Map<string, Printed>();

async function print(name: string, audience: string): Promise<Printed> {
  const report = await renderNotebook(warehouse.connection, loadNotebook(name), { audience });
  const pdf = await htmlToPdf(report.document, { footerText: `${report.title} · as of ${formatDate(report.asOf)}` });
  const path = join(folder, `${name}-${audience}.pdf`);
  writeFileSync(path, pdf);
  const info = poppler('pdfinfo', [path]);
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
  expect(info).toMatch(/^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)|^Page size:\s+595\.\d+ x 842\.\d+ pts \(A4\)/m);
  const pageText = [...Array(pages).keys()].map((i) =>
    squeeze(poppler('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), path, '-']))
  );
  const layout = poppler('pdftotext', ['-layout', path, '-']);
  // Pages as pictures, to look at: tests/output/report-pdf/<name>-<audience>-<page>.png
  mkdirSync(OUTPUT, { recursive: true });
  for (const file of readdirSync(OUTPUT)) if (file.startsWith(`${name}-${audience}-`)) rmSync(join(OUTPUT, file));
  poppler('pdftoppm', ['-png', '-r', '50', path, join(OUTPUT, `${name}-${audience}`)]);
  return { report, path, pages, pageText, layout };
}

beforeAll(async () => {
  poppler('pdfinfo', ['-v']);
  ({ warehouse, dispose } = await openDemoWarehouse());
  folder = mkdtempSync(join(tmpdir(), 'uptake-pdf-test-'));
  for (const [name, audience] of [
    ['cie-evaluation-2017', 'committee'],
    ['cie-evaluation-2017', 'funder'],
    ['steering-committee-monthly', 'committee'],
    ['funder-impact', 'funder']
  ]) {
    printed.set(`${name}/${audience}`, await print(name, audience));
  }
}, 240_000);

afterAll(() => {
  dispose?.();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** For every figure (table or chart) of a report: its caption, and the last thing printed in it. */
function figureEnds(report: RenderedReport): { caption: string; last: string }[] {
  const { document } = parseHTML(`<!doctype html><html><body>${report.fragment}</body></html>`);
  return [...document.querySelectorAll('figure')].map((figure) => {
    const caption = squeeze(figure.querySelector('caption, figcaption')?.textContent ?? '');
    const rows = figure.querySelectorAll('tbody tr, tfoot tr');
    const lastRow = rows[rows.length - 1];
    const last = lastRow
      ? squeeze(lastRow.querySelector('th, td')!.textContent!)
      : squeeze((figure.querySelector('.report-summary, .report-empty-message')?.textContent ?? '').slice(0, 60));
    return { caption, last };
  });
}

describe.each([
  ['cie-evaluation-2017', 'committee', 3],
  ['cie-evaluation-2017', 'funder', 3],
  ['steering-committee-monthly', 'committee', 5],
  // Four since the report gained its "Who the programme reaches" section (equity of reach).
  ['funder-impact', 'funder', 4]
] as const)('%s for the %s', (name, audience, expectedPages) => {
  const get = () => printed.get(`${name}/${audience}`)!;

  it(`prints on ${expectedPages} A4 pages, each numbered "Page i of ${expectedPages}"`, () => {
    const { pages, pageText, report } = get();
    expect(pages).toBe(expectedPages);
    pageText.forEach((text, i) => {
      expect(text).toContain(`Page ${i + 1} of ${expectedPages}`);
      // Chromium's footer only: the document's own @page numbers are switched off for the PDF.
      expect(text.split(`Page ${i + 1} of`).length - 1).toBe(1);
      expect(text).toContain(`${report.title} · as of 6 Feb 2017`);
    });
    expect(pageText[0]).toContain(report.title);
  });

  it('never splits a table or chart across two pages', () => {
    const { report, pageText } = get();
    const figures = figureEnds(report);
    expect(figures.length).toBeGreaterThan(2);
    for (const { caption, last } of figures) {
      const page = pageText.findIndex((text) => text.includes(caption));
      expect(page, `caption "${caption}" not found in the PDF`).toBeGreaterThanOrEqual(0);
      expect(pageText[page], `"${caption}" ends on another page than it starts ("${last}")`).toContain(last);
    }
  });

  it('names its disclosure profile and explains it', () => {
    const { report, pageText } = get();
    const all = pageText.join(' ');
    expect(all).toContain(squeeze(report.footnote));
    if (audience === 'committee') expect(all).toContain('Exact figures, for the steering committee.');
    else expect(all).toContain('Disclosure control: nhs-digital (NHS Digital secondary care rules).');
    // The screen-reader words behind each * stay out of print.
    expect(all).not.toContain('hidden (small number)');
  });
});

describe('the figures as printed', () => {
  const row = (layout: string, label: string) =>
    squeeze(layout.split('\n').find((line) => line.trim().startsWith(label)) ?? '');

  it('cie-evaluation-2017 for the committee: psychosis 15 consented, 12 registered, 80%', () => {
    const { layout } = printed.get('cie-evaluation-2017/committee')!;
    const table4 = layout.slice(layout.indexOf('Table 4'), layout.indexOf('Table 5'));
    expect(row(table4, 'Early Intervention in Psychosis')).toBe('Early Intervention in Psychosis 15 12 80%');
    expect(row(table4, 'Colposcopy')).toBe('Colposcopy 200 74 37%');
    expect(row(table4, 'All services')).toBe('All services 600 350 58%');
  });

  it('cie-evaluation-2017 for a funder: 12 → 10 and 67%, sharing counts of 1 to 7 as *', () => {
    const { layout } = printed.get('cie-evaluation-2017/funder')!;
    const table4 = layout.slice(layout.indexOf('Table 4'), layout.indexOf('Table 5'));
    expect(row(table4, 'Early Intervention in Psychosis')).toBe('Early Intervention in Psychosis 15 10 67%');
    expect(row(table4, 'Colposcopy')).toBe('Colposcopy 200 75 38%');
    const table5 = layout.slice(layout.indexOf('Table 5'));
    expect(row(table5, 'Renal')).toBe('Renal 80 * * * *');
    expect(row(table5, 'All services')).toBe('All services 350 20 6% 15 4%');
  });

  it('funder-impact: the interview section says no coded interviews are loaded', () => {
    const { pageText } = printed.get('funder-impact/funder')!;
    expect(pageText[pageText.length - 1]).toContain('No coded interviews are loaded yet');
    expect(pageText.join(' ')).toContain(
      'By 6 Feb 2017, 1,000 patients had been approached, 600 had consented and 350 had registered'
    );
  });
});
