/**
 * The kinds of column a dashboard table holds figures in, each written once with what disclosure control needs to
 * know about it (controlled.ts): what an integer counts, and the two columns a percentage is worked out from. A table
 * lists its columns with these, so no column can forget its parts and leave a funder's export showing `*`, or worse,
 * an integer column that counts patients be declared as services.
 */
import type { Column } from './table.ts';

/** What an empty cell says where the source does not report the figure (never 0). */
export const NOT_REPORTED = 'not reported';

type Options = Pick<Column, 'missing' | 'rowHeader'>;

/** A count of patients: controlled (rounded, small counts hidden) for funders and the public. */
export function patientCount(key: string, label: string, options: Options = {}): Column {
  return { key, label, kind: 'integer', counts: 'patients', ...options };
}

/** A count of services, units, organisations or features: exact in every export. */
export function serviceCount(key: string, label: string, options: Options = {}): Column {
  return { key, label, kind: 'integer', counts: 'services', ...options };
}

/**
 * A percentage of two columns of the same table (`numerator` / `denominator`); a controlled export works it out
 * again from their controlled figures.
 */
export function percentOf(
  key: string,
  label: string,
  numerator: string,
  denominator: string,
  options: Options = {}
): Column {
  return { key, label, kind: 'percent', rate: { numerator, denominator }, ...options };
}

/** The share of a service's consented patients who registered, as the service's history and the trends show it. */
export const REGISTERED_OF_CONSENTED = percentOf(
  'registration_rate',
  'Registered of consented',
  'registered',
  'consented'
);
