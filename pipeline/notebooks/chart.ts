/**
 * A `chart` directive as HTML: either one of the dashboard's charts by name (pipeline/charts) or a small Plot spec
 * (a bar per row, or lines across dates).
 *
 * Charts are drawn from the controlled figures (figures.ts), never from the exact ones: under nhs-digital a bar is
 * the rounded count, and a row with a hidden (`*`) figure is left out of the chart and named in a note under it, so
 * the reader knows it is missing and why. Under the committee's `none` profile the same path gives exact figures.
 */
import * as Plot from '@observablehq/plot';
import {
  adoptionCurve,
  featureMatrix,
  registrationTrend,
  setupTimeline,
  uptakeFunnel,
  type Chart,
  type ChartOptions
} from '../charts/index.ts';
import { formatCount, formatDate, listNames } from '../format/format.ts';
import { EXTREMES, MANY_UNITS, thinDates } from '../charts/many-units.ts';
import { toUtcDate } from '../format/dates.ts';
import { categoricalColour, NHS_BLACK, NHS_BLUE, NHS_DARK_GREY } from '../charts/palette.ts';
import {
  barChartMargins,
  chartWidth,
  countTickFormat,
  estimateTextWidth,
  emptyChart,
  renderSvg
} from '../charts/render.ts';
import { displayText, type ResultFigures, type Usage } from './figures.ts';
import { escapeHtml } from './html.ts';
import { NotebookError, type ChartBlock } from './parse.ts';

type NamedChart = (rows: never[], options: ChartOptions) => Chart;

/**
 * The dashboard's charts a notebook may name, with the patient counts each one draws. Those columns are controlled;
 * when `omitRow` is set, a row with any of them hidden is left out (the funnel would otherwise label it "not
 * reported"); otherwise the hidden figure alone is dropped (the trend skips a missing point).
 */
export const NAMED_CHARTS: Record<string, { draw: NamedChart; counts: string[]; omitRow: boolean }> = {
  'uptake-funnel': {
    draw: uptakeFunnel as NamedChart,
    counts: [
      'approached',
      'consented',
      'registered',
      'shared_with_carer',
      'shared_with_professional',
      'shared_with_anyone_max'
    ],
    omitRow: true
  },
  'registration-trend': { draw: registrationTrend as NamedChart, counts: ['registered'], omitRow: false },
  'setup-timeline': { draw: setupTimeline as NamedChart, counts: [], omitRow: false },
  'adoption-curve': { draw: adoptionCurve as NamedChart, counts: [], omitRow: false },
  'feature-matrix': { draw: featureMatrix as NamedChart, counts: [], omitRow: false }
};

/** The columns a chart reads, so that figures.ts controls them. */
export function chartUsage(block: ChartBlock, columns: string[], usage: Usage, where: string): void {
  if (block.chart !== null) {
    const named = NAMED_CHARTS[block.chart];
    if (!named)
      throw new NotebookError(
        `${where}: there is no chart "${block.chart}"; charts are ${Object.keys(NAMED_CHARTS).join(', ')}`
      );
    for (const key of named.counts) if (columns.includes(key)) usage.columns.add(key);
  } else {
    for (const key of [block.x, block.y, block.series]) if (key) usage.columns.add(key);
  }
}

/** What to call a row in a note: its service name, or the first text column, with its date when it has one. */
function rowName(row: Record<string, unknown>, index: number): string {
  const name = row.service_name ?? Object.values(row).find((v) => typeof v === 'string' && !/^[\d-]+$/.test(v));
  const date = typeof row.as_of === 'string' ? ` (${formatDate(row.as_of)})` : '';
  return `${name ?? `row ${index + 1}`}${date}`;
}

interface Drawn {
  svg: string;
  summary: string;
  omitted: string[];
}

function drawNamed(block: ChartBlock, figures: ResultFigures, asOf: string): Drawn {
  const named = NAMED_CHARTS[block.chart!];
  const counts = named.counts.filter((key) => figures.result.columns.includes(key));
  const omitted: string[] = [];
  const rows: Record<string, unknown>[] = [];
  figures.result.rows.forEach((raw, i) => {
    const row = { ...raw };
    let hidden = false;
    for (const key of counts) {
      const value = figures.value(i, key);
      if (value.suppressed) hidden = true;
      row[key] = value.suppressed ? null : value.value;
    }
    if (hidden) omitted.push(rowName(raw, i));
    if (!hidden || !named.omitRow) rows.push(row);
  });
  const chart = named.draw(rows as never[], { asOf, idPrefix: `${block.result}-${block.line}` });
  return { ...chart, omitted };
}

