/**
 * A CSV file with no header row (the national practice list is published so): every line is a record, and its
 * columns are named by position, `column1`, `column2`, … so that a profile's `positions` can find them. Row numbers
 * count from 1, since there is no header line. Reference lists are tens of thousands of rows, so numbering them with
 * row_number() costs nothing worth avoiding.
 */
import { basename, extname } from 'node:path';
import { columnNames, detectDelimiter, readHead } from './csv.ts';
import { sqlIdentifier, sqlLiteral } from '../../warehouse/quote.ts';
import { ReadError, type ReadContext, type SourceTable } from './types.ts';

export async function readHeaderlessCsv(
  ctx: ReadContext,
  path: string,
  label = basename(path)
): Promise<SourceTable[]> {
  if (extname(path).toLowerCase() !== '.csv')
    throw new ReadError(label, 'unknown-file', 'A list without a header row must be a CSV file.');
  const head = readHead(path);
  if (head.replace(/^\uFEFF/, '').trim() === '')
    throw new ReadError(label, 'empty-file', 'The file is empty: it has no rows.');
  const source = `read_csv(${sqlLiteral(path)}, all_varchar = true, header = false, delim = ${sqlLiteral(detectDelimiter(head))}, quote = '"', escape = '"')`;
  const names = await columnNames(ctx, source, label);
  const headers = names.map((_, i) => `column${i + 1}`);
  const columns = names.map((n, i) => `${sqlIdentifier(n)} AS ${sqlIdentifier(headers[i])}`).join(', ');
  const table = `${ctx.tempPrefix}_headerless`;
  await ctx.connection.run(
    `CREATE TEMP TABLE ${sqlIdentifier(table)} AS SELECT (row_number() OVER ())::INTEGER AS __row, ${columns} FROM ${source}`
  );
  return [
    {
      label,
      name: basename(label, extname(label)),
      headers,
      relation: sqlIdentifier(table),
      rowCount: null,
      rowNumbers: 'column'
    }
  ];
}
