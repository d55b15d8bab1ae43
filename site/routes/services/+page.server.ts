import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { parseServicesQuery, servicesTable } from '$pipeline/dashboard/services.ts';
import { TableQueryError } from '$pipeline/dashboard/table.ts';

export const load: PageServerLoad = async ({ parent, url }) => {
  const filters = await pageFilters(parent);
  try {
    const query = parseServicesQuery(url.searchParams);
    return {
      filters,
      services: await cachedRead(`services ${JSON.stringify([filters, query])}`, (connection) =>
        servicesTable(connection, filters, query)
      )
    };
  } catch (e) {
    if (e instanceof TableQueryError) error(400, e.message);
    throw e;
  }
};
