/**
 * Controlling a whole table: the one function every funder view, public export and report goes through.
 *
 * The caller says what each column holds (ColumnSpec.kind); the measure catalogue (warehouse/schema.ts MEASURES) is
 * checked so that a patient count cannot be let through by calling it something else. Totals are always computed
 * here, from the exact figures, so that "totals from unrounded values" cannot be got wrong by a caller passing a total
 * made of rounded cells; they are then controlled like any other count.
 */
import { MEASURES } from '../warehouse/schema.ts';
import {
  controlPatientCount,
  exactCount,
  notApplicable,
  rateFromControlled,
  readCount,
  readNumber,
  suppressedValue,
  textValue,
  notReported,
  type ControlledValue
} from './count.ts';
import { DisclosureError, getProfile, type ProfileName } from './profiles.ts';
import { suppressSecondary, type GuardedFigure, type Relation } from './secondary.ts';

export type ColumnKind = 'label' | 'patient-count' | 'service-count' | 'number' | 'rate';

export interface ColumnSpec {
  /** The key in each row object. */
  key: string;
  /** Column heading; defaults to the key. */
  label?: string;
  /**
   * label: text, passed through · patient-count: controlled · service-count: counts of services or other things that
   * are not people, exact (NHS Digital rule 6) · number: any other figure not about individuals (months, slippage),
   * exact · rate: numerator / denominator, computed from the controlled parts.
   */
  kind: ColumnKind;
  /** For rates: keys of the numerator and denominator. Parts not among the columns are controlled as patient counts. */
  numerator?: string;
  denominator?: string;
  /** For number columns: decimal places to show. For rates: shown as a ratio to this many places (transactions per
   * patient, which may exceed 1) instead of a percentage. */
  decimals?: number;
}

export interface TableInput {
  columns: ColumnSpec[];
  rows: Record<string, unknown>[];
  totals?: {
    /** Add a total row (each count column summed over the rows); true labels it "Total". */
    row?: boolean | string;
    /** Add a total column: per row, the sum of the `of` count columns (a cross-tabulation). */
    column?: { key: string; label: string; of: string[] };
  };
}

export type ControlledRow = Record<string, ControlledValue>;

export interface ControlledTable {
  profile: ProfileName;
  profileTitle: string;
  /** Print this under the table: it explains `*` and rounding and names the profile. */
  footnote: string;
  /** The input columns, then the total column when one was asked for. */
  columns: ColumnSpec[];
  rows: ControlledRow[];
  totalRow: ControlledRow | null;
}

const PATIENT_MEASURES = new Set<string>(MEASURES.filter((m) => m.patient_count).map((m) => m.measure));

/** A column for a catalogue measure, its kind taken from the catalogue's patient_count flag. */
export function measureColumn(measure: (typeof MEASURES)[number]['measure'], label?: string): ColumnSpec {
  const entry = MEASURES.find((m) => m.measure === measure)!;
  return { key: measure, label: label ?? entry.label, kind: entry.patient_count ? 'patient-count' : 'service-count' };
}

