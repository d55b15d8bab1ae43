/**
 * A fresh warehouse per test, in its own temporary folder (database file + raw store), removed when the test ends.
 * Every load runs on one fixed clock (NOW) unless a test moves it, so no result depends on the day the tests run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';
import { loadPaths, type LoadOptions, type LoadReport, type Problem } from '../../../pipeline/load/load.ts';
import { openWarehouse } from '../../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../../pipeline/warehouse/query.ts';
import { queryRows } from '../../../pipeline/warehouse/query.ts';

export const NOW = new Date('2026-11-25T12:00:00Z');
export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/load');
export const fixture = (...parts: string[]) => join(FIXTURES, ...parts);

/** The tables an export lands in: a rejected load must leave every one of them untouched. */
export const MODEL_TABLES = ['programme', 'service', 'feature', 'snapshot'] as const;

export interface ScratchWarehouse {
  folder: string;
  dbPath: string;
  rawDir: string;
  warehouse: Warehouse;
  load(paths: string[], options?: LoadOptions): Promise<LoadReport>;
  rows<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Row count per model table. */
  counts(): Promise<Record<(typeof MODEL_TABLES)[number], number>>;
  /** Closes the database (rebuild and the kill -9 tests need it closed) and opens it again. */
  reopen(): Promise<void>;
  close(): void;
}

export async function scratchWarehouse(): Promise<ScratchWarehouse> {
  const folder = mkdtempSync(join(tmpdir(), 'uptake-load-'));
  const dbPath = join(folder, 'uptake.duckdb');
  const rawDir = join(folder, 'raw');
  let open: Warehouse | null = await openWarehouse(dbPath);
  const scratch: ScratchWarehouse = {
    folder,
    dbPath,
    rawDir,
    get warehouse() {
      if (!open) throw new Error('the scratch warehouse is closed');
      return open;
    },
    load: (paths, options = {}) => loadPaths(scratch.warehouse, paths, { now: NOW, rawDir, ...options }),
    rows: (sql) => queryRows(scratch.warehouse.connection, sql),
    async counts() {
      const [row] = await scratch.rows<Record<string, number>>(
        `SELECT ${MODEL_TABLES.map((t) => `(SELECT count(*)::INTEGER FROM ${t}) AS ${t}`).join(', ')}`
      );
      return row as Record<(typeof MODEL_TABLES)[number], number>;
    },
    async reopen() {
      scratch.close();
      open = await openWarehouse(dbPath);
    },
    close() {
      open?.close();
      open = null;
    }
  };
  onTestFinished(() => {
    scratch.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return scratch;
}

/** What a rejected batch leaves behind: its manifest rows and its problems, as the Data page reads them. */
export async function rejectionRecord(scratch: ScratchWarehouse, batchId: string) {
  const files = await scratch.rows<{ file_name: string; outcome: string }>(
    `SELECT file_name, outcome FROM load_file WHERE batch_id = '${batchId}' ORDER BY file_name`
  );
  const problems = await scratch.rows<Omit<Problem, 'message'> & { message: string }>(
    `SELECT file_name AS file, row_number AS row, column_name AS "column", value, rule, message, severity
     FROM load_problem WHERE batch_id = '${batchId}'`
  );
  return { files, problems };
}