/** Horizontal bars, one per row, in the query's order, each labelled with the figure as shown. */
function drawBars(block: ChartBlock, figures: ResultFigures, asOf: string): Drawn {
  const width = chartWidth(undefined);
  const omitted: string[] = [];
  const bars: { label: string; value: number; shown: string }[] = [];
  figures.result.rows.forEach((raw, i) => {
    const label = displayText(figures.value(i, block.y!));
    const value = figures.value(i, block.x!);
    if (value.suppressed) omitted.push(label);
    else if (value.value !== null) bars.push({ label, value: value.value, shown: displayText(value) });
  });
  const xLabel = block.xLabel ?? block.x!.replace(/_/g, ' ');
  // One bar per row stops being readable (and grows the report) past MANY_UNITS rows: draw the first and last
  // EXTREMES in the query's order (its top and bottom when it is sorted by the measure) and say what is left out.
  const between = bars.length > MANY_UNITS ? bars.splice(EXTREMES, bars.length - 2 * EXTREMES) : [];
  if (bars.length === 0) {
    const summary = `No figures to draw for ${formatDate(asOf)}.`;
    return { ...emptyChart(summary, width), omitted };
  }
  const max = bars.reduce((m, b) => Math.max(m, b.value), 1);
  const { marginLeft, marginRight } = barChartMargins(
    bars.map((b) => b.label),
    240,
    bars.map((b) => ({ x: b.value, label: b.shown })),
    max,
    width
  );
  const sorted = [...bars].sort((a, b) => b.value - a.value);
  const summary =
    `Bar chart of ${xLabel.toLowerCase()} by ${(block.yLabel ?? block.y!.replace(/_/g, ' ')).toLowerCase()}, ${formatDate(asOf)}` +
    (sorted.length > 1
      ? `: highest ${sorted[0].label} (${sorted[0].shown}), lowest ${sorted[sorted.length - 1].label} (${sorted[sorted.length - 1].shown})`
      : `: ${sorted[0].label} ${sorted[0].shown}`) +
    (between.length
      ? `; the first and last ${EXTREMES} rows are drawn, and ${formatCount(between.length)} rows between them are not (${between.at(0)!.shown} to ${between.at(-1)!.shown})`
      : '') +
    '.';
  const svg = renderSvg(
    {
      width,
      height: 24 * bars.length + 56,
      marginLeft,
      marginRight,
      marginTop: 8,
      marginBottom: 40,
      x: {
        domain: [0, max],
        grid: true,
        label: xLabel,
        labelAnchor: 'center',
        labelArrow: 'none',
        tickFormat: countTickFormat
      },
      y: { domain: bars.map((b) => b.label), label: null, tickSize: 0, padding: 0.2 },
      marks: [
        Plot.barX(bars, {
          x: 'value',
          y: 'label',
          fill: NHS_BLUE,
          title: (b: (typeof bars)[number]) => `${b.label}: ${b.shown}`
        }),
        Plot.text(bars, { x: 'value', y: 'label', text: 'shown', textAnchor: 'start', dx: 5, fill: NHS_BLACK }),
        Plot.ruleX([0], { stroke: NHS_DARK_GREY })
      ]
    },
    summary
  );
  return { svg, summary, omitted };
}

/**
 * Tick dates for a time axis: every as-of date, less those whose label would touch a neighbour's (snapshots can be
 * days apart, 31 Jan and 6 Feb), always keeping the latest, which is the date the report is about.
 */
function spacedTicks(dates: string[], width: number, marginLeft: number, marginRight: number): string[] {
  if (dates.length < 2) return dates;
  const [t0, t1] = [toUtcDate(dates[0]).getTime(), toUtcDate(dates[dates.length - 1]).getTime()];
  const pixel = (iso: string) => ((toUtcDate(iso).getTime() - t0) / (t1 - t0)) * (width - marginLeft - marginRight);
  const kept: string[] = [];
  for (const date of [...dates].reverse()) {
    const previous = kept[kept.length - 1];
    const room = previous === undefined ? Infinity : pixel(previous) - pixel(date);
    if (room >= (estimateTextWidth(formatDate(date)) + estimateTextWidth(formatDate(previous ?? date))) / 2 + 10)
      kept.push(date);
  }
  return kept.reverse();
}

