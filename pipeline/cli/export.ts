/**
 * `uptake export --format parquet|csv|arrow --out <folder>`: every model table and every metric view, one file (or one
 * Hive-partitioned folder) each, for researchers' own tools and for engines such as Spark, Trino or ClickHouse
 * (docs/architecture.md "Scale").
 *
 * Layout:
 *  - Parquet: a relation with an `as_of` column is written Hive-partitioned, `<name>/as_of=2017-02-06/data_0.parquet`
 *    (the as_of column then lives in the folder name, as Hive readers expect); the others as `<name>.parquet`.
 *    Exceptions, written as one file: load_file, the manifest (its as_of is a file's attribute and may be blank), and
 *    a relation with no column but as_of (as_of_date), which would leave nothing to write inside the partitions, and
 *    an empty relation (so its columns are still there to read).
 *  - CSV (`<name>.csv`, with a header) and Arrow IPC files (`<name>.arrow`, typed as in arrow.ts) are single files.
 *  - `uptake-export.json` lists what was written, with row counts.
 * Everything is written into a temporary folder beside <folder> and renamed into place, so <folder> is either the
 * previous export or the complete new one. An existing <folder> is replaced only if it is empty or an earlier export
 * (it holds uptake-export.json): a mistyped --out never wipes someone's files.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CliEffects } from './effects.ts';
import { EXIT, UsageError, type ExitCode } from './errors.ts';
import { resultAsArrowFile } from './arrow.ts';
import { openForReading } from './open-for-reading.ts';
import { resultTableFrom } from './result-table.ts';
import { queryRows } from '../warehouse/query.ts';
import { sqlIdentifier, sqlLiteral } from '../warehouse/quote.ts';

export const EXPORT_FORMATS = ['parquet', 'csv', 'arrow'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The model tables exported (the landed model; load_problem and the measure catalogue stay in the warehouse). */
export const MODEL_TABLES = ['programme', 'service', 'feature', 'snapshot', 'load_file'] as const;
/** Relations never partitioned even though they have an as_of column (see the note at the top). */
const NOT_PARTITIONED = new Set(['load_file']);
export const EXPORT_MANIFEST = 'uptake-export.json';

export interface ExportedRelation {
  name: string;
  kind: 'table' | 'view';
  rows: number;
  /** Relative to the export folder: a file, or a folder of as_of=… partitions. */
  path: string;
  partitionedBy: string | null;
}

export interface ExportSummary {
  format: ExportFormat;
  folder: string;
  database: string;
  relations: ExportedRelation[];
}

interface Relation {
  name: string;
  kind: 'table' | 'view';
  /** Has an as_of column and at least one other. */
  partitionable: boolean;
}

async function listRelations(connection: DuckDBConnection): Promise<Relation[]> {
  const rows = await queryRows<{ name: string; kind: 'table' | 'view'; partitionable: boolean }>(
    connection,
    `WITH relation AS (
       SELECT table_name AS name, 'table' AS kind FROM duckdb_tables()
        WHERE schema_name = 'main' AND NOT temporary AND table_name IN (${MODEL_TABLES.map(sqlLiteral).join(', ')})
       UNION ALL
       SELECT view_name, 'view' FROM duckdb_views() WHERE schema_name = 'main' AND NOT internal AND NOT temporary
     )
     SELECT name, kind,
            -- Partitioning needs a column besides as_of to put in the files (as_of_date has none).
            EXISTS (SELECT 1 FROM duckdb_columns() c WHERE c.schema_name = 'main' AND c.table_name = relation.name
                      AND c.column_name = 'as_of')
            AND (SELECT count(*) FROM duckdb_columns() c WHERE c.schema_name = 'main' AND c.table_name = relation.name) > 1
              AS partitionable
       FROM relation ORDER BY kind, name`
  );
  return rows.map((row) => ({ name: row.name, kind: row.kind, partitionable: row.partitionable }));
}

