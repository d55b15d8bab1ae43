/**
 * Can this process write the warehouse? Asked once when the dashboard starts, because a server that cannot write its
 * database cannot do anything a person comes for: every sign-in writes a session, every audited view writes to the
 * audit log, and uploads and interview edits write data. DuckDB would open such a file and fail on the first write, so
 * every page, the sign-in page included, became a bare 500 while the server said "Listening".
 *
 * The check tries what DuckDB will do, as the user the server runs as (permission bits mean nothing to root):
 *  - open the database file for writing, when it exists;
 *  - create and remove a file in its folder: DuckDB writes its write-ahead log (<file>.wal) beside the database, and
 *    creates the database there when it does not exist yet.
 */
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface WritableProblem {
  /** What is wrong, naming the path and the user. */
  problem: string;
  /** What the person running the server should do. */
  remedy: string;
}

const who = () => {
  const uid = process.getuid?.();
  return uid === undefined ? 'the user running the server' : `the user running the server (uid ${uid})`;
};

/** Null when the database and its folder are writable, else what is wrong and what to do. */
export function warehouseWriteProblem(dbPath: string): WritableProblem | null {
  const folder = dirname(dbPath);
  const remedy = (path: string) =>
    `Make ${path} writable for ${who()} (chown or chmod), or set UPTAKE_DB to a database file in a writable folder, then start the server again.`;
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    return {
      problem: `The folder ${folder} for the database cannot be created (${code(error)}).`,
      remedy: remedy(dirname(folder))
    };
  }
  try {
    closeSync(openSync(dbPath, 'r+'));
  } catch (error) {
    const c = code(error);
    if (c !== 'ENOENT')
      return {
        problem: `The database file ${dbPath} is read-only for ${who()} (${c}): the dashboard writes sign-ins, the audit log, uploads and interview edits into it.`,
        remedy: remedy(dbPath)
      };
  }
  const probe = join(folder, `.uptake-write-check-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    rmSync(probe, { force: true });
  } catch (error) {
    return {
      problem: `The folder ${folder} that holds the database is not writable for ${who()} (${code(error)}): DuckDB writes its log (${dbPath}.wal) beside the database.`,
      remedy: remedy(folder)
    };
  }
  return null;
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code ?? (error as Error).message;
