/**
 * A load in a process of its own, for tests/load/atomicity.test.ts to kill with SIGKILL:
 *   node --import tsx tests/load/helpers/load-in-child.ts <database> <raw folder> <file>...
 * It says on stderr when the database is open and at each progress step, so the test can choose its moment; the
 * loader itself says "paused before commit" when UPTAKE_PAUSE_BEFORE_COMMIT_MS is set.
 */
import { loadPaths } from '../../../pipeline/load/load.ts';
import { openWarehouse } from '../../../pipeline/warehouse/open.ts';

const [database, rawDir, ...paths] = process.argv.slice(2);
const warehouse = await openWarehouse(database);
process.stderr.write('load-in-child: opened\n');
const report = await loadPaths(warehouse, paths, {
  rawDir,
  now: new Date('2026-11-25T12:00:00Z'),
  onProgress: (e) => process.stderr.write(`load-in-child: ${e.phase} ${e.file}\n`)
});
process.stdout.write(
  `${JSON.stringify({ outcome: report.outcome, batchId: report.batchId, problems: report.problems.length })}\n`
);
warehouse.close();
