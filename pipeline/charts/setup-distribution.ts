/**
 * The setup timeline for many units, in two charts that stay the same size whatever the number of units:
 *  - `goLivesByPeriod`: services that went live in each quarter (or month, for a programme under two years old),
 *    bars, against the number planned to go live in that period, ticks;
 *  - `setupDurations`: a histogram of months from approach to live for live services, with services still in setup
 *    (months so far) stacked as open bars.
 *
 * Each takes its aggregated rows (one per period or bin), made by `goLivePeriods` / `setupDurationBins` from
 * `setup_duration` rows, so the chart, its data table and its CSV are the same few rows.
 */
import * as Plot from '@observablehq/plot';
import type { Count, SetupDurationRow } from './rows.ts';
import { toCount } from './rows.ts';
import { setupPaths } from './setup-path.ts';
import { toIsoDate, type DateLike } from '../format/dates.ts';
import { chartWidth, estimateTextWidth, emptyChart, renderSvg, type Chart, type ChartOptions } from './render.ts';
import { formatCount, formatDate, plural } from '../format/format.ts';
import { keyMark, layoutKey, type KeyItem } from './key.ts';
import { NHS_BLACK, NHS_BLUE } from './palette.ts';
import { maxOf } from './many-units.ts';
import { countColumns } from './count-columns.ts';

