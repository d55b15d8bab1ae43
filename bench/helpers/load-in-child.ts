/**
 * One `uptake load` in a process of its own, so the load benchmark can read its peak memory (maxRSS) apart from the
 * benchmark's own: `node --import tsx bench/helpers/load-in-child.ts <database> <raw folder> <file> [profile file]`.
 * Prints one JSON line: outcome, rows, seconds, maxRssBytes. Lives in bench/helpers/ because bench/run.ts imports every
 * module directly in bench/, and this one loads as soon as it is imported.
 */
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';

const [database, rawDir, file, profile] = process.argv.slice(2);
const warehouse = await openWarehouse(database);
const start = process.hrtime.bigint();
const report = await loadPaths(warehouse, [file], { rawDir, ...(profile ? { profile } : {}) });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
warehouse.close();
process.stdout.write(
  `${JSON.stringify({
    outcome: report.outcome,
    rows: report.loaded[0]?.rows ?? 0,
    problems: report.problems.slice(0, 3),
    seconds,
    // resourceUsage().maxRSS is in kilobytes: the most resident memory this process ever had, DuckDB's included.
    maxRssBytes: process.resourceUsage().maxRSS * 1024
  })}\n`
);