async function exportRelation(
  connection: DuckDBConnection,
  relation: Relation,
  format: ExportFormat,
  folder: string
): Promise<ExportedRelation> {
  const source = `SELECT * FROM ${sqlIdentifier(relation.name)}`;
  const [{ rows }] = await queryRows<{ rows: number }>(
    connection,
    `SELECT CAST(count(*) AS INTEGER) AS rows FROM ${sqlIdentifier(relation.name)}`
  );
  // An empty relation (usage views on a programme that reports no usage) is one file holding its columns: partitions
  // of nothing would leave an empty folder that tells a reader nothing about the relation's shape.
  const partitioned = format === 'parquet' && relation.partitionable && rows > 0 && !NOT_PARTITIONED.has(relation.name);
  const path = partitioned ? relation.name : `${relation.name}.${format}`;
  const target = join(folder, path);
  if (format === 'arrow') {
    const reader = await connection.runAndReadAll(source);
    writeFileSync(target, resultAsArrowFile(resultTableFrom(reader)));
  } else {
    const options =
      format === 'csv'
        ? 'FORMAT csv, HEADER true'
        : partitioned
          ? 'FORMAT parquet, PARTITION_BY (as_of)'
          : 'FORMAT parquet';
    await connection.run(`COPY (${source}) TO ${sqlLiteral(target)} (${options})`);
  }
  return { name: relation.name, kind: relation.kind, rows, path, partitionedBy: partitioned ? 'as_of' : null };
}

/** Refuses to replace a folder that holds anything but an earlier export. */
function checkReplaceable(folder: string): void {
  if (!existsSync(folder)) return;
  const entries = readdirSync(folder);
  if (entries.length > 0 && !entries.includes(EXPORT_MANIFEST)) {
    throw new UsageError(
      `${folder} already holds files that are not an Uptake export; choose an empty or new folder for --out.`
    );
  }
}

export async function exportWarehouse(dbPath: string, format: ExportFormat, out: string): Promise<ExportSummary> {
  const folder = resolve(out);
  checkReplaceable(folder);
  const warehouse = await openForReading(dbPath, { files: true });
  const suffix = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const temporary = join(dirname(folder), `.${basename(folder)}.tmp-${suffix}`);
  const previous = join(dirname(folder), `.${basename(folder)}.old-${suffix}`);
  try {
    mkdirSync(temporary, { recursive: true });
    const relations: ExportedRelation[] = [];
    for (const relation of await listRelations(warehouse.connection)) {
      relations.push(await exportRelation(warehouse.connection, relation, format, temporary));
    }
    const summary: ExportSummary = { format, folder, database: dbPath, relations };
    writeFileSync(
      join(temporary, EXPORT_MANIFEST),
      JSON.stringify({ ...summary, exportedAt: new Date().toISOString() }, null, 2) + '\n'
    );
    // Swap: the old export steps aside, the new one takes its name, then the old one goes.
    if (existsSync(folder)) renameSync(folder, previous);
    renameSync(temporary, folder);
    rmSync(previous, { recursive: true, force: true });
    return summary;
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    if (existsSync(previous) && !existsSync(folder)) renameSync(previous, folder);
    throw error;
  } finally {
    warehouse.close();
  }
}

export function formatExportSummary(summary: ExportSummary): string {
  const width = Math.max(...summary.relations.map((r) => r.path.length + (r.partitionedBy ? 1 : 0)), 4);
  const lines = [`Exported ${summary.relations.length} tables and views to ${summary.folder} (${summary.format}):`];
  for (const r of summary.relations) {
    const shown = r.partitionedBy ? `${r.path}/` : r.path;
    lines.push(
      `  ${shown.padEnd(width)}  ${String(r.rows).padStart(8)} ${r.rows === 1 ? 'row ' : 'rows'}${r.partitionedBy ? `  partitioned by ${r.partitionedBy}` : ''}`
    );
  }
  return lines.join('\n') + '\n';
}

export async function exportCommand(
  dbPath: string,
  options: { format: string; out: string },
  effects: CliEffects
): Promise<ExitCode> {
  if (!EXPORT_FORMATS.includes(options.format as ExportFormat)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not "${options.format}".`);
  }
  const summary = await exportWarehouse(dbPath, options.format as ExportFormat, options.out);
  effects.stdout.write(formatExportSummary(summary));
  return EXIT.ok;
}