export const SETUP_DISTRIBUTION_DEFAULTS = {
  height: 300,
  marginLeft: 52,
  marginRight: 16,
  marginBottom: 48,
  /** Programmes whose go-lives span more months than this are counted by quarter, otherwise by month. */
  monthlyUpTo: 24,
  /** Width of a setup-duration bin, months. */
  binMonths: 3,
  /** Durations past this many bins are counted in the last bin ("24 months or more"). */
  maxBins: 12
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go-lives in one period: `period` is its label ("Q1 2016", "Jan 2016"), `period_start` its first day. */
export interface GoLivePeriodRow {
  period_start: DateLike;
  period: string;
  went_live: Count;
  planned_live: Count;
  live_by_end: Count;
}

export interface SetupDurationBinRow {
  /** "0–3 months", …, "24 months or more". */
  bin: string;
  from_months: number;
  /** Null for the open last bin. */
  to_months: number | null;
  live: Count;
  in_setup: Count;
}

function periodOf(iso: string, byMonth: boolean): { start: string; label: string } {
  const [year, month] = [Number(iso.slice(0, 4)), Number(iso.slice(5, 7))];
  if (byMonth) return { start: `${iso.slice(0, 7)}-01`, label: `${MONTHS[month - 1]} ${year}` };
  const quarter = Math.floor((month - 1) / 3);
  return { start: `${year}-${String(quarter * 3 + 1).padStart(2, '0')}-01`, label: `Q${quarter + 1} ${year}` };
}

/**
 * Go-lives per period and months from approach to live are calendar facts: neither needs the programme's launch, which
 * setupPaths measures its months-since-launch from. A source without a programme file (a national practice export)
 * has no launch date, so the as-of date stands in as the anchor; no month-since-launch figure is read from the result.
 */
function anchored(rows: readonly SetupDurationRow[], asOf: DateLike): readonly SetupDurationRow[] {
  return rows.map((row) => (row.launched_on == null ? { ...row, launched_on: asOf } : row));
}

/**
 * Go-lives and planned go-lives per period up to the as-of date, every period from the first to the as-of date
 * listed (zeros included), with the running count of services live.
 */
export function goLivePeriods(rows: readonly SetupDurationRow[], asOf: DateLike): GoLivePeriodRow[] {
  const setup = setupPaths(anchored(rows, asOf), asOf);
  if (!setup) return [];
  const live = setup.paths.filter((p) => p.liveOn != null).map((p) => p.liveOn!);
  const atAsOf = rows.filter((r) => r.as_of == null || toIsoDate(r.as_of) === setup.asOf);
  const planned = atAsOf
    .map((r) => (r.planned_live_on == null ? null : toIsoDate(r.planned_live_on)))
    .filter((p): p is string => p != null && p <= setup.asOf);
  const all = [...live, ...planned].sort();
  if (all.length === 0) return [];
  const span = (Date.parse(setup.asOf) - Date.parse(all[0])) / (30.4375 * 86_400_000);
  const byMonth = span <= SETUP_DISTRIBUTION_DEFAULTS.monthlyUpTo;
  const periods = new Map<string, { label: string; went: number; planned: number }>();
  // Every period from the first event to the as-of date, so quiet periods show as zero, not as gaps.
  for (let cursor = periodOf(all[0], byMonth).start; cursor <= setup.asOf;) {
    const p = periodOf(cursor, byMonth);
    periods.set(p.start, { label: p.label, went: 0, planned: 0 });
    const d = new Date(`${p.start}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + (byMonth ? 1 : 3));
    cursor = d.toISOString().slice(0, 10);
  }
  for (const date of live) periods.get(periodOf(date, byMonth).start)!.went++;
  for (const date of planned) periods.get(periodOf(date, byMonth).start)!.planned++;
  let running = 0;
  return [...periods.entries()].map(([start, p]) => ({
    period_start: start,
    period: p.label,
    went_live: p.went,
    planned_live: p.planned,
    live_by_end: (running += p.went)
  }));
}

export function binLabel(from: number, to: number | null): string {
  return to == null ? `${from} months or more` : `${from}–${to} months`;
}

/** Live services by months from approach to live, and services in setup by months so far, in fixed-width bins. */
export function setupDurationBins(rows: readonly SetupDurationRow[], asOf: DateLike): SetupDurationBinRow[] {
  const { binMonths, maxBins } = SETUP_DISTRIBUTION_DEFAULTS;
  const setup = setupPaths(anchored(rows, asOf), asOf);
  if (!setup) return [];
  const bins: SetupDurationBinRow[] = Array.from({ length: maxBins }, (_, i) => {
    const from = i * binMonths;
    const to = i === maxBins - 1 ? null : from + binMonths;
    return { bin: binLabel(from, to), from_months: from, to_months: to, live: 0, in_setup: 0 };
  });
  for (const p of setup.paths) {
    if (p.monthsInSetup == null) continue;
    const bin = bins[Math.min(maxBins - 1, Math.max(0, Math.floor(p.monthsInSetup / binMonths)))];
    if (p.status === 'live') bin.live = (bin.live as number) + 1;
    else bin.in_setup = (bin.in_setup as number) + 1;
  }
  return bins;
}

interface PeriodPoint {
  period: string;
  wentLive: number;
  planned: number;
  liveByEnd: number;
}

export function goLivesByPeriod(rows: readonly GoLivePeriodRow[], options: ChartOptions): Chart {
  const d = SETUP_DISTRIBUTION_DEFAULTS;
  const width = chartWidth(options.width);
  const points: PeriodPoint[] = rows.map((r) => ({
    period: r.period,
    wentLive: toCount(r.went_live) ?? 0,
    planned: toCount(r.planned_live) ?? 0,
    liveByEnd: toCount(r.live_by_end) ?? 0
  }));
  if (points.length === 0) {
    const summary = `No service had gone live or was planned to by ${formatDate(options.asOf)}.`;
    return emptyChart(summary, width);
  }
  const keyItems: KeyItem[] = [
    { label: 'Went live', swatch: { kind: 'filled', fill: NHS_BLUE } },
    { label: 'Planned to go live', swatch: { kind: 'tick', stroke: NHS_BLACK } }
  ];
  const yMax = maxOf(
    points.flatMap((p) => [p.wentLive, p.planned]),
    1
  );
  // As many period labels as fit side by side under the bars (with a gap); the others stay as unlabelled ticks.
  const labelWidth =
    maxOf(
      points.map((p) => estimateTextWidth(p.period)),
      1
    ) + 14;
  const fit = Math.max(1, Math.floor((width - d.marginLeft - d.marginRight) / labelWidth));
  const every = Math.ceil(points.length / fit);
  const shownLabels = new Set(points.filter((_, i) => i % every === 0).map((p) => p.period));
  const summary = goLiveSummary(points, toIsoDate(options.asOf));
  const svg = renderSvg(
    servicesColumns(width, keyItems, {
      x: {
        domain: points.map((p) => p.period),
        label: null,
        padding: 0.2,
        tickFormat: (v: string) => (shownLabels.has(v) ? v : '')
      },
      countMax: yMax,
      marks: [
        Plot.barY(points, {
          x: 'period',
          y: 'wentLive',
          fill: NHS_BLUE,
          title: (p: PeriodPoint) => `${p.period}: ${p.wentLive} went live, ${p.planned} planned`,
          className: 'uptake-go-lives'
        }),
        Plot.tickY(points, { x: 'period', y: 'planned', stroke: NHS_BLACK, strokeWidth: 2 })
      ]
    }),
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function goLiveSummary(points: PeriodPoint[], asOf: string): string {
  const went = points.reduce((n, p) => n + p.wentLive, 0);
  const planned = points.reduce((n, p) => n + p.planned, 0);
  const busiest = [...points].sort((a, b) => b.wentLive - a.wentLive)[0];
  const parts = [
    `Bar chart of services going live by ${points[0].period.startsWith('Q') ? 'quarter' : 'month'}, ${points[0].period} to ${points[points.length - 1].period}`,
    `${formatCount(went)} went live and ${formatCount(planned)} were planned to by ${formatDate(asOf)}`
  ];
  if (busiest.wentLive > 0) parts.push(`most in ${busiest.period} (${formatCount(busiest.wentLive)})`);
  const recent = points.slice(-4);
  parts.push(
    `${formatCount(recent.reduce((n, p) => n + p.wentLive, 0))} in the last ${plural(recent.length, points[0].period.startsWith('Q') ? 'quarter' : 'month')}`
  );
  return `${parts.join('; ')}.`;
}

/** Both charts: services counted up the y axis, the key above the plot and room under it for the axis' title. */
function servicesColumns(
  width: number,
  keyItems: readonly KeyItem[],
  chart: { x: Plot.ScaleOptions; countMax: number; marks: Plot.Markish[] }
): Plot.PlotOptions {
  const d = SETUP_DISTRIBUTION_DEFAULTS;
  return countColumns({
    width,
    plotHeight: d.height,
    marginTop: layoutKey(keyItems, width).height + 24,
    marginLeft: d.marginLeft,
    marginRight: d.marginRight,
    marginBottom: d.marginBottom,
    x: chart.x,
    countMax: chart.countMax,
    countTitle: 'Services',
    marks: [keyMark(keyItems, width), ...chart.marks]
  });
}

interface BinPoint {
  bin: string;
  status: 'live' | 'in setup';
  services: number;
}

export function setupDurations(rows: readonly SetupDurationBinRow[], options: ChartOptions): Chart {
  const width = chartWidth(options.width);
  const points: BinPoint[] = rows.flatMap((r) => [
    { bin: r.bin, status: 'live' as const, services: toCount(r.live) ?? 0 },
    { bin: r.bin, status: 'in setup' as const, services: toCount(r.in_setup) ?? 0 }
  ]);
  const total = points.reduce((n, p) => n + p.services, 0);
  if (total === 0) {
    const summary = `No service had been approached by ${formatDate(options.asOf)}.`;
    return emptyChart(summary, width);
  }
  const keyItems: KeyItem[] = [
    { label: 'Live: months from approach to live', swatch: { kind: 'filled', fill: NHS_BLUE } },
    { label: 'In setup: months so far', swatch: { kind: 'open', stroke: NHS_BLUE } }
  ];
  const stacked = rows.map((r) => (toCount(r.live) ?? 0) + (toCount(r.in_setup) ?? 0));
  const summary = durationSummary(rows, toIsoDate(options.asOf));
  const svg = renderSvg(
    servicesColumns(width, keyItems, {
      x: {
        domain: rows.map((r) => r.bin),
        label: 'Months from approach',
        labelAnchor: 'center',
        labelArrow: 'none',
        padding: 0.1,
        tickFormat: (v: string) => v.replace(' months or more', '+').replace(' months', '')
      },
      countMax: maxOf(stacked, 1),
      marks: [
        Plot.barY(
          points,
          Plot.stackY({
            x: 'bin',
            y: 'services',
            order: ['live', 'in setup'],
            z: 'status',
            fill: (p: BinPoint) => (p.status === 'live' ? NHS_BLUE : 'white'),
            stroke: NHS_BLUE,
            strokeWidth: 1.5,
            title: (p: BinPoint) => `${p.bin}: ${formatCount(p.services)} ${p.status}`,
            className: 'uptake-setup-duration'
          })
        )
      ]
    }),
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function durationSummary(rows: readonly SetupDurationBinRow[], asOf: string): string {
  const live = rows.reduce((n, r) => n + (toCount(r.live) ?? 0), 0);
  const inSetup = rows.reduce((n, r) => n + (toCount(r.in_setup) ?? 0), 0);
  const parts = [
    `Histogram of months from approach to live, in ${SETUP_DISTRIBUTION_DEFAULTS.binMonths}-month bins, ${formatDate(asOf)}`
  ];
  if (live > 0) {
    const most = [...rows].sort((a, b) => (toCount(b.live) ?? 0) - (toCount(a.live) ?? 0))[0];
    // The bin holding the middle live service: the median duration to within a bin.
    let seen = 0;
    const middle = rows.find((r) => (seen += toCount(r.live) ?? 0) >= live / 2)!;
    parts.push(
      `${formatCount(live)} live services, most often ${most.bin} (${formatCount(toCount(most.live) ?? 0)}), median in ${middle.bin}`
    );
  } else parts.push('no service live yet');
  if (inSetup > 0) {
    const longest = [...rows].reverse().find((r) => (toCount(r.in_setup) ?? 0) > 0)!;
    parts.push(`${formatCount(inSetup)} still in setup, the longest ${longest.bin} so far`);
  }
  return `${parts.join('; ')}.`;
}
