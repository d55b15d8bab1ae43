/**
 * Faults the server can name, at start and on any request (pipeline/warehouse/faults.ts says what each means).
 *
 *  - At start (`startWarehouse`, the `init` hook): a database file the server may not write, or a folder it may not
 *    write in, stops the server with a message saying which and what to do. Serving read-only with a banner was the
 *    other choice; it was not taken because nothing a person comes for works without writing: sign-in writes a session
 *    and every audited view writes to the audit log, and serving views that go unaudited is not acceptable. Then the
 *    warehouse is opened and what a killed server left behind is removed (raw-store.ts, cleanAfterCrash) and logged;
 *    `uptake status` shows it too.
 *  - On a request (`errorForPage`, the `handleError` hook): an error nobody caught becomes a message that says what is
 *    wrong and what to do, with a reference that is also in the server's log. The same message goes to the error page
 *    (routes/+error.svelte) and to site/error.html, which SvelteKit shows when the error happened in a hook.
 */
import { randomUUID } from 'node:crypto';
import { databasePath, DatabaseInUseError } from '$pipeline/warehouse/open.ts';
import { queryRows } from '$pipeline/warehouse/query.ts';
import { warehouseWriteProblem } from '$pipeline/warehouse/writable.ts';
import { describeFault } from '$pipeline/warehouse/faults.ts';
import { cleanAfterCrash, defaultRawDir, uploadsInProgressDir } from '$pipeline/load/raw-store.ts';
import { warehouse } from './warehouse.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- SvelteKit declares its app types in the App namespace
  namespace App {
    interface Error {
      /** What is wrong and what to do, in words for the person who met it. */
      message: string;
      /** Matches the server's log line, for errors nobody foresaw. */
      reference?: string;
    }
  }
}

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** Refuses to start on a database it cannot write; opens it and cleans up after a crash. */
export async function startWarehouse(exit: (code: number) => never = process.exit): Promise<void> {
  const path = databasePath();
  const problem = warehouseWriteProblem(path);
  if (problem) {
    console.error(`uptake: the dashboard cannot start.\n  ${problem.problem}\n  ${problem.remedy}`);
    exit(78); // EX_CONFIG: a configuration problem, not a crash
  }
  let owner;
  try {
    owner = await warehouse();
  } catch (error) {
    // The `uptake` command may hold the file for a while (a long load): start anyway and let pages say so, as before.
    if (error instanceof DatabaseInUseError) {
      console.warn(`uptake: ${error.message}`);
      return;
    }
    throw error;
  }
  const loaded = await queryRows<{ sha256: string }>(owner.connection, 'SELECT DISTINCT sha256 FROM load_file');
  const cleanup = cleanAfterCrash(
    defaultRawDir(owner.path),
    uploadsInProgressDir(owner.path),
    new Set(loaded.map((r) => r.sha256))
  );
  for (const [list, what] of [
    [cleanup.tempFiles, 'an upload or copy interrupted by a stop'],
    [cleanup.orphanRawFiles, 'a raw file whose load never committed']
  ] as const)
    for (const f of list) console.log(`uptake: removed ${f.name} (${megabytes(f.bytes)}): ${what}.`);
}

/** The App.Error for an error nobody caught, logged with its reference. */
export function errorForPage(error: unknown, status: number, message: string): App.Error {
  // SvelteKit's own 404 ("Not Found") and other 4xx it raises itself: the page already says what to do.
  if (status < 500) return { message };
  const reference = randomUUID().slice(0, 8);
  const fault = describeFault(error, reference);
  console.error(`uptake: [${reference}] ${fault.kind}:`, error);
  return { message: `${fault.message} ${fault.action}`, reference };
}
