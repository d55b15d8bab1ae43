import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier } from '../../warehouse/quote.ts';
import type { ByteTests } from './file-scan.ts';

/**
 * What a reader hands to the loader: one table of text cells per file (CSV, JSON array) or per sheet (XLSX),
 * exposed as a SQL relation whose columns are the file's headers as VARCHAR plus `__row`, the row number a person
 * sees in a spreadsheet (header = row 1). Everything is text at this point: parsing belongs to the checks, so a bad
 * value can be reported as it was written.
 */
export interface SourceTable {
  /** File name, or `book.xlsx#sheet` for a sheet: what problems name. */
  label: string;
  /** What decides the kind: the file stem or the sheet name. */
  name: string;
  headers: string[];
  /** A parenthesised SELECT or a table name, usable after FROM. */
  relation: string;
  /** Rows, when the reader knows them cheaply (null for CSV until staged). */
  rowCount: number | null;
  /**
   * Where row numbers come from: a `__row` column in the relation, or the row's position (CSV: read_csv keeps file
   * order and a table made from it keeps insertion order, so rowid + 2 is the spreadsheet row; computing row_number()
   * over a million rows instead doubled the read time).
   */
  rowNumbers: 'column' | 'position';
  /**
   * For a CSV read by position: how to read the same file again with some columns typed by DuckDB's own parser
   * (`typedCsvRelation`), which the fast stage tries before parsing text cells in SQL; and `head`, a temp table of
   * its first rows as text (csv.ts HEAD_ROWS), when the reader kept them, for choosing a date format without reading
   * the file again.
   */
  csv?: { path: string; delim: string; plainNumbers?: boolean; head?: string };
}

export interface ReadContext {
  connection: DuckDBConnection;
  /** A unique prefix for temp tables this batch creates. */
  tempPrefix: string;
  /**
   * What the loader's quick byte searches find (file-scan.ts byteTests), so a reader need not read the file again: a
   * promise, so they run while DuckDB reads the file's columns.
   */
  scan?: Promise<ByteTests>;
}

export class ReadError extends Error {
  constructor(
    readonly label: string,
    readonly rule: string,
    message: string,
    readonly row: number | null = null
  ) {
    super(message);
  }
}

/**
 * Lands rows of text cells into a temp table through the appender (XLSX and JSON; CSV is read by DuckDB itself).
 * Column names are the headers as written, deduplicated the way DuckDB's read_csv does (`a`, `a_1`).
 */
export async function textTable(
  ctx: ReadContext,
  table: string,
  headers: string[],
  rows: { row: number; cells: (string | null)[] }[]
): Promise<void> {
  const cols = headers.map((h) => `${sqlIdentifier(h)} VARCHAR`).join(', ');
  await ctx.connection.run(`CREATE TEMP TABLE ${sqlIdentifier(table)} (__row INTEGER, ${cols})`);
  // Temp tables live in catalog "temp", schema "main"; schema 'temp' alone is not found by the appender.
  const appender = await ctx.connection.createAppender(table, 'main', 'temp');
  for (const { row, cells } of rows) {
    appender.appendInteger(row);
    for (let i = 0; i < headers.length; i++) {
      const v = cells[i];
      if (v === null || v === undefined) appender.appendNull();
      else appender.appendVarchar(v);
    }
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

export function uniqueHeaders(raw: string[]): string[] {
  const seen = new Map<string, number>();
  return raw.map((h, i) => {
    let name = h.replace(/^\uFEFF/, '').trim() || `column${i}`;
    const n = seen.get(name.toLowerCase()) ?? 0;
    seen.set(name.toLowerCase(), n + 1);
    if (n > 0) name = `${name}_${n}`;
    return name;
  });
}
