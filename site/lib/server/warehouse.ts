/**
 * The dashboard server owns the warehouse while it runs (docs/architecture.md "Processes and the database"): it opens
 * the DuckDB file read-write once (UPTAKE_DB, or data/uptake.duckdb), so that the upload page can load files through
 * the same pipeline as the command line, and the `uptake` command says the database is in use instead of failing on a
 * lock.
 *
 * Each request reads through its own short-lived connection on the one instance: a load runs its transaction on the
 * warehouse's own connection, and readers on other connections see either all of a batch or none of it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { databasePath, openWarehouse } from '$pipeline/warehouse/open.ts';
import type { Warehouse } from '$pipeline/warehouse/query.ts';

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

/**
 * Page data kept until the warehouse changes. While the server runs it holds the file alone (the command line says
 * "in use"), so figures change only through this server's own writes: an upload, or the interviews workbench — both
 * call warehouseChanged(). A committee member's link, opened again or by a colleague, is then served without
 * re-running its queries (the overview's first render runs a dozen metric views; a cached one, none).
 * Bounded: the least recently used entries go first.
 */
const CACHE_ENTRIES = 256;
let generation = 0;
const cache = new Map<string, { generation: number; value: Promise<unknown> }>();

export function warehouseChanged(): void {
  generation++;
  cache.clear();
}

/** Like withReader, but the result is shared by every request with the same key until the next write. */
export function cachedRead<T>(key: string, read: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && hit.generation === generation) {
    cache.delete(key); // re-insert: Map order is the recency order
    cache.set(key, hit);
    return hit.value as Promise<T>;
  }
  const value = withReader(read);
  cache.set(key, { generation, value });
  value.catch(() => cache.delete(key)); // an error (a 400, a lost file) is never cached
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return value;
}
