/**
 * The figures of one named result, made safe for the audience: every number a table, chart or sentence shows comes
 * from here, and here it passes through disclosure control (pipeline/disclosure) under the audience's profile.
 *
 * One controlled table per result, not one per directive: a count is then shown the same way wherever it appears,
 * and under a threshold profile the cells hidden by secondary suppression stay hidden in the charts and sentences too
 * (a chart drawing a cell that the table hid would undo the protection).
 *
 * What each column holds decides how it is controlled. A notebook declares it (counts:, services:, numbers:); catalogue
 * patient measures (approached, consented, registered, …) are patient counts without saying so; a column holding text,
 * dates or true/false is a label. A column holding numbers that is none of these is refused, in every audience, so a
 * notebook cannot pass a patient count uncontrolled by forgetting to declare it.
 */
import {
  controlTable,
  SUPPRESSED_MARK,
  type ColumnSpec,
  type ControlledRow,
  type ControlledTable,
  type ControlledValue
} from '../disclosure/index.ts';
import { MEASURES } from '../warehouse/schema.ts';
import { formatChange, formatDate } from '../format/format.ts';
import { NotebookError, type ChangeSpec, type Declarations, type RateSpec } from './parse.ts';
import type { QueryResult } from './query.ts';

const PATIENT_MEASURES = new Set<string>(MEASURES.filter((m) => m.patient_count).map((m) => m.measure));
const NUMERIC_TEXT = /^\s*-?\d+(\.\d+)?\s*$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What the directives and sentences of a notebook use of one result. */
export interface Usage {
  columns: Set<string>;
  rates: Map<string, RateSpec>;
  changes: ChangeSpec[];
  /** A total row is published (a table's `total:` or an inline `|sum`), so disclosure control must compute it. */
  total: boolean;
  totalLabel: string | null;
  declarations: Declarations;
}

export function emptyUsage(): Usage {
  return { columns: new Set(), rates: new Map(), changes: [], total: false, totalLabel: null, declarations: new Map() };
}

export function addDeclarations(usage: Usage, declarations: Declarations, where: string): void {
  for (const [key, declaration] of declarations) {
    const existing = usage.declarations.get(key);
    if (existing && existing.kind !== declaration.kind) {
      throw new NotebookError(
        `${where}: "${key}" is declared as ${declaration.kind} here and as ${existing.kind} elsewhere`
      );
    }
    usage.declarations.set(key, { ...existing, ...declaration });
  }
}

export function addRate(usage: Usage, rate: RateSpec, where: string): void {
  const existing = usage.rates.get(rate.key);
  if (existing && (existing.numerator !== rate.numerator || existing.denominator !== rate.denominator)) {
    throw new NotebookError(`${where}: the rate "${rate.key}" is defined twice, differently`);
  }
  usage.rates.set(rate.key, rate);
  usage.columns.add(rate.numerator).add(rate.denominator);
}

export function addChange(usage: Usage, change: ChangeSpec): void {
  usage.changes.push(change);
  usage.columns.add(change.from).add(change.minus);
}

/** The controlled figures of one result. */
export class ResultFigures {
  readonly specs = new Map<string, ColumnSpec>();
  private readonly table: ControlledTable | null;

