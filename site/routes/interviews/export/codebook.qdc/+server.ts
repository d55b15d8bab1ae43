/** The codebook alone as REFI-QDA (.qdc). An empty codebook is a 404 that says so. */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { withReader } from '$lib/server/interviews.ts';
import { exportCodebook } from '$pipeline/refi-qda/export.ts';
import { codeCount } from '$pipeline/qualitative/codebook.ts';

export const GET: RequestHandler = async () => {
  const xml = await withReader(async (connection) => {
    if ((await codeCount(connection)) === 0) error(404, 'The codebook is empty: there is nothing to export.');
    return (await exportCodebook(connection)).xml;
  });
  return new Response(xml, {
    headers: {
      'content-type': 'application/xml; charset=utf-8',
      'content-disposition': 'attachment; filename="uptake-codebook.qdc"'
    }
  });
};
