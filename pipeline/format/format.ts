/**
 * How numbers and dates read everywhere Uptake shows them (charts, tables, headline figures, reports, the command
 * line): UK dates ("6 Feb 2017" in tables and charts, "6 February 2017" in prose), counts with thousands separators,
 * percentages, months to one decimal place. Hand-written rather than Intl so output never depends on the server's ICU
 * data or locale (snapshot tests compare exact strings). The one module for these rules: nothing else formats them.
 */
import { toIsoDate, type DateLike } from './dates.ts';

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];

/**
 * "6 Feb 2017" (GOV.UK / NHS style: no leading zero, abbreviated month), or "6 February 2017" with `long` for prose and
 * subtitles. Nothing (null, '') reads as ''; text that is not a date is returned as it is rather than failing a page.
 */
export function formatDate(value: DateLike | null | undefined, style: 'short' | 'long' = 'short'): string {
  if (value === null || value === undefined || value === '') return '';
  let iso: string;
  try {
    iso = toIsoDate(value);
  } catch {
    return String(value);
  }
  const [year, month, day] = iso.split('-').map(Number);
  return `${day} ${(style === 'long' ? LONG_MONTH_NAMES : MONTH_NAMES)[month - 1]} ${year}`;
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

/**
 * A fraction (0..1) as "37%"; `digits` adds decimal places (tables use one: "36.8%"). No fraction (no denominator)
 * reads `missing`: "no rate" in a sentence, '' in a table cell.
 */
export function formatPercent(fraction: number | null | undefined, digits = 0, missing = 'no rate'): string {
  if (fraction == null || !Number.isFinite(fraction)) return missing;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/**
 * Percentages get one decimal place only when the (controlled) denominator is at least this, else whole percent.
 * NHS Digital's presentational rule: below it, rounding the parts makes the first decimal meaningless.
 */
export const ONE_DECIMAL_PERCENT_FROM = 4000;

/**
 * A percentage as text from whole-number parts (counts always are), computed with integers so that halves round up
 * exactly: floating point would make 29/200 = 14.5% come out as 14%. One decimal place from ONE_DECIMAL_PERCENT_FROM
 * up. Disclosure control shows controlled rates this way.
 */
export function formatPercentOf(numerator: number, denominator: number): string {
  const scale = denominator >= ONE_DECIMAL_PERCENT_FROM ? 1000 : 100;
  const units = Math.floor((2 * scale * numerator + denominator) / (2 * denominator));
  return scale === 1000 ? `${formatNumber(Math.floor(units / 10))}.${units % 10}%` : `${formatNumber(units)}%`;
}

/** A number exactly as it is, whole part grouped in thousands: 12345.5 → "12,345.5" (controlled figures, CSV-safe). */
export function formatNumber(n: number): string {
  const [whole, fraction] = String(n).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
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
