import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { servicePage } from '$pipeline/dashboard/service.ts';

export const load: PageServerLoad = async ({ parent, params }) => {
  const filters = await pageFilters(parent);
  const service = await cachedRead(`service ${JSON.stringify([params.id, filters])}`, (connection) =>
    servicePage(connection, params.id, filters)
  );
  if (!service) error(404, `There is no service with the id "${params.id.slice(0, 60)}".`);
  return { filters, service };
};
