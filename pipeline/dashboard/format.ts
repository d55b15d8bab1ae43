/**
 * Table cells and headline changes, on top of the one formatting module (pipeline/format: dates, percentages, counts).
 * Pure, no database: the site imports it too. Rates in tables are percentages to one decimal place. CSV is not written
 * here: every CSV goes through disclosure control and the one CSV writer in pipeline/disclosure (controlled.ts
 * `figureCsv`).
 */
import { formatDate, formatNumber, formatPercent } from '../format/format.ts';
import type { Cell, Column } from './table.ts';

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : formatNumber(Math.round(value));
}

export function formatDecimal(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : value.toFixed(1);
}

/** A headline card's value ("1,234", "36.8%", "13.3"); no value reads the figure's own `missing` text. */
export function formatHeadlineValue(figure: {
  kind: 'integer' | 'decimal' | 'percent';
  value: number | null;
  missing: string;
}): string {
  if (figure.value === null) return figure.missing;
  if (figure.kind === 'percent') return formatPercent(figure.value, 1, '');
  if (figure.kind === 'decimal') return formatDecimal(figure.value);
  return formatInteger(figure.value);
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
      return formatPercent(Number(value), 1, '');
    case 'date':
      return formatDate(String(value));
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
  return `${sign}${formatNumber(size)}`;
}
