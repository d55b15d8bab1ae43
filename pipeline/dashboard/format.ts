/**
 * Formatting figures for people (tables, headlines). Pure, no database: the site imports it too.
 *
 * Display follows the NHS style: "6 February 2017" in prose, "6 Feb 2017" in tables, thousands separated, rates as
 * percentages to one decimal. CSV is not written here: every CSV goes through disclosure control and the one CSV
 * writer in pipeline/disclosure (controlled.ts `figureCsv`).
 */
import type { Cell, Column } from './table.ts';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];

/** "2017-02-06" → "6 February 2017" (or "6 Feb 2017" when short). Dates are calendar dates: no time zone involved. */
export function formatDate(iso: string | null | undefined, short = false): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const month = MONTHS[Number(m[2]) - 1];
  return `${Number(m[3])} ${short ? month.slice(0, 3) : month} ${m[1]}`;
}

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : Math.round(value).toLocaleString('en-GB');
}

/** A fraction (0..1) as a percentage to one decimal place: 0.368 → "36.8%". */
export function formatPercent(fraction: number | null | undefined): string {
  return fraction === null || fraction === undefined ? '' : `${(fraction * 100).toFixed(1)}%`;
}

export function formatDecimal(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : value.toFixed(1);
}

/** Shown in a table cell when there is no value (the CSV leaves the cell empty). */
export const NO_VALUE = '–';

export function formatCell(value: Cell, column: Column): string {
  if (value === null || value === undefined || value === '') return column.missing ?? NO_VALUE;
  switch (column.kind) {
    case 'integer':
      return formatInteger(Number(value));
    case 'decimal':
      return column.decimals === undefined ? formatDecimal(Number(value)) : Number(value).toFixed(column.decimals);
    case 'percent':
      return formatPercent(Number(value));
    case 'date':
      return formatDate(String(value), true);
    case 'flag':
      return value ? 'Yes' : 'No';
    default:
      return String(value);
  }
}

/** A change between two snapshots, signed: "+3", "−1.2", "no change". */
export function formatChange(change: number | null, kind: 'integer' | 'decimal' | 'percent'): string {
  if (change === null || !Number.isFinite(change)) return '';
  const rounded =
    kind === 'percent'
      ? Math.round(change * 1000) / 10
      : kind === 'decimal'
        ? Math.round(change * 10) / 10
        : Math.round(change);
  if (rounded === 0) return 'no change';
  const sign = rounded > 0 ? '+' : '−';
  const size = Math.abs(rounded);
  if (kind === 'percent') return `${sign}${size.toFixed(1)} percentage points`;
  if (kind === 'decimal') return `${sign}${size.toFixed(1)}`;
  return `${sign}${size.toLocaleString('en-GB')}`;
}
