/**
 * The dashboard server owns the warehouse while it runs (DESIGN.md "Processes and the database"): it opens the DuckDB
 * file read-write once (UPTAKE_DB, or data/uptake.duckdb), so that the upload page can load files through the same
 * pipeline as the command line, and the `uptake` command says the database is in use instead of failing on a lock.
 *
 * Each request reads through its own short-lived connection on the one instance: a load runs its transaction on the
 * warehouse's own connection, and readers on other connections see either all of a batch or none of it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { databasePath, openWarehouse, type Warehouse } from '$pipeline/warehouse/open.ts';

let opening: Promise<Warehouse> | undefined;

export function warehouse(): Promise<Warehouse> {
  opening ??= openWarehouse(databasePath()).then(
    (opened) => {
      // adapter-node emits this on SIGINT/SIGTERM once requests have drained; closing checkpoints the WAL.
      process.once('sveltekit:shutdown' as never, () => opened.close());
      return opened;
    },
    (error) => {
      opening = undefined; // let the next request try again (e.g. once another process lets go of the file)
      throw error;
    }
  );
  return opening;
}

/** Runs `read` on a fresh connection to the warehouse and closes it afterwards. */
export async function withReader<T>(read: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const { instance } = await warehouse();
  const connection = await instance.connect();
  try {
    return await read(connection);
  } finally {
    connection.closeSync();
  }
}
