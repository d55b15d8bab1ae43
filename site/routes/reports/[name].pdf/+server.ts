/** /reports/<name>.pdf: the report printed to A4 by headless Chromium, from the same HTML the page shows. */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { htmlToPdf } from '$pipeline/notebooks/index.ts';
import { formatDate } from '$pipeline/format/format.ts';
import { downloadName, renderForRequest } from '../report.server.ts';

export const GET: RequestHandler = async (event) => {
  const report = await renderForRequest(event);
  if (!report) error(404, 'No uptake export has been loaded yet, so there is no report to print.');
  const pdf = await htmlToPdf(report.document, { footerText: `${report.title} · as of ${formatDate(report.asOf)}` });
  return new Response(pdf, {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${downloadName(report, 'pdf')}"`
    }
  });
};
