/**
 * A command's use of the warehouse, closed whatever happens: DuckDB holds the file's lock until the connection is
 * closed, and a command that failed half-way must not leave the database "in use" (exit 3) for what runs next.
 */
import { openForReading } from './open-for-reading.ts';
import { openWarehouse } from '../warehouse/open.ts';
import type { Warehouse } from '../warehouse/query.ts';

async function closingAfter<T>(warehouse: Warehouse, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  try {
    return await work(warehouse);
  } finally {
    warehouse.close();
  }
}

/** `work` on the warehouse opened for writing (created when missing, its schema brought up to date). */
export async function withWarehouse<T>(dbPath: string, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  return closingAfter(await openWarehouse(dbPath), work);
}

/** `work` on an existing warehouse opened for reading only (open-for-reading.ts). */
export async function readingWarehouse<T>(
  dbPath: string,
  work: (warehouse: Warehouse) => Promise<T>,
  options: { files?: boolean } = {}
): Promise<T> {
  return closingAfter(await openForReading(dbPath, options), work);
}
