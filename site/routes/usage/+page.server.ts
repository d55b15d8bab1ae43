import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { cachedRead } from '$lib/server/warehouse.ts';
import { pageFilters } from '$lib/server/filters.ts';
import { parseUsageLevel, usagePage, UsageLevelError, type UsageLevel } from '$pipeline/dashboard/usage.ts';

export const load: PageServerLoad = async ({ parent, url }) => {
  const filters = await pageFilters(parent);
  let level: UsageLevel;
  try {
    level = parseUsageLevel(url.searchParams);
  } catch (e) {
    if (e instanceof UsageLevelError) error(400, e.message);
    throw e;
  }
  return {
    filters,
    usage: await cachedRead(`usage ${JSON.stringify([filters, level])}`, (connection) =>
      usagePage(connection, filters, level)
    )
  };
};
