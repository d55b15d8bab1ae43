/** Notebooks: Markdown reports with SQL blocks, rendered for an audience (README.md). Import from here. */
export { AUDIENCES, NotebookError, parseNotebook, type Audience, type Notebook } from './parse.ts';
export { UnknownAsOfError, resolveAsOf, runNotebookQueries, type AsOf, type QueryResult } from './query.ts';
export {
  UnknownAudienceError,
  audienceLabel,
  checkAudience,
  profileFor,
  renderNotebook,
  type RenderOptions,
  type RenderedReport
} from './render.ts';
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
