/**
 * The Services table: one row per service at the as-of date, combining the seed report's Tables 1, 4 and 5
 * (setup duration; consented and registered; sharing). Sorting and searching come from URL parameters, so the table
 * works without JavaScript; sort keys are looked up in a fixed list and never put into SQL from the URL.
 * (No status column: a live date or "–" says it, and thirteen columns would not fit a laptop screen.)
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate } from './format.ts';
import { select, serviceFilter } from './sql.ts';
import type { Column, Figure, Row } from './table.ts';

export const SERVICE_COLUMNS: Column[] = [
  { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
  { key: 'organisation', label: 'Organisation', kind: 'text' },
  { key: 'setting', label: 'Setting', kind: 'text' },
  { key: 'in_original_bid', label: 'In original bid', kind: 'flag' },
  { key: 'approached_on', label: 'Approached', kind: 'date' },
  { key: 'live_on', label: 'Live', kind: 'date' },
  { key: 'months_launch_to_live', label: 'Months launch to live', kind: 'decimal' },
  { key: 'consented', label: 'Consented', kind: 'integer', counts: 'patients' },
  { key: 'registered', label: 'Registered', kind: 'integer', counts: 'patients' },
  {
    key: 'registration_rate',
    label: '% registered',
    kind: 'percent',
    rate: { numerator: 'registered', denominator: 'consented' }
  },
  { key: 'shared_with_carer', label: 'Shared with a carer', kind: 'integer', counts: 'patients' },
  { key: 'shared_with_professional', label: 'Shared with a professional', kind: 'integer', counts: 'patients' }
];

export type SortDirection = 'asc' | 'desc';

export interface ServicesQuery {
  sort: string;
  dir: SortDirection;
  q: string;
}

export class SortError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SortError';
  }
}

/** Reads sort, dir and q from the URL. An unknown sort column is an error (a 400), not silently ignored. */
export function parseServicesQuery(params: URLSearchParams): ServicesQuery {
  const sort = params.get('sort') || 'service_name';
  if (!SERVICE_COLUMNS.some((c) => c.key === sort)) {
    throw new SortError(`The services table cannot be sorted by "${sort.slice(0, 60)}".`);
  }
  const dir = params.get('dir') || 'asc';
  if (dir !== 'asc' && dir !== 'desc')
    throw new SortError(`Sort direction must be "asc" or "desc", not "${dir.slice(0, 20)}".`);
  const q = (params.get('q') ?? '').trim().slice(0, 100);
  return { sort, dir, q };
}

export interface ServicesTable {
  figure: Figure;
  query: ServicesQuery;
  /** Services before the search narrowed them (for "3 of 12 services"). */
  total: number;
}

export async function servicesTable(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  query: ServicesQuery = { sort: 'service_name', dir: 'asc', q: '' }
): Promise<ServicesTable> {
  const column = SERVICE_COLUMNS.find((c) => c.key === query.sort) ?? SERVICE_COLUMNS[0];
  // Safe to interpolate: `column.key` and the direction come from the fixed lists above, not from the URL.
  const order = `${column.key} ${query.dir === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, service_name ASC`;
  const rows = filters.asOf
    ? await select<Row & { service_id: string; matches: boolean }>(
        connection,
        `SELECT s.service_id, s.service_name, s.organisation, s.setting, s.in_original_bid, s.status,
                CAST(s.approached_on AS VARCHAR) AS approached_on, CAST(s.live_on AS VARCHAR) AS live_on,
                CAST(d.months_launch_to_live AS DOUBLE) AS months_launch_to_live,
                u.consented, u.registered, CAST(u.registration_rate AS DOUBLE) AS registration_rate,
                u.shared_with_carer, u.shared_with_professional,
                ($q = '' OR strpos(lower(concat_ws(' ', s.service_name, s.organisation, s.setting, s.specialty)), lower($q)) > 0) AS matches
           FROM service_status s
           LEFT JOIN setup_duration d ON d.as_of = s.as_of AND d.service_id = s.service_id
           LEFT JOIN uptake_funnel u ON u.as_of = s.as_of AND u.service_id = s.service_id
          WHERE s.as_of = CAST($asOf AS DATE) AND ${serviceFilter('s')}
          ORDER BY ${order}`,
        { ...filterParams(filters), q: query.q }
      )
    : [];
  const shown = rows.filter((r) => r.matches).map(({ matches: _matches, ...row }) => row);
  const live = shown.filter((r) => r.status === 'live').length;
  const searched = query.q ? ` matching "${query.q}"` : '';
  return {
    query,
    total: rows.length,
    figure: {
      id: 'services',
      title: `${live} of ${shown.length} services${searched} are live`,
      subtitle: `Setup, consent, registration and sharing for ${populationText(filters)}, ${formatDate(filters.asOf)}`,
      svg: null,
      summary: summarise(shown),
      table: {
        caption: `Services${searched}, ${formatDate(filters.asOf)}`,
        columns: SERVICE_COLUMNS,
        rows: shown,
        order: { by: column.key, dir: query.dir }
      }
    }
  };
}

function summarise(rows: Row[]): string {
  if (!rows.length) return 'No services match.';
  const withRate = rows.filter(
    (r) => typeof r.registration_rate === 'number' && typeof r.consented === 'number' && (r.consented as number) > 0
  );
  if (!withRate.length)
    return rows.every((r) => r.consented === null || r.consented === undefined)
      ? `${rows.length} services; consented patients are not reported, so there is no registration rate.`
      : `${rows.length} services; none has consented patients yet.`;
  const best = withRate.reduce((a, b) => ((b.registration_rate as number) > (a.registration_rate as number) ? b : a));
  const worst = withRate.reduce((a, b) => ((b.registration_rate as number) < (a.registration_rate as number) ? b : a));
  const pct = (v: unknown) => `${((v as number) * 100).toFixed(1)}%`;
  return (
    `${rows.length} services. Highest share of consented patients registered: ${best.service_name} (${pct(best.registration_rate)}); ` +
    `lowest: ${worst.service_name} (${pct(worst.registration_rate)}).`
  );
}
