/**
 * The standalone report: one HTML file with its CSS inline (no links to fetch, so it opens anywhere and prints the
 * same), laid out for A4. The site shows the same <article> inside its layout with REPORT_CSS in the page head.
 *
 * Print rules: A4 with 15 mm side margins (the charts are at most 680 px wide, pipeline/charts/render.ts MAX_WIDTH,
 * which is what fits), figures and tables are not split across pages (`break-inside: avoid`), headings stay with what
 * follows them, and page numbers come from @page margin boxes ("Page 2 of 5") when a browser prints the HTML. The PDF
 * (pdf.ts) prints them in Chromium's own footer instead and turns the margin boxes off, so they are never doubled.
 */
import { formatDate } from '../format/format.ts';
import { escapeHtml } from './html.ts';
import type { Audience } from '../disclosure/index.ts';

/** Styles for the report, scoped to `.uptake-report` so they can sit inside the dashboard's pages. NHS colours. */
export const REPORT_CSS = `
/* Text keeps a readable measure; tables and charts may use the page's full width. */
.uptake-report { color: #212b32; line-height: 1.5; }
.uptake-report > header, .uptake-report > aside, .uptake-report > p, .uptake-report > ul, .uptake-report > ol, .uptake-report > h2, .uptake-report > h3 { max-width: 46rem; }
.uptake-report h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 0.5rem; }
.uptake-report h2 { font-size: 1.375rem; line-height: 1.3; margin: 2rem 0 0.75rem; }
.uptake-report h3 { font-size: 1.125rem; margin: 1.5rem 0 0.5rem; }
.uptake-report p, .uptake-report ul, .uptake-report ol { margin: 0 0 0.75rem; }
.uptake-report a { color: #005eb8; }
.uptake-report .report-kicker { color: #4c6272; font-size: 0.95rem; margin-bottom: 0.25rem; }
.uptake-report .report-lede { font-size: 1.15rem; }
.uptake-report .report-about { border-left: 6px solid #005eb8; background: #f0f4f5; padding: 0.75rem 1rem; margin: 1rem 0 1.5rem; }
.uptake-report .report-about h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
.uptake-report .report-about p:last-child { margin-bottom: 0; }
.uptake-report .report-footnote { font-size: 0.9rem; }
.uptake-report figure { margin: 1rem 0 1.75rem; }
.uptake-report .report-table-scroll { overflow-x: auto; }
.uptake-report table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
.uptake-report caption, .uptake-report figcaption { caption-side: top; text-align: left; font-size: 1rem; font-weight: bold; line-height: 1.4; padding-bottom: 0.5rem; }
.uptake-report th, .uptake-report td { border-bottom: 1px solid #d8dde0; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
.uptake-report thead th { border-bottom: 2px solid #212b32; vertical-align: bottom; }
.uptake-report tbody th { font-weight: normal; }
.uptake-report tbody th, .uptake-report tfoot th { min-width: 8em; }
.uptake-report .report-date { white-space: nowrap; }
.uptake-report .report-number { text-align: right; font-variant-numeric: tabular-nums; }
.uptake-report td.report-number { white-space: nowrap; }
.uptake-report tfoot th, .uptake-report tfoot td { border-top: 2px solid #212b32; border-bottom: 0; font-weight: bold; }
.uptake-report .report-chart-svg svg { display: block; max-width: 100%; height: auto; }
.uptake-report .report-summary, .uptake-report .report-note { color: #4c6272; font-size: 0.875rem; margin: 0.5rem 0 0; }
.uptake-report .report-empty-message { border: 1px dashed #aeb7bd; padding: 0.75rem 1rem; color: #4c6272; }
.uptake-report blockquote { border-left: 4px solid #aeb7bd; margin: 0 0 0.75rem; padding-left: 1rem; color: #4c6272; }
.uptake-report pre { background: #f0f4f5; padding: 0.5rem; overflow-x: auto; font-size: 0.85rem; }
.uptake-report .report-visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); border: 0; white-space: nowrap; }
@media print {
  .uptake-report, .uptake-report > * { max-width: none; }
  .uptake-report { font-size: 10.5pt; }
  .uptake-report h1 { font-size: 20pt; }
  .uptake-report h2 { font-size: 14pt; margin-top: 14pt; }
  .uptake-report h2, .uptake-report h3, .uptake-report caption, .uptake-report figcaption { break-after: avoid; }
  .uptake-report figure, .uptake-report .report-about, .uptake-report tr { break-inside: avoid; }
  .uptake-report thead { display: table-header-group; }
  .uptake-report .report-table-scroll { overflow: visible; }
  .uptake-report a { color: inherit; text-decoration: none; }
  /* Screen-reader text has no use on paper, and would show up in the PDF's extracted text. */
  .uptake-report .report-visually-hidden { display: none; }
}
`;

/** Only in the standalone document: the page and its numbers. */
const PAGE_CSS = `
@page { size: A4; margin: 15mm 15mm 18mm; }
@page { @bottom-center { content: "Page " counter(page) " of " counter(pages); font: 9pt Arial, "Liberation Sans", sans-serif; color: #4c6272; } }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; padding: 2rem 1rem; background: #fff; font-family: Frutiger W01, Arial, "Liberation Sans", Helvetica, sans-serif; font-size: 16px; }
main { max-width: 52rem; margin: 0 auto; }
@media print { body { padding: 0; } main { max-width: none; } }
`;

/** What a document needs of a rendered report (render.ts builds the report; the document only wraps it). */
export interface DocumentParts {
  notebook: string;
  title: string;
  description: string;
  audience: Audience;
  profile: string;
  asOf: string;
  fragment: string;
}

/** A complete HTML document for a rendered report. */
export function reportDocument(report: DocumentParts): string {
  const title = `${report.title} – as of ${formatDate(report.asOf)}`;
  return (
    [
      '<!doctype html>',
      '<html lang="en-GB">',
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      `<title>${escapeHtml(title)}</title>`,
      report.description ? `<meta name="description" content="${escapeHtml(report.description)}">` : '',
      `<meta name="generator" content="Uptake notebook ${escapeHtml(report.notebook)}; audience ${report.audience}; disclosure profile ${escapeHtml(report.profile)}">`,
      `<style>${PAGE_CSS}${REPORT_CSS}</style>`,
      '</head>',
      '<body>',
      `<main>${report.fragment}</main>`,
      '</body>',
      '</html>'
    ]
      .filter((line) => line !== '')
      .join('\n') + '\n'
  );
}
