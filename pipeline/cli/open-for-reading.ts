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
 *
 * DuckDB's external access (reading, listing and writing files, attaching databases, loading extensions) is switched
 * off once the warehouse is attached, and the configuration locked, so SQL a person typed (`uptake query`) or wrote
 * in a notebook file (`uptake report path/to/notebook.md`) reads the warehouse and nothing else on the machine. Only
 * `uptake export`, whose SQL is ours and writes the files it is asked for, keeps it (`{ files: true }`).
 */
export async function openForReading(path: string, options: { files?: boolean } = {}): Promise<Warehouse> {
  if (!existsSync(path)) throw new NoWarehouseError(path);
  const warehouse = await openWarehouse(path, { readOnly: true });
  if (!options.files) {
    try {
      await warehouse.connection.run('SET enable_external_access = false');
      await warehouse.connection.run('SET lock_configuration = true');
    } catch (error) {
      warehouse.close();
      throw error;
    }
  }
  return warehouse;
}
