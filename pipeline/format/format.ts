/**
 * How numbers and dates read in chart labels and summaries: UK dates ("6 Feb 2017"), whole-number percentages,
 * thousands separators, months to one decimal place. Hand-written rather than Intl so output never depends on the
 * server's ICU data or locale (snapshot tests compare exact strings).
 */
import { toIsoDate, type DateLike } from './dates.ts';

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "6 Feb 2017" (GOV.UK / NHS style: no leading zero, abbreviated month). */
export function formatDate(value: DateLike): string {
  const [year, month, day] = toIsoDate(value).split('-').map(Number);
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`;
}

/** "Feb 2017", for axes where the day adds nothing. */
export function formatMonthYear(value: DateLike): string {
  const [year, month] = toIsoDate(value).split('-').map(Number);
  return `${MONTH_NAMES[month - 1]} ${year}`;
}

/** "1,234" ("−12" for negatives, with a true minus sign as the NHS style guide prefers in figures). */
export function formatCount(value: number): string {
  const digits = String(Math.abs(Math.round(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return value < 0 ? `−${digits}` : digits;
}

/** "+40", "−3", "0": a change between two figures. */
export function formatChange(value: number): string {
  return value > 0 ? `+${formatCount(value)}` : formatCount(value);
}

/** A fraction (0..1) as "37%"; `digits` adds decimal places. Null (no denominator) reads "no rate". */
export function formatPercent(fraction: number | null, digits = 0): string {
  if (fraction == null || !Number.isFinite(fraction)) return 'no rate';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Months to one decimal place, as the views round them: 14.23 → 14.2. */
export function roundMonths(months: number): number {
  return Math.round(months * 10) / 10;
}

/** "14.2 months"; "1.0 month" when it rounds to exactly one. */
export function formatMonths(months: number): string {
  const rounded = roundMonths(months);
  // Avoid "-0.0" when a tiny negative rounds to zero.
  const text = (rounded === 0 ? 0 : rounded).toFixed(1);
  return `${text} ${rounded === 1 ? 'month' : 'months'}`;
}

/** "A", "A and B", "A, B and C", "A, B, C and 4 others": lists in summaries stay readable at 500 services. */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length === 0) return '';
  if (names.length === 1) return names[0];
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const others = names.length - max;
  return `${names.slice(0, max).join(', ')} and ${others} ${others === 1 ? 'other' : 'others'}`;
}

/** "1 service", "8 services". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
