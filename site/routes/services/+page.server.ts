import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { parseServicesQuery, servicesTable, SortError } from '$pipeline/dashboard/services.ts';

export const load: PageServerLoad = async ({ parent, url }) => {
  const filters = await pageFilters(parent);
  let query;
  try {
    query = parseServicesQuery(url.searchParams);
  } catch (e) {
    if (e instanceof SortError) error(400, e.message);
    throw e;
  }
  return {
    filters,
    services: await cachedRead(`services ${JSON.stringify([filters, query])}`, (connection) =>
      servicesTable(connection, filters, query)
    )
  };
};
