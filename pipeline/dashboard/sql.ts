/**
 * Running the dashboard's SQL: parameterised only, never string-built from user input.
 *
 * Every query of a page can share one parameter object: queryRows binds only the names a statement uses.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/query.ts';

export type Params = Record<string, string | number | boolean | null>;

/** Parameterised reads for the dashboard (queryRows binds only the `$name`s a statement uses). */
export async function select<T>(connection: DuckDBConnection, sql: string, params: Params = {}): Promise<T[]> {
  return queryRows<T>(connection, sql, params);
}

/**
 * The organisation / setting filter as a WHERE fragment over a view that has those columns. `$organisation` and
 * `$setting` are bound as NULL when unset, so one statement serves filtered and unfiltered pages alike.
 */
export function serviceFilter(alias: string): string {
  return `($organisation IS NULL OR ${alias}.organisation = $organisation) AND ($setting IS NULL OR ${alias}.setting = $setting)`;
}
