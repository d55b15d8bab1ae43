/**
 * What every chart and table on the dashboard hands to the site: the data table behind it (the same rows feed the
 * visible table, the chart's text alternative and the CSV download, so the three cannot disagree).
 */

/** How a column's values read: decides alignment (numbers right), display format and CSV format. */
export type ColumnKind = 'text' | 'integer' | 'decimal' | 'percent' | 'date' | 'flag';

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
  /** The column that names the row (rendered as <th scope="row">). */
  rowHeader?: boolean;
  /**
   * For integer columns, what the numbers count, so exports for funders and the public are controlled correctly
   * (controlled.ts): 'patients' are disclosure-controlled, 'services' (services, organisations, features) are exact,
   * 'other' is not a count of anything (days, months) and is exact. Fail closed: no `counts` means patients.
   */
  counts?: 'patients' | 'services' | 'other';
  /**
   * For percent columns (and a text column showing a rate), the keys of the columns in this table holding the
   * numerator and denominator; a controlled export recomputes the rate from the controlled parts. Fail closed: a
   * percent column without parts shows `*` in a controlled export.
   */
  rate?: { numerator: string; denominator: string };
  /**
   * A text column whose text is a figure worked out from this row's counts (RE-AIM's "Value"); a controlled export
   * shows `*` there, since the parts differ from row to row and cannot be declared per column.
   */
  derivedFromCounts?: true;
  /** Decimal places for a decimal column (default 1). */
  decimals?: number;
  /** What an empty cell says on the page, e.g. "not reported" where the source does not report the figure. */
  missing?: string;
}

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface DataTable {
  caption: string;
  columns: Column[];
  rows: Row[];
}

/** A chart (or a table standing on its own) as the page shows it. */
export interface Figure {
  /** Stable id, used for the CSV download URL (/download/<id>) and for element ids. */
  id: string;
  /** Headline message, e.g. "8 of 12 approached services are live". */
  title: string;
  /** Statistical subtitle: measure, population, as-of date. */
  subtitle: string;
  /** Server-rendered SVG (Observable Plot), or null for a figure that is only a table. */
  svg: string | null;
  /** Text summary generated from the data; shown as visible text and used as the chart's text alternative. */
  summary: string;
  table: DataTable;
}

export function isNumeric(kind: ColumnKind): boolean {
  return kind === 'integer' || kind === 'decimal' || kind === 'percent';
}