/** Lines across as-of dates (x a date column), one per `series` value, each named at its end. */
function drawLines(block: ChartBlock, figures: ResultFigures, asOf: string): Drawn {
  const width = chartWidth(undefined);
  const omitted: string[] = [];
  const points: { date: Date; iso: string; value: number; shown: string; series: string }[] = [];
  figures.result.rows.forEach((raw, i) => {
    const iso = String(raw[block.x!] ?? '');
    const series = block.series ? displayText(figures.value(i, block.series)) : (block.yLabel ?? block.y!);
    const value = figures.value(i, block.y!);
    if (value.suppressed) omitted.push(`${series} (${formatDate(iso)})`);
    else if (value.value !== null)
      points.push({ date: toUtcDate(iso), iso, value: value.value, shown: displayText(value), series });
  });
  const yLabel = block.yLabel ?? block.y!.replace(/_/g, ' ');
  // Years of daily snapshots: keep the last date in each month, quarter or year (at most 60 points a line).
  const kept = new Set(thinDates(points.map((p) => p.iso)).dates);
  if (kept.size < new Set(points.map((p) => p.iso)).size)
    points.splice(0, points.length, ...points.filter((p) => kept.has(p.iso)));
  if (points.length === 0) {
    const summary = `No figures to draw up to ${formatDate(asOf)}.`;
    return { ...emptyChart(summary, width), omitted };
  }
  const names = [...new Set(points.map((p) => p.series))];
  const colour = new Map(names.map((n, i) => [n, categoricalColour(i)]));
  const ends = names.map((n) =>
    points
      .filter((p) => p.series === n)
      .sort((a, b) => a.iso.localeCompare(b.iso))
      .at(-1)!
  );
  const endLabel = (p: (typeof points)[number]) => (names.length > 1 ? `${p.series} (${p.shown})` : p.shown);
  const dates = [...new Set(points.map((p) => p.iso))].sort();
  const marginRight = ends.reduce((m, p) => Math.max(m, estimateTextWidth(endLabel(p)) + 12), 24);
  const ticks = spacedTicks(dates, width, 56, marginRight);
  const first = points.filter((p) => p.iso === dates[0]);
  const summary =
    `Line chart of ${yLabel.toLowerCase()}, ${formatDate(dates[0])} to ${formatDate(dates[dates.length - 1])}: ` +
    names
      .map((n) => {
        const from = first.find((p) => p.series === n);
        const to = ends.find((p) => p.series === n)!;
        return `${names.length > 1 ? `${n} ` : ''}${from ? `from ${from.shown} ` : ''}to ${to.shown}`;
      })
      .join('; ') +
    '.';
  const svg = renderSvg(
    {
      width,
      height: 300,
      marginLeft: 56,
      marginRight,
      marginTop: 20,
      marginBottom: 40,
      x: {
        type: 'utc',
        domain: [toUtcDate(dates[0]), toUtcDate(dates[dates.length - 1])],
        ticks: ticks.map(toUtcDate),
        tickFormat: (d: Date) => formatDate(d),
        label: null
      },
      y: {
        domain: [0, points.reduce((m, p) => Math.max(m, p.value), 1)],
        nice: true,
        grid: true,
        label: yLabel,
        labelArrow: 'none',
        tickFormat: countTickFormat
      },
      color: { type: 'identity' },
      marks: [
        Plot.ruleY([0], { stroke: NHS_DARK_GREY }),
        Plot.line(points, {
          x: 'date',
          y: 'value',
          z: 'series',
          stroke: (p: (typeof points)[number]) => colour.get(p.series),
          strokeWidth: 2.5
        }),
        Plot.dot(points, {
          x: 'date',
          y: 'value',
          r: 3.5,
          fill: (p: (typeof points)[number]) => colour.get(p.series),
          title: (p: (typeof points)[number]) => `${p.series}, ${formatDate(p.iso)}: ${p.shown}`
        }),
        Plot.text(ends, { x: 'date', y: 'value', text: endLabel, textAnchor: 'start', dx: 8, fill: NHS_BLACK })
      ]
    },
    summary
  );
  return { svg, summary, omitted };
}

export function renderChart(
  block: ChartBlock,
  figures: ResultFigures,
  asOf: string,
  inline: (text: string) => string
): string {
  const caption = block.caption ? `<figcaption>${inline(block.caption)}</figcaption>` : '';
  const note = block.note ? `<p class="report-note">${inline(block.note)}</p>` : '';
  if (figures.skipped || figures.rowCount === 0) {
    return `<figure class="report-chart report-empty">${caption}<p class="report-empty-message">${inline(block.empty ?? 'No rows for this as-of date.')}</p>${note}</figure>`;
  }
  const drawn =
    block.chart !== null
      ? drawNamed(block, figures, asOf)
      : block.mark === 'line'
        ? drawLines(block, figures, asOf)
        : drawBars(block, figures, asOf);
  const omitted = drawn.omitted.length
    ? `<p class="report-note report-omitted">Not drawn, because a figure is too small to publish (shown as * in the tables): ${escapeHtml(listNames(drawn.omitted, drawn.omitted.length))}.</p>`
    : '';
  return (
    `<figure class="report-chart">${caption}<div class="report-chart-svg">${drawn.svg}</div>` +
    `<p class="report-summary">${escapeHtml(drawn.summary)}</p>${omitted}${note}</figure>`
  );
}
