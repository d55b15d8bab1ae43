/**
 * The built dashboard (`node build`, from `npm run build`, which the test command runs first) serving the demo
 * programme from a warehouse of its own: data/demo/ is loaded with loadPaths (the same code path as `uptake load`) into
 * a DuckDB file in a temporary folder, then the server is started on a free port with UPTAKE_DB pointing at it.
 * Nothing is built here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { loadDemoStudy } from '../../pipeline/qualitative/demo-study.ts';
import { freePort } from '../helpers/free-port.ts';

const ROOT = resolve(import.meta.dirname, '../..');
export const DEMO_DIR = join(ROOT, 'data/demo');

export interface DashboardServer {
  url: string;
  dbPath: string;
  folder: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

async function waitForServer(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The dashboard exited with code ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The dashboard did not answer within 30 s:\n${output()}`);
}

/** Loads `dataPaths` (default: the demo programme) into a fresh warehouse and serves it. */
export async function startDashboard(dataPaths: string[] = [DEMO_DIR]): Promise<DashboardServer> {
  if (!existsSync(join(ROOT, 'build/index.js'))) throw new Error('No build/ found: run `npm run build` before the browser tests.');
  const folder = mkdtempSync(join(tmpdir(), 'uptake-e2e-'));
  const dbPath = join(folder, 'uptake.duckdb');
  const warehouse = await openWarehouse(dbPath);
  try {
    const report = await loadPaths(warehouse, dataPaths, { rawDir: join(folder, 'raw') });
    if (report.outcome !== 'loaded') throw new Error(`The test data did not load: ${JSON.stringify(report.problems.slice(0, 5))}`);
    await loadDemoStudy(warehouse.connection, join(DEMO_DIR, 'interviews'));
  } finally {
    warehouse.close();
  }
  const port = await freePort();
  let log = '';
  const child = spawn(process.execPath, ['build'], {
    cwd: ROOT,
    // Demo mode (HOST=127.0.0.1 only) signs every request in as the demo admin, as `npm start` does: these tests are
    // about the pages, not about access (tests of roles and sign-in live with the access code).
    env: { ...process.env, UPTAKE_DB: dbPath, PORT: String(port), HOST: '127.0.0.1', ORIGIN: `http://127.0.0.1:${port}`, UPTAKE_DEMO: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    await waitForServer(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dbPath, folder, output: () => log, stop };
}
