/**
 * Running a notebook's sql blocks against the warehouse.
 *
 * Parameters are bound, never spliced: a block says `$as_of` and `$previous_as_of`, DuckDB prepares the statement and
 * the dates are bound to it as DATE values. So a value can only ever be a value, whatever text it came from, and an
 * as-of date that is not loaded is refused before anything runs (UnknownAsOfError lists the ones that are).
 *
 * Each block must be one read-only statement (a SELECT, as DuckDB's parser classes it, and one json_serialize_sql
 * accepts: pipeline/warehouse/one-select.ts). The site runs notebooks on the dashboard's read-write connection, so
 * "read-only" is checked here and not left to how the database was opened. `uptake report` opens the warehouse with
 * DuckDB's file access switched off (a notebook given by path may come from anywhere); the site runs only the
 * notebooks in notebooks/, which are part of the deployment.
 */
import { StatementType, dateValue, type DuckDBConnection } from '@duckdb/node-api';
import { NotebookError, type Notebook, type SqlBlock } from './parse.ts';
import { checkOneSelect } from '../warehouse/one-select.ts';

/** The parameters every block may use. */
export const PARAMETERS = ['as_of', 'previous_as_of'] as const;

export interface AsOf {
  asOf: string;
  /** The snapshot before asOf, or null at the first one. */
  previousAsOf: string | null;
  /** Every loaded as-of date, oldest first. */
  available: string[];
}

export class UnknownAsOfError extends Error {
  constructor(
    readonly asked: string,
    readonly available: string[]
  ) {
    super(
      available.length === 0
        ? 'No uptake snapshots are loaded yet: load an export first (uptake load <file|folder>).'
        : `No snapshot is loaded for the as-of date "${asked}". Loaded as-of dates: ${available.join(', ')}.`
    );
    this.name = 'UnknownAsOfError';
  }
}

/** A named query result: its columns in order and its rows as DuckDB's JSON getters give them. */
export interface QueryResult {
  name: string;
  columns: string[];
  rows: Record<string, unknown>[];
  /** True when the block's `when=` condition was false, so it did not run. */
  skipped: boolean;
}

/** The loaded as-of dates, and the chosen one (default: the latest) with the one before it. */
export async function resolveAsOf(connection: DuckDBConnection, asked?: string | null): Promise<AsOf> {
  const reader = await connection.runAndReadAll(
    'SELECT CAST(as_of AS VARCHAR) AS as_of FROM as_of_date ORDER BY as_of'
  );
  const available = (reader.getRowObjectsJson() as { as_of: string }[]).map((r) => r.as_of);
  if (available.length === 0) throw new UnknownAsOfError(asked ?? '', available);
  const asOf = asked ?? available[available.length - 1];
  const index = available.indexOf(asOf);
  if (index < 0) throw new UnknownAsOfError(asOf, available);
  return { asOf, previousAsOf: index > 0 ? available[index - 1] : null, available };
}

function toDateValue(iso: string) {
  const [year, month, day] = iso.split('-').map(Number);
  return dateValue({ year, month, day });
}

/** Runs one block with its parameters bound; refuses anything but one read-only statement. */
export async function runBlock(
  connection: DuckDBConnection,
  block: SqlBlock,
  notebook: string,
  asOf: AsOf
): Promise<QueryResult> {
  const where = `${notebook}.md:${block.line}: sql ${block.name}`;
  const statements = await connection.extractStatements(block.sql).catch((error: Error) => {
    throw new NotebookError(`${where}: ${error.message.split('\n')[0]}`);
  });
  if (statements.count !== 1)
    throw new NotebookError(`${where}: a sql block holds exactly one statement (this has ${statements.count})`);
  const prepared = await statements.prepare(0).catch((error: Error) => {
    throw new NotebookError(`${where}: ${error.message.split('\n')[0]}`);
  });
  try {
    if (prepared.statementType !== StatementType.SELECT) {
      throw new NotebookError(
        `${where}: only read-only queries may run in a notebook, not ${StatementType[prepared.statementType]}`
      );
    }
    // PRAGMA, CALL and EXPLAIN prepare as SELECTs: DuckDB's own parser is asked whether the text is a query.
    if (!(await checkOneSelect(connection, block.sql)).ok) {
      throw new NotebookError(
        `${where}: only read-only queries may run in a notebook, and DuckDB does not read this one as a query (PRAGMA, CALL and EXPLAIN are not)`
      );
    }
    for (let index = 1; index <= prepared.parameterCount; index++) {
      const parameter = prepared.parameterName(index);
      const value = parameter === 'as_of' ? asOf.asOf : parameter === 'previous_as_of' ? asOf.previousAsOf : undefined;
      if (value === undefined) {
        throw new NotebookError(
          `${where}: unknown parameter $${parameter}; a notebook may use ${PARAMETERS.map((p) => `$${p}`).join(' and ')}`
        );
      }
      if (value === null) prepared.bindNull(index);
      else prepared.bindDate(index, toDateValue(value));
    }
    const reader = await prepared.runAndReadAll();
    return {
      name: block.name,
      columns: reader.columnNames(),
      rows: reader.getRowObjectsJson() as Record<string, unknown>[],
      skipped: false
    };
  } finally {
    prepared.destroySync();
  }
}

/** True when a `when=` condition holds: the column of the first row is true or a number above 0. */
function conditionHolds(result: QueryResult | undefined, column: string): boolean {
  const value = result?.rows[0]?.[column];
  return value === true || (value !== null && value !== undefined && value !== false && Number(value) > 0);
}

/** Runs every sql block of a notebook in order, skipping those whose `when=` condition does not hold. */
export async function runNotebookQueries(
  connection: DuckDBConnection,
  notebook: Notebook,
  asOf: AsOf
): Promise<Map<string, QueryResult>> {
  const results = new Map<string, QueryResult>();
  for (const block of notebook.blocks) {
    if (block.type !== 'sql') continue;
    if (block.when && !conditionHolds(results.get(block.when.result), block.when.column)) {
      results.set(block.name, { name: block.name, columns: [], rows: [], skipped: true });
    } else results.set(block.name, await runBlock(connection, block, notebook.name, asOf));
  }
  return results;
}
