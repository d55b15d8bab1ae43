/**
 * Dashboard tables as they may leave: every CSV download goes through disclosure control (pipeline/disclosure), with
 * the audience's profile. The committee (and researchers) get profile 'none', which is exact figures through the same
 * functions, so the committee CSV and the funder CSV cannot drift apart.
 *
 * The column kinds come from what each dashboard Column declares (table.ts `counts`, `rate`, `derivedFromCounts`),
 * and every gap fails closed: an integer column that does not say what it counts is a patient count, a percent column
 * without its parts shows `*`.
 */
import { formatPercent } from '../format/format.ts';
import {
  SUPPRESSED_MARK,
  controlTable,
  profileForAudience,
  toCsv,
  type Audience,
  type ColumnSpec,
  type ControlledTable,
  type ControlledValue,
  type ProfileName
} from '../disclosure/index.ts';
import type { Cell, Column, DataTable, SortDirection } from './table.ts';

/** A column that is withheld (`*`) in a controlled export: its figure cannot be recomputed from controlled parts. */
function isWithheld(column: Column): boolean {
  return (column.kind === 'percent' && !column.rate) || (column.kind === 'text' && column.derivedFromCounts === true);
}

/** How disclosure control should treat one dashboard column. */
export function columnSpec(column: Column): ColumnSpec {
  const base = { key: column.key, label: column.label };
  if (column.rate)
    return {
      ...base,
      kind: 'rate',
      numerator: column.rate.numerator,
      denominator: column.rate.denominator,
      // A decimal column holding a rate is a ratio (transactions per patient), not a percentage.
      ...(column.kind === 'decimal' ? { decimals: column.decimals ?? 1 } : {})
    };
  switch (column.kind) {
    case 'integer':
      if (column.counts === 'services') return { ...base, kind: 'service-count' };
      if (column.counts === 'other') return { ...base, kind: 'number', decimals: 0 };
      return { ...base, kind: 'patient-count' }; // 'patients', or nothing said: fail closed
    case 'decimal':
      return { ...base, kind: 'number', decimals: 1 };
    default:
      // text, dates, flags, and withheld columns (their cells are replaced after control, below)
      return { ...base, kind: 'label' };
  }
}

/** Text as the CSV and the reader should see it: flags as yes/no, everything else as it is. */
function labelCell(value: Cell, column: Column): Cell {
  if (column.kind === 'flag') return value === null || value === undefined ? null : value ? 'yes' : 'no';
  return value;
}

/**
 * The dashboard table controlled under `profile`: what a funder, the public or the committee may take away. Under a
 * controlling profile the rows are also put in an order worked out from the controlled table alone (orderControlled).
 */
export function controlFigureTable(table: DataTable, profile: ProfileName): ControlledTable {
  const controlled = controlCells(table, profile);
  if (profile === 'none') return controlled;
  const order = table.order;
  if (order === 'fixed') return controlled;
  return orderControlled(controlled, order ?? { by: namingColumn(table.columns).key, dir: 'asc' });
}

/** The column that names a row: the row-header column, else the first text column, else the first column. */
export function namingColumn(columns: Column[]): Column {
  return columns.find((c) => c.rowHeader) ?? columns.find((c) => c.kind === 'text') ?? columns[0];
}

/**
 * Sorting a controlled table by what it shows, and by nothing else: the rows are ordered by the controlled value of
 * the sort column (a count as rounded, `*` just above 0 since it stands for a small count, a rate as worked out from
 * the controlled parts; blanks last in both directions), ties by the naming column and then by every shown cell, in
 * the same order whichever the direction. So two requests that differ only in direction, or two warehouses whose
 * exact figures control to the same table, give rows in orders that reveal nothing beyond the controlled table:
 * sorting by exact values would, since rows that all show `*` would come out in the order of their hidden counts.
 */
export function orderControlled(table: ControlledTable, order: { by: string; dir: SortDirection }): ControlledTable {
  const spec = table.columns.find((c) => c.key === order.by);
  if (!spec) throw new Error(`The table has no column "${order.by}" to sort by.`);
  const name = (table.columns.find((c) => c.kind === 'label') ?? table.columns[0]).key;
  const sign = order.dir === 'desc' ? -1 : 1;
  const keyed = table.rows.map((row) => ({ row, key: shownSortKey(row[order.by], spec) }));
  keyed.sort((a, b) => {
    if (a.key.group !== b.key.group) return a.key.group - b.key.group;
    const byValue = compare(a.key.value, b.key.value);
    if (byValue !== 0) return sign * byValue;
    const byName = compare(a.row[name].shown, b.row[name].shown);
    if (byName !== 0) return byName;
    for (const column of table.columns) {
      const byCell = compare(a.row[column.key].shown, b.row[column.key].shown);
      if (byCell !== 0) return byCell;
    }
    return 0;
  });
  return { ...table, rows: keyed.map((k) => k.row) };
}

/** Group 0: a shown value; 1: hidden (`*`) where it cannot be placed among numbers; 2: blank. */
function shownSortKey(cell: ControlledValue, spec: ColumnSpec): { group: number; value: number | string } {
  if (spec.kind === 'label') return cell.shown === '' ? { group: 2, value: '' } : { group: 0, value: cell.shown };
  if (cell.suppressed) {
    // A suppressed patient count is a small count: it reads as more than 0 and less than any rounded count shown.
    return spec.kind === 'patient-count' ? { group: 0, value: 0.5 } : { group: 1, value: 0 };
  }
  if (cell.value === null) return { group: 2, value: 0 };
  // A rate by the percentage shown (67% and 67% tie, whatever the fractions behind them).
  return { group: 0, value: spec.kind === 'rate' ? Number(cell.shown.replace(/[,%]/g, '')) : cell.value };
}

/** Code-unit order for text (the same on every server, unlike locale collation), numeric order for numbers. */
function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function controlCells(table: DataTable, profile: ProfileName): ControlledTable {
  const rows = table.rows.map((row) =>
    Object.fromEntries(table.columns.map((c) => [c.key, isWithheld(c) ? null : labelCell(row[c.key] ?? null, c)]))
  );
  const controlled = controlTable({ columns: table.columns.map(columnSpec), rows }, profile);
  const withheld = table.columns.filter(isWithheld);
  if (withheld.length === 0) return controlled;
  for (const [i, row] of controlled.rows.entries()) {
    for (const column of withheld) {
      row[column.key] =
        profile === 'none'
          ? exactText(table.rows[i][column.key] ?? null, column)
          : { shown: SUPPRESSED_MARK, value: null, suppressed: true, rounded: false, reason: 'suppressed' };
    }
  }
  return controlled;
}

/** Under profile 'none' a withheld column is shown exactly, as the page shows it. */
function exactText(value: Cell, column: Column) {
  const shown = value === null ? '' : column.kind === 'percent' ? formatPercent(Number(value), 1, '') : String(value);
  return { shown, value: null, suppressed: false, rounded: false, reason: 'text' as const };
}

/**
 * The CSV of a dashboard table for an audience, with the footnote naming the profile under it. The one way a
 * dashboard table becomes a file (the disclosure module's `toCsv` is the one CSV writer).
 */
export function figureCsv(table: DataTable, audience: Audience): string {
  return toCsv(controlFigureTable(table, profileForAudience(audience)));
}
