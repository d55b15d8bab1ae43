/**
 * The cumulative adoption curve on the Overview: services live against months since the programme's launch
 * (a Kaplan–Meier style step curve, docs/domain/evaluation-metrics.md "Adoption formulas").
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import { type Figure, type Row, drawn, noLaunchDate, NOTHING_TO_CHART } from './table.ts';
import { serviceCount } from './columns.ts';
import { adoptionCurveChart, setupDurationColumns, type ViewRow } from './charts.ts';
import { goLivePeriods, MANY_UNITS, type SetupDurationRow } from '../charts/index.ts';

export async function adoptionFigure(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  // Every service at the as-of date goes to the chart (it needs the ones not live for its totals); the table lists
  // the live ones in the order they went live, with the running count the curve steps through.
  const services = await select<ViewRow<SetupDurationRow>>(
    connection,
    `SELECT ${setupDurationColumns('d')}, d.organisation, CAST(d.approached_on AS VARCHAR) AS approached_on,
            CAST(d.months_launch_to_live AS DOUBLE) AS months_launch_to_live
       FROM setup_duration d
      WHERE d.as_of = CAST($asOf AS DATE) AND ${serviceFilter('d')}
      ORDER BY d.live_on NULLS LAST, d.service_name`,
    filterParams(filters)
  );
  const rows: Row[] = services.filter((r) => r.status === 'live').map((r, i) => ({ ...r, services_live: i + 1 }));
  // Approached by the as-of date, as service_status judges it (the headline's "of N approached").
  const approached = services.filter((r) => r.status !== 'not approached').length;
  const dated = services.some((r) => r.approached_on !== null || r.live_on !== null);
  // Months since launch need the programme's launch date: a source without a programme file (NHS Digital's practice
  // figures) has none, and the curve is not drawn rather than failing.
  const launched = services.length > 0 && services[0].launched_on !== null;
  const chart = filters.asOf && launched ? adoptionCurveChart(services, filters.asOf) : null;
  const last = rows.at(-1);
  // With many services the table is the curve's steps per quarter (or month), not one row per service.
  const many = services.length > MANY_UNITS;
  const periods = many && filters.asOf ? goLivePeriods(services, filters.asOf) : [];
  const unit = periods.some((p) => p.period.startsWith('Q')) ? 'quarter' : 'month';
  return {
    id: 'adoption-curve',
    title: last
      ? `${rows.length} of ${approached} approached services went live within ${Number(last.months_launch_to_live).toFixed(1)} months of launch`
      : services.length && !dated
        ? 'Not reported: the loaded exports give no approach or go-live dates'
        : 'No service is live yet',
    subtitle: `Cumulative number of services live, by months since programme launch, ${populationText(filters)}, ${formatDate(filters.asOf, 'long')}`,
    ...drawn(chart, services.length && !launched ? noLaunchDate('months since launch') : NOTHING_TO_CHART),
    table: many
      ? {
          caption: `Services going live by ${unit}, ${formatDate(filters.asOf, 'long')}`,
          columns: [
            { key: 'period', label: unit === 'quarter' ? 'Quarter' : 'Month', kind: 'text', rowHeader: true },
            serviceCount('went_live', 'Went live'),
            serviceCount('live_by_end', 'Services live by then')
          ],
          rows: periods.map((p) => ({ period: p.period, went_live: p.went_live, live_by_end: p.live_by_end }))
        }
      : {
          caption: `Services in the order they went live, ${formatDate(filters.asOf, 'long')}`,
          columns: [
            { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
            { key: 'organisation', label: 'Organisation', kind: 'text' },
            { key: 'live_on', label: 'Live', kind: 'date' },
            { key: 'months_launch_to_live', label: 'Months from launch to live', kind: 'decimal' },
            serviceCount('services_live', 'Services live by then')
          ],
          rows
        }
  };
}
