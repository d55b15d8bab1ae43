/**
 * One line per online function (appointments, repeat prescriptions, …) across the as-of dates: the share of units
 * offering each function, or transactions per registered patient. A handful of functions, never one line per unit,
 * so the chart's size does not grow with the programme. Each line is named at its end (direct labels). A date whose
 * value was not reported leaves a gap in the line and is said in the summary, never drawn as 0.
 */
import * as Plot from '@observablehq/plot';
import { toIsoDate, toUtcDate } from '../format/dates.ts';
import { chartWidth, emptyChart, LINE_HEIGHT, renderSvg, type Chart, type ChartOptions } from './render.ts';
import { formatDate, formatMonthYear } from '../format/format.ts';
import { categoricalColour, NHS_DARK_GREY, outlineFor } from './palette.ts';
import { maxOf } from './many-units.ts';
import { dateDomain, lineEndLabels, niceTop, timeSeriesFrame } from './time-series.ts';

export interface FunctionTrendRow {
  as_of: string;
  function: string;
  /** The value to draw; null = not reported at that date. */
  value: number | null;
}

export interface FunctionTrendOptions extends ChartOptions {
  /** The measure, as the y axis and the summary name it ("Practices offering the function"). */
  measure: string;
  /** How a value reads ("67%", "0.24"). */
  format: (value: number) => string;
  /** A fixed top for the y axis (1 for shares); otherwise from the data. */
  yMax?: number;
}

export const FUNCTION_TREND_DEFAULTS = {
  height: 300,
  marginTop: 20,
  marginBottom: 40,
  marginLeft: 56,
  lineHeight: LINE_HEIGHT
};

interface Point {
  fn: string;
  date: Date;
  asOf: string;
  value: number;
}

export function functionTrend(rows: readonly FunctionTrendRow[], options: FunctionTrendOptions): Chart {
  const d = FUNCTION_TREND_DEFAULTS;
  const width = chartWidth(options.width);
  const asOf = toIsoDate(options.asOf);
  const inRange = rows.filter((r) => toIsoDate(r.as_of) <= asOf);
  const points: Point[] = inRange
    .filter((r) => r.value !== null && Number.isFinite(Number(r.value)))
    .map((r) => ({ fn: r.function, date: toUtcDate(r.as_of), asOf: toIsoDate(r.as_of), value: Number(r.value) }))
    .sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0));
  if (!points.length) {
    const summary = `${options.measure}: not reported up to ${formatDate(asOf)}.`;
    return emptyChart(summary, width);
  }
  const dates = [...new Set(inRange.map((r) => toIsoDate(r.as_of)))].sort();
  const functions = [...new Set(points.map((p) => p.fn))].sort();
  const colour = new Map(functions.map((fn, i) => [fn, categoricalColour(i)]));
  const lastOf = (fn: string) => points.filter((p) => p.fn === fn).at(-1)!;
  const rawMax = options.yMax ?? maxOf(points.map((p) => p.value));
  const yMax = niceTop(rawMax || 1);
  const endLabels = lineEndLabels(
    functions.map((fn) => {
      const last = lastOf(fn);
      return { date: last.date, value: last.value, lines: [`${fn} (${options.format(last.value)})`] };
    }),
    yMax,
    d,
    8
  );
  const step = Math.max(1, Math.ceil(dates.length / 6));
  const ticks = dates.filter((_, i) => i % step === 0 || i === dates.length - 1).map(toUtcDate);
  const summary = trendSummary(options, dates, functions, points, inRange);
  const svg = renderSvg(
    {
      ...timeSeriesFrame({
        layout: d,
        width,
        marginRight: endLabels.marginRight,
        xDomain: dateDomain(toUtcDate(dates[0]), toUtcDate(dates.at(-1)!)),
        ticks: ticks.length > 6 ? ticks.slice(-6) : ticks,
        tickFormat: formatMonthYear,
        yMax,
        yLabel: options.measure,
        yTickFormat: options.format
      }),
      color: { type: 'identity' },
      marks: [
        Plot.ruleY([0], { stroke: NHS_DARK_GREY }),
        Plot.line(points, { x: 'date', y: 'value', z: 'fn', stroke: (p: Point) => colour.get(p.fn), strokeWidth: 2.5 }),
        Plot.dot(points, {
          x: 'date',
          y: 'value',
          r: 3.5,
          fill: (p: Point) => colour.get(p.fn),
          stroke: (p: Point) => (outlineFor(colour.get(p.fn)!) === 'none' ? 'white' : NHS_DARK_GREY),
          title: (p: Point) => `${p.fn}, ${formatDate(p.asOf)}: ${options.format(p.value)}`
        }),
        endLabels.mark
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function trendSummary(
  options: FunctionTrendOptions,
  dates: string[],
  functions: string[],
  points: Point[],
  rows: readonly FunctionTrendRow[]
): string {
  const period = dates.length === 1 ? formatDate(dates[0]) : `${formatDate(dates[0])} to ${formatDate(dates.at(-1)!)}`;
  const parts = [`Line chart of ${options.measure.toLowerCase()} by function, ${period}`];
  for (const fn of functions) {
    const own = points.filter((p) => p.fn === fn);
    const [a, b] = [own[0], own.at(-1)!];
    parts.push(
      own.length === 1 || a.asOf === b.asOf
        ? `${fn} ${options.format(b.value)} on ${formatDate(b.asOf)}`
        : `${fn} from ${options.format(a.value)} to ${options.format(b.value)}`
    );
  }
  const missing = rows.filter((r) => r.value === null);
  const never = [...new Set(missing.map((r) => r.function))].filter((fn) => !functions.includes(fn));
  if (never.length) parts.push(`not reported for ${never.join(', ')}`);
  const gaps = missing.filter((r) => functions.includes(r.function));
  if (gaps.length)
    parts.push(
      `not reported: ${gaps
        .map((r) => `${r.function} on ${formatDate(r.as_of)}`)
        .slice(0, 6)
        .join(', ')}${gaps.length > 6 ? ` and ${gaps.length - 6} more` : ''}`
    );
  return `${parts.join('; ')}.`;
}
