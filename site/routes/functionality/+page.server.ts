import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { functionalityPage, functionOffering } from '$pipeline/dashboard/functionality.ts';

export const load: PageServerLoad = async ({ parent }) => {
  const filters = await pageFilters(parent);
  return {
    filters,
    functionality: await cachedRead(`functionality ${JSON.stringify(filters)}`, (connection) =>
      functionalityPage(connection, filters)
    ),
    offering: await cachedRead(`function-offering ${JSON.stringify(filters)}`, (connection) =>
      functionOffering(connection, filters)
    )
  };
};
