/**
 * Usage: transactions per registered patient, by online function, over time (from exports whose profile routes usage
 * fields, such as NHS Digital's practice-level Patient Online figures). Aggregated in SQL to one row per function and
 * date (and, in the second figure, per organisation level), so the page's size does not grow with the number of
 * units. A unit that did not report its transactions or its registered patients is left out of both numerator and
 * denominator, and a figure with no unit reporting reads "not reported", never 0.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import { type Column, type Figure, type Row, drawn } from './table.ts';
import { NOT_REPORTED, patientCount, serviceCount } from './columns.ts';
import { functionTrend } from './function-trend.ts';

/** The levels usage can be summed to: never finer than an organisation, so a table has tens of rows, not thousands. */
export const USAGE_LEVELS = ['region', 'subregion', 'organisation'] as const;
export type UsageLevel = (typeof USAGE_LEVELS)[number];
const LEVEL_LABEL: Record<UsageLevel, string> = {
  region: 'Region',
  subregion: 'Sub-region',
  organisation: 'Organisation'
};

export class UsageLevelError extends Error {}

export function parseUsageLevel(params: URLSearchParams): UsageLevel {
  const level = params.get('level') ?? 'region';
  if (!(USAGE_LEVELS as readonly string[]).includes(level))
    throw new UsageLevelError(`level must be one of ${USAGE_LEVELS.join(', ')}.`);
  return level as UsageLevel;
}

export interface UsagePage {
  trend: Figure;
  byLevel: Figure;
  level: UsageLevel;
  levels: { value: UsageLevel; label: string }[];
}

const perPatient = (value: number) => value.toFixed(2);

/** Over units reporting both transactions and registered patients (the same rule as the usage_by_function view). */
const SUMS = `count(*)::INTEGER AS units,
  count(*) FILTER (WHERE u.transactions_reported AND u.registered_reported)::INTEGER AS units_reporting,
  sum(u.transactions) FILTER (WHERE u.transactions_reported AND u.registered_reported)::INTEGER AS transactions,
  sum(u.registered) FILTER (WHERE u.transactions_reported AND u.registered_reported)::INTEGER AS registered`;

/** The columns SUMS gives, with the rate worked out from them (`perRegistered`). */
const SUM_COLUMNS: Column[] = [
  patientCount('transactions', 'Transactions', { missing: NOT_REPORTED }),
  patientCount('registered', 'Registered patients', { missing: NOT_REPORTED }),
  {
    key: 'transactions_per_registered',
    label: 'Transactions per registered patient',
    kind: 'decimal',
    decimals: 2,
    rate: { numerator: 'transactions', denominator: 'registered' },
    missing: NOT_REPORTED
  },
  serviceCount('units_reporting', 'Units reporting'),
  serviceCount('units', 'Units')
];

/** Transactions per registered patient from a row of SUMS; none (not reported) without registered patients. */
function perRegistered(row: Row): number | null {
  return Number(row.registered) > 0 ? Number(row.transactions) / Number(row.registered) : null;
}

