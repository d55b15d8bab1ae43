/**
 * The server's one write queue. DuckDB allows one writer per database, and a write must not interleave with another:
 * loading an upload (uploads.ts) and every Interviews edit (`withWriter`, used by the Interviews pages) wait here, one
 * at a time, in arrival order. A write that fails does not stop the ones behind it. A queued write must never queue
 * another (it would wait for itself).
 *
 * Sign-in sessions, account changes and audit log lines are single-statement inserts and updates that DuckDB commits
 * on their own; they do not wait here, so that an upload that takes a minute to load never holds up signing in or the
 * audit line of every page view.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { warehouseChanged, withReader } from './warehouse.ts';

let tail: Promise<unknown> = Promise.resolve();

export function queueWrite<T>(write: () => Promise<T>): Promise<T> {
  const run = tail.then(write);
  tail = run.catch(() => undefined);
  return run;
}

/**
 * Runs `write` in the queue on its own short-lived connection (the engine opens its own transaction on it), then
 * drops the cached pages: reports quote the interviews, so a cached page must not outlive a write.
 */
export function withWriter<T>(write: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  return queueWrite(async () => {
    try {
      return await withReader(write);
    } finally {
      warehouseChanged();
    }
  });
}
