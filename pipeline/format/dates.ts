/**
 * Calendar arithmetic shared by the metric views' SQL (pipeline/metrics/arithmetic.ts), the charts and the formatters,
 * so that a month is the same length everywhere.
 *
 * Dates arrive as ISO strings ('2017-02-06', what DuckDB's JSON getters return for DATE) or as JS Dates
 * (DuckDB's JS getters). Everything here works in UTC so the server's time zone never shifts a day.
 */

/** A date as the pipeline hands it over: ISO 'YYYY-MM-DD' (a time part is ignored) or a Date at UTC midnight. */
export type DateLike = string | Date;

/**
 * Days in an average month of the Julian year (365.25 / 12 = 30.4375), the one length every view and chart uses.
 * Months are days / 30.4375, not DuckDB's datediff('month', a, b), which counts month boundaries crossed:
 * 31 Jan → 1 Feb would be "1 month" and 1 Jan → 31 Jan "0 months".
 */
export const DAYS_PER_MONTH = 30.4375;
const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** 'YYYY-MM-DD' for a date-like value; throws on anything else, so a bad column name fails loudly, not as NaN. */
export function toIsoDate(value: DateLike): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new Error('Invalid Date given to a chart');
    return value.toISOString().slice(0, 10);
  }
  const match = ISO_DATE.exec(String(value));
  if (!match) throw new Error(`Expected an ISO date (YYYY-MM-DD), got ${JSON.stringify(value)}`);
  return match[0];
}

/** The same day as a Date at UTC midnight (what Plot's default utc time scale expects). */
export function toUtcDate(value: DateLike): Date {
  const [year, month, day] = toIsoDate(value).split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: DateLike, to: DateLike): number {
  return Math.round((toUtcDate(to).getTime() - toUtcDate(from).getTime()) / MS_PER_DAY);
}

/** Months from `from` to `to`, unrounded (days / 30.4375); round only for display. */
export function monthsBetween(from: DateLike, to: DateLike): number {
  return daysBetween(from, to) / DAYS_PER_MONTH;
}

/** True when `date` is on or before `limit`: the views' rule for "approached / live at as_of". */
export function isOnOrBefore(date: DateLike | null | undefined, limit: DateLike): boolean {
  return date != null && toIsoDate(date) <= toIsoDate(limit);
}
