import type { PageServerLoad } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { settings } from '$pipeline/dashboard/settings.ts';

export const load: PageServerLoad = async ({ parent }) => {
  const filters = await pageFilters(parent);
  return { filters, settings: await withReader((connection) => settings(connection, filters)) };
};
