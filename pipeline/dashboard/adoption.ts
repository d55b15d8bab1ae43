/**
 * The cumulative adoption curve on the Overview: services live against months since the programme's launch
 * (a Kaplan–Meier style step curve, domain/evaluation-metrics.md "Adoption formulas").
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate } from './format.ts';
import { select, serviceFilter } from './sql.ts';
import type { Figure, Row } from './table.ts';
import { adoptionCurveChart } from './charts.ts';

export async function adoptionFigure(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const rows = await select<Row>(
    connection,
    `SELECT d.service_id, d.service_name, d.organisation, CAST(d.launched_on AS VARCHAR) AS launched_on,
            CAST(d.live_on AS VARCHAR) AS live_on, CAST(d.months_launch_to_live AS DOUBLE) AS months_launch_to_live,
            CAST(row_number() OVER (ORDER BY d.live_on, d.service_name) AS INTEGER) AS services_live
       FROM setup_duration d
      WHERE d.as_of = CAST($asOf AS DATE) AND d.status = 'live' AND ${serviceFilter('d')}
      ORDER BY d.live_on, d.service_name`,
    filterParams(filters)
  );
  const [{ approached }] = await select<{ approached: number }>(
    connection,
    `SELECT CAST(count(*) FILTER (WHERE s.is_approached) AS INTEGER) AS approached
       FROM service_status s WHERE s.as_of = CAST($asOf AS DATE) AND ${serviceFilter('s')}`,
    filterParams(filters)
  );
  const chart = rows.length ? adoptionCurveChart(rows, { asOf: filters.asOf, approached }) : null;
  const last = rows.at(-1);
  return {
    id: 'adoption-curve',
    title: last
      ? `${rows.length} of ${approached} approached services went live within ${Number(last.months_launch_to_live).toFixed(1)} months of launch`
      : 'No service is live yet',
    subtitle: `Cumulative number of services live, by months since programme launch, ${populationText(filters)}, ${formatDate(filters.asOf)}`,
    svg: chart?.svg ?? null,
    summary: chart?.summary ?? 'There is nothing to chart yet.',
    table: {
      caption: `Services in the order they went live, ${formatDate(filters.asOf)}`,
      columns: [
        { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
        { key: 'organisation', label: 'Organisation', kind: 'text' },
        { key: 'live_on', label: 'Live', kind: 'date' },
        { key: 'months_launch_to_live', label: 'Months from launch to live', kind: 'decimal' },
        { key: 'services_live', label: 'Services live by then', kind: 'integer' }
      ],
      rows
    }
  };
}
