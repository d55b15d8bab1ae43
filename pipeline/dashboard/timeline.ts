/**
 * The Setup timeline: one row per approached service, from approach to live, planned against actual, in months since
 * the programme's launch. Services not yet live run as open bars up to the as-of date; slippage is highlighted.
 *
 * With more than MANY_UNITS services (filter by organisation or setting to get back under it) the page shows two
 * aggregate figures instead: go-lives against planned go-lives per quarter (or month), and a histogram of months from
 * approach to live. Their tables are those few rows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate, formatNumber } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import { type Figure, drawn, noLaunchDate, NOTHING_TO_CHART } from './table.ts';
import { serviceCount } from './columns.ts';
import { goLivesChart, setupDurationColumns, setupDurationsChart, setupTimelineChart, type ViewRow } from './charts.ts';
import {
  goLivePeriods,
  MANY_UNITS,
  setupDurationBins,
  SETUP_DISTRIBUTION_DEFAULTS,
  type SetupDurationRow
} from '../charts/index.ts';

export interface TimelinePage {
  /** Services the filters match at the as-of date. */
  services: number;
  /** True when the figures are the aggregate ones (go-lives per period, setup durations). */
  aggregated: boolean;
  figures: Figure[];
}

export async function timelinePage(connection: DuckDBConnection, filters: ResolvedFilters): Promise<TimelinePage> {
  const rows = await setupRows(connection, filters);
  if (rows.length > MANY_UNITS)
    return {
      services: rows.length,
      aggregated: true,
      figures: [goLivesFigure(rows, filters), setupDurationsFigure(rows, filters)]
    };
  return { services: rows.length, aggregated: false, figures: [timelineFigure(rows, filters)] };
}

type SetupRow = ViewRow<SetupDurationRow>;

async function setupRows(connection: DuckDBConnection, filters: ResolvedFilters): Promise<SetupRow[]> {
  return filters.asOf
    ? await select<SetupRow>(
        connection,
        `SELECT ${setupDurationColumns('d')}, d.organisation, d.setting,
                CAST(d.approached_on AS VARCHAR) AS approached_on,
                CAST(d.months_launch_to_live AS DOUBLE) AS months_launch_to_live,
                CAST(d.months_approach_to_live AS DOUBLE) AS months_approach_to_live,
                CAST(d.slippage_months AS DOUBLE) AS slippage_months
           FROM setup_duration d
          WHERE d.as_of = CAST($asOf AS DATE) AND ${serviceFilter('d')}
          ORDER BY d.approached_on NULLS LAST, d.service_name`,
        filterParams(filters)
      )
    : [];
}

export async function goLives(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  return goLivesFigure(await setupRows(connection, filters), filters);
}

export async function setupDurationsByBin(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  return setupDurationsFigure(await setupRows(connection, filters), filters);
}

function goLivesFigure(rows: SetupRow[], filters: ResolvedFilters): Figure {
  const periods = filters.asOf ? goLivePeriods(rows, filters.asOf) : [];
  const byQuarter = periods.some((p) => p.period.startsWith('Q'));
  const unit = byQuarter ? 'quarter' : 'month';
  const chart = filters.asOf && periods.length ? goLivesChart(periods, filters.asOf) : null;
  const live = rows.filter((r) => r.status === 'live').length;
  const approached = rows.filter((r) => r.status !== 'not approached').length;
  const late = rows.filter((r) => r.status === 'live' && Number(r.slippage_months ?? 0) > 0).length;
  return {
    id: 'go-lives',
    title: approached
      ? `${formatNumber(live)} of ${formatNumber(approached)} approached services are live; ${formatNumber(late)} went live later than planned`
      : 'No service has been approached yet',
    subtitle: `Services going live against services planned to go live, by ${unit}, ${populationText(filters)}, ${formatDate(filters.asOf, 'long')}`,
    ...drawn(chart),
    table: {
      caption: `Go-lives by ${unit}, ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'period', label: byQuarter ? 'Quarter' : 'Month', kind: 'text', rowHeader: true },
        serviceCount('went_live', 'Went live'),
        serviceCount('planned_live', 'Planned to go live'),
        serviceCount('live_by_end', `Live by the end of the ${unit}`)
      ],
      rows: periods.map((p) => ({ ...p, period_start: String(p.period_start) }))
    }
  };
}

function setupDurationsFigure(rows: SetupRow[], filters: ResolvedFilters): Figure {
  const bins = filters.asOf ? setupDurationBins(rows, filters.asOf) : [];
  const chart = filters.asOf && bins.length ? setupDurationsChart(bins, filters.asOf) : null;
  const live = rows
    .filter((r) => r.status === 'live' && typeof r.months_approach_to_live === 'number')
    .map((r) => r.months_approach_to_live as number)
    .sort((a, b) => a - b);
  // A source with no approach or go-live dates at all (NHS Digital's practice figures) has no set-up times to report:
  // say so, as the adoption curve does, rather than "no service is live yet".
  const dated = rows.some((r) => r.status !== 'not approached' || r.live_on !== null);
  const median = live.length
    ? live.length % 2
      ? live[live.length >> 1]
      : (live[live.length / 2 - 1] + live[live.length / 2]) / 2
    : null;
  return {
    id: 'setup-durations',
    title:
      median === null
        ? rows.length && !dated
          ? 'Not reported: the loaded exports give no approach or go-live dates'
          : 'No service is live yet'
        : `Half of the ${formatNumber(live.length)} live services went live within ${median.toFixed(1)} months of approach`,
    subtitle: `Services by months from approach to live (live) or so far (in setup), ${SETUP_DISTRIBUTION_DEFAULTS.binMonths}-month bins, ${populationText(filters)}, ${formatDate(filters.asOf, 'long')}`,
    ...drawn(chart),
    table: {
      caption: `Months from approach to live, services in each bin, ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'bin', label: 'Months from approach', kind: 'text', rowHeader: true },
        serviceCount('live', 'Live'),
        serviceCount('in_setup', 'In setup')
      ],
      rows: bins.map((b) => ({ bin: b.bin, live: b.live, in_setup: b.in_setup }))
    }
  };
}

/** The per-service timeline (one bar per service); the page shows it for at most MANY_UNITS services. */
export async function setupTimeline(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  return timelineFigure(await setupRows(connection, filters), filters);
}

function timelineFigure(rows: SetupRow[], filters: ResolvedFilters): Figure {
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
    subtitle: `Approach to live, planned against actual, months since launch, ${populationText(filters)}, ${formatDate(filters.asOf, 'long')}`,
    ...drawn(chart, rows.length && !launched ? noLaunchDate('setup times') : NOTHING_TO_CHART),
    table: {
      caption: `Setup of each service, ${formatDate(filters.asOf, 'long')}`,
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
