/**
 * The Setup timeline: one row per approached service, from approach to live, planned against actual, in months since
 * the programme's launch. Services not yet live run as open bars up to the as-of date; slippage is highlighted.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate } from './format.ts';
import { select, serviceFilter } from './sql.ts';
import type { Figure, Row } from './table.ts';
import { setupTimelineChart } from './charts.ts';

export async function setupTimeline(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const rows = filters.asOf
    ? await select<Row>(
        connection,
        `SELECT d.service_id, d.service_name, d.organisation, d.setting, s.status,
                CAST(d.launched_on AS VARCHAR) AS launched_on,
                CAST(d.approached_on AS VARCHAR) AS approached_on, CAST(d.planned_live_on AS VARCHAR) AS planned_live_on,
                CAST(d.live_on AS VARCHAR) AS live_on, CAST(d.as_of AS VARCHAR) AS as_of,
                CAST(d.months_launch_to_live AS DOUBLE) AS months_launch_to_live,
                CAST(d.months_approach_to_live AS DOUBLE) AS months_approach_to_live,
                CAST(d.slippage_months AS DOUBLE) AS slippage_months,
                CAST(d.days_in_setup AS INTEGER) AS days_in_setup
           FROM setup_duration d
           JOIN service_status s ON s.as_of = d.as_of AND s.service_id = d.service_id
          WHERE d.as_of = CAST($asOf AS DATE) AND ${serviceFilter('d')}
          ORDER BY d.approached_on NULLS LAST, d.service_name`,
        filterParams(filters)
      )
    : [];
  const approached = rows.filter((r) => r.status !== 'not approached');
  const live = rows.filter((r) => r.status === 'live');
  const slipped = live.filter((r) => typeof r.slippage_months === 'number' && (r.slippage_months as number) > 0);
  const inSetup = approached.length - live.length;
  // Setup is measured from the programme's launch date; without a programme file (NHS Digital's practice figures) the
  // timeline is not drawn rather than failing.
  const launched = rows.length > 0 && rows[0].launched_on !== null;
  const chart = filters.asOf && launched ? setupTimelineChart(rows, filters.asOf) : null;
  return {
    id: 'setup-timeline',
    title: approached.length
      ? `${live.length} of ${approached.length} approached services are live; ${slipped.length} went live later than planned` +
        (inSetup ? `, ${inSetup} still in setup` : '')
      : 'No service has been approached yet',
    subtitle: `Approach to live, planned against actual, months since launch, ${populationText(filters)}, ${formatDate(filters.asOf)}`,
    svg: chart?.svg ?? null,
    summary:
      chart?.summary ??
      (rows.length && !launched
        ? 'Not reported: no programme launch date is loaded, so setup times cannot be charted.'
        : 'There is nothing to chart yet.'),
    table: {
      caption: `Setup of each service, ${formatDate(filters.asOf)}`,
      columns: [
        { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
        { key: 'organisation', label: 'Organisation', kind: 'text' },
        { key: 'status', label: 'Status', kind: 'text' },
        { key: 'approached_on', label: 'Approached', kind: 'date' },
        { key: 'planned_live_on', label: 'Planned live', kind: 'date' },
        { key: 'live_on', label: 'Live', kind: 'date' },
        { key: 'months_launch_to_live', label: 'Months from launch to live', kind: 'decimal' },
        { key: 'months_approach_to_live', label: 'Months from approach to live', kind: 'decimal' },
        { key: 'slippage_months', label: 'Months later than planned', kind: 'decimal' },
        { key: 'days_in_setup', label: 'Days in setup so far', kind: 'integer', counts: 'other' }
      ],
      rows
    }
  };
}
