/**
 * Running the dashboard's SQL: parameterised only, never string-built from user input.
 *
 * DuckDB refuses named parameters that a statement does not use ("Failed to retrieve bind parameter index"), so
 * `select` passes only the `$name`s that appear in the statement. That lets every query share one parameter object.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/query.ts';

export type Params = Record<string, string | number | boolean | null>;

export async function select<T>(connection: DuckDBConnection, sql: string, params: Params = {}): Promise<T[]> {
  const used: Params = {};
  for (const [name, value] of Object.entries(params)) {
    if (new RegExp(`\\$${name}\\b`).test(sql)) used[name] = value;
  }
  return queryRows<T>(connection, sql, Object.keys(used).length ? used : undefined);
}

/**
 * The organisation / setting filter as a WHERE fragment over a view that has those columns. `$organisation` and
 * `$setting` are bound as NULL when unset, so one statement serves filtered and unfiltered pages alike.
 */
export function serviceFilter(alias: string): string {
  return `($organisation IS NULL OR ${alias}.organisation = $organisation) AND ($setting IS NULL OR ${alias}.setting = $setting)`;
}
