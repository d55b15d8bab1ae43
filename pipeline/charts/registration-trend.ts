/**
 * Registration trend: patients registered per service across the as-of dates, one line per service, each named at
 * its end (direct labels, not a legend). Labels are nudged apart vertically so close lines stay readable.
 *
 * Rows: `uptake_funnel` across as-of dates; dates after the as-of date are left out.
 */
import * as Plot from '@observablehq/plot';
import { toCount, type UptakeFunnelRow } from './rows.ts';
import { toIsoDate, toUtcDate } from '../format/dates.ts';
import {
  chartWidth,
  countTickFormat,
  estimateTextWidth,
  emptyChart,
  LINE_HEIGHT,
  renderSvg,
  wrapText,
  type Chart,
  type ChartOptions
} from './render.ts';
import { formatChange, formatCount, formatDate, listNames } from '../format/format.ts';
import { categoricalColour, NHS_DARK_GREY, NHS_MID_GREY, outlineFor } from './palette.ts';
import { distinctCount, MANY_UNITS, maxOf, thinDates } from './many-units.ts';
import { registrationBands, trendBands } from './registration-bands.ts';
import { dateDomain, dateTickFormat, lineEndLabels, niceTop, timeSeriesFrame } from './time-series.ts';

// The tests reach the label dodging through the trend, where it was first written.
export { dodge } from './dodge.ts';

export const REGISTRATION_TREND_DEFAULTS = {
  height: 340,
  marginTop: 20,
  marginBottom: 40,
  marginLeft: 52,
  /**
   * Services beyond this many (by latest count) are drawn as thin grey lines without labels: 500 names cannot be read.
   */
  highlightLimit: 12,
  /** Widest an end label may be before it wraps. */
  maxLabelWidth: 190,
  lineHeight: LINE_HEIGHT
};

interface Point {
  serviceId: string;
  serviceName: string;
  date: Date;
  asOf: string;
  registered: number;
}

interface Series {
  serviceId: string;
  serviceName: string;
  points: Point[];
  first: Point;
  last: Point;
  colour: string;
  highlighted: boolean;
}

function pickTicks(dates: string[], max: number): string[] {
  if (dates.length <= max) return [...dates];
  const picked = new Set<string>();
  for (let i = 0; i < max; i++) picked.add(dates[Math.round((i * (dates.length - 1)) / (max - 1))]);
  return [...picked];
}

/**
 * With more than MANY_UNITS services the lines cannot be told apart: the chart becomes percentile bands
 * (registration-bands.ts). A long run of as-of dates is thinned to the last date of each month, quarter or year.
 */
