/**
 * The seam between the dashboard's rows and the chart functions in pipeline/charts/ (each a pure function
 * rows → { svg, summary }). Kept in one file so that a change in a chart's input shape is one edit here.
 * The rows are the metric views' columns (cast to JSON-safe values in SQL), which is what the charts' row types describe.
 */
import {
  adoptionBySetting,
  adoptionCurve,
  equityQuintiles,
  featureMatrix,
  functionTrend,
  registrationTrend,
  registrationBands,
  goLivesByPeriod,
  setupDurations,
  setupTimeline,
  uptakeFunnel,
  type AdoptionBySettingRow,
  type GoLivePeriodRow,
  type SetupDurationBinRow,
  type TrendBandRow,
  type Chart,
  type EquityQuintileRow,
  type FeatureMatrixRow,
  type FunctionTrendRow,
  type ServiceSetupRow,
  type UptakeFunnelRow
} from '../charts/index.ts';
import type { Row } from './table.ts';

export type { Chart };

export function adoptionCurveChart(rows: Row[], asOf: string): Chart {
  return adoptionCurve(rows as unknown as ServiceSetupRow[], { asOf });
}
export function setupTimelineChart(rows: Row[], asOf: string): Chart {
  return setupTimeline(rows as unknown as ServiceSetupRow[], { asOf });
}
export function uptakeFunnelChart(rows: Row[], asOf: string): Chart {
  return uptakeFunnel(rows as unknown as UptakeFunnelRow[], { asOf });
}
export function registrationTrendChart(rows: Row[], asOf: string): Chart {
  return registrationTrend(rows as unknown as UptakeFunnelRow[], { asOf });
}
/** Many services: percentile bands of registered per service, one row per as-of date. */
export function registrationBandsChart(rows: Row[], asOf: string): Chart {
  return registrationBands(rows as unknown as TrendBandRow[], { asOf });
}
export function goLivesChart(rows: Row[], asOf: string): Chart {
  return goLivesByPeriod(rows as unknown as GoLivePeriodRow[], { asOf });
}
export function setupDurationsChart(rows: Row[], asOf: string): Chart {
  return setupDurations(rows as unknown as SetupDurationBinRow[], { asOf });
}
/** One service's history: the registration trend with a single line. */
export function serviceHistoryChart(rows: Row[], asOf: string): Chart {
  return registrationTrend(rows as unknown as UptakeFunnelRow[], { asOf, idPrefix: 'uptake-service-history' });
}
export function featureMatrixChart(rows: readonly object[], asOf: string): Chart {
  return featureMatrix(rows as unknown as FeatureMatrixRow[], { asOf });
}
export function adoptionBySettingChart(rows: Row[], asOf: string): Chart {
  return adoptionBySetting(rows as unknown as AdoptionBySettingRow[], { asOf });
}
/** A few lines, one per online function, across the as-of dates (usage per patient, share of units offering). */
export function functionTrendChart(
  rows: FunctionTrendRow[],
  options: { asOf: string; measure: string; format: (value: number) => string; yMax?: number }
): Chart {
  return functionTrend(rows, options);
}

/** Equity: a rate by quintile of a unit characteristic, with intervals. */
export function equityQuintilesChart(
  rows: EquityQuintileRow[],
  options: {
    asOf: string;
    measure: string;
    characteristic: string;
    format?: 'percent' | 'per patient';
    labelledBy?: string;
  }
): Chart {
  return equityQuintiles(rows, options);
}
