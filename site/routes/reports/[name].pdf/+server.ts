/**
 * /reports/<name>.pdf: the report printed to A4 by headless Chromium, from the same HTML the page shows. Printing goes
 * through one shared browser and a small queue (pipeline/notebooks/pdf.ts); past the queue the answer is a 503 with
 * Retry-After, at once, rather than a request that waits behind everyone else's.
 */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { htmlToPdf, PdfBusyError } from '$pipeline/notebooks/index.ts';
import { formatDate } from '$pipeline/format/format.ts';
import { downloadName, renderForRequest } from '../report.server.ts';

export const GET: RequestHandler = async (event) => {
  const report = await renderForRequest(event);
  if (!report) error(404, 'No uptake export has been loaded yet, so there is no report to print.');
  let pdf;
  try {
    pdf = await htmlToPdf(report.document, { footerText: `${report.title} · as of ${formatDate(report.asOf)}` });
  } catch (e) {
    if (!(e instanceof PdfBusyError)) throw e;
    return new Response(`${e.message}\n`, {
      status: 503,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'retry-after': String(e.retryAfterSeconds),
        'cache-control': 'no-store'
      }
    });
  }
  return new Response(pdf, {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${downloadName(report, 'pdf')}"`
    }
  });
};
