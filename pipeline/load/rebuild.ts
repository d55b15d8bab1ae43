/**
 * `uptake rebuild`: recreate the derived warehouse from data/raw/ alone (docs/architecture.md "Loading exports").
 *
 * Every batch record in data/raw/batches/ is replayed in load order, under its original file names, profile, batch id
 * and clock, into a new database file beside the old one. User-authored tables (USER_AUTHORED_TABLES) are copied
 * across untouched. Only then is the new file renamed over the old one, so a failed or killed rebuild leaves the old
 * warehouse as it was. Rejected loads are not replayed (they left nothing in data/raw/), so their records go.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { databasePath, openWarehouse, USER_AUTHORED_TABLES } from '../warehouse/open.ts';
import { loadPaths, formatProblem } from './load.ts';
import { defaultRawDir, rawPath, readBatchRecords } from './raw-store.ts';
import { sqlLiteral, sqlIdentifier } from '../warehouse/quote.ts';

export class RebuildError extends Error {}

export async function rebuildWarehouse(
  dbPath: string = databasePath(),
  options: { rawDir?: string } = {}
): Promise<{ files: number; batches: number }> {
  const rawDir = options.rawDir ?? defaultRawDir(dbPath);
  // Opening the current warehouse first proves no other process holds it (DatabaseInUseError otherwise), and lets a
  // crash-orphaned batch record be written before we replay.
  if (existsSync(dbPath)) {
    const current = await openWarehouse(dbPath);
    const { reconcileBatchRecords } = await import('./load.ts');
    await reconcileBatchRecords(current, rawDir);
    current.close();
  }
  const records = readBatchRecords(rawDir);
  const temp = `${dbPath}.rebuild-${process.pid}`;
  rmSync(temp, { force: true });
  rmSync(`${temp}.wal`, { force: true });
  const fresh = await openWarehouse(temp);
  let files = 0;
  try {
    for (const record of records) {
      const paths = record.files.map((f) => rawPath(rawDir, f.sha256, f.ext));
      const missing = paths.filter((p) => !existsSync(p));
      if (missing.length)
        throw new RebuildError(
          `Batch ${record.batchId} names raw files that are not in ${rawDir}: ${missing.join(', ')}`
        );
      const report = await loadPaths(fresh, paths, {
        profileObject: record.profile,
        names: record.files.map((f) => f.name),
        batchId: record.batchId,
        now: new Date(`${record.loadedAt.replace(' ', 'T')}Z`),
        land: false,
        rawDir
      });
      if (report.outcome === 'rejected') {
        throw new RebuildError(
          `Batch ${record.batchId} no longer passes the checks:\n${report.problems.map(formatProblem).join('\n')}`
        );
      }
      files += report.loaded.length;
    }
    if (existsSync(dbPath) && USER_AUTHORED_TABLES.length) {
      await fresh.connection.run(`ATTACH ${sqlLiteral(dbPath)} AS previous (READ_ONLY)`);
      for (const table of USER_AUTHORED_TABLES) {
        // BY NAME: a file made before a column was added (account.disabled_at) still copies, the new column NULL.
        await fresh.connection.run(
          `INSERT INTO ${sqlIdentifier(table)} BY NAME SELECT * FROM previous.${sqlIdentifier(table)}`
        );
      }
      await fresh.connection.run('DETACH previous');
    }
    await fresh.connection.run('CHECKPOINT');
  } catch (error) {
    fresh.close();
    rmSync(temp, { force: true });
    rmSync(`${temp}.wal`, { force: true });
    throw error;
  }
  fresh.close();
  rmSync(`${dbPath}.wal`, { force: true });
  renameSync(temp, dbPath);
  return { files, batches: records.length };
}
