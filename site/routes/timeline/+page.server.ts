import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { timelinePage } from '$pipeline/dashboard/timeline.ts';

export const load: PageServerLoad = async ({ parent }) => {
  const filters = await pageFilters(parent);
  return {
    filters,
    timeline: await cachedRead(`timeline ${JSON.stringify(filters)}`, (connection) => timelinePage(connection, filters))
  };
};
