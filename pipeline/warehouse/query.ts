/**
 * The ground floor every layer reads through: run SQL, get plain rows. It imports nothing of Uptake's, so any module may
 * use it without reaching the place that knows every schema (open.ts).
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** An open warehouse (open.ts opens one). */
export interface Warehouse {
  path: string;
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  close(): void;
}

/** Runs SQL and returns plain JSON-safe rows (BIGINT → string per DuckDB's JSON getters; cast counts in SQL). */
export async function queryRows<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params?: Record<string, unknown> | unknown[]
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJson() as T[];
}
