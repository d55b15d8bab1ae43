/**
 * The seam between the dashboard's rows and the chart functions in pipeline/charts/ (each a pure function
 * rows → { svg, summary }). Kept in one file so that a change in a chart's input shape is one edit here.
 */
import { adoptionCurve, setupTimeline, uptakeFunnel, type Chart, type ServiceSetupRow, type UptakeFunnelRow } from '../charts/index.ts';
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

// Not in pipeline/charts yet: these figures show their table and generated title without an SVG until they land.
export function registrationTrendChart(_rows: Row[], _asOf: string): Chart | null {
  return null;
}
export function serviceHistoryChart(_rows: Row[], _asOf: string): Chart | null {
  return null;
}
export function featureMatrixChart(_cells: unknown[], _asOf: string): Chart | null {
  return null;
}
export function adoptionBySettingChart(_rows: Row[], _asOf: string): Chart | null {
  return null;
}
