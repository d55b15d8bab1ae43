/**
 * Functionality: the services × features matrix, core and additional (the seed report's Tables 2 and 3), with each
 * service's count of core features (of the five) and of additional features.
 *
 * With more than MANY_UNITS units (filter by organisation or setting to get back under it) the page shows aggregates
 * instead, computed in SQL so that neither the page nor the query result grows with the number of units: the share of
 * units offering each feature, and how many units offer 5 of the 5 core features, 4 of 5, … and 0, 1, 2 … additional
 * features. Their tables are those few rows.
 *
 * As of the as-of date: a feature whose enabled_on is later counts as not enabled yet, as in the feature-matrix chart
 * and RE-AIM implementation (pipeline/metrics/reaim.ts), so the table, the chart and the CSV agree.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate, formatNumber, formatPercent } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import { type Column, type Figure, type Row, drawn } from './table.ts';
import { NOT_REPORTED, percentOf, serviceCount } from './columns.ts';
import { functionTrend } from './function-trend.ts';
import { featureCoverageChart, featureMatrixChart, unitsByFeatureCountChart, type ViewRow } from './charts.ts';
import { CORE_TOTAL } from '../metrics/features.ts';
import { MANY_UNITS, type FeatureCountRow, type FeatureCoverageRow } from '../charts/index.ts';

export interface FunctionalityPage {
  /** Units with features loaded that the filters match. */
  units: number;
  /** True when the figures are the aggregate ones (share per feature, units by number of features). */
  aggregated: boolean;
  /**
   * True when the filters brought a programme of more than MANY_UNITS units down to few enough to show each one,
   * so the page can say why it shows units here and not on the whole programme.
   */
  narrowedToUnits: boolean;
  figures: Figure[];
}

/**
 * Each (unit, feature) the filters match, with whether it is enabled at the as-of date: the one definition the
 * aggregates below count from. A feature whose enabled_on is later than the as-of date is not enabled yet.
 */
const CELLS_SQL = `
  SELECT m.service_id, m.feature, m.category, m.enabled IS NOT NULL AS reported,
         coalesce(m.enabled AND (m.enabled_on IS NULL OR m.enabled_on <= CAST($asOf AS DATE)), false) AS on_at_as_of
    FROM feature_matrix m JOIN service_latest s USING (service_id)
   WHERE ${serviceFilter('s')}`;

async function unitCount(connection: DuckDBConnection, filters: ResolvedFilters): Promise<number> {
  const [row] = await select<{ units: number }>(
    connection,
    `SELECT count(DISTINCT m.service_id)::INTEGER AS units
       FROM feature_matrix m JOIN service_latest s USING (service_id) WHERE ${serviceFilter('s')}`,
    filterParams(filters)
  );
  return row?.units ?? 0;
}

export async function functionalityPage(
  connection: DuckDBConnection,
  filters: ResolvedFilters
): Promise<FunctionalityPage> {
  const units = await unitCount(connection, filters);
  if (units > MANY_UNITS)
    return {
      units,
      aggregated: true,
      narrowedToUnits: false,
      figures: [
        await featureCoverage(connection, filters),
        await featureCounts(connection, filters, 'core'),
        await featureCounts(connection, filters, 'additional')
      ]
    };
  const filtered = filters.organisation !== null || filters.setting !== null;
  const everyUnit = filtered ? await unitCount(connection, { ...filters, organisation: null, setting: null }) : units;
  return {
    units,
    aggregated: false,
    narrowedToUnits: everyUnit > MANY_UNITS,
    figures: [await functionality(connection, filters)]
  };
}

/** For each feature: units offering it at the as-of date, units reporting it, of the units with features loaded. */
export async function featureCoverage(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const rows = filters.asOf
    ? await select<ViewRow<FeatureCoverageRow>>(
        connection,
        `WITH cells AS (${CELLS_SQL}),
              population AS (SELECT count(DISTINCT service_id)::INTEGER AS units FROM cells)
         SELECT c.category, c.feature,
                count(DISTINCT c.service_id) FILTER (WHERE c.on_at_as_of)::INTEGER AS units_offering,
                count(DISTINCT c.service_id) FILTER (WHERE c.reported)::INTEGER AS units_reporting,
                any_value(p.units) AS units
           FROM cells c, population p
          GROUP BY c.category, c.feature
          ORDER BY c.category <> 'core', c.category <> 'additional', c.category, units_offering DESC, c.feature`,
        filterParams(filters)
      )
    : [];
  for (const r of rows) {
    r.offering_rate = Number(r.units) > 0 ? Number(r.units_offering) / Number(r.units) : null;
    r.units_not_reported = Number(r.units) - Number(r.units_reporting);
  }
  const chart = filters.asOf && rows.length ? featureCoverageChart(rows, filters.asOf) : null;
  const core = rows.filter((r) => r.category === 'core');
  const least = core.at(-1);
  const units = Number(rows[0]?.units ?? 0);
  return {
    id: 'feature-coverage',
    title: least
      ? `Least offered core feature: ${String(least.feature)}, by ${formatPercent(Number(least.offering_rate))} of ${formatNumber(units)} units`
      : rows.length
        ? `${rows.length} features across ${formatNumber(units)} units`
        : 'No features loaded yet',
    subtitle: `Share of units offering each feature, core and additional, ${populationText(filters)}, ${formatDate(filters.asOf)}`,
    ...drawn(chart),
    table: {
      caption: `Units offering each feature, ${formatDate(filters.asOf)}`,
      columns: [
        { key: 'feature', label: 'Feature', kind: 'text', rowHeader: true },
        { key: 'category', label: 'Category', kind: 'text' },
        serviceCount('units_offering', 'Units offering'),
        serviceCount('units', 'Units with features loaded'),
        percentOf('offering_rate', 'Offering, of units', 'units_offering', 'units'),
        serviceCount('units_not_reported', 'Units not reporting the feature')
      ],
      rows
    }
  };
}

