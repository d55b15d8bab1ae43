/**
 * Text renderings of a query result: an aligned table for people, JSON rows and RFC 4180 CSV for programs.
 */
import { csvField, quoteCsvField } from '../disclosure/csv.ts';
import { isNumericType, valueAsJson, valueAsText, type ResultTable } from './result-table.ts';

/** Rows as plain objects keyed by column name, JSON-safe (see valueAsJson). */
export function resultAsJsonRows(result: ResultTable): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let row = 0; row < result.rowCount; row++) {
    const object: Record<string, unknown> = {};
    for (const column of result.columns) object[column.name] = valueAsJson(column.values[row]);
    rows.push(object);
  }
  return rows;
}

/** A JSON array with one row object per line: valid JSON for a program, still readable and diffable for a person. */
export function formatJson(result: ResultTable): string {
  const rows = resultAsJsonRows(result);
  if (rows.length === 0) return '[]\n';
  return '[\n' + rows.map((row) => JSON.stringify(row)).join(',\n') + '\n]\n';
}

/**
 * RFC 4180 with CRLF line ends, through the same CSV writer as every download: text that a spreadsheet would run as a
 * formula is neutralised. Numbers keep their exact decimal text (a BIGINT or DECIMAL must not pass through a double),
 * and a number cannot carry a formula, so numeric columns are only quoted. NULL is empty.
 */
export function formatCsv(result: ResultTable): string {
  const numeric = result.columns.map((column) => isNumericType(column.typeId));
  const lines = [result.columns.map((column) => csvField(column.name)).join(',')];
  for (let row = 0; row < result.rowCount; row++) {
    lines.push(
      result.columns
        .map((column, j) => {
          const text = valueAsText(column.values[row]) ?? '';
          return numeric[j] ? quoteCsvField(text) : csvField(text);
        })
        .join(',')
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** How a NULL shows in the text table: distinct from an empty string, as in DuckDB's own shell. */
export const NULL_TEXT = 'NULL';

/** An aligned table with a rule under the header; numbers right-aligned so digits line up; a row count underneath. */
export function formatTextTable(result: ResultTable): string {
  const header = result.columns.map((column) => column.name);
  const body: string[][] = [];
  for (let row = 0; row < result.rowCount; row++) {
    body.push(result.columns.map((column) => oneLine(valueAsText(column.values[row]) ?? NULL_TEXT)));
  }
  const widths = header.map((name, index) => Math.max(width(name), ...body.map((cells) => width(cells[index]))));
  const rightAligned = result.columns.map((column) => isNumericType(column.typeId));
  const render = (cells: string[]) =>
    cells
      .map((cell, index) => (rightAligned[index] ? pad(cell, widths[index], 'start') : pad(cell, widths[index], 'end')))
      .join('  ')
      .trimEnd();
  const lines = [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(render)];
  lines.push(`(${result.rowCount} ${result.rowCount === 1 ? 'row' : 'rows'})`);
  return lines.join('\n') + '\n';
}

/** Line breaks inside a value would break the table's columns; show them as the escape a person recognises. */
function oneLine(text: string): string {
  return text.replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

/** Width in code points, so `é` or `✓` counts as one column (wide CJK glyphs are not accounted for). */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, to: number, side: 'start' | 'end'): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return side === 'start' ? fill + text : text + fill;
}
