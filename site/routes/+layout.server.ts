import type { LayoutServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { readLayoutFilters } from '$lib/server/filters.ts';

export const load: LayoutServerLoad = async ({ url, locals }) => ({
  ...(await cachedRead(`filters ${url.search}`, (connection) => readLayoutFilters(connection, url))),
  // Who is signed in (site/lib/server/access/guard.ts): the account bar and which links the header shows.
  viewer: locals.viewer
});
