import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { functionality, functionOffering } from '$pipeline/dashboard/functionality.ts';

export const load: PageServerLoad = async ({ parent }) => {
  const filters = await pageFilters(parent);
  return {
    filters,
    matrix: await cachedRead(`functionality ${JSON.stringify(filters)}`, (connection) =>
      functionality(connection, filters)
    ),
    offering: await cachedRead(`function-offering ${JSON.stringify(filters)}`, (connection) =>
      functionOffering(connection, filters)
    )
  };
};
