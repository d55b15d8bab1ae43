/**
 * SQL that turns a text cell into a typed value, or NULL when it cannot (the checks then report the cell as written).
 * Rules: dates are ISO, dd/mm/yyyy (never guessed as mm/dd), a profile's own formats, or Excel
 * serials (five digits: 10000–99999 is 1927–2173, so a four-digit year is never mistaken for a serial); flags are
 * yes/no/y/n/true/false/1/0/✓/✗; counts are whole numbers, optionally with thousands commas ("1,234"), nothing else
 * (DuckDB's TRY_CAST would accept "3.5" as 4 and "0x10" as 16, so it is gated by a pattern first).
 */
import { SETTINGS } from '../warehouse/schema.ts';
import type { FieldType } from './fields.ts';
import { sqlLiteral } from '../warehouse/quote.ts';

export const BASE_DATE_FORMATS = [
  '%Y-%m-%d',
  '%d/%m/%Y',
  '%d-%m-%Y',
  '%d.%m.%Y',
  '%Y-%m-%d %H:%M:%S',
  '%Y-%m-%dT%H:%M:%S'
];
export const YES = ['yes', 'y', 'true', '1', '✓', '✔', 'x'];
export const NO = ['no', 'n', 'false', '0', '✗', '✘'];

const blank = (x: string) => `(${x} IS NULL OR trim(${x}) = '')`;
const list = (values: readonly string[]) => values.map(sqlLiteral).join(', ');

/**
 * Dates are dispatched on their shape, so the common cases cost one cheap parse each (a list of strptime formats
 * tried on every cell made a million-row load 4× slower): a '/' means dd/mm/yyyy; otherwise ISO by cast; otherwise
 * a five-digit Excel serial; otherwise the remaining formats in order.
 */
export function dateSql(x: string, extraFormats: string[] = []): string {
  const others = `[${[...BASE_DATE_FORMATS.filter((f) => f !== '%d/%m/%Y'), ...extraFormats].map(sqlLiteral).join(', ')}]`;
  return `CASE WHEN ${blank(x)} THEN NULL
    WHEN contains(${x}, '/') THEN CAST(try_strptime(trim(${x}), ${sqlLiteral('%d/%m/%Y')}) AS DATE)
    WHEN trim(${x}) LIKE '____-__-__' THEN TRY_CAST(trim(${x}) AS DATE)
    WHEN regexp_full_match(trim(${x}), '[0-9]{5}(\\.0+)?') THEN DATE '1899-12-30' + CAST(split_part(trim(${x}), '.', 1) AS INTEGER)
    ELSE CAST(try_strptime(trim(${x}), ${others}) AS DATE) END`;
}

/** A count written canonically ("12") is taken by a cast; anything else must match the pattern first. */
export function countSql(x: string): string {
  return `CASE WHEN TRY_CAST(${x} AS BIGINT)::VARCHAR = ${x} THEN TRY_CAST(${x} AS BIGINT)
    WHEN regexp_full_match(trim(${x}), '-?[0-9]+(,[0-9]{3})*') THEN TRY_CAST(replace(trim(${x}), ',', '') AS BIGINT) END`;
}

/**
 * A decimal ("24.3", "-0.5", "1,234.5"): digits with an optional point, gated by a pattern like counts, so "24.3%" or
 * "n/a" is a problem rather than a guess.
 */
export function decimalSql(x: string): string {
  return `CASE WHEN regexp_full_match(trim(${x}), '-?([0-9]+(,[0-9]{3})*(\\.[0-9]*)?|\\.[0-9]+)') THEN TRY_CAST(replace(trim(${x}), ',', '') AS DOUBLE) END`;
}

export function flagSql(x: string, blankMeans: boolean | undefined): string {
  return `CASE WHEN lower(trim(${x})) IN (${list(YES)}) THEN true WHEN lower(trim(${x})) IN (${list(NO)}) THEN false
    WHEN ${blank(x)} THEN ${blankMeans === undefined ? 'NULL' : String(blankMeans)} END`;
}

/** "Mental Health", "mental_health" and "MENTAL-HEALTH" are one setting. */
export function settingSql(x: string): string {
  const normal = `lower(regexp_replace(trim(${x}), '[\\s_-]+', ' ', 'g'))`;
  return `CASE WHEN ${normal} IN (${list(SETTINGS)}) THEN ${normal} END`;
}

export function categorySql(x: string): string {
  return `CASE WHEN lower(trim(${x})) IN ('core', 'additional') THEN lower(trim(${x})) END`;
}

export function textSql(x: string): string {
  return `NULLIF(trim(${x}), '')`;
}

/** A profile's value map, applied to the cell before it is parsed (matched case-insensitively, trimmed). */
export function mapValuesSql(x: string, map: Record<string, string> | undefined): string {
  if (!map || !Object.keys(map).length) return x;
  const arms = Object.entries(map)
    .map(([from, to]) => `WHEN ${sqlLiteral(from.trim().toLowerCase())} THEN ${sqlLiteral(to)}`)
    .join(' ');
  return `(CASE lower(trim(${x})) ${arms} ELSE ${x} END)`;
}

export function parseSql(
  type: FieldType,
  x: string,
  options: { dateFormats?: string[]; blankFlag?: boolean } = {}
): string {
  switch (type) {
    case 'date':
      return dateSql(x, options.dateFormats);
    case 'count':
      return countSql(x);
    case 'flag':
      return flagSql(x, options.blankFlag);
    case 'setting':
      return settingSql(x);
    case 'category':
      return categorySql(x);
    case 'text':
      return textSql(x);
    case 'decimal':
      return decimalSql(x);
  }
}

export const SQL_TYPE: Record<FieldType, string> = {
  date: 'DATE',
  count: 'BIGINT',
  flag: 'BOOLEAN',
  setting: 'VARCHAR',
  category: 'VARCHAR',
  text: 'VARCHAR',
  decimal: 'DOUBLE'
};

/** What the problem says when a cell does not parse, per type. */
export const PARSE_RULE: Record<FieldType, { rule: string; expected: string }> = {
  date: { rule: 'unparseable-date', expected: 'a date as YYYY-MM-DD, DD/MM/YYYY or an Excel date' },
  count: { rule: 'not-a-count', expected: 'a whole number' },
  flag: { rule: 'not-a-flag', expected: 'yes or no (y/n, true/false, 1/0, ✓)' },
  setting: { rule: 'unknown-setting', expected: `one of: ${SETTINGS.join(', ')}` },
  category: { rule: 'unknown-category', expected: 'core or additional' },
  text: { rule: 'required-value', expected: 'some text' },
  decimal: { rule: 'not-a-number', expected: 'a number, such as 24.3' }
};