/** Control every figure of a table under a profile (default nhs-digital). */
export function controlTable(input: TableInput, profileName?: string): ControlledTable {
  const profile = getProfile(profileName);
  const columns = checkColumns(input);
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const totalColumn = input.totals?.column ?? null;
  const wantTotalRow = Boolean(input.totals?.row);
  const countKinds = new Set<ColumnKind>(['patient-count', 'service-count']);

  // Exact counts: one grid row per input row, the total row last. Rate parts outside the columns are read too.
  const countKeys = [
    ...columns.filter((c) => countKinds.has(c.kind)).map((c) => c.key),
    ...columns.flatMap((c) => (c.kind === 'rate' ? [c.numerator!, c.denominator!] : [])).filter((k) => !byKey.has(k))
  ].filter((k, i, all) => all.indexOf(k) === i);
  const exact: Record<string, number | null>[] = input.rows.map((row) =>
    Object.fromEntries(countKeys.map((k) => [k, readCount(row[k], `"${k}"`)]))
  );
  if (totalColumn) {
    for (const counts of exact) counts[totalColumn.key] = sum(totalColumn.of.map((k) => counts[k]));
  }
  const keysWithTotal = totalColumn ? [...countKeys, totalColumn.key] : countKeys;
  const totalCounts = wantTotalRow
    ? Object.fromEntries(keysWithTotal.map((k) => [k, sum(exact.map((counts) => counts[k]))]))
    : null;
  const grid = totalCounts ? [...exact, totalCounts] : exact;

  // Which keys count patients: the declared columns, the total column when it adds up patients, and hidden rate parts.
  const isPatient = (key: string) =>
    key === totalColumn?.key
      ? byKey.get(totalColumn.of[0])!.kind === 'patient-count'
      : byKey.get(key)?.kind !== 'service-count';

  const controlled: ControlledRow[] = grid.map((counts) =>
    Object.fromEntries(
      keysWithTotal.map((k) => [k, isPatient(k) ? controlPatientCount(counts[k], profile) : exactCount(counts[k])])
    )
  );
  if (profile.secondarySuppression) {
    protectTotals(
      grid,
      controlled,
      columns.filter((c) => c.kind === 'patient-count').map((c) => c.key),
      totalColumn,
      wantTotalRow
    );
  }

  const rows = grid.map((_, r) => presentRow(input.rows[r], controlled[r], columns, r === input.rows.length, input));
  const totalRow = wantTotalRow ? rows.pop()! : null;
  return {
    profile: profile.name,
    profileTitle: profile.title,
    footnote: profile.footnote,
    columns: totalColumn
      ? [...columns, { key: totalColumn.key, label: totalColumn.label, kind: byKey.get(totalColumn.of[0])!.kind }]
      : columns,
    rows,
    totalRow
  };
}

/** The cells of one output row: labels, counts as controlled, rates from the controlled parts. */
function presentRow(
  source: Record<string, unknown> | undefined,
  counts: ControlledRow,
  columns: ColumnSpec[],
  isTotal: boolean,
  input: TableInput
): ControlledRow {
  const out: ControlledRow = {};
  const firstLabel = columns.find((c) => c.kind === 'label')?.key;
  for (const column of columns) {
    if (column.kind === 'label') {
      const label = typeof input.totals?.row === 'string' ? input.totals.row : 'Total';
      out[column.key] = isTotal
        ? textValue(column.key === firstLabel ? label : '')
        : textValue(labelText(source![column.key]));
    } else if (column.kind === 'number') {
      out[column.key] = isTotal
        ? notApplicable()
        : numberValue(readNumber(source![column.key], `"${column.key}"`), column.decimals);
    } else if (column.kind === 'rate') {
      const rate = rateFromControlled(counts[column.numerator!], counts[column.denominator!]);
      out[column.key] =
        column.decimals !== undefined && rate.value !== null
          ? { ...rate, shown: rate.value.toFixed(column.decimals) }
          : rate;
    } else {
      out[column.key] = counts[column.key];
    }
  }
  if (input.totals?.column) out[input.totals.column.key] = counts[input.totals.column.key];
  return out;
}

/**
 * Secondary suppression over every published patient-count relation: each column total, each row's total column,
 * and the grand total (which is both the sum of the column totals and the sum of the row totals).
 */