export function registrationTrend(rows: readonly UptakeFunnelRow[], options: ChartOptions): Chart {
  if (distinctCount(rows, (r) => r.service_id) > MANY_UNITS)
    return registrationBands(trendBands(rows, options.asOf), options);
  const d = REGISTRATION_TREND_DEFAULTS;
  const width = chartWidth(options.width);
  const asOf = toIsoDate(options.asOf);
  const shown = new Set(thinDates(rows.map((r) => toIsoDate(r.as_of)).filter((date) => date <= asOf)).dates);
  const points: Point[] = [];
  // One Date per as-of date (36 dates × 500 services would otherwise parse 18,000 strings).
  const utcDates = new Map<string, Date>();
  for (const row of rows) {
    const date = toIsoDate(row.as_of);
    const registered = toCount(row.registered);
    if (date > asOf || registered == null || !shown.has(date)) continue;
    let utc = utcDates.get(date);
    if (!utc) utcDates.set(date, (utc = toUtcDate(date)));
    points.push({ serviceId: row.service_id, serviceName: row.service_name, date: utc, asOf: date, registered });
  }
  if (points.length === 0) {
    const summary = `No registrations reported up to ${formatDate(asOf)}.`;
    return emptyChart(summary, width);
  }
  // Plain comparison, not localeCompare: ISO dates and ids sort by code unit, and ICU collation is ~20× slower here.
  points.sort((a, b) =>
    a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : a.serviceId < b.serviceId ? -1 : a.serviceId > b.serviceId ? 1 : 0
  );
  const dates = [...new Set(points.map((p) => p.asOf))];

  const byService = new Map<string, Point[]>();
  for (const p of points) {
    const list = byService.get(p.serviceId);
    if (list) list.push(p);
    else byService.set(p.serviceId, [p]);
  }
  const series: Series[] = [...byService.values()]
    .map((pts) => ({
      serviceId: pts[0].serviceId,
      serviceName: pts[pts.length - 1].serviceName,
      points: pts,
      first: pts[0],
      last: pts[pts.length - 1]
    }))
    .sort((a, b) => b.last.registered - a.last.registered || a.serviceName.localeCompare(b.serviceName, 'en'))
    .map((s, i) => ({
      ...s,
      highlighted: i < d.highlightLimit,
      colour: i < d.highlightLimit ? categoricalColour(i) : NHS_MID_GREY
    }));
  const highlighted = series.filter((s) => s.highlighted);

  // The y scale is fixed here (not left to Plot) so end labels can be dodged in pixels and mapped back to data.
  const rawMax = maxOf(
    points.map((p) => p.registered),
    1
  );
  const yMax = niceTop(rawMax);
  // Services ending on the same date with the same count share one label: their lines overlap there anyway, and
  // five stacked "(0)" labels would push every other label away from its line.
  const labelGroups = new Map<string, Series[]>();
  for (const s of highlighted) {
    const key = `${s.last.asOf}|${s.last.registered}`;
    labelGroups.set(key, [...(labelGroups.get(key) ?? []), s]);
  }
  const labelled = [...labelGroups.values()];
  const labelLines = labelled.map((group) =>
    wrapText(
      `${listNames(
        group.map((s) => s.serviceName),
        4
      )} (${formatCount(group[0].last.registered)})`,
      d.maxLabelWidth
    )
  );
  const endLabels = lineEndLabels(
    labelled.map((group, i) => ({ date: group[0].last.date, value: group[0].last.registered, lines: labelLines[i] })),
    yMax,
    d,
    10,
    'uptake-trend-label'
  );
  const marginRight = endLabels.marginRight;

  const xDomain = dateDomain(toUtcDate(dates[0]), toUtcDate(dates[dates.length - 1]));
  const distinctMonths = new Set(dates.map((date) => date.slice(0, 7))).size === dates.length;
  const tickLabel = dateTickFormat(dates);
  // Ticks are real as-of dates. Snapshots can be days apart (31 Jan and 6 Feb), so drop any whose label would touch
  // its neighbour's, always keeping the latest.
  const [t0, t1] = [xDomain[0].getTime(), xDomain[1].getTime()];
  const tickPixel = (date: string) =>
    d.marginLeft + ((toUtcDate(date).getTime() - t0) / (t1 - t0)) * (width - d.marginLeft - marginRight);
  const kept: string[] = [];
  for (const date of [...pickTicks(dates, distinctMonths ? 6 : 4)].reverse()) {
    const previous = kept[kept.length - 1];
    const room = previous === undefined ? Infinity : tickPixel(previous) - tickPixel(date);
    if (
      previous === undefined ||
      room >= (estimateTextWidth(tickLabel(previous)) + estimateTextWidth(tickLabel(date))) / 2 + 10
    )
      kept.push(date);
  }
  const ticks = kept.reverse().map(toUtcDate);

  const lowContrast = highlighted.filter((s) => outlineFor(s.colour) !== 'none').flatMap((s) => s.points);
  const colourOf = new Map(series.map((s) => [s.serviceId, s.colour]));
  const summary = trendSummary(dates, series);
  const svg = renderSvg(
    {
      ...timeSeriesFrame({
        layout: d,
        width,
        marginRight,
        xDomain,
        ticks,
        tickFormat: tickLabel,
        yMax,
        yLabel: 'Patients registered',
        yTickFormat: countTickFormat
      }),
      color: { type: 'identity' },
      marks: [
        Plot.ruleY([0], { stroke: NHS_DARK_GREY }),
        Plot.line(
          series.filter((s) => !s.highlighted).flatMap((s) => s.points),
          { x: 'date', y: 'registered', z: 'serviceId', stroke: NHS_MID_GREY, strokeWidth: 1, strokeOpacity: 0.6 }
        ),
        // Light colours (orange, light blue, tints) are under 3:1 on white: a dark casing keeps their lines visible.
        Plot.line(lowContrast, { x: 'date', y: 'registered', z: 'serviceId', stroke: NHS_DARK_GREY, strokeWidth: 4.5 }),
        Plot.line(
          highlighted.flatMap((s) => s.points),
          {
            x: 'date',
            y: 'registered',
            z: 'serviceId',
            stroke: (p: Point) => colourOf.get(p.serviceId),
            strokeWidth: 2.5,
            className: 'uptake-trend-line'
          }
        ),
        Plot.dot(
          highlighted.flatMap((s) => s.points),
          {
            x: 'date',
            y: 'registered',
            r: 3.5,
            fill: (p: Point) => colourOf.get(p.serviceId),
            stroke: (p: Point) => (outlineFor(colourOf.get(p.serviceId)!) === 'none' ? 'white' : NHS_DARK_GREY),
            title: (p: Point) => `${p.serviceName}, ${formatDate(p.asOf)}: ${formatCount(p.registered)} registered`
          }
        ),
        endLabels.mark
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function trendSummary(dates: string[], series: Series[]): string {
  const [firstDate, lastDate] = [dates[0], dates[dates.length - 1]];
  const period =
    dates.length === 1 ? `${formatDate(lastDate)} only` : `${formatDate(firstDate)} to ${formatDate(lastDate)}`;
  const parts = [`Line chart of patients registered by service, ${period}`];
  const totalOn = (date: string) =>
    series.reduce((sum, s) => sum + (s.points.find((p) => p.asOf === date)?.registered ?? 0), 0);
  const [startTotal, endTotal] = [totalOn(firstDate), totalOn(lastDate)];
  if (dates.length === 1) parts.push(`total registered ${formatCount(endTotal)}`);
  else {
    const verb = endTotal > startTotal ? 'rose' : endTotal < startTotal ? 'fell' : 'stayed';
    parts.push(
      verb === 'stayed'
        ? `total registered unchanged at ${formatCount(endTotal)}`
        : `total registered ${verb} from ${formatCount(startTotal)} to ${formatCount(endTotal)} (${formatChange(endTotal - startTotal)})`
    );
  }
  const current = series.filter((s) => s.last.asOf === lastDate);
  if (current.length > 0) {
    const [highest, lowest] = [current[0], current[current.length - 1]];
    parts.push(
      current.length === 1
        ? `${highest.serviceName} ${formatCount(highest.last.registered)} on ${formatDate(lastDate)}`
        : `on ${formatDate(lastDate)} highest ${highest.serviceName} (${formatCount(highest.last.registered)}), lowest ${lowest.serviceName} (${formatCount(lowest.last.registered)})`
    );
  }
  if (dates.length > 1) {
    const rises = series
      .map((s) => ({ name: s.serviceName, change: s.last.registered - s.first.registered }))
      .sort((a, b) => b.change - a.change || a.name.localeCompare(b.name, 'en'));
    parts.push(
      rises[0].change > 0 ? `largest rise ${rises[0].name} (${formatChange(rises[0].change)})` : 'no service rose'
    );
  }
  return `${parts.join('; ')}.`;
}
