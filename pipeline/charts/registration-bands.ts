/**
 * Registration trend for many units: at each as-of date, the spread of patients registered per unit as percentile
 * bands (10th–90th, 25th–75th) around the median line, each line named at its end. One shape whatever the number of
 * units, so the chart (and its table, one row per date) stays the same size for 30 services or 7,000 practices.
 *
 * Rows: one per as-of date (`TrendBandRow`), from SQL (quantile_cont) or from `trendBands` on uptake_funnel rows.
 */
import * as Plot from '@observablehq/plot';
import { toCount, type Count, type UptakeFunnelRow } from './rows.ts';
import { toIsoDate, toUtcDate, type DateLike } from '../format/dates.ts';
import {
  chartWidth,
  countTickFormat,
  emptyChart,
  LINE_HEIGHT,
  renderSvg,
  type Chart,
  type ChartOptions
} from './render.ts';
import { formatCount, formatDate, plural } from '../format/format.ts';
import { NHS_BLUE, NHS_DARK_GREY } from './palette.ts';
import { maxOf, quantileSorted, thinDates } from './many-units.ts';
import { dateDomain, dateTickFormat, lineEndLabels, niceTop, timeSeriesFrame } from './time-series.ts';

export const REGISTRATION_BANDS_DEFAULTS = {
  height: 340,
  marginTop: 20,
  marginBottom: 40,
  marginLeft: 56,
  lineHeight: LINE_HEIGHT
};

/** Patients registered per unit at one as-of date: how many units reported, their total and percentiles. */
export interface TrendBandRow {
  as_of: DateLike;
  units: Count;
  total: Count;
  p10: Count;
  p25: Count;
  median: Count;
  p75: Count;
  p90: Count;
}

/**
 * The bands from per-unit rows (dates thinned as `thinDates` does); units with registered not reported are left out.
 */
export function trendBands(rows: readonly UptakeFunnelRow[], asOf: DateLike): TrendBandRow[] {
  const limit = toIsoDate(asOf);
  const byDate = new Map<string, number[]>();
  for (const row of rows) {
    const date = toIsoDate(row.as_of);
    const registered = toCount(row.registered);
    if (date > limit || registered == null) continue;
    const list = byDate.get(date);
    if (list) list.push(registered);
    else byDate.set(date, [registered]);
  }
  return thinDates([...byDate.keys()]).dates.map((date) => {
    const values = byDate.get(date)!.sort((a, b) => a - b);
    const q = (p: number) => quantileSorted(values, p);
    return {
      as_of: date,
      units: values.length,
      total: values.reduce((n, v) => n + v, 0),
      p10: q(0.1),
      p25: q(0.25),
      median: q(0.5),
      p75: q(0.75),
      p90: q(0.9)
    };
  });
}

interface Point {
  date: Date;
  asOf: string;
  units: number;
  total: number;
  p10: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
}

const LINES = [
  ['p90', '90th percentile'],
  ['p75', '75th percentile'],
  ['median', 'Median'],
  ['p25', '25th percentile'],
  ['p10', '10th percentile']
] as const;

/** One decimal at most ("2,049.5"): percentiles interpolate between units. */
export function formatValue(v: number): string {
  const tenths = Math.round(v * 10);
  const whole = Math.trunc(tenths / 10);
  const digit = Math.abs(tenths % 10);
  return digit === 0 ? formatCount(whole) : `${tenths < 0 && whole === 0 ? '-' : ''}${formatCount(whole)}.${digit}`;
}

