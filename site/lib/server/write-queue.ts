/**
 * The server's one write queue. DuckDB allows one writer per database, and a write must not interleave with another:
 * loading an upload (uploads.ts) and every Interviews edit (interviews.ts) wait here, one at a time, in arrival order.
 * A write that fails does not stop the ones behind it. A queued write must never queue another (it would wait for
 * itself).
 */
let tail: Promise<unknown> = Promise.resolve();

export function queueWrite<T>(write: () => Promise<T>): Promise<T> {
  const run = tail.then(write);
  tail = run.catch(() => undefined);
  return run;
}
