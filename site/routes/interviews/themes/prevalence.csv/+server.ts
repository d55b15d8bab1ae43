/** The theme-prevalence figure's table as CSV: the same function the page ran, for the same category. */
import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { withReader } from '$lib/server/interviews.ts';
import { getCodebook } from '$pipeline/qualitative/codebook.ts';
import { busiestCategory, themePrevalenceFigure } from '$pipeline/qualitative/figures.ts';
import { figureCsv } from '$pipeline/dashboard/controlled.ts';
import { tableOnly } from '$pipeline/dashboard/charts.ts';
import { attributeChoice } from '$pipeline/qualitative/attributes.ts';

export const GET: RequestHandler = async ({ url }) => {
  const csv = await withReader(async (connection) => {
    const codebook = await getCodebook(connection);
    const wanted = url.searchParams.get('category');
    const category = wanted ? codebook.find((c) => c.category_id === wanted) : busiestCategory(codebook);
    if (!category)
      error(404, wanted ? `There is no code category "${wanted.slice(0, 60)}".` : 'There is no codebook yet.');
    // Researchers only (policy), so exact figures: profile 'none', whose footnote says not to publish them.
    const { chosen: attribute } = await attributeChoice(connection, url.searchParams.get('only'));
    // Only the table goes into the CSV: the figure is built without drawing its heatmap.
    const figure = await tableOnly(() => themePrevalenceFigure(connection, category.category_id, { attribute }));
    return figureCsv(figure.table, 'committee');
  });
  // The BOM makes Excel read the file as UTF-8 (code names hold en dashes and curly quotes).
  return new Response('\ufeff' + csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="theme-prevalence.csv"'
    }
  });
};