  constructor(
    readonly result: QueryResult,
    readonly usage: Usage,
    readonly profile: string,
    where: string
  ) {
    if (result.skipped) {
      this.table = null;
      return;
    }
    const derived = new Set([...usage.rates.keys(), ...usage.changes.map((c) => c.key)]);
    for (const key of usage.columns) {
      if (derived.has(key)) continue;
      if (!result.columns.includes(key)) {
        throw new NotebookError(
          `${where}: the result "${result.name}" has no column "${key}" (it has ${result.columns.join(', ')})`
        );
      }
      this.specs.set(key, this.kindOf(key, where));
    }
    const labels = [...this.specs.values()].filter((s) => s.kind === 'label').map((s) => s.key);
    // true/false read as Yes/No; everything else in a label column passes through as text.
    const rows = result.rows.map((row) => {
      const copy = { ...row };
      for (const key of labels) if (typeof copy[key] === 'boolean') copy[key] = copy[key] ? 'Yes' : 'No';
      return copy;
    });
    const rateColumns: ColumnSpec[] = [...usage.rates.values()].map((r) => ({
      key: r.key,
      kind: 'rate',
      numerator: r.numerator,
      denominator: r.denominator
    }));
    try {
      this.table = controlTable(
        {
          columns: [...this.specs.values(), ...rateColumns],
          rows,
          totals: usage.total ? { row: usage.totalLabel ?? 'Total' } : undefined
        },
        profile
      );
    } catch (error) {
      throw new NotebookError(`${where}: ${(error as Error).message}`);
    }
  }

  private kindOf(key: string, where: string): ColumnSpec {
    const declared = this.usage.declarations.get(key);
    if (declared) return { key, kind: declared.kind, decimals: declared.decimals };
    if (PATIENT_MEASURES.has(key)) return { key, kind: 'patient-count' };
    const numeric = this.result.rows.some((row) => {
      const v = row[key];
      return typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && NUMERIC_TEXT.test(v));
    });
    if (numeric) {
      throw new NotebookError(
        `${where}: the column "${key}" of "${this.result.name}" holds numbers, but the notebook does not say what they count. ` +
          'Declare it as counts: (patients), services: (services, organisations, features) or numbers: (days, months).'
      );
    }
    return { key, kind: 'label' };
  }

  get rowCount(): number {
    return this.table?.rows.length ?? 0;
  }

  get skipped(): boolean {
    return this.result.skipped;
  }

  /** The controlled value of a column (or rate, or change) in row `index`. */
  value(index: number, key: string): ControlledValue {
    return this.cell(this.table?.rows[index], key);
  }

  /** The controlled value of a column's total (computed from exact figures, then controlled). */
  total(key: string): ControlledValue {
    return this.cell(this.table?.totalRow ?? undefined, key);
  }

  private cell(row: ControlledRow | undefined, key: string): ControlledValue {
    if (!row) return nothing();
    const change = this.usage.changes.find((c) => c.key === key);
    if (change) return changeValue(row[change.from], row[change.minus]);
    const value = row[key];
    if (!value) throw new Error(`"${key}" was not prepared for "${this.result.name}"`);
    return value;
  }

  /** What a column holds, for rendering: a derived change counts as a patient count when its parts are. */
  kind(key: string): ColumnSpec['kind'] {
    if (this.usage.rates.has(key)) return 'rate';
    const change = this.usage.changes.find((c) => c.key === key);
    if (change) return this.specs.get(change.from)?.kind ?? 'patient-count';
    return this.specs.get(key)?.kind ?? 'label';
  }
}

function nothing(): ControlledValue {
  return { shown: '', value: null, suppressed: false, rounded: false, reason: 'not reported' };
}

/**
 * A change between two controlled figures: hidden when either is hidden, otherwise the difference of the figures as
 * shown (so under nhs-digital a difference of rounded figures, which tells a reader nothing the two figures do not).
 */
export function changeValue(from: ControlledValue | undefined, minus: ControlledValue | undefined): ControlledValue {
  if (!from || !minus) return nothing();
  if (from.suppressed || minus.suppressed) {
    return { shown: SUPPRESSED_MARK, value: null, suppressed: true, rounded: false, reason: 'part suppressed' };
  }
  if (from.value === null || minus.value === null) return nothing();
  const value = from.value - minus.value;
  const rounded = from.rounded || minus.rounded;
  return { shown: formatChange(value), value, suppressed: false, rounded, reason: rounded ? 'rounded' : 'exact' };
}

/** The text a reader sees for a value: ISO dates in label columns read as "6 Feb 2017". */
export function displayText(value: ControlledValue): string {
  return value.reason === 'text' && ISO_DATE.test(value.shown) ? formatDate(value.shown) : value.shown;
}
