/**
 * The Data page: every file loaded (or rejected) so far, from the manifest (load_file), with the problems the checks
 * found (load_problem), newest first.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { select } from './sql.ts';
import type { LoadRef, Provenance } from './provenance.ts';

export interface LoadedFile {
  batch_id: string;
  file_name: string;
  sha256: string;
  kind: string | null;
  profile: string;
  loaded_at: string;
  rows: number;
  as_of: string | null;
  outcome: string;
  bytes: number;
  errors: number;
  warnings: number;
}

export interface LoadProblem {
  batch_id: string;
  file_name: string;
  row_number: number | null;
  column_name: string | null;
  value: string | null;
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface DataLoads {
  files: LoadedFile[];
  problems: LoadProblem[];
  /** How many problems there are in all; `problems` holds at most PROBLEMS_SHOWN of them. */
  problemCount: number;
}

/** A rejected export can have thousands of problems; the page shows the first ones (the CLI's --json has them all). */
export const PROBLEMS_SHOWN = 500;

export async function dataLoads(connection: DuckDBConnection): Promise<DataLoads> {
  const files = await select<LoadedFile>(
    connection,
    `WITH counts AS (
       SELECT batch_id, file_name,
              CAST(count(*) FILTER (WHERE severity = 'error') AS INTEGER) AS errors,
              CAST(count(*) FILTER (WHERE severity = 'warning') AS INTEGER) AS warnings
         FROM load_problem GROUP BY batch_id, file_name
     )
     SELECT f.batch_id, f.file_name, f.sha256, f.kind, f.profile, strftime(f.loaded_at, '%Y-%m-%d %H:%M') AS loaded_at,
            f.rows, CAST(f.as_of AS VARCHAR) AS as_of, f.outcome, CAST(f.bytes AS DOUBLE) AS bytes,
            coalesce(c.errors, 0) AS errors, coalesce(c.warnings, 0) AS warnings
       FROM load_file f
       LEFT JOIN counts c ON c.batch_id = f.batch_id AND c.file_name = f.file_name
      ORDER BY f.loaded_at DESC, f.file_name`
  );
  const [{ total }] = await select<{ total: number }>(
    connection,
    'SELECT CAST(count(*) AS INTEGER) AS total FROM load_problem'
  );
  const problems = await select<LoadProblem>(
    connection,
    `SELECT p.batch_id, p.file_name, p.row_number, p.column_name, p.value, p.rule, p.message, p.severity
       FROM load_problem p
       LEFT JOIN (SELECT batch_id, max(loaded_at) AS loaded_at FROM load_file GROUP BY batch_id) b USING (batch_id)
      ORDER BY b.loaded_at DESC NULLS LAST, p.file_name, p.row_number NULLS FIRST, p.column_name
      LIMIT ${PROBLEMS_SHOWN}`
  );
  return { files, problems, problemCount: total };
}

/** The loaded files behind the figures at one as-of date (provenance.ts says which a figure rests on). */
export async function provenance(connection: DuckDBConnection, asOf: string | null): Promise<Provenance> {
  // One row per file content (sha256): a file loaded twice is one source. Only loads that went in.
  const rows = await select<LoadRef>(
    connection,
    `SELECT any_value(file_name ORDER BY loaded_at) AS file_name, sha256, CAST(any_value(as_of) AS VARCHAR) AS as_of
       FROM load_file
      WHERE outcome = 'loaded' AND (as_of IS NULL OR $asOf IS NULL OR as_of <= CAST($asOf AS DATE))
      GROUP BY sha256
      ORDER BY as_of NULLS FIRST, file_name`,
    { asOf }
  );
  return {
    asOf,
    snapshot: rows.filter((r) => r.as_of !== null && r.as_of === asOf),
    history: rows.filter((r) => r.as_of !== null),
    reference: rows.filter((r) => r.as_of === null)
  };
}
