import type { LayoutServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { readLayoutFilters } from '$lib/server/filters.ts';
import { provenance } from '$pipeline/dashboard/data-loads.ts';

export const load: LayoutServerLoad = async ({ url, locals }) => {
  const filters = await cachedRead(`filters ${url.search}`, (connection) => readLayoutFilters(connection, url));
  const asOf = filters.filters?.asOf ?? null;
  return {
    ...filters,
    // The loads behind the figures at this as-of date, for each figure's footer (lib/components/Sources.svelte).
    provenance: asOf ? await cachedRead(`provenance ${asOf}`, (connection) => provenance(connection, asOf)) : null,
    // Who is signed in (site/lib/server/access/guard.ts): the account bar and which links the header shows.
    viewer: locals.viewer
  };
};
