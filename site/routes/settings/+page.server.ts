import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { settings } from '$pipeline/dashboard/settings.ts';

export const load: PageServerLoad = async ({ parent }) => {
  const filters = await pageFilters(parent);
  return {
    filters,
    settings: await cachedRead(`settings ${JSON.stringify(filters)}`, (connection) => settings(connection, filters))
  };
};
