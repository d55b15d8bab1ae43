/**
 * The seam between the dashboard's rows and the chart functions in pipeline/charts/ (each a pure function
 * rows → { svg, summary }). Kept in one file so that a change in a chart's input shape is one edit here.
 */
import type { Row } from './table.ts';

export interface Chart {
  svg: string;
  summary: string;
}

// Placeholder until pipeline/charts/ lands: no SVG, and the figure falls back to its table and generated title.
export function adoptionCurveChart(_rows: Row[], _context: { asOf: string | null; approached: number }): Chart | null {
  return null;
}
export function setupTimelineChart(_rows: Row[]): Chart | null {
  return null;
}
export function uptakeFunnelChart(_rows: Row[]): Chart | null {
  return null;
}
export function registrationTrendChart(_rows: Row[]): Chart | null {
  return null;
}
export function serviceHistoryChart(_serviceName: string, _rows: Row[]): Chart | null {
  return null;
}
export function featureMatrixChart(_cells: unknown[]): Chart | null {
  return null;
}
export function adoptionBySettingChart(_rows: Row[]): Chart | null {
  return null;
}
