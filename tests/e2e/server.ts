/**
 * The built dashboard (`node build`, from `npm run build`, which the test command runs first) serving the demo
 * programme from a warehouse of its own: data/demo/ is loaded with loadPaths (the same code path as `uptake load`) into
 * a DuckDB file in a temporary folder, then the server is started on a free port with UPTAKE_DB pointing at it.
 * Nothing is built here.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { loadDemoStudy } from '../../pipeline/qualitative/demo-study.ts';
import { freePort } from '../helpers/free-port.ts';
import { requireBuild, ROOT, startDashboardProcess } from '../helpers/dashboard-process.ts';

export const DEMO_DIR = join(ROOT, 'data/demo');

export interface DashboardServer {
  url: string;
  dbPath: string;
  folder: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Loads `dataPaths` (default: the demo programme) into a fresh warehouse, with `profile` if given, and serves it. */
export async function startDashboard(
  dataPaths: string[] = [DEMO_DIR],
  options: { profile?: string } = {}
): Promise<DashboardServer> {
  requireBuild('the browser tests');
  const folder = mkdtempSync(join(tmpdir(), 'uptake-e2e-'));
  const dbPath = join(folder, 'uptake.duckdb');
  const warehouse = await openWarehouse(dbPath);
  try {
    const report = await loadPaths(warehouse, dataPaths, { rawDir: join(folder, 'raw'), profile: options.profile });
    if (report.outcome !== 'loaded')
      throw new Error(`The test data did not load: ${JSON.stringify(report.problems.slice(0, 5))}`);
    await loadDemoStudy(warehouse.connection, join(DEMO_DIR, 'interviews'));
  } finally {
    warehouse.close();
  }
  // Demo mode (HOST=127.0.0.1 only) signs every request in as the demo admin, as `npm start` does: these tests are
  // about the pages, not about access (tests of roles and sign-in live with the access code).
  const server = await startDashboardProcess({ port: await freePort(), dbPath, folder, env: { UPTAKE_DEMO: '1' } });
  return { ...server, dbPath, folder };
}
