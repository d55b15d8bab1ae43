/**
 * The ground floor every layer reads through: run SQL, get plain rows. It imports nothing of Uptake's, so any module
 * may use it without reaching the place that knows every schema (open.ts).
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** An open warehouse (open.ts opens one). */
export interface Warehouse {
  path: string;
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  close(): void;
}

/**
 * Runs SQL and returns plain JSON-safe rows (BIGINT → string per DuckDB's JSON getters; cast counts in SQL).
 *
 * Named parameters: DuckDB refuses a name the statement does not use ("Failed to retrieve bind parameter index"), so
 * only the `$name`s that appear in the statement are bound. That lets a page's queries share one parameter object.
 */
export async function queryRows<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params?: Record<string, unknown> | unknown[]
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, usedParams(sql, params) as never);
  return reader.getRowObjectsJson() as T[];
}

/** The named parameters a statement uses (positional ones pass as they are); undefined when it uses none. */
export function usedParams(
  sql: string,
  params?: Record<string, unknown> | unknown[]
): Record<string, unknown> | unknown[] | undefined {
  if (params === undefined || Array.isArray(params)) return params;
  const used: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) if (new RegExp(`\\$${name}\\b`).test(sql)) used[name] = value;
  return Object.keys(used).length ? used : undefined;
}
