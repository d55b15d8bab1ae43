/** Opening the warehouse for a command that only reads (status, query, export). */
import { existsSync } from 'node:fs';
import { openWarehouse } from '../warehouse/open.ts';
import type { Warehouse } from '../warehouse/query.ts';

export class NoWarehouseError extends Error {
  constructor(readonly path: string) {
    super(
      `There is no warehouse at ${path} yet: load files first with \`uptake load <file|folder>\` (or pick another with --db).`
    );
    this.name = 'NoWarehouseError';
  }
}

/**
 * READ_ONLY, so nothing a reading command does can change the database. A missing file is reported as such rather than
 * created empty (DuckDB would refuse to create it read-only anyway, with a less helpful message).
 */
export async function openForReading(path: string): Promise<Warehouse> {
  if (!existsSync(path)) throw new NoWarehouseError(path);
  return openWarehouse(path, { readOnly: true });
}
