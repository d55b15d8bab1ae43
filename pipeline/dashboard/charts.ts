/**
 * The seam between the dashboard's rows and the chart functions in pipeline/charts/ (each a pure function
 * rows → { svg, summary }). The rows are typed as the metric views' columns (charts/rows.ts), cast to JSON-safe values
 * in SQL, so a query and the chart it feeds agree at compile time. A CSV download asks for a figure's table only:
 * `tableOnly` runs a figure's builder with its chart left undrawn, so no SVG is rendered just to be thrown away.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  adoptionBySetting,
  adoptionCurve,
  equityQuintiles,
  featureCoverage,
  featureMatrix,
  functionTrend,
  registrationTrend,
  registrationBands,
  goLivesByPeriod,
  setupDurations,
  setupTimeline,
  themePrevalence,
  unitsByFeatureCount,
  uptakeFunnel,
  type Chart,
  type ChartOptions
} from '../charts/index.ts';
import type { Cell, Row } from './table.ts';

export type { Chart };

/**
 * A view's row as a dashboard query returns it: the columns a chart reads (`T`, from charts/rows.ts) as the table
 * cells the query casts them to (dates as ISO text), and any other columns the figure's table shows.
 */
export type ViewRow<T> = Row & { [K in keyof T]-?: Extract<T[K], Cell> };

/**
 * The `setup_duration` columns the set-up charts read (`SetupDurationRow`): the view's status and day counts, dates as
 * ISO text. `alias` names the view in the query.
 */
export function setupDurationColumns(alias: string): string {
  const days = [
    'days_launch_to_live',
    'days_approach_to_live',
    'planned_days_launch_to_live',
    'slippage_days',
    'days_in_setup',
    'days_overdue'
  ];
  const dates = ['as_of', 'launched_on', 'planned_live_on', 'live_on'];
  return [
    `${alias}.service_id`,
    `${alias}.service_name`,
    `${alias}.status`,
    ...dates.map((c) => `CAST(${alias}.${c} AS VARCHAR) AS ${c}`),
    ...days.map((c) => `CAST(${alias}.${c} AS INTEGER) AS ${c}`)
  ].join(', ');
}

const undrawn = new AsyncLocalStorage<true>();

/**
 * Runs `build` (a figure's builder) with every chart through this module left undrawn: its SVG and summary are
 * empty. For the CSV download, which takes the figure's table and nothing else.
 */
export function tableOnly<T>(build: () => Promise<T>): Promise<T> {
  return undrawn.run(true, build);
}

const NOT_DRAWN: Chart = { svg: '', summary: '' };

/** A chart function as the dashboard calls it: the view's rows and the as-of date. */
function atAsOf<R>(
  chart: (rows: readonly R[], options: ChartOptions) => Chart,
  extra: Partial<ChartOptions> = {}
): (rows: readonly R[], asOf: string) => Chart {
  return (rows, asOf) => (undrawn.getStore() ? NOT_DRAWN : chart(rows, { asOf, ...extra }));
}

/** A chart that takes its own options (a measure, a format; the theme heatmap has no as-of date). */
function withOptions<R, O>(
  chart: (rows: readonly R[], options: O) => Chart
): (rows: readonly R[], options: O) => Chart {
  return (rows, options) => (undrawn.getStore() ? NOT_DRAWN : chart(rows, options));
}

export const adoptionCurveChart = atAsOf(adoptionCurve);
export const setupTimelineChart = atAsOf(setupTimeline);
export const uptakeFunnelChart = atAsOf(uptakeFunnel);
export const registrationTrendChart = atAsOf(registrationTrend);
/** Many services: percentile bands of registered per service, one row per as-of date. */
export const registrationBandsChart = atAsOf(registrationBands);
export const goLivesChart = atAsOf(goLivesByPeriod);
export const setupDurationsChart = atAsOf(setupDurations);
/** One service's history: the registration trend with a single line. */
export const serviceHistoryChart = atAsOf(registrationTrend, { idPrefix: 'uptake-service-history' });
export const featureMatrixChart = atAsOf(featureMatrix);
/** Many units: the share of units offering each feature, instead of the matrix. */
export const featureCoverageChart = atAsOf(featureCoverage);
/** Units by how many of a category's features they offer (core fidelity). */
export const unitsByFeatureCountChart = withOptions(unitsByFeatureCount);
export const adoptionBySettingChart = atAsOf(adoptionBySetting);
/** A few lines, one per online function, across the as-of dates (usage per patient, share of units offering). */
export const functionTrendChart = withOptions(functionTrend);
/** Equity: a rate by quintile of a unit characteristic, with intervals. */
export const equityQuintilesChart = withOptions(equityQuintiles);
/** Interviews: who raised each code, by stakeholder group. */
export const themePrevalenceChart = withOptions(themePrevalence);