function protectTotals(
  grid: Record<string, number | null>[],
  controlled: ControlledRow[],
  patientKeys: string[],
  totalColumn: { key: string; of: string[] } | null,
  wantTotalRow: boolean
): void {
  const figures: GuardedFigure[] = [];
  const where: { row: number; key: string }[] = [];
  const index = new Map<string, number>();
  const figure = (row: number, key: string): number | null => {
    const name = `${row}\u0000${key}`;
    if (index.has(name)) return index.get(name)!;
    const value = grid[row][key];
    if (value === null || value === undefined) return null; // not reported: not published, so not in any sum
    index.set(name, figures.length);
    figures.push({ value, hidden: controlled[row][key].suppressed });
    where.push({ row, key });
    return figures.length - 1;
  };
  const relation = (total: number | null, parts: (number | null)[]): Relation[] => {
    const present = parts.filter((p): p is number => p !== null);
    return total === null || present.length === 0 ? [] : [{ total, parts: present }];
  };
  const dataRows = wantTotalRow ? grid.length - 1 : grid.length;
  const rowIndices = [...Array(dataRows).keys()];
  const patientTotalColumn = totalColumn && patientKeys.includes(totalColumn.of[0]) ? totalColumn : null;
  const relations: Relation[] = [];
  if (wantTotalRow) {
    const keys = patientTotalColumn ? [...patientKeys, patientTotalColumn.key] : patientKeys;
    for (const key of keys)
      relations.push(
        ...relation(
          figure(dataRows, key),
          rowIndices.map((r) => figure(r, key))
        )
      );
  }
  if (patientTotalColumn) {
    const rowsWithTotal = wantTotalRow ? [...rowIndices, dataRows] : rowIndices;
    for (const r of rowsWithTotal) {
      relations.push(
        ...relation(
          figure(r, patientTotalColumn.key),
          patientTotalColumn.of.map((k) => figure(r, k))
        )
      );
    }
  }
  for (const i of suppressSecondary(figures, relations)) {
    controlled[where[i].row][where[i].key] = suppressedValue('secondary');
  }
}

function checkColumns(input: TableInput): ColumnSpec[] {
  const keys = new Set<string>();
  for (const column of input.columns) {
    if (keys.has(column.key)) throw new DisclosureError(`Column "${column.key}" appears twice.`);
    keys.add(column.key);
    // Fail closed: a catalogue patient measure cannot be let through as text, a number or a count of services.
    if (PATIENT_MEASURES.has(column.key) && column.kind !== 'patient-count') {
      throw new DisclosureError(
        `Column "${column.key}" counts patients (measure catalogue) but is declared as ${column.kind}: it must be controlled.`
      );
    }
    if (column.kind === 'rate' && (!column.numerator || !column.denominator)) {
      throw new DisclosureError(`Rate column "${column.key}" needs a numerator and a denominator.`);
    }
    if (column.kind === 'rate') {
      for (const part of [column.numerator!, column.denominator!]) {
        const kind = input.columns.find((c) => c.key === part)?.kind;
        if (kind !== undefined && kind !== 'patient-count' && kind !== 'service-count') {
          throw new DisclosureError(`Rate column "${column.key}": "${part}" is a ${kind} column, not a count.`);
        }
      }
    }
  }
  const total = input.totals?.column;
  if (total) {
    if (keys.has(total.key)) throw new DisclosureError(`Total column "${total.key}" clashes with a column.`);
    const kinds = new Set(total.of.map((k) => input.columns.find((c) => c.key === k)?.kind));
    if (total.of.length === 0 || kinds.size !== 1 || !(kinds.has('patient-count') || kinds.has('service-count'))) {
      throw new DisclosureError(`Total column "${total.key}" must add up count columns of one kind.`);
    }
  }
  return input.columns.map((c) => ({ ...c, label: c.label ?? c.key }));
}

/** Sum of the reported figures; null when none was reported (a total of nothing is not 0). */
function sum(values: (number | null | undefined)[]): number | null {
  const present = values.filter((v): v is number => v !== null && v !== undefined);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0);
}

function labelText(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  if (raw instanceof Date) return raw.toISOString().slice(0, 10);
  return String(raw);
}

function numberValue(n: number | null, decimals: number | undefined): ControlledValue {
  if (n === null) return notReported();
  const value = decimals === undefined ? n : Number(n.toFixed(decimals));
  const shown = decimals === undefined ? String(n) : n.toFixed(decimals);
  return { shown, value, suppressed: false, rounded: false, reason: 'exact' };
}
