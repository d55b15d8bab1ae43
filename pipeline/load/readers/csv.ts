/**
 * CSV through DuckDB's own read_csv (7× faster than papaparse + appender, docs/toolchain.md), everything as text.
 * The delimiter is decided here from the header line (`,` `;` tab or `|`), not by the sniffer, so a file with few rows
 * is never misread. BOM, CRLF, quoted fields and trailing blank lines are handled by read_csv; blank lines inside the
 * file by csv-blank-lines.ts, so problems still name the row a spreadsheet shows.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { innerBlankRows, rowOfRecordSql } from './csv-blank-lines.ts';
import { plainNumbersTest } from './file-scan.ts';
import { sqlIdentifier, sqlLiteral } from '../../warehouse/quote.ts';
import { ReadError, type ReadContext, type SourceTable } from './types.ts';

export function detectDelimiter(head: string): string {
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t', '|']) {
    // Count outside double quotes, so "a;b" in a comma file does not vote for ';'.
    let count = 0;
    let quoted = false;
    for (const ch of firstLine) {
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === d) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** The first bytes of a file as text: enough to find its delimiter and whether it is empty. */
export function readHead(path: string, bytes = 65536): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export async function readCsv(ctx: ReadContext, path: string, label = basename(path)): Promise<SourceTable[]> {
  const head = readHead(path);
  if (head.replace(/^\uFEFF/, '').trim() === '')
    throw new ReadError(label, 'empty-file', 'The file is empty: it has no header and no rows.');
  const delim = detectDelimiter(head);
  const source = csvSource(path, delim);
  const firstRows = await keepHead(ctx, source);
  const headers = await columnNames(ctx, firstRows ? sqlIdentifier(firstRows) : source, label);
  const columns = headers.map(sqlIdentifier).join(', ');
  const name = basename(label, extname(label));
  // Row numbers come from position (see SourceTable.rowNumbers): the header is row 1, so the first row is rowid 0 → row
  // 2. Blank lines inside the file shift that, and read_csv skips them, so such a file numbers its records itself.
  const scan = await ctx.scan;
  const blanks = await innerBlankRows(path, scan?.mayHaveInnerBlankLine);
  if (blanks.length) {
    // Such a file is staged from its text, not typed by read_csv: its first rows are not needed.
    if (firstRows) await ctx.connection.run(`DROP TABLE ${sqlIdentifier(firstRows)}`);
    const relation = `(SELECT ${rowOfRecordSql('k', blanks)} AS __row, ${columns} FROM (SELECT row_number() OVER () - 1 AS k, ${columns} FROM ${source}))`;
    return [{ label, name, headers, relation, rowCount: null, rowNumbers: 'column' }];
  }
  return [
    {
      label,
      name,
      headers,
      relation: `(SELECT ${columns} FROM ${source})`,
      rowCount: null,
      rowNumbers: 'position',
      csv: { path, delim, plainNumbers: scan?.plainNumbers, head: firstRows ?? undefined }
    }
  ];
}

/**
 * The first HEAD_ROWS rows of `source` in a temp table (named by the read's temp prefix, so the loader drops it), or
 * null when read_csv stops on them: columnNames then describes the file itself, so a file that cannot be read says so
 * exactly as before. Reading them costs about what describing the file does (both sniff it), and choosing a date format
 * from them (stage.ts typedColumns) then needs no second read of the file.
 */
async function keepHead(ctx: ReadContext, source: string): Promise<string | null> {
  const table = `${ctx.tempPrefix}_head`;
  try {
    await ctx.connection.run(`CREATE TEMP TABLE ${sqlIdentifier(table)} AS SELECT * FROM ${source} LIMIT ${HEAD_ROWS}`);
    return table;
  } catch {
    return null;
  }
}

/** Rows kept by keepHead: the rows stage.ts samples to choose a date format. */
export const HEAD_ROWS = 2048;

/** The column names read_csv gives `source`; a file it cannot read at all is a malformed-csv problem. */
export async function columnNames(ctx: ReadContext, source: string, label: string): Promise<string[]> {
  try {
    const described = await ctx.connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
    return described.getRowObjectsJson().map((r) => String(r.column_name));
  } catch (error) {
    throw new ReadError(
      label,
      'malformed-csv',
      `The file could not be read as CSV: ${firstLine((error as Error).message)}`
    );
  }
}

function csvSource(path: string, delim: string, types: Record<string, string> = {}, dateFormat?: string): string {
  const typed = Object.entries(types).map(([h, t]) => `${sqlLiteral(h)}: ${sqlLiteral(t)}`);
  return `read_csv(${sqlLiteral(path)}, all_varchar = true, header = true, delim = ${sqlLiteral(delim)}, quote = '"', escape = '"', auto_detect = true${
    typed.length ? `, types = {${typed.join(', ')}}` : ''
  }${dateFormat ? `, dateformat = ${sqlLiteral(dateFormat)}` : ''})`;
}

/**
 * The same CSV with the given columns parsed by read_csv itself (e.g. dates with one strptime format), every other
 * column text. read_csv stops with an error at the first cell it cannot parse, so a caller takes the result only when
 * the whole file parsed, and otherwise reads the text.
 */
export function typedCsvRelation(
  source: SourceTable,
  headers: string[],
  types: Record<string, string>,
  dateFormat?: string
): string {
  if (!source.csv) throw new Error(`${source.label} is not a CSV read by position`);
  return `(SELECT ${headers.map(sqlIdentifier).join(', ')} FROM ${csvSource(source.csv.path, source.csv.delim, types, dateFormat)})`;
}

export function firstLine(message: string): string {
  return (
    message
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? message
  );
}

/**
 * True when no byte after the header line is one that could make read_csv's integer parsing differ from the count
 * rule (file-scan.ts plainNumbersTest): then read_csv may parse the count columns itself. The loader has this from its
 * one scan of the file (SourceTable.csv.plainNumbers); this reads the file for callers without one.
 */
export async function plainNumbers(path: string): Promise<boolean> {
  const test = plainNumbersTest();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    if (!test.push(chunk)) return false;
  }
  return test.result();
}
