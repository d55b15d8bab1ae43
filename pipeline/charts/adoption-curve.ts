/**
 * Cumulative adoption curve: services live against months since the programme launched (a Kaplan–Meier style step,
 * docs/domain/evaluation-metrics.md "Adoption"), each go-live a dot with the service's name beside it.
 *
 * Rows: `setup_duration` (or any SetupDurationRow) at one as-of date; rows for other dates are ignored.
 */
import * as Plot from '@observablehq/plot';
import type { SetupDurationRow } from './rows.ts';
import { setupPaths, type SetupPath } from './setup-path.ts';
import { chartWidth, estimateTextWidth, emptyChart, renderSvg, type Chart, type ChartOptions } from './render.ts';
import { formatCount, formatDate, formatMonths, listNames, plural } from '../format/format.ts';
import { NHS_BLUE, NHS_DARK_GREY, NHS_MID_GREY } from './palette.ts';
import { MANY_UNITS, maxOf, minOf } from './many-units.ts';
import { asOfLabel, asOfLine } from './as-of-line.ts';

export const ADOPTION_CURVE_DEFAULTS = {
  height: 360,
  marginTop: 36,
  marginRight: 24,
  marginBottom: 44,
  marginLeft: 48,
  /** Above this many live services the names would overlap: only the first and the most recent are labelled. */
  labelLimit: 20,
  /** Axis ticks every six months (half-years read naturally for a 36-month programme). */
  tickMonths: 6
};

