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

export type SortDirection = 'asc' | 'desc';

/**
 * How a table's rows are ordered, so that a disclosure-controlled copy can be put in an order that reveals nothing:
 * - `{ by, dir }`: sorted by that column (ties by the naming column). A controlled copy is re-sorted by the controlled
 *   value of that column, since exact values would otherwise leak through the order of rows that show the same `*`.
 * - `'fixed'`: the order depends only on labels, dates or a fixed list (never on a count), so it may leave as it is.
 * A table that says nothing is re-sorted by its naming column in a controlled copy (fail closed).
 */
export type TableOrder = { by: string; dir: SortDirection } | 'fixed';

export interface DataTable {
  caption: string;
  columns: Column[];
  rows: Row[];
  order?: TableOrder;
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

/** A figure's text summary when there is nothing to chart. */
export const NOTHING_TO_CHART = 'There is nothing to chart yet.';

/** A figure's picture and its text summary: the chart's, or no picture and `instead` (why there is none). */
export function drawn(
  chart: { svg: string; summary: string } | null,
  instead = NOTHING_TO_CHART
): Pick<Figure, 'svg' | 'summary'> {
  return { svg: chart?.svg ?? null, summary: chart?.summary ?? instead };
}

/** Why a chart measured in months since the programme's launch is not drawn: no programme file gives the date. */
export function noLaunchDate(what: string): string {
  return `Not reported: no programme launch date is loaded, so ${what} cannot be charted.`;
}

export function isNumeric(kind: ColumnKind): boolean {
  return kind === 'integer' || kind === 'decimal' || kind === 'percent';
}

/** Rows per page in every paged data table; stated on the page under the table. */
export const PAGE_SIZE = 25;

/** A data table's place in the URL: `page`, `sort`, `dir` and `q` (search), so a link shows exactly the same rows. */
export interface TableQuery {
  page: number;
  sort: string;
  dir: SortDirection;
  q: string;
}

export class TableQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableQueryError';
  }
}

const MAX_PAGE = 1_000_000;

/**
 * Reads page, sort, dir and q from the URL for a table whose sort keys are `sortable` (a fixed list: the key reaches
 * SQL only because it is found in that list). Anything else is a TableQueryError (a 400 page), not silently ignored.
 */
export function parseTableQuery(
  params: URLSearchParams,
  sortable: readonly string[],
  defaults: { sort: string; dir?: SortDirection; what?: string }
): TableQuery {
  const sort = params.get('sort') || defaults.sort;
  if (!sortable.includes(sort)) {
    throw new TableQueryError(`The ${defaults.what ?? 'table'} cannot be sorted by "${sort.slice(0, 60)}".`);
  }
  const dir = params.get('dir') || defaults.dir || 'asc';
  if (dir !== 'asc' && dir !== 'desc')
    throw new TableQueryError(`Sort direction must be "asc" or "desc", not "${dir.slice(0, 20)}".`);
  const pageText = params.get('page') || '1';
  if (!/^[1-9]\d{0,6}$/.test(pageText) || Number(pageText) > MAX_PAGE) {
    throw new TableQueryError(`The page must be a whole number from 1, not "${pageText.slice(0, 20)}".`);
  }
  const q = (params.get('q') ?? '').trim().slice(0, 100);
  return { page: Number(pageText), sort, dir, q };
}

/** Where a page sits in a table of `total` rows: what "Showing 26 to 50 of 7,012" and the pagination links need. */
export interface PageInfo {
  page: number;
  pages: number;
  pageSize: number;
  total: number;
  /** 1-based position of the first and last row shown (0 and 0 for an empty table). */
  first: number;
  last: number;
}

/** The page asked for, or a TableQueryError naming the last page when the table has fewer. */
export function pageInfo(total: number, page: number, pageSize = PAGE_SIZE): PageInfo {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (page > pages) {
    throw new TableQueryError(`There is no page ${page}: this table has ${pages} ${pages === 1 ? 'page' : 'pages'}.`);
  }
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  return { page, pages, pageSize, total, first, last: Math.min(total, page * pageSize) };
}

/** The rows of one page, from rows already in order. */
export function pageRows<T>(rows: T[], info: PageInfo): T[] {
  return rows.slice((info.page - 1) * info.pageSize, info.page * info.pageSize);
}
