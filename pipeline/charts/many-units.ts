/**
 * What the charts do when a programme has many units (services, practices, pharmacies): beyond MANY_UNITS a chart
 * stops drawing one labelled line, bar or step per unit, which nobody can read and which grows the page with every
 * unit, and shows a distribution, or the top and bottom few with the rest summarised. Also: thinning a long run of
 * as-of dates (daily exports for years) to one date per month, quarter or year, so a trend has a bounded number of
 * points. Pure helpers; the dashboard does the same aggregation in SQL with the same definitions.
 */
import { toIsoDate, type DateLike } from '../format/dates.ts';

/** More units than this and charts switch to distributions or top-and-bottom views. */
export const MANY_UNITS = 25;
/** Units shown at each end of a top-and-bottom view. */
export const EXTREMES = 10;
/** A trend shows at most this many as-of dates; longer runs keep the last date of each month, quarter or year. */
export const MAX_TREND_POINTS = 60;

/** Distinct values of `key` in rows, counted without building arrays of every value. */
export function distinctCount<T>(rows: readonly T[], key: (row: T) => string): number {
  const seen = new Set<string>();
  for (const row of rows) seen.add(key(row));
  return seen.size;
}

/** The largest of the values, or `floor` for none; a loop, since spreading 100,000 values overflows the stack. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

export function minOf(values: Iterable<number>, ceiling = Infinity): number {
  let min = ceiling;
  for (const v of values) if (v < min) min = v;
  return min;
}

/**
 * The p-quantile (0–1) of sorted values by linear interpolation between closest ranks, the definition DuckDB's
 * quantile_cont uses, so a chart drawn here and a table computed in SQL agree.
 */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export type DatePeriod = 'date' | 'month' | 'quarter' | 'year';

function periodKey(iso: string, period: DatePeriod): string {
  if (period === 'date') return iso;
  if (period === 'month') return iso.slice(0, 7);
  if (period === 'quarter') return `${iso.slice(0, 4)}-Q${Math.floor((Number(iso.slice(5, 7)) - 1) / 3) + 1}`;
  return iso.slice(0, 4);
}

/**
 * The as-of dates a trend shows: all of them when there are at most `max`; otherwise the last date in each month,
 * else each quarter, else each year, the finest period that fits. Returns the dates (ascending) and the period.
 */
export function thinDates(dates: readonly DateLike[], max = MAX_TREND_POINTS): { dates: string[]; period: DatePeriod } {
  const sorted = [...new Set(dates.map(toIsoDate))].sort();
  if (sorted.length <= max) return { dates: sorted, period: 'date' };
  for (const period of ['month', 'quarter', 'year'] as const) {
    const last = new Map<string, string>();
    for (const date of sorted) last.set(periodKey(date, period), date);
    if (last.size <= max || period === 'year') return { dates: [...last.values()], period };
  }
  return { dates: sorted, period: 'date' };
}

/** "monthly", "quarterly", "yearly": how thinned dates are described in subtitles and summaries. */
export function periodAdjective(period: DatePeriod): string {
  return period === 'month' ? 'monthly' : period === 'quarter' ? 'quarterly' : period === 'year' ? 'yearly' : '';
}
