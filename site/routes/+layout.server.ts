import type { LayoutServerLoad } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { readLayoutFilters } from '$lib/server/filters.ts';

export const load: LayoutServerLoad = async ({ url }) => withReader((connection) => readLayoutFilters(connection, url));
