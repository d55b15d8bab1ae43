/**
 * Setup timeline: one row per service from approached to live, in months since the programme launched, with the
 * planned go-live as a tick. Services not yet live are open (outlined) bars running to the as-of date; the part of
 * a bar past its planned date is hatched and the bar is labelled "… months late", so slippage reads without colour.
 *
 * Rows: `setup_duration` (or any SetupDurationRow) at one as-of date; rows for other dates are ignored.
 */
import * as Plot from '@observablehq/plot';
import type { SetupDurationRow } from './rows.ts';
import { setupPaths, type SetupPath } from './setup-path.ts';
import {
  chartWidth,
  FONT_SIZE,
  marginForEndLabels,
  emptyChart,
  renderSvg,
  type Chart,
  type ChartOptions
} from './render.ts';
import { formatCount, formatDate, formatMonths, listNames, plural } from '../format/format.ts';
import { hatchPatternMark, keyMark, type KeyItem } from './key.ts';
import { NHS_BLACK, NHS_BLUE, NHS_ORANGE } from './palette.ts';
import { MANY_UNITS, maxOf, minOf } from './many-units.ts';
import { setupDurationBins, setupDurations } from './setup-distribution.ts';
import { rowLabels, rowsFrame } from './labelled-rows.ts';
import { asOfLine } from './as-of-line.ts';

export const SETUP_TIMELINE_DEFAULTS = {
  /** The widest a chart may be and still print on A4: this chart has labels at both ends, so it takes all of it. */
  width: 680,
  rowHeight: 30,
  /** Service names wider than this wrap onto a second line. */
  maxLabelWidth: 180,
  marginBottom: 44,
  /** Room under the key for the "as of" label above the plot. */
  asOfLabelHeight: 22,
  tickMonths: 6,
  lateColour: NHS_ORANGE
};

/** Class names on the marks, so tests and page scripts can find bars without relying on colour. */
export const SETUP_TIMELINE_CLASSES = {
  live: 'uptake-bar-live',
  open: 'uptake-bar-open',
  late: 'uptake-bar-late',
  planned: 'uptake-planned',
  label: 'uptake-status-label'
} as const;

function statusLabel(path: SetupPath): string {
  const late = path.monthsLate == null ? '' : `, ${formatMonths(path.monthsLate)} late`;
  if (path.status === 'live') return `live${late}`;
  if (path.status === 'in setup') return `not live${late}`;
  return 'not approached';
}

function byApproach(a: SetupPath, b: SetupPath): number {
  const am = a.approachedMonth ?? a.liveMonth ?? Infinity;
  const bm = b.approachedMonth ?? b.liveMonth ?? Infinity;
  return am - bm || a.serviceName.localeCompare(b.serviceName, 'en');
}

interface Bar extends SetupPath {
  start: number;
  end: number;
  label: string;
  /** Where the status label starts: past the bar and past a planned tick beyond it, so neither covers the text. */
  labelAt: number;
}

