/**
 * Dashboard tables as they may leave: every CSV download goes through disclosure control (pipeline/disclosure), with
 * the audience's profile. The committee (and researchers) get profile 'none', which is exact figures through the same
 * functions, so the committee CSV and the funder CSV cannot drift apart.
 *
 * The column kinds come from what each dashboard Column declares (table.ts `counts`, `rate`, `derivedFromCounts`),
 * and every gap fails closed: an integer column that does not say what it counts is a patient count, a percent column
 * without its parts shows `*`.
 */
import {
  DEFAULT_PROFILE,
  SUPPRESSED_MARK,
  controlTable,
  toCsv,
  type ColumnSpec,
  type ControlledTable,
  type ProfileName
} from '../disclosure/index.ts';
import type { Cell, Column, DataTable } from './table.ts';

export const EXPORT_AUDIENCES = ['committee', 'funder', 'public'] as const;
export type ExportAudience = (typeof EXPORT_AUDIENCES)[number];

/** The committee sees exact figures; funders and the public get the product default (nhs-digital). */
export function profileForAudience(audience: ExportAudience): ProfileName {
  return audience === 'committee' ? 'none' : DEFAULT_PROFILE;
}

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

/** The dashboard table controlled under `profile`: what a funder, the public or the committee may take away. */
export function controlFigureTable(table: DataTable, profile: ProfileName): ControlledTable {
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
  const shown =
    value === null ? '' : column.kind === 'percent' ? `${(Number(value) * 100).toFixed(1)}%` : String(value);
  return { shown, value: null, suppressed: false, rounded: false, reason: 'text' as const };
}

/**
 * The CSV of a dashboard table for an audience, with the footnote naming the profile under it. The one way a
 * dashboard table becomes a file (the disclosure module's `toCsv` is the one CSV writer).
 */
export function figureCsv(table: DataTable, audience: ExportAudience): string {
  return toCsv(controlFigureTable(table, profileForAudience(audience)));
}
