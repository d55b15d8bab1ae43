/**
 * CSV for downloads and exports, safe to open in a spreadsheet.
 *
 * Formula injection (CWE-1236, OWASP "CSV Injection"): Excel, LibreOffice and Google Sheets run a cell that starts
 * with = + - @ as a formula, and a leading tab or carriage return can smuggle one past a check. Any text cell that
 * starts with one of FORMULA_STARTS gets a leading single quote, which spreadsheets show as text and never run.
 *
 * Numbers are typed, and only text is neutralised: a JavaScript number is written as a plain number, so a slippage of
 * -3 months stays -3 and still adds up in a spreadsheet, while the *text* "-3" (say a service called "-3+A1") is
 * written '-3+A1. A number cannot carry a formula, so nothing is lost by trusting the type.
 */
import type { ControlledValue } from './count.ts';
import type { ColumnKind, ControlledTable } from './table.ts';

/** First characters that make a spreadsheet treat a cell as a formula (OWASP list, plus \n and \0 from ASVS 1.2.10). */
export const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r', '\n', '\0'] as const;

export type CsvValue = string | number | bigint | boolean | null | undefined;

/** Text that a spreadsheet would run gets a leading ' ; other text is returned as it is. */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && (FORMULA_STARTS as readonly string[]).includes(text[0]) ? `'${text}` : text;
}

/** One CSV field: numbers as numbers, text neutralised and then quoted when RFC 4180 requires it. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return quoteCsvField(neutraliseFormula(value));
}

/**
 * RFC 4180 quoting alone: quoted when the text holds a comma, quote, CR or LF, with quotes doubled. For text already
 * safe to open (a number written as exact decimal text); everything else goes through csvField.
 */
export function quoteCsvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of fields as CSV text with CRLF line ends (RFC 4180); `bom` adds the byte-order mark Excel wants for UTF-8. */
export function csvText(rows: CsvValue[][], options: { bom?: boolean } = {}): string {
  const body = rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
  return options.bom ? `\uFEFF${body}` : body;
}

/** The CSV value of one controlled cell: a shown count as a number, everything else as the text the reader sees. */
export function csvValueOf(cell: ControlledValue, kind: ColumnKind): CsvValue {
  const isCount = kind === 'patient-count' || kind === 'service-count' || kind === 'number';
  return isCount && cell.value !== null && !cell.suppressed ? cell.value : cell.shown;
}

/**
 * A controlled table as CSV: a heading row, the rows, the total row, then (unless `notes: false`) a blank line and
 * the footnote naming the profile, so a downloaded file still says how its figures were controlled.
 */
export function toCsv(table: ControlledTable, options: { notes?: boolean; bom?: boolean } = {}): string {
  const text = csvHeading(table) + csvRows(table) + (options.notes === false ? '' : csvNotes(table));
  return options.bom ? `\uFEFF${text}` : text;
}

/**
 * The pieces of toCsv, for a download streamed block by block: the heading once, the rows (and total row) of each
 * block of a table, then the notes once. Joined, they are exactly what toCsv writes.
 */
export function csvHeading(table: ControlledTable): string {
  return csvText([table.columns.map((c) => c.label ?? c.key)]);
}

export function csvRows(table: ControlledTable): string {
  const body = [...table.rows, ...(table.totalRow ? [table.totalRow] : [])].map((row) =>
    table.columns.map((c) => csvValueOf(row[c.key], c.kind))
  );
  return body.length ? csvText(body) : '';
}

export function csvNotes(table: ControlledTable): string {
  return csvText([[], [`Note: ${table.footnote}`]]);
}