export function setupTimeline(rows: readonly SetupDurationRow[], options: ChartOptions): Chart {
  const d = SETUP_TIMELINE_DEFAULTS;
  const css = SETUP_TIMELINE_CLASSES;
  const width = chartWidth(options.width ?? d.width);
  const setup = setupPaths(rows, options.asOf);
  if (!setup) {
    const summary = `No services loaded for ${formatDate(options.asOf)}.`;
    return emptyChart(summary, width);
  }
  // One bar per service stops being readable past MANY_UNITS: show the distribution of setup durations instead
  // (the dashboard's Setup timeline page adds go-lives per quarter beside it).
  if (setup.paths.length > MANY_UNITS) return setupDurations(setupDurationBins(rows, options.asOf), options);
  const ids = `${options.idPrefix ?? 'uptake-setup-timeline'}`;
  const hatchId = `${ids}-late`;
  const paths = [...setup.paths].sort(byApproach);
  const bars: Bar[] = paths.map((p) => {
    const end = p.endMonth ?? p.approachedMonth ?? 0;
    return {
      ...p,
      start: p.approachedMonth ?? end,
      end,
      label: statusLabel(p),
      labelAt: Math.max(end, p.plannedMonth ?? -Infinity)
    };
  });
  const drawn = bars.filter((b) => b.status !== 'not approached');
  const late = drawn.filter((b) => b.monthsLate != null);

  const months = bars.flatMap((b) => [b.start, b.end, b.plannedMonth ?? 0]);
  const xMin = Math.floor(minOf(months, 0) / d.tickMonths) * d.tickMonths;
  const xMax = Math.ceil(maxOf(months, setup.asOfMonth) / d.tickMonths) * d.tickMonths || d.tickMonths;
  const ticks: number[] = [];
  for (let m = xMin; m <= xMax; m += d.tickMonths) ticks.push(m);

  const names = rowLabels(
    bars.map((b) => [b.serviceId, b.serviceName]),
    d.maxLabelWidth
  );
  const rowHeight = Math.max(d.rowHeight, Math.ceil(names.maxLines * FONT_SIZE * 1.2 + 8));

  // Status labels sit right of each bar (and of a planned tick beyond it); the right margin grows to fit them.
  const marginRight = marginForEndLabels(
    bars.map((b) => ({ x: b.labelAt, label: b.label })),
    [xMin, xMax],
    width,
    names.marginLeft
  );

  const keyItems: KeyItem[] = [
    { label: 'live', swatch: { kind: 'filled', fill: NHS_BLUE } },
    { label: 'not yet live (to the as-of date)', swatch: { kind: 'open', stroke: NHS_BLUE } },
    { label: 'planned go-live', swatch: { kind: 'tick', stroke: NHS_BLACK } },
    { label: 'later than planned', swatch: { kind: 'hatched', patternId: hatchId, stroke: NHS_BLUE } }
  ];
  const summary = timelineSummary(setup.launchedOn, setup.asOf, paths);
  const svg = renderSvg(
    {
      ...rowsFrame({
        width,
        keyItems,
        headerHeight: d.asOfLabelHeight,
        rows: bars.length,
        rowHeight,
        marginBottom: d.marginBottom,
        marginLeft: names.marginLeft,
        marginRight
      }),
      x: {
        domain: [xMin, xMax],
        ticks,
        tickFormat: (v: number) => formatCount(v),
        grid: true,
        label: `Months since programme launch (${formatDate(setup.launchedOn)})`,
        labelAnchor: 'center',
        labelArrow: 'none'
      },
      y: names.axis(0.3),
      marks: [
        hatchPatternMark(hatchId, d.lateColour),
        keyMark(keyItems, width),
        Plot.barX(
          drawn.filter((b) => b.status === 'live'),
          { x1: 'start', x2: 'end', y: 'serviceId', fill: NHS_BLUE, className: css.live, title: 'label' }
        ),
        Plot.barX(
          drawn.filter((b) => b.status === 'in setup'),
          {
            x1: 'start',
            x2: 'end',
            y: 'serviceId',
            fill: 'white',
            stroke: NHS_BLUE,
            strokeWidth: 2,
            inset: 1,
            className: css.open,
            title: 'label'
          }
        ),
        // The late stretch (from the later of approach and plan, to go-live or the as-of date), drawn over the bar.
        Plot.barX(late, {
          x1: (b: Bar) => Math.max(b.start, b.plannedMonth!),
          x2: 'end',
          y: 'serviceId',
          fill: `url(#${hatchId})`,
          stroke: NHS_BLUE,
          strokeWidth: (b: Bar) => (b.status === 'live' ? 1 : 2),
          inset: 1,
          className: css.late,
          title: 'label'
        }),
        Plot.tickX(
          bars.filter((b) => b.plannedMonth != null),
          { x: 'plannedMonth', y: 'serviceId', stroke: NHS_BLACK, strokeWidth: 3, className: css.planned }
        ),
        ...asOfLine(setup.asOfMonth, setup.asOf),
        Plot.text(bars, {
          x: 'labelAt',
          y: 'serviceId',
          text: 'label',
          textAnchor: 'start',
          dx: 6,
          fill: NHS_BLACK,
          className: css.label
        })
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function timelineSummary(launchedOn: string, asOf: string, paths: SetupPath[]): string {
  const count = (status: SetupPath['status']) => paths.filter((p) => p.status === status).length;
  const parts = [
    `Timeline of set-up by service in months since programme launch (${formatDate(launchedOn)}), to ${formatDate(asOf)}`,
    [
      `${count('live')} of ${plural(paths.length, 'service')} live`,
      `${count('in setup')} in set-up`,
      `${count('not approached')} not approached`
    ]
      .filter((part, i) => i === 0 || !part.startsWith('0 '))
      .join(', ')
  ];
  const live = paths.filter((p) => p.status === 'live' && p.monthsInSetup != null);
  if (live.length > 0) {
    const bySetup = [...live].sort(
      (a, b) => b.monthsInSetup! - a.monthsInSetup! || a.serviceName.localeCompare(b.serviceName, 'en')
    );
    const longest = bySetup[0];
    const shortest = bySetup[bySetup.length - 1];
    parts.push(
      live.length === 1
        ? `${longest.serviceName} took ${formatMonths(longest.monthsInSetup!)} from approach to live`
        : `longest from approach to live ${longest.serviceName} (${formatMonths(longest.monthsInSetup!)}), shortest ${shortest.serviceName} (${formatMonths(shortest.monthsInSetup!)})`
    );
  }
  const mostLate = (list: SetupPath[]) =>
    [...list].sort((a, b) => b.monthsLate! - a.monthsLate! || a.serviceName.localeCompare(b.serviceName, 'en'))[0];
  const liveLate = paths.filter((p) => p.status === 'live' && p.monthsLate != null);
  if (liveLate.length > 0) {
    const latest = mostLate(liveLate);
    parts.push(
      `${liveLate.length} went live later than planned, the latest ${latest.serviceName} (${formatMonths(latest.monthsLate!)} late)`
    );
  } else if (count('live') > 0) {
    parts.push('none went live later than planned');
  }
  const overdue = paths.filter((p) => p.status === 'in setup' && p.monthsLate != null);
  if (overdue.length > 0) {
    const worst = mostLate(overdue);
    parts.push(
      `${overdue.length} not live past their planned date, the furthest behind ${worst.serviceName} (${formatMonths(worst.monthsLate!)} late)`
    );
  }
  const inSetup = paths
    .filter((p) => p.status === 'in setup')
    .sort((a, b) => b.monthsInSetup! - a.monthsInSetup! || a.serviceName.localeCompare(b.serviceName, 'en'));
  if (inSetup.length > 0)
    parts.push(`longest in set-up ${inSetup[0].serviceName} (${formatMonths(inSetup[0].monthsInSetup!)})`);
  const notApproached = paths
    .filter((p) => p.status === 'not approached')
    .map((p) => p.serviceName)
    .sort((a, b) => a.localeCompare(b, 'en'));
  if (notApproached.length > 0) parts.push(`not approached: ${listNames(notApproached)}`);
  return `${parts.join('; ')}.`;
}
