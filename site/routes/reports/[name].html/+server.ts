/** /reports/<name>.html: the report as one standalone HTML file (styles inline), for saving or mailing. */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { downloadName, renderForRequest } from '../report.server.ts';

export const GET: RequestHandler = async (event) => {
  const report = await renderForRequest(event);
  if (!report) error(404, 'No uptake export has been loaded yet, so there is no report to download.');
  return new Response(report.document, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-disposition': `attachment; filename="${downloadName(report, 'html')}"`
    }
  });
};
