import type { PageServerLoad } from './$types';
import { withReader } from '$lib/server/warehouse.ts';
import { dataLoads } from '$pipeline/dashboard/data-loads.ts';

export const load: PageServerLoad = async () => {
  return { loads: await withReader((connection) => dataLoads(connection)) };
};
