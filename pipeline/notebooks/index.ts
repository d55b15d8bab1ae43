/** Notebooks: Markdown reports with SQL blocks, rendered for an audience (README.md). Import from here. */
export { NotebookError, parseNotebook, type Notebook } from './parse.ts';
// Audiences and their disclosure profiles live in pipeline/disclosure; re-exported for the report command and pages.
export { AUDIENCES, UnknownAudienceError, audienceLabel, checkAudience, type Audience } from '../disclosure/index.ts';
export { UnknownAsOfError, resolveAsOf, runNotebookQueries, type AsOf, type QueryResult } from './query.ts';
export { renderNotebook, type RenderOptions, type RenderedReport } from './render.ts';
export { REPORT_CSS, reportDocument } from './document.ts';
export {
  htmlToPdf,
  chromiumPath,
  closePdfBrowser,
  pdfPrinterState,
  PdfBusyError,
  PrintQueue,
  type PdfOptions
} from './pdf.ts';
export {
  UnknownNotebookError,
  listNotebooks,
  loadNotebook,
  loadNotebookFromCommandLine,
  notebookNames,
  notebooksDir,
  NOTEBOOK_NAME
} from './library.ts';
