/**
 * The built dashboard (`node build`, from `npm run build`) on a warehouse of its own, for the page-speed benchmark:
 * `loadWarehouse` loads data with loadPaths (the code path of `uptake load`) into a fresh DuckDB file, and
 * `startDashboard` serves that file on a free loopback port in demo mode (UPTAKE_DEMO=1 with HOST=127.0.0.1, which
 * site/hooks.server.ts honours by signing every request in as the demo admin, so every page answers without a session).
 * Same recipe as tests/e2e/server.ts; bench/ keeps its own copy because nothing outside tests/ imports tests/.
 *
 * The server runs from a private copy of build/ (`copyBuild`): on the shared machine someone may run `npm run build`
 * in the middle of a benchmark, which empties build/ under a running server (it then fails on every static file).
 * The copy lives under bench/output/ (gitignored) so that its bare imports still resolve in the repository's
 * node_modules; the server's working directory stays the repository, as for `node build`.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadPaths } from '../pipeline/load/load.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import { freePort } from '../tests/helpers/free-port.ts';

export const ROOT = resolve(import.meta.dirname, '..');
const BUILD_DIR = join(ROOT, 'build');

export interface BuildCopy {
  dir: string;
  /** adapter-node serves this folder as static files (sirv), listing it once at start-up. */
  clientDir: string;
  remove(): void;
}

export function copyBuild(): BuildCopy {
  if (!existsSync(join(BUILD_DIR, 'index.js')) || !existsSync(join(BUILD_DIR, 'client'))) {
    throw new Error('No complete build/ found: run `npm run build` before the benchmarks that serve the dashboard.');
  }
  const outputDir = join(ROOT, 'bench/output');
  mkdirSync(outputDir, { recursive: true });
  const dir = mkdtempSync(join(outputDir, 'build-'));
  cpSync(BUILD_DIR, dir, { recursive: true });
  return { dir, clientDir: join(dir, 'client'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunningDashboard {
  url: string;
  /** Everything the server printed, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Loads `paths` into a new warehouse at `dbPath`; throws unless the batch loads cleanly. */
export async function loadWarehouse(dbPath: string, paths: string[], rawDir: string): Promise<void> {
  const warehouse = await openWarehouse(dbPath);
  try {
    const report = await loadPaths(warehouse, paths, { rawDir });
    if (report.outcome !== 'loaded')
      throw new Error(
        `The benchmark data did not load (${report.outcome}): ${JSON.stringify(report.problems.slice(0, 5))}`
      );
  } finally {
    warehouse.close();
  }
}

export async function startDashboard(dbPath: string, build: BuildCopy): Promise<RunningDashboard> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child = spawn(process.execPath, [build.dir], {
    cwd: ROOT,
    env: { ...process.env, UPTAKE_DB: dbPath, PORT: String(port), HOST: '127.0.0.1', ORIGIN: url, UPTAKE_DEMO: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The dashboard exited with code ${child.exitCode}:\n${log}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The dashboard did not answer within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, output: () => log, stop };
}