export function registrationBands(rows: readonly TrendBandRow[], options: ChartOptions): Chart {
  const d = REGISTRATION_BANDS_DEFAULTS;
  const width = chartWidth(options.width);
  const asOf = toIsoDate(options.asOf);
  const points: Point[] = rows
    .map((r) => ({
      date: toUtcDate(r.as_of),
      asOf: toIsoDate(r.as_of),
      units: toCount(r.units) ?? 0,
      total: toCount(r.total) ?? 0,
      p10: toCount(r.p10) ?? 0,
      p25: toCount(r.p25) ?? 0,
      median: toCount(r.median) ?? 0,
      p75: toCount(r.p75) ?? 0,
      p90: toCount(r.p90) ?? 0
    }))
    .filter((p) => p.asOf <= asOf && p.units > 0)
    .sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : 0));
  if (points.length === 0) {
    const summary = `No registrations reported up to ${formatDate(asOf)}.`;
    return emptyChart(summary, width);
  }
  const last = points[points.length - 1];
  const yMax = niceTop(Math.max(1, maxOf(points.map((p) => p.p90))));
  const endLabels = lineEndLabels(
    LINES.map(([key, name]) => ({ date: last.date, value: last[key], lines: [`${name} (${formatValue(last[key])})`] })),
    yMax,
    d,
    10,
    'uptake-band-label'
  );
  // Ticks are real as-of dates, at most six, labelled by month when each month has one date.
  const ticks = [
    ...new Set(
      Array.from({ length: Math.min(6, points.length) }, (_, i) =>
        Math.round((i * (points.length - 1)) / Math.max(1, Math.min(6, points.length) - 1))
      )
    )
  ].map((i) => points[i].date);
  const summary = bandsSummary(points);
  const svg = renderSvg(
    {
      ...timeSeriesFrame({
        layout: d,
        width,
        marginRight: endLabels.marginRight,
        xDomain: dateDomain(points[0].date, last.date),
        ticks,
        tickFormat: dateTickFormat(points.map((p) => p.asOf)),
        yMax,
        yLabel: 'Patients registered per unit',
        yTickFormat: countTickFormat
      }),
      marks: [
        Plot.ruleY([0], { stroke: NHS_DARK_GREY }),
        // The outer band is pale and the inner darker; the lines bounding them and the end labels say which is which,
        // so the shading never carries the meaning alone.
        Plot.areaY(points, { x: 'date', y1: 'p10', y2: 'p90', fill: NHS_BLUE, fillOpacity: 0.15 }),
        Plot.areaY(points, { x: 'date', y1: 'p25', y2: 'p75', fill: NHS_BLUE, fillOpacity: 0.3 }),
        ...(['p10', 'p90'] as const).map((key) =>
          Plot.line(points, { x: 'date', y: key, stroke: NHS_DARK_GREY, strokeWidth: 1, strokeDasharray: '3,3' })
        ),
        ...(['p25', 'p75'] as const).map((key) =>
          Plot.line(points, { x: 'date', y: key, stroke: NHS_DARK_GREY, strokeWidth: 1 })
        ),
        Plot.line(points, {
          x: 'date',
          y: 'median',
          stroke: NHS_BLUE,
          strokeWidth: 3,
          className: 'uptake-band-median'
        }),
        endLabels.mark
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function bandsSummary(points: Point[]): string {
  const [first, last] = [points[0], points[points.length - 1]];
  const period =
    points.length === 1 ? `${formatDate(last.asOf)} only` : `${formatDate(first.asOf)} to ${formatDate(last.asOf)}`;
  const parts = [
    `Percentile band chart of patients registered per unit, ${period}, ${plural(points.length, 'date')} shown`,
    `on ${formatDate(last.asOf)} ${plural(last.units, 'unit')} reported, ${formatCount(last.total)} registered in total`,
    `median ${formatValue(last.median)} per unit, middle half ${formatValue(last.p25)} to ${formatValue(last.p75)}, 10th to 90th percentile ${formatValue(last.p10)} to ${formatValue(last.p90)}`
  ];
  if (points.length > 1) {
    const verb = last.median > first.median ? 'rose' : last.median < first.median ? 'fell' : 'stayed';
    parts.push(
      verb === 'stayed'
        ? `median unchanged since ${formatDate(first.asOf)}`
        : `median ${verb} from ${formatValue(first.median)} on ${formatDate(first.asOf)}`
    );
  }
  return `${parts.join('; ')}.`;
}
