/**
 * Atomicity under kill -9 for a batch of one uptake file, which the loader writes straight into `snapshot` and checks
 * there (load.ts loadDirect): killed while its rows go in, or paused just before COMMIT, the batch leaves nothing.
 * The services are loaded first, in a batch of their own, and must survive untouched.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadPaths } from '../../pipeline/load/load.ts';
import { readBatchRecords } from '../../pipeline/load/raw-store.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { queryRows } from '../../pipeline/warehouse/query.ts';
import { LARGE_ROWS, SERVICES, writeLargeExport } from './helpers/large-export.ts';

const CHILD = resolve(import.meta.dirname, 'helpers/load-in-child.ts');
const ROOT = resolve(import.meta.dirname, '../..');
let folder: string;
let services: string;
let uptake: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-one-file-atomicity-'));
  [services, uptake] = writeLargeExport(folder);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A warehouse with the services loaded, then the uptake file alone loading in a child process killed on `text`. */
async function killedOn(name: string, text: string, env: Record<string, string> = {}) {
  const dbPath = join(folder, `${name}.duckdb`);
  const rawDir = join(folder, `${name}-raw`);
  const warehouse = await openWarehouse(dbPath);
  try {
    expect((await loadPaths(warehouse, [services], { rawDir })).outcome).toBe('loaded');
  } finally {
    warehouse.close();
  }
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, rawDir, uptake], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stderr = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  await new Promise<void>((done, fail) => {
    child.stderr!.on('data', (d) => {
      stderr += String(d);
      if (stderr.includes(text)) done();
    });
    exited.then((code) => fail(new Error(`the load exited (${code}) before saying "${text}":\n${stderr}`)));
  });
  child.kill('SIGKILL');
  await exited;
  return { dbPath, rawDir };
}

async function leftBehind(dbPath: string) {
  const warehouse = await openWarehouse(dbPath);
  try {
    const [row] = await queryRows<Record<string, number>>(
      warehouse.connection,
      `SELECT (SELECT count(*)::INTEGER FROM service) AS service, (SELECT count(*)::INTEGER FROM snapshot) AS snapshot,
        (SELECT count(*)::INTEGER FROM source_measure) AS source_measure,
        (SELECT count(*)::INTEGER FROM load_file) AS load_file, (SELECT count(*)::INTEGER FROM load_batch) AS load_batch`
    );
    return row;
  } finally {
    warehouse.close();
  }
}

/** The services' batch only: one file, one batch, no snapshot rows or reported measures. */
const SERVICES_ONLY = { service: SERVICES, snapshot: 0, source_measure: 0, load_file: 1, load_batch: 1 };

test('killed while paused just before COMMIT: nothing of the uptake batch, and it loads whole afterwards', async () => {
  const { dbPath, rawDir } = await killedOn('paused', 'paused before commit', {
    UPTAKE_PAUSE_BEFORE_COMMIT_MS: '30000'
  });
  expect(await leftBehind(dbPath)).toEqual(SERVICES_ONLY);
  expect(readBatchRecords(rawDir)).toHaveLength(1);
  const warehouse = await openWarehouse(dbPath);
  try {
    const report = await loadPaths(warehouse, [uptake], { rawDir, now: new Date('2026-11-25T13:00:00Z') });
    expect(report.outcome).toBe('loaded');
    expect(report.loaded.map((f) => f.rows)).toEqual([LARGE_ROWS]);
  } finally {
    warehouse.close();
  }
  // Eight uptake counts recorded as reported or not for the one file.
  expect(await leftBehind(dbPath)).toEqual({
    ...SERVICES_ONLY,
    snapshot: LARGE_ROWS,
    source_measure: 8,
    load_file: 2,
    load_batch: 2
  });
});

test('killed as its rows start going in: nothing of the uptake batch', async () => {
  const { dbPath } = await killedOn('writing', 'load-in-child: write', { UPTAKE_PAUSE_BEFORE_COMMIT_MS: '30000' });
  expect(await leftBehind(dbPath)).toEqual(SERVICES_ONLY);
});
