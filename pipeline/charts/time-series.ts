/**
 * What the line charts over as-of dates share (the registration trend, its percentile bands and the function trend):
 * a UTC time axis, a value axis from zero with a nice top, and direct labels at each line's end, moved apart so the
 * labels of close lines do not overlap and given the right margin they need.
 */
import * as Plot from '@observablehq/plot';
import { estimateTextWidth } from './render.ts';
import { dodge } from './dodge.ts';
import { maxOf } from './many-units.ts';
import { NHS_BLACK } from './palette.ts';
import type { DateLike } from '../format/dates.ts';
import { formatDate, formatMonthYear } from '../format/format.ts';

/** The fixed parts of a time-series chart's frame (each chart's `…_DEFAULTS`). */
export interface TimeSeriesLayout {
  height: number;
  marginTop: number;
  marginBottom: number;
  marginLeft: number;
}

const HALF_MONTH_MS = 15 * 86_400_000;

/**
 * The x domain: first to last as-of date. A single date gets a month centred on it, so its points are not drawn on
 * the frame's edge.
 */
export function dateDomain(first: Date, last: Date): [Date, Date] {
  return first.getTime() === last.getTime()
    ? [new Date(first.getTime() - HALF_MONTH_MS), new Date(first.getTime() + HALF_MONTH_MS)]
    : [first, last];
}

/**
 * The top of the value axis: the data's maximum rounded up as Plot's `nice` would. It is fixed here rather than left
 * to Plot so end labels can be moved apart in pixels and mapped back to data.
 */
export function niceTop(rawMax: number): number {
  return (Plot.scale({ y: { domain: [0, rawMax], nice: true } }).domain as number[])[1];
}

/** A line's end: where it ends and its label there, as the lines it wraps to. */
export interface LineEnd {
  date: Date;
  value: number;
  lines: string[];
}

/**
 * Direct labels at the lines' ends, written 8 px right of each end: labels of close lines are moved apart in pixels
 * within the plot (allowed `overhang` px beyond it) and mapped back to the y scale. Returns the mark and the right
 * margin that fits the widest label.
 */
export function lineEndLabels(
  ends: readonly LineEnd[],
  yMax: number,
  layout: TimeSeriesLayout & { lineHeight: number },
  overhang: number,
  className?: string
): { marginRight: number; mark: Plot.Markish } {
  const top = layout.marginTop;
  const bottom = layout.height - layout.marginBottom;
  const toPixel = (y: number) => bottom - (y / yMax) * (bottom - top);
  const centres = dodge(
    ends.map((end) => toPixel(end.value)),
    ends.map((end) => end.lines.length * layout.lineHeight),
    top - overhang,
    bottom + overhang
  );
  const labels = ends.map((end, i) => ({
    date: end.date,
    y: ((bottom - centres[i]) / (bottom - top)) * yMax,
    text: end.lines.join('\n')
  }));
  return {
    marginRight: maxOf(
      ends.flatMap((end) => end.lines.map((line) => estimateTextWidth(line) + 12)),
      16
    ),
    mark: Plot.text(labels, {
      x: 'date',
      y: 'y',
      text: 'text',
      textAnchor: 'start',
      dx: 8,
      fill: NHS_BLACK,
      ...(className ? { className } : {})
    })
  };
}

/**
 * Plot options for the frame and both axes: time along x (ticks at real as-of dates, no axis title: the dates say
 * it), the measure up y from zero to `yMax`, with grid lines and its title written level with the top.
 */
export function timeSeriesFrame(frame: {
  layout: TimeSeriesLayout;
  width: number;
  marginRight: number;
  xDomain: [Date, Date];
  ticks: Date[];
  tickFormat: (date: Date) => string;
  yMax: number;
  yLabel: string;
  yTickFormat: (value: number) => string;
}): Plot.PlotOptions {
  const { layout } = frame;
  return {
    width: frame.width,
    height: layout.height,
    marginTop: layout.marginTop,
    marginRight: frame.marginRight,
    marginBottom: layout.marginBottom,
    marginLeft: layout.marginLeft,
    x: { type: 'utc', domain: frame.xDomain, ticks: frame.ticks, tickFormat: frame.tickFormat, label: null },
    y: {
      domain: [0, frame.yMax],
      grid: true,
      label: frame.yLabel,
      labelArrow: 'none',
      tickFormat: frame.yTickFormat
    }
  };
}

/** Tick labels for as-of dates: by month ("Feb 2017") when no two dates share a month, otherwise the full date. */
export function dateTickFormat(isoDates: readonly string[]): (date: DateLike) => string {
  const byMonth = new Set(isoDates.map((date) => date.slice(0, 7))).size === isoDates.length;
  return (date) => (byMonth ? formatMonthYear(date) : formatDate(date));
}
