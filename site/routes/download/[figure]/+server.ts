/**
 * CSV download of any figure: /download/<figure id>.csv with the page's own URL parameters. It re-runs the same
 * pipeline function the page ran, so the CSV holds exactly the table shown, then passes it through disclosure control
 * for `?audience=` (committee when absent: exact figures; funder or public: controlled, with the footnote naming the
 * profile under the table). A funder cannot ask for the committee's CSV: the policy forces `audience=funder`.
 */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { readFilters } from '$lib/server/filters.ts';
import { figureById, UnknownFigureError } from '$pipeline/dashboard/figures.ts';
import { SortError } from '$pipeline/dashboard/services.ts';
import { UsageLevelError } from '$pipeline/dashboard/usage.ts';
import { EXPORT_AUDIENCES, figureCsv, type ExportAudience } from '$pipeline/dashboard/controlled.ts';

export const GET: RequestHandler = async ({ params, url }) => {
  const id = params.figure.replace(/\.csv$/, '');
  const asked = url.searchParams.get('audience') ?? 'committee';
  if (!(EXPORT_AUDIENCES as readonly string[]).includes(asked)) {
    error(400, `audience must be one of ${EXPORT_AUDIENCES.join(', ')}.`);
  }
  const audience = asked as ExportAudience;
  const csv = await withReader(async (connection) => {
    const filters = await readFilters(connection, url);
    try {
      return figureCsv((await figureById(connection, id, filters, url.searchParams)).table, audience);
    } catch (e) {
      if (e instanceof UnknownFigureError) error(404, e.message);
      if (e instanceof SortError || e instanceof UsageLevelError) error(400, e.message);
      throw e;
    }
  });
  const stamp = url.searchParams.get('asOf') ?? 'latest';
  const suffix = audience === 'committee' ? '' : `-${audience}`;
  return new Response('\ufeff' + csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      // The BOM above makes Excel read the file as UTF-8 (service names may hold en dashes and accents).
      'content-disposition': `attachment; filename="${id}-${stamp.replace(/[^0-9a-z-]/gi, '')}${suffix}.csv"`
    }
  });
};
