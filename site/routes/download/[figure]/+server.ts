/**
 * CSV download of any figure: /download/<figure id>.csv with the page's own URL parameters. It re-runs the same
 * pipeline function the page ran, so the CSV holds exactly the table shown.
 */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { readFilters } from '$lib/server/filters.ts';
import { figureById, UnknownFigureError } from '$pipeline/dashboard/figures.ts';
import { SortError } from '$pipeline/dashboard/services.ts';
import { tableToCsv } from '$pipeline/dashboard/format.ts';

export const GET: RequestHandler = async ({ params, url }) => {
  const id = params.figure.replace(/\.csv$/, '');
  const csv = await withReader(async (connection) => {
    const filters = await readFilters(connection, url);
    try {
      return tableToCsv((await figureById(connection, id, filters, url.searchParams)).table);
    } catch (e) {
      if (e instanceof UnknownFigureError) error(404, e.message);
      if (e instanceof SortError) error(400, e.message);
      throw e;
    }
  });
  const stamp = url.searchParams.get('asOf') ?? 'latest';
  return new Response('\ufeff' + csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      // The BOM above makes Excel read the file as UTF-8 (service names may hold en dashes and accents).
      'content-disposition': `attachment; filename="${id}-${stamp.replace(/[^0-9a-z-]/gi, '')}.csv"`
    }
  });
};
