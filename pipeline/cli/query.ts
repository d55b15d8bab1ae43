/**
 * `uptake query "<sql>" [--json|--csv|--arrow <file>]`: read-only SQL against the warehouse (read-only-sql.ts says what
 * is allowed). Default output is an aligned text table; --json an array of row objects; --csv RFC 4180; --arrow an
 * Arrow IPC file (arrow.ts), written atomically.
 */
import type { CliEffects } from './effects.ts';
import { EXIT, UsageError, type ExitCode } from './errors.ts';
import { writeArrowFile } from './arrow.ts';
import { formatCsv, formatJson, formatTextTable } from './formats.ts';
import { readingWarehouse } from './with-warehouse.ts';
import { runReadOnlyQuery } from './read-only-sql.ts';
import { resultTableFrom, type ResultTable } from './result-table.ts';
import { plural } from '../format/format.ts';

export interface QueryOptions {
  json?: boolean;
  csv?: boolean;
  /** Path of the Arrow IPC file to write. */
  arrow?: string;
}

/** Runs one read-only statement against the warehouse file and returns its result. */
export async function readOnlyQuery(dbPath: string, sql: string): Promise<ResultTable> {
  return readingWarehouse(dbPath, async ({ connection }) => resultTableFrom(await runReadOnlyQuery(connection, sql)));
}

export async function queryCommand(
  dbPath: string,
  sql: string,
  options: QueryOptions,
  effects: CliEffects
): Promise<ExitCode> {
  const chosen = [options.json && '--json', options.csv && '--csv', options.arrow !== undefined && '--arrow'].filter(
    Boolean
  );
  if (chosen.length > 1) throw new UsageError(`Choose one output format, not ${chosen.join(' and ')}.`);
  const result = await readOnlyQuery(dbPath, sql);
  if (options.arrow !== undefined) {
    writeArrowFile(options.arrow, result);
    effects.stdout.write(
      `Wrote ${plural(result.rowCount, 'row')} × ${plural(result.columns.length, 'column')} to ${options.arrow} (Arrow IPC file).\n`
    );
  } else if (options.json) effects.stdout.write(formatJson(result));
  else if (options.csv) effects.stdout.write(formatCsv(result));
  else effects.stdout.write(formatTextTable(result));
  return EXIT.ok;
}
