import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { uptakeTrends } from '$pipeline/dashboard/uptake.ts';

export const load: PageServerLoad = async ({ parent }) => {
  const filters = await pageFilters(parent);
  return {
    filters,
    uptake: await cachedRead(`uptake ${JSON.stringify(filters)}`, (connection) => uptakeTrends(connection, filters))
  };
};
