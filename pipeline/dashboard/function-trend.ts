/**
 * A measure by online function over time, one line per function: the Usage page's transactions per registered patient
 * and the Functionality page's share of units offering each function are both this chart, of one column of rows
 * aggregated in SQL to one row per function and date.
 */
import type { ResolvedFilters } from './filters.ts';
import type { Row } from './table.ts';
import { functionTrendChart } from './charts.ts';

export function functionTrend(
  rows: Row[],
  column: string,
  filters: ResolvedFilters,
  options: { measure: string; format: (value: number) => string; yMax?: number }
): { svg: string; summary: string } | null {
  if (!filters.asOf || !rows.length) return null;
  const points = rows.map((r) => ({
    as_of: String(r.as_of),
    function: String(r.function),
    value: r[column] as number | null
  }));
  return functionTrendChart(points, { asOf: filters.asOf, ...options });
}