/**
 * Units by how many of the category's features they offer at the as-of date: 0 to 5 core features (core fidelity),
 * or 0 to the number of additional features loaded. Every count is listed, zeros included, highest first.
 */
export async function featureCounts(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  category: 'core' | 'additional'
): Promise<Figure> {
  const found = filters.asOf
    ? await select<{ features: number; units: number; of: number }>(
        connection,
        `WITH cells AS (${CELLS_SQL}),
              per_unit AS (
                SELECT service_id,
                       count(DISTINCT feature) FILTER (WHERE category = $category AND on_at_as_of)::INTEGER AS features
                  FROM cells GROUP BY service_id)
         SELECT u.features, count(*)::INTEGER AS units,
                any_value((SELECT count(DISTINCT feature) FROM cells WHERE category = $category))::INTEGER AS of
           FROM per_unit u GROUP BY u.features ORDER BY u.features DESC`,
        { ...filterParams(filters), category }
      )
    : [];
  const total = found.reduce((n, r) => n + r.units, 0);
  // Core fidelity is out of the five core tabs whatever was loaded; additional features out of those loaded.
  const of = category === 'core' ? CORE_TOTAL : Math.max(0, ...found.map((r) => r.of));
  const top = Math.max(of, ...found.map((r) => r.features));
  const counted = new Map(found.map((r) => [r.features, r.units]));
  const rows: ViewRow<FeatureCountRow>[] = total
    ? Array.from({ length: top + 1 }, (_, i) => {
        const features = top - i;
        const units = counted.get(features) ?? 0;
        return { features_offered: `${features} of ${of}`, features, of, units, total_units: total };
      })
    : [];
  for (const r of rows) r.share = Number(r.units) / total;
  const chart = filters.asOf && rows.length ? unitsByFeatureCountChart(rows, { asOf: filters.asOf, category }) : null;
  const n = formatNumber;
  let title: string;
  if (!total) title = `No ${category} features loaded yet`;
  else if (category === 'core') {
    const all = counted.get(of) ?? 0;
    title = `${n(all)} of ${n(total)} units (${formatPercent(all / total)}) offer all ${of} core features`;
  } else {
    // The median unit's count: the count at which half the units (from the top) have been passed.
    let seen = 0;
    const middle = rows.find((r) => (seen += Number(r.units)) >= total / 2)!;
    const none = counted.get(0) ?? 0;
    title = `Half of the ${n(total)} units offer ${String(middle.features)} or more additional features; ${n(none)} offer none`;
  }
  const label = category === 'core' ? 'Core features offered' : 'Additional features offered';
  return {
    id: category === 'core' ? 'core-fidelity' : 'additional-features',
    title,
    subtitle: `Units by the number of ${category} features they offer, ${populationText(filters)}, ${formatDate(filters.asOf)}`,
    ...drawn(chart),
    table: {
      caption: `Units by ${category} features offered, ${formatDate(filters.asOf)}`,
      columns: [
        { key: 'features_offered', label, kind: 'text', rowHeader: true },
        serviceCount('units', 'Units'),
        serviceCount('total_units', 'Units with features loaded'),
        percentOf('share', 'Share of units', 'units', 'total_units')
      ],
      rows,
      // Highest count of features first, every count listed: a fixed list, whatever the numbers of units.
      order: 'fixed'
    }
  };
}

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
    serviceCount('core_enabled', 'Core features enabled'),
    serviceCount('additional_enabled', 'Additional features enabled')
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
    ...drawn(chart),
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
  const chart = functionTrend(rows, 'offering_rate', filters, {
    measure: 'Units offering the function',
    format: (v: number) => formatPercent(v),
    yMax: 1
  });
  const latest = rows.filter((r) => r.as_of === filters.asOf && r.offering_rate !== null);
  const lowest = [...latest].sort((a, b) => Number(a.offering_rate) - Number(b.offering_rate))[0];
  return {
    id: 'function-offering',
    title: lowest
      ? `${latest.length === 1 ? '' : 'Least offered: '}${String(lowest.function)}, by ${formatPercent(Number(lowest.offering_rate))} of the units reporting on ${formatDate(filters.asOf, 'long')}`
      : rows.length
        ? `Which functions units offer is not reported for ${formatDate(filters.asOf, 'long')}`
        : 'No source reports which functions its units offer',
    subtitle: `Share of units whose system offers each function, of the units reporting it, ${populationText(filters)}, each date to ${formatDate(filters.asOf, 'long')}`,
    ...drawn(
      chart,
      'There is nothing to chart: no source loaded so far reports which functions its units offer over time.'
    ),
    table: {
      caption: `Units offering each function at each date, to ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'function', label: 'Function', kind: 'text', rowHeader: true },
        { key: 'as_of', label: 'As of', kind: 'date' },
        serviceCount('units_offering', 'Units offering'),
        serviceCount('units_reporting', 'Units reporting'),
        percentOf('offering_rate', 'Offering, of units reporting', 'units_offering', 'units_reporting', {
          missing: NOT_REPORTED
        }),
        serviceCount('units_not_reported', 'Units not reporting'),
        { key: 'reported', label: 'Reported', kind: 'flag' }
      ],
      rows
    }
  };
}
