import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { FilterError, filterQuery } from '$pipeline/dashboard/filters.ts';
import { equityPage } from '$pipeline/dashboard/equity.ts';

export const load: PageServerLoad = async ({ parent, url }) => {
  const filters = await pageFilters(parent);
  const characteristic = url.searchParams.get('characteristic') ?? '';
  const measure = url.searchParams.get('measure') ?? '';
  try {
    return {
      filters,
      characteristicParam: characteristic,
      measureParam: measure,
      equityQuery: filterQuery(filters, { characteristic: characteristic || undefined, measure: measure || undefined }),
      equity: await cachedRead(
        `equity ${JSON.stringify(filters)} ${JSON.stringify([characteristic, measure])}`,
        (connection) => equityPage(connection, filters, url.searchParams)
      )
    };
  } catch (e) {
    if (e instanceof FilterError) error(400, e.message);
    throw e;
  }
};
