/**
 * Reading the URL's filters on the server: one parser (pipeline/dashboard/filters.ts) for every page and download;
 * a value that does not parse or is not loaded becomes a 400 page saying what was wrong.
 *
 * The root layout reads them but does not throw: an error thrown in the root layout's load would skip the layout and
 * +error.svelte (SvelteKit falls back to a bare error page), so it passes the problem on and each page throws the 400.
 */
import { error } from '@sveltejs/kit';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  FilterError,
  filterOptions,
  filterQuery,
  parseFilters,
  resolveFilters,
  type FilterOptions,
  type ResolvedFilters
} from '$pipeline/dashboard/filters.ts';

export interface LayoutFilters {
  options: FilterOptions;
  /** Null when the URL's filters are wrong; `filterProblem` then says why. */
  filters: ResolvedFilters | null;
  filterProblem: string | null;
  /** The filters the user chose, as a query string for links ('' when none or when they are wrong). */
  query: string;
}

export async function readLayoutFilters(connection: DuckDBConnection, url: URL): Promise<LayoutFilters> {
  const options = await filterOptions(connection);
  try {
    const chosen = parseFilters(url.searchParams);
    const filters = await resolveFilters(connection, chosen, options);
    return { options, filters, filterProblem: null, query: filterQuery(chosen) };
  } catch (e) {
    if (e instanceof FilterError) return { options, filters: null, filterProblem: e.message, query: '' };
    throw e;
  }
}

/** For page loads: the layout's filters, or the 400 page when the URL's filters are wrong. */
export async function pageFilters(
  parent: () => Promise<{ filters: ResolvedFilters | null; filterProblem: string | null }>
): Promise<ResolvedFilters> {
  const { filters, filterProblem } = await parent();
  if (!filters) error(400, filterProblem ?? 'The filters in this link are not valid.');
  return filters;
}

/** For endpoints (CSV downloads): the filters, or a 400 response. */
export async function readFilters(connection: DuckDBConnection, url: URL): Promise<ResolvedFilters> {
  const { filters, filterProblem } = await readLayoutFilters(connection, url);
  if (!filters) error(400, filterProblem ?? 'The filters in this link are not valid.');
  return filters;
}
