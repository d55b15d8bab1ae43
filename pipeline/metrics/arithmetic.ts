/**
 * The two bits of arithmetic every metric view shares, written once so that every view rounds and divides the same way.
 * Each returns SQL text, to be spliced into a view.
 */
import { DAYS_PER_MONTH } from '../format/dates.ts';

/** Six months in days (182.625): "live for at least 6 months" means at least 183 whole days. */
export const SIX_MONTHS_DAYS = 6 * DAYS_PER_MONTH;

/** Months from a day count, to one decimal place (DOUBLE; NULL stays NULL). */
export function monthsFromDays(days: string): string {
  return `round((${days}) / ${DAYS_PER_MONTH}::DOUBLE, 1)`;
}

/** A rate as a DOUBLE fraction 0..1; NULL when the denominator is 0 or missing, never a division error. */
export function rate(numerator: string, denominator: string): string {
  return `CASE WHEN (${denominator}) > 0 THEN (${numerator})::DOUBLE / (${denominator}) END`;
}
