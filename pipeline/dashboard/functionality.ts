/**
 * Functionality: the services × features matrix, core and additional (the seed report's Tables 2 and 3), with each
 * service's count of core features (of the five) and of additional features.
 *
 * As of the as-of date: a feature whose enabled_on is later counts as not enabled yet, as in the feature-matrix chart
 * and RE-AIM implementation (pipeline/metrics/reaim.ts), so the table, the chart and the CSV agree.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import type { Column, Figure, Row } from './table.ts';
import { featureMatrixChart, functionTrendChart } from './charts.ts';
import { CORE_TOTAL } from '../metrics/features.ts';

interface MatrixCell {
  service_id: string;
  service_name: string;
  feature: string;
  category: string;
  enabled: boolean;
  enabled_on: string | null;
  enabled_at_as_of: boolean;
}

export async function functionality(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const cells = await select<MatrixCell>(
    connection,
    `SELECT m.service_id, m.service_name, m.feature, m.category, m.enabled, CAST(m.enabled_on AS VARCHAR) AS enabled_on,
            coalesce(m.enabled AND ($asOf IS NULL OR m.enabled_on IS NULL OR m.enabled_on <= CAST($asOf AS DATE)), false) AS enabled_at_as_of
       FROM feature_matrix m JOIN service_latest s USING (service_id)
      WHERE ($organisation IS NULL OR s.organisation = $organisation) AND ($setting IS NULL OR s.setting = $setting)
      ORDER BY m.service_name, m.category = 'additional', m.feature`,
    filterParams(filters)
  );
  const features = (category: string) => [
    ...new Set(cells.filter((c) => c.category === category).map((c) => c.feature))
  ];
  const categories = [...new Set(cells.map((c) => c.category))].sort((a, b) =>
    a === 'core' ? -1 : b === 'core' ? 1 : a.localeCompare(b)
  );
  const columns: Column[] = [
    { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
    ...categories.flatMap((category) =>
      features(category).map((f): Column => ({ key: `${category}:${f}`, label: `${f} (${category})`, kind: 'flag' }))
    ),
    { key: 'core_enabled', label: 'Core features enabled', kind: 'integer', counts: 'services' },
    { key: 'additional_enabled', label: 'Additional features enabled', kind: 'integer', counts: 'services' }
  ];
  const byService = new Map<string, Row>();
  for (const cell of cells) {
    const row = byService.get(cell.service_id) ?? {
      service_id: cell.service_id,
      service_name: cell.service_name,
      core_enabled: 0,
      additional_enabled: 0
    };
    row[`${cell.category}:${cell.feature}`] = cell.enabled_at_as_of;
    if (cell.enabled_at_as_of && (cell.category === 'core' || cell.category === 'additional')) {
      row[`${cell.category}_enabled`] = Number(row[`${cell.category}_enabled`]) + 1;
    }
    byService.set(cell.service_id, row);
  }
  const rows = [...byService.values()];
  const allCore = rows.filter((r) => r.core_enabled === CORE_TOTAL).length;
  const widest = rows.reduce<Row | null>(
    (a, b) => (a === null || Number(b.additional_enabled) > Number(a.additional_enabled) ? b : a),
    null
  );
  const chart = filters.asOf && cells.length ? featureMatrixChart(cells, filters.asOf) : null;
  return {
    id: 'feature-matrix',
    title: rows.length
      ? `${allCore} of ${rows.length} services offer all ${CORE_TOTAL} core features` +
        (widest && Number(widest.additional_enabled) > 0
          ? `; ${widest.service_name} has the widest range of additional features`
          : '')
      : 'No features loaded yet',
    subtitle: `Core and additional features enabled per service, ${populationText(filters)}, ${formatDate(filters.asOf, 'long')}`,
    svg: chart?.svg ?? null,
    summary: chart?.summary ?? 'There is nothing to chart yet.',
    table: { caption: `Features enabled per service, ${formatDate(filters.asOf, 'long')}`, columns, rows }
  };
}

/**
 * "% of units offering each function at each date", from sources that report whether each unit's system offers a
 * function (functionality over time). One row per function and date however many units there are. A unit whose flag
 * was left blank is counted as not reported, outside the percentage.
 */
export async function functionOffering(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const rows = filters.asOf
    ? await select<Row>(
        connection,
        `SELECT CAST(f.as_of AS VARCHAR) AS as_of, f.function,
                count(*)::INTEGER AS units,
                count(f.offered)::INTEGER AS units_reporting,
                (count(*) - count(f.offered))::INTEGER AS units_not_reported,
                count(*) FILTER (WHERE f.offered)::INTEGER AS units_offering
           FROM unit_function_latest f JOIN service_latest s USING (service_id)
          WHERE f.as_of <= CAST($asOf AS DATE) AND ${serviceFilter('s')}
            -- Only functions some source reports an "offered" flag for (not a total of transactions, say).
            AND f.function IN (SELECT function FROM unit_function_latest GROUP BY function HAVING count(offered) > 0)
          GROUP BY f.as_of, f.function ORDER BY f.function, f.as_of`,
        filterParams(filters)
      )
    : [];
  for (const r of rows) {
    r.offering_rate = Number(r.units_reporting) > 0 ? Number(r.units_offering) / Number(r.units_reporting) : null;
    r.reported = Number(r.units_reporting) > 0;
  }
  const percent = (v: number) => `${Math.round(v * 100)}%`;
  const chart =
    filters.asOf && rows.length
      ? functionTrendChart(
          rows.map((r) => ({
            as_of: String(r.as_of),
            function: String(r.function),
            value: r.offering_rate as number | null
          })),
          { asOf: filters.asOf, measure: 'Units offering the function', format: percent, yMax: 1 }
        )
      : null;
  const latest = rows.filter((r) => r.as_of === filters.asOf && r.offering_rate !== null);
  const lowest = [...latest].sort((a, b) => Number(a.offering_rate) - Number(b.offering_rate))[0];
  return {
    id: 'function-offering',
    title: lowest
      ? `${latest.length === 1 ? '' : 'Least offered: '}${String(lowest.function)}, by ${percent(Number(lowest.offering_rate))} of the units reporting on ${formatDate(filters.asOf, 'long')}`
      : rows.length
        ? `Which functions units offer is not reported for ${formatDate(filters.asOf, 'long')}`
        : 'No source reports which functions its units offer',
    subtitle: `Share of units whose system offers each function, of the units reporting it, ${populationText(filters)}, each date to ${formatDate(filters.asOf, 'long')}`,
    svg: chart?.svg ?? null,
    summary:
      chart?.summary ??
      'There is nothing to chart: no source loaded so far reports which functions its units offer over time.',
    table: {
      caption: `Units offering each function at each date, to ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'function', label: 'Function', kind: 'text', rowHeader: true },
        { key: 'as_of', label: 'As of', kind: 'date' },
        { key: 'units_offering', label: 'Units offering', kind: 'integer', counts: 'services' },
        { key: 'units_reporting', label: 'Units reporting', kind: 'integer', counts: 'services' },
        {
          key: 'offering_rate',
          label: 'Offering, of units reporting',
          kind: 'percent',
          rate: { numerator: 'units_offering', denominator: 'units_reporting' },
          missing: 'not reported'
        },
        { key: 'units_not_reported', label: 'Units not reporting', kind: 'integer', counts: 'services' },
        { key: 'reported', label: 'Reported', kind: 'flag' }
      ],
      rows
    }
  };
}
