import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { overview } from '$pipeline/dashboard/overview.ts';

export const load: PageServerLoad = async ({ parent }) => {
  const filters = await pageFilters(parent);
  return {
    filters,
    overview: await cachedRead(`overview ${JSON.stringify(filters)}`, (connection) => overview(connection, filters))
  };
};