interface GoLive {
  month: number;
  count: number;
  name: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function byGoLive(a: SetupPath, b: SetupPath): number {
  return a.liveMonth! - b.liveMonth! || a.serviceName.localeCompare(b.serviceName, 'en');
}

export function adoptionCurve(rows: readonly SetupDurationRow[], options: ChartOptions): Chart {
  const d = ADOPTION_CURVE_DEFAULTS;
  const width = chartWidth(options.width);
  const setup = setupPaths(rows, options.asOf);
  if (!setup) {
    const summary = `No services loaded for ${formatDate(options.asOf)}.`;
    return emptyChart(summary, width);
  }
  const total = setup.paths.length;
  const live = setup.paths.filter((p) => p.status === 'live').sort(byGoLive);
  const goLives: GoLive[] = live.map((p, i) => ({ month: p.liveMonth!, count: i + 1, name: p.serviceName }));
  // With many services, a dot and a name per go-live would be thousands of marks nobody can read: the curve alone
  // carries the shape, its steps merged to one per tenth of a month (about three days), and only the first and most
  // recent go-lives are named.
  const many = total > MANY_UNITS;
  const stepPoints = many ? mergeSteps(goLives) : goLives;
  const dots = many ? [] : goLives;

  const xMin = minOf(
    goLives.map((g) => g.month),
    0
  );
  const xMax =
    Math.ceil(
      maxOf(
        goLives.map((g) => g.month),
        setup.asOfMonth
      ) / d.tickMonths
    ) * d.tickMonths || d.tickMonths;
  const ticks: number[] = [];
  for (let m = Math.ceil(xMin / d.tickMonths) * d.tickMonths; m <= xMax; m += d.tickMonths) ticks.push(m);
  const step = [{ month: xMin, count: 0 }, ...stepPoints, { month: setup.asOfMonth, count: goLives.length }];

  // Labels sit left of their dot: at that height the step line has not arrived yet, so the text is clear of it.
  // When there is no room on the left (early go-lives) they go right and just below the line, where the step
  // line has already left (the next riser is above it).
  const plotLeft = d.marginLeft;
  const plotWidth = width - d.marginLeft - d.marginRight;
  const pixel = (month: number) => plotLeft + ((month - xMin) / (xMax - xMin)) * plotWidth;
  const labelled = goLives.length <= d.labelLimit ? goLives : [goLives[0], goLives[goLives.length - 1]];
  const fitsLeft = (g: GoLive) => pixel(g.month) - 8 - estimateTextWidth(g.name) >= plotLeft + 4;
  const leftLabels = labelled.filter(fitsLeft);
  const rightLabels = labelled.filter((g) => !fitsLeft(g));

  const summary = adoptionSummary(setup.launchedOn, setup.asOf, setup.asOfMonth, setup.paths, live);
  const svg = renderSvg(
    {
      width,
      height: d.height,
      marginTop: d.marginTop,
      marginRight: d.marginRight,
      marginBottom: d.marginBottom,
      marginLeft: d.marginLeft,
      x: {
        domain: [xMin, xMax],
        ticks,
        tickFormat: (v: number) => formatCount(v),
        label: `Months since programme launch (${formatDate(setup.launchedOn)})`,
        labelAnchor: 'center',
        labelArrow: 'none'
      },
      y: {
        domain: [0, total],
        ticks: Math.min(total, 10),
        tickFormat: (v: number) => (Number.isInteger(v) ? String(v) : ''),
        grid: true,
        label: 'Services live',
        labelArrow: 'none'
      },
      marks: [
        Plot.ruleY([0], { stroke: NHS_DARK_GREY }),
        Plot.ruleY([total], { stroke: NHS_MID_GREY, strokeDasharray: '4,3' }),
        Plot.text([`${plural(total, 'service')} in the programme`], {
          x: xMin,
          y: total,
          dx: 4,
          dy: -8,
          textAnchor: 'start',
          fill: NHS_DARK_GREY
        }),
        ...asOfLine(
          setup.asOfMonth,
          setup.asOf,
          // At the right edge a centred label would be cut off: end it at the line instead.
          pixel(setup.asOfMonth) + estimateTextWidth(asOfLabel(setup.asOf)) / 2 > width ? 'end' : 'middle'
        ),
        Plot.line(step, {
          x: 'month',
          y: 'count',
          curve: 'step-after',
          stroke: NHS_BLUE,
          strokeWidth: 2.5,
          className: 'uptake-adoption-step'
        }),
        Plot.dot(dots, {
          x: 'month',
          y: 'count',
          r: 4.5,
          fill: NHS_BLUE,
          stroke: 'white',
          title: (g: GoLive) => `${g.name}: live ${formatMonths(g.month)} after launch`,
          className: 'uptake-go-live'
        }),
        Plot.dot(many ? labelled : [], { x: 'month', y: 'count', r: 4.5, fill: NHS_BLUE, stroke: 'white' }),
        Plot.text(leftLabels, {
          x: 'month',
          y: 'count',
          text: 'name',
          textAnchor: 'end',
          dx: -8,
          className: 'uptake-go-live-label'
        }),
        Plot.text(rightLabels, {
          x: 'month',
          y: 'count',
          text: 'name',
          textAnchor: 'start',
          lineAnchor: 'top',
          dx: 7,
          dy: 5,
          className: 'uptake-go-live-label'
        })
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

/** The last go-live in each tenth of a month: the step's height there, with one vertex instead of many. */
function mergeSteps(goLives: GoLive[]): GoLive[] {
  const merged = new Map<number, GoLive>();
  for (const g of goLives) merged.set(Math.round(g.month * 10), g);
  return [...merged.values()];
}

function adoptionSummary(
  launchedOn: string,
  asOf: string,
  asOfMonth: number,
  paths: SetupPath[],
  live: SetupPath[]
): string {
  const total = paths.length;
  const head = `Step chart of services live by months since programme launch, ${formatDate(launchedOn)} to ${formatDate(asOf)}`;
  if (live.length === 0) return `${head}; none of the ${plural(total, 'service')} is live yet.`;
  const first = live[0];
  const latest = live[live.length - 1];
  const parts = [head, `${live.length} of ${plural(total, 'service')} live`];
  parts.push(
    live.length === 1
      ? `${first.serviceName} went live at ${formatMonths(first.liveMonth!)}`
      : `first live ${first.serviceName} at ${formatMonths(first.liveMonth!)}, most recent ${latest.serviceName} at ${formatMonths(latest.liveMonth!)}`
  );
  parts.push(`median ${formatMonths(median(live.map((p) => p.liveMonth!)))} from launch to live`);
  // The "trend": how many of the go-lives are recent, i.e. whether adoption is still moving.
  const lastYear = live.filter((p) => p.liveMonth! > asOfMonth - 12).length;
  parts.push(`${lastYear} went live in the 12 months to ${formatDate(asOf)}`);
  const notLive = paths
    .filter((p) => p.status !== 'live')
    .map((p) => p.serviceName)
    .sort((a, b) => a.localeCompare(b, 'en'));
  if (notLive.length > 0)
    parts.push(
      total > MANY_UNITS ? `${formatCount(notLive.length)} not yet live` : `not yet live: ${listNames(notLive)}`
    );
  return `${parts.join('; ')}.`;
}
