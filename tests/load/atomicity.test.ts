/**
 * Atomicity under kill -9: a load killed at any moment leaves a database that opens and holds all of
 * the batch or none of it. The load runs in a child process (helpers/load-in-child.ts) on 200,000 uptake rows, so it
 * spends real time reading, checking and writing; the test kills it with SIGKILL at chosen moments.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
let files: string[];

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-atomicity-'));
  files = writeLargeExport(folder);
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

interface Child {
  process: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startLoad(name: string, env: Record<string, string> = {}): Child & { dbPath: string; rawDir: string } {
  const dbPath = join(folder, `${name}.duckdb`);
  const rawDir = join(folder, `${name}-raw`);
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbPath, rawDir, ...files], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { process: child, stderr: () => stderr, exited, dbPath, rawDir };
}

/** Resolves when the child has said `text` on stderr; fails if it exits first. */
function heard(child: Child, text: string): Promise<void> {
  return new Promise((done, fail) => {
    const check = () => {
      if (child.stderr().includes(text)) {
        child.process.stderr!.off('data', check);
        done();
      }
    };
    child.process.stderr!.on('data', check);
    child.exited.then((code) =>
      fail(new Error(`the load exited (${code}) before saying "${text}":\n${child.stderr()}`))
    );
    check();
  });
}

async function killHard(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

/** What the killed load left: counts per table, read by a fresh process-level open as a user's next command would. */
async function leftBehind(dbPath: string) {
  const warehouse = await openWarehouse(dbPath);
  try {
    const [row] = await queryRows<Record<string, number>>(
      warehouse.connection,
      `SELECT
      (SELECT count(*)::INTEGER FROM service) AS service, (SELECT count(*)::INTEGER FROM snapshot) AS snapshot,
      (SELECT count(*)::INTEGER FROM load_file) AS load_file, (SELECT count(*)::INTEGER FROM load_batch) AS load_batch`
    );
    return row;
  } finally {
    warehouse.close();
  }
}

const NONE = { service: 0, snapshot: 0, load_file: 0, load_batch: 0 };
const ALL = { service: SERVICES, snapshot: LARGE_ROWS, load_file: 2, load_batch: 1 };

test('killed while paused inside its transaction, just before COMMIT: none of the batch', async () => {
  const child = startLoad('paused', { UPTAKE_PAUSE_BEFORE_COMMIT_MS: '30000' });
  await heard(child, 'paused before commit');
  await killHard(child);
  expect(await leftBehind(child.dbPath)).toEqual(NONE);
  // The raw bytes may have landed (they go first and are harmless), the batch record may not.
  expect(readBatchRecords(child.rawDir)).toEqual([]);

  // The database is whole: the same files load into it now, as if for the first time.
  const warehouse = await openWarehouse(child.dbPath);
  try {
    const report = await loadPaths(warehouse, files, { rawDir: child.rawDir, now: new Date('2026-11-25T13:00:00Z') });
    expect(report.outcome).toBe('loaded');
  } finally {
    warehouse.close();
  }
  expect(await leftBehind(child.dbPath)).toEqual(ALL);
  expect(readBatchRecords(child.rawDir)).toHaveLength(1);
});

test('killed as it starts writing rows: none of the batch', async () => {
  // The pause only makes sure a slow test process cannot miss the moment: killed while rows go in, or at the latest
  // while paused before COMMIT.
  const child = startLoad('writing', { UPTAKE_PAUSE_BEFORE_COMMIT_MS: '30000' });
  await heard(child, 'load-in-child: write');
  await killHard(child);
  expect(await leftBehind(child.dbPath)).toEqual(NONE);
});

test('killed 100 ms into writing, while rows go in or the commit is under way: all of the batch or none of it', async () => {
  const child = startLoad('commit');
  await heard(child, 'load-in-child: write');
  await new Promise((r) => setTimeout(r, 100));
  await killHard(child);
  expect([NONE, ALL]).toContainEqual(await leftBehind(child.dbPath));
});

test('killed at a random moment of the load: all of the batch or none of it', async () => {
  // Uncontended, reading and checking take ≈ 0.9 s after the database opens and writing ≈ 0.2 s more.
  const ms = Math.floor(Math.random() * 1200);
  const child = startLoad('random');
  await heard(child, 'load-in-child: opened');
  await new Promise((r) => setTimeout(r, ms));
  await killHard(child);
  const said = child.stderr().trim().split('\n').at(-1);
  expect([NONE, ALL], `killed ${ms} ms after opening, just after "${said}"`).toContainEqual(
    await leftBehind(child.dbPath)
  );
});
