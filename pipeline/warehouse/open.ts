/**
 * Opening the warehouse: one DuckDB file (default data/uptake.duckdb, or --db / UPTAKE_DB), with every layer's tables
 * and the metric views created on a read-write open. This is the one module that knows every schema, so only entry
 * points import it (the command line, the site's server, rebuild, tests, benchmarks); the layers whose tables it
 * creates read through query.ts, which imports nothing of ours, so no file imports in a circle.
 *
 * DuckDB allows one writing process per file (docs/architecture.md "Processes and the database"). When another
 * process holds it, we raise DatabaseInUseError naming that process, never DuckDB's raw lock error.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LANDED_DDL, MEASURES, SCHEMA_VERSION } from './schema.ts';
import { METRIC_VIEWS_SQL } from '../metrics/views.ts';
import { QUALITATIVE_DDL, QUALITATIVE_TABLES } from '../qualitative/schema.ts';
import { ACCESS_DDL, ACCESS_TABLES } from '../access/schema.ts';
import { AUDIT_DDL, AUDIT_TABLES } from '../audit/schema.ts';
import type { Warehouse } from './query.ts';

/** Tables written by people (codings, summaries, accounts, audit): `rebuild` copies them across untouched. */
export const USER_AUTHORED_TABLES: string[] = [...QUALITATIVE_TABLES, ...ACCESS_TABLES, ...AUDIT_TABLES];

export const DEFAULT_DB = 'data/uptake.duckdb';

export function databasePath(explicit?: string): string {
  return resolve(explicit ?? process.env.UPTAKE_DB ?? DEFAULT_DB);
}

export class DatabaseInUseError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number | undefined,
    readonly holder: string | undefined
  ) {
    super(
      `The database ${path} is in use by another process` +
        (pid ? ` (PID ${pid}${holder ? `: ${holder}` : ''})` : '') +
        '. If that is the Uptake dashboard, load files through its Data → Upload page, or stop it and run this command again.'
    );
    this.name = 'DatabaseInUseError';
  }
}

/** The command line of a process, for telling the user who holds the database. */
function describeProcess(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 200);
  } catch {
    return undefined;
  }
}

export interface OpenOptions {
  readOnly?: boolean;
}

/** Options every instance gets: fail fast instead of trying to download extensions (docs/toolchain.md, gotcha 4). */
const INSTANCE_OPTIONS = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };

export async function openWarehouse(path: string = databasePath(), options: OpenOptions = {}): Promise<Warehouse> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, {
      ...INSTANCE_OPTIONS,
      ...(options.readOnly ? { access_mode: 'READ_ONLY' } : {})
    });
  } catch (error) {
    const message = (error as Error).message ?? '';
    const lock = /Conflicting lock is held in .*?\(PID (\d+)\)/.exec(message);
    if (lock || /Could not set lock/.test(message)) {
      const pid = lock ? Number(lock[1]) : undefined;
      throw new DatabaseInUseError(path, pid, pid ? describeProcess(pid) : undefined);
    }
    throw error;
  }
  const connection = await instance.connect();
  if (!options.readOnly) await ensureSchema(connection);
  return {
    path,
    instance,
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    }
  };
}

/**
 * A warehouse made before snapshot rows named their file by load_file.file_id (schema version 1) kept the SHA-256 on
 * every row. Its snapshot table is set aside before the DDL runs, and copied into the new one after, with the ids the
 * manifest then has, so an existing warehouse opens without a rebuild. Says whether it set one aside.
 */
async function setAsideOldSnapshot(connection: DuckDBConnection): Promise<boolean> {
  const old = await connection.runAndReadAll(
    `SELECT 1 FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = 'snapshot' AND column_name = 'source_sha256'`
  );
  if (!old.getRows().length) return false;
  await connection.run('ALTER TABLE snapshot RENAME TO snapshot_schema_1');
  return true;
}

async function copyOldSnapshot(connection: DuckDBConnection): Promise<void> {
  await connection.run(`INSERT INTO snapshot BY NAME
    SELECT s.* EXCLUDE (source_sha256), coalesce(f.file_id, 0) AS source_file FROM snapshot_schema_1 s
    LEFT JOIN (SELECT sha256, min(file_id) AS file_id FROM load_file WHERE outcome = 'loaded' GROUP BY sha256) f
      ON f.sha256 = s.source_sha256`);
  await connection.run('DROP TABLE snapshot_schema_1');
}

/** Creates the tables and (re)creates the metric views. Views are code, so they are always replaced. */
export async function ensureSchema(connection: DuckDBConnection): Promise<void> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const upgrading = await setAsideOldSnapshot(connection);
    await connection.run(LANDED_DDL);
    // Manifests made before file ids: every row takes one (the column's default runs per row).
    await connection.run(
      `ALTER TABLE load_file ADD COLUMN IF NOT EXISTS file_id INTEGER DEFAULT nextval('load_file_id')`
    );
    if (upgrading) await copyOldSnapshot(connection);
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await connection.run(QUALITATIVE_DDL);
  await connection.run(ACCESS_DDL);
  await connection.run(AUDIT_DDL);
  await connection.run(`INSERT OR REPLACE INTO meta VALUES ('schema_version', '${SCHEMA_VERSION}')`);
  await connection.run('DELETE FROM measure_catalogue');
  for (const m of MEASURES) {
    await connection.run('INSERT INTO measure_catalogue VALUES ($1, $2, $3, $4)', [
      m.measure,
      m.label,
      m.patient_count,
      m.required
    ]);
  }
  await connection.run(METRIC_VIEWS_SQL);
}
