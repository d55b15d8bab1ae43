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