export async function usageTrend(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const rows = filters.asOf
    ? await select<Row>(
        connection,
        `SELECT CAST(u.as_of AS VARCHAR) AS as_of, u.function, ${SUMS}
           FROM usage_by_unit u JOIN service_latest s USING (service_id)
          WHERE u.as_of <= CAST($asOf AS DATE) AND ${serviceFilter('s')}
          GROUP BY u.as_of, u.function ORDER BY u.function, u.as_of`,
        filterParams(filters)
      )
    : [];
  for (const r of rows) {
    r.transactions_per_registered = perRegistered(r);
    r.reported = Number(r.units_reporting) > 0;
  }
  const chart = functionTrend(rows, 'transactions_per_registered', filters, {
    measure: 'Transactions per registered patient',
    format: perPatient
  });
  const latest = rows.filter((r) => r.as_of === filters.asOf && r.transactions_per_registered !== null);
  const top = latest.sort((a, b) => Number(b.transactions_per_registered) - Number(a.transactions_per_registered))[0];
  return {
    id: 'usage-trend',
    title: top
      ? `${capitalise(String(top.function))}: ${perPatient(Number(top.transactions_per_registered))} transactions per registered patient in the month to ${formatDate(filters.asOf, 'long')}`
      : rows.length
        ? `Usage is not reported for ${formatDate(filters.asOf, 'long')}`
        : 'No usage loaded yet',
    subtitle: `Online transactions per patient registered for online services, by function, ${populationText(filters)}, each month to ${formatDate(filters.asOf, 'long')}; units that did not report are left out`,
    ...drawn(chart, 'There is nothing to chart yet: no source loaded so far reports usage.'),
    table: {
      caption: `Transactions per registered patient by function, each month to ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'function', label: 'Function', kind: 'text', rowHeader: true },
        { key: 'as_of', label: 'Month to', kind: 'date' },
        ...SUM_COLUMNS,
        { key: 'reported', label: 'Reported', kind: 'flag' }
      ],
      rows
    }
  };
}

export async function usageByLevel(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  level: UsageLevel
): Promise<Figure> {
  // The level's column names come from the fixed list above, never from the URL as text.
  const code = level;
  const name = `${level}_name`;
  const rows = filters.asOf
    ? await select<Row>(
        connection,
        `SELECT coalesce(h.${name}, h.${code}, 'not reported') AS level_name, u.function, ${SUMS}
           FROM usage_by_unit u JOIN service_latest s USING (service_id) JOIN unit_hierarchy h ON h.unit = u.service_id
          WHERE u.as_of = CAST($asOf AS DATE) AND ${serviceFilter('s')}
          GROUP BY ALL ORDER BY level_name, u.function`,
        filterParams(filters)
      )
    : [];
  for (const r of rows) r.transactions_per_registered = perRegistered(r);
  const ranked = rows
    .filter((r) => r.function === 'all functions' && r.transactions_per_registered !== null)
    .sort((a, b) => Number(b.transactions_per_registered) - Number(a.transactions_per_registered));
  const groups = new Set(rows.map((r) => r.level_name)).size;
  const label = LEVEL_LABEL[level].toLowerCase();
  return {
    id: 'usage-by-level',
    title:
      ranked.length > 1
        ? `${ranked[0].level_name} has the most transactions per registered patient (${perPatient(Number(ranked[0].transactions_per_registered))}), ${ranked.at(-1)!.level_name} the fewest (${perPatient(Number(ranked.at(-1)!.transactions_per_registered))})`
        : `Transactions per registered patient by ${label}`,
    subtitle: `Transactions per registered patient by function and ${label} (${groups} ${groups === 1 ? label : `${label}s`}), ${populationText(filters)}, month to ${formatDate(filters.asOf, 'long')}`,
    svg: null,
    summary: rows.length
      ? `Table of transactions per registered patient for each ${label} and function in the month to ${formatDate(filters.asOf, 'long')}` +
        (ranked.length > 1
          ? `; for all functions, highest ${ranked[0].level_name} (${perPatient(Number(ranked[0].transactions_per_registered))}), lowest ${ranked.at(-1)!.level_name} (${perPatient(Number(ranked.at(-1)!.transactions_per_registered))}).`
          : '.')
      : 'No usage is reported for this month.',
    table: {
      caption: `Transactions per registered patient by ${label} and function, month to ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'level_name', label: LEVEL_LABEL[level], kind: 'text', rowHeader: true },
        { key: 'function', label: 'Function', kind: 'text' },
        ...SUM_COLUMNS
      ],
      rows
    }
  };
}

export async function usagePage(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  level: UsageLevel
): Promise<UsagePage> {
  return {
    trend: await usageTrend(connection, filters),
    byLevel: await usageByLevel(connection, filters, level),
    level,
    levels: USAGE_LEVELS.map((value) => ({ value, label: LEVEL_LABEL[value] }))
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
