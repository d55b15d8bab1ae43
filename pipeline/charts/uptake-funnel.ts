/**
 * Uptake funnel per service: patients approached → consented → registered → sharing, as grouped horizontal bars,
 * each labelled with its count and its share of the stage before. One block per service, headed by its name.
 *
 * Rows: `uptake_funnel` at one as-of date; rows for other dates are ignored.
 * "Sharing" is `shared_with_anyone_max`: the larger of the carer and professional counts. A patient may share with
 * both, so it is the least number sharing with anyone (the headline sharing rate adds the two instead).
 */
import * as Plot from '@observablehq/plot';
import { toCount, type UptakeFunnelRow } from './rows.ts';
import { toIsoDate, type DateLike } from '../format/dates.ts';
import {
  chartWidth,
  countTickFormat,
  FONT_SIZE,
  marginForEndLabels,
  emptyChart,
  LINE_HEIGHT,
  renderSvg,
  wrapText,
  type Chart,
  type ChartOptions
} from './render.ts';
import { formatCount, formatDate, formatPercent, listNames } from '../format/format.ts';
import { NHS_BLACK, NHS_COLOURS, NHS_DARK_GREY, outlineFor } from './palette.ts';
import { distinctCount, EXTREMES, MANY_UNITS, maxOf } from './many-units.ts';

export const UPTAKE_FUNNEL_DEFAULTS = {
  /** Height of one bar's band, px (bar plus gap). */
  bandHeight: 18,
  marginLeft: 96,
  marginBottom: 40,
  marginTop: 8,
  noteLineHeight: LINE_HEIGHT,
  /** The note under the chart names this many services with no patients, then "and N others". */
  idleNamesLimit: 12
};

export const UPTAKE_FUNNEL_STAGES = ['approached', 'consented', 'registered', 'sharing'] as const;
export type FunnelStage = (typeof UPTAKE_FUNNEL_STAGES)[number];

/**
 * One band scale holds every row: per service a heading band, then one band per stage. (Plot facets did the same
 * job but took over a second for 500 services.) Keys carry the service id so names may repeat.
 */
const headingKey = (serviceId: string) => `heading\u0000${serviceId}`;
const spacerKey = (serviceId: string) => `spacer\u0000${serviceId}`;
const stageKey = (serviceId: string, stage: FunnelStage) => `${stage}\u0000${serviceId}`;
const stageOfKey = (key: string) => key.slice(0, key.indexOf('\u0000'));

export interface FunnelBar {
  serviceId: string;
  serviceName: string;
  stage: FunnelStage;
  /** Null when the export did not report this count. */
  count: number | null;
  /** Share of the previous stage (approached has none); null when that is 0 or not reported. */
  rateOfPrevious: number | null;
  label: string;
  colour: string;
}

export interface ServiceFunnel {
  serviceId: string;
  serviceName: string;
  counts: Record<FunnelStage, number | null>;
}

/** A funnel row of a top-and-bottom view: which part of it the row is. */
export type FunnelGroup = 'top' | 'rest' | 'bottom';
export type FunnelExtremeRow = UptakeFunnelRow & { group: FunnelGroup; services: number };

/** How a count ranks services: as it is, or (for controlled audiences) as the audience sees it. */
export type CountRank = (count: number | null) => number | null;

const byRegistered =
  (rank: CountRank) =>
  (a: UptakeFunnelRow, b: UptakeFunnelRow): number =>
    (rank(toCount(b.registered)) ?? -1) - (rank(toCount(a.registered)) ?? -1) ||
    (rank(toCount(b.approached)) ?? -1) - (rank(toCount(a.approached)) ?? -1) ||
    (a.service_name < b.service_name ? -1 : a.service_name > b.service_name ? 1 : 0);

/**
 * With many services: the EXTREMES with the most patients registered, one row for all the others (each count their
 * mean per service, rounded, so its bars sit on the same scale as the rest and the rates between stages are the
 * others' pooled rates), and the EXTREMES with the fewest. Services with registered not reported rank last.
 * With at most 2 × EXTREMES + 1 services, every service, in the same order.
 */
export function funnelExtremes(
  rows: readonly UptakeFunnelRow[],
  asOf: DateLike,
  rank: CountRank = (count) => count
): FunnelExtremeRow[] {
  const at = toIsoDate(asOf);
  const sorted = rows.filter((row) => toIsoDate(row.as_of) === at).sort(byRegistered(rank));
  const one = (row: UptakeFunnelRow, group: FunnelGroup): FunnelExtremeRow => ({ ...row, group, services: 1 });
  if (sorted.length <= 2 * EXTREMES + 1) return sorted.map((r) => one(r, 'top'));
  const rest = sorted.slice(EXTREMES, sorted.length - EXTREMES);
  const mean = (pick: (row: UptakeFunnelRow) => number | null): number | null => {
    let sum = 0;
    let n = 0;
    for (const row of rest) {
      const v = pick(row);
      if (v != null) [sum, n] = [sum + v, n + 1];
    }
    return n === 0 ? null : Math.round(sum / n);
  };
  const count = (key: 'approached' | 'consented' | 'registered' | 'shared_with_carer' | 'shared_with_professional') =>
    mean((row) => toCount(row[key]));
  const restRow: FunnelExtremeRow = {
    as_of: at,
    service_id: '\u0000rest',
    service_name: `Mean of the other ${formatCount(rest.length)} services`,
    approached: count('approached'),
    consented: count('consented'),
    registered: count('registered'),
    shared_with_carer: count('shared_with_carer'),
    shared_with_professional: count('shared_with_professional'),
    shared_with_anyone_max: mean((row) => sharingOf(row)),
    group: 'rest',
    services: rest.length
  };
  return [
    ...sorted.slice(0, EXTREMES).map((r) => one(r, 'top')),
    restRow,
    ...sorted.slice(sorted.length - EXTREMES).map((r) => one(r, 'bottom'))
  ];
}

function sharingOf(row: UptakeFunnelRow): number | null {
  const carer = toCount(row.shared_with_carer);
  const professional = toCount(row.shared_with_professional);
  return (
    toCount(row.shared_with_anyone_max) ??
    (carer == null && professional == null ? null : Math.max(carer ?? 0, professional ?? 0))
  );
}

/** Funnel counts per service at the as-of date, most approached first (then by name), or in the rows' order. */
export function serviceFunnels(rows: readonly UptakeFunnelRow[], asOf: string, keepOrder = false): ServiceFunnel[] {
  const funnels = rows
    .filter((row) => toIsoDate(row.as_of) === asOf)
    .map((row) => {
      const carer = toCount(row.shared_with_carer);
      const professional = toCount(row.shared_with_professional);
      const sharing =
        toCount(row.shared_with_anyone_max) ??
        (carer == null && professional == null ? null : Math.max(carer ?? 0, professional ?? 0));
      return {
        serviceId: row.service_id,
        serviceName: row.service_name,
        counts: {
          approached: toCount(row.approached),
          consented: toCount(row.consented),
          registered: toCount(row.registered),
          sharing
        }
      };
    });
  if (keepOrder) return funnels;
  return funnels.sort(
    (a, b) =>
      (b.counts.approached ?? -1) - (a.counts.approached ?? -1) || a.serviceName.localeCompare(b.serviceName, 'en')
  );
}

/** No patients at any stage (zero or not reported throughout). */
function isIdle(funnel: ServiceFunnel): boolean {
  return UPTAKE_FUNNEL_STAGES.every((stage) => !funnel.counts[stage]);
}

function rate(numerator: number | null, denominator: number | null): number | null {
  return numerator == null || denominator == null || denominator === 0 ? null : numerator / denominator;
}

function funnelBars(funnel: ServiceFunnel): FunnelBar[] {
  return UPTAKE_FUNNEL_STAGES.map((stage, i) => {
    const count = funnel.counts[stage];
    const previous = i === 0 ? null : UPTAKE_FUNNEL_STAGES[i - 1];
    const rateOfPrevious = previous == null ? null : rate(count, funnel.counts[previous]);
    const label =
      count == null
        ? 'not reported'
        : previous == null || rateOfPrevious == null
          ? formatCount(count)
          : `${formatCount(count)} (${formatPercent(rateOfPrevious)} of ${previous})`;
    return {
      serviceId: funnel.serviceId,
      serviceName: funnel.serviceName,
      stage,
      count,
      rateOfPrevious,
      label,
      colour: NHS_COLOURS[i]
    };
  });
}

/**
 * With more than MANY_UNITS services the chart shows the top and bottom EXTREMES by patients registered and the mean
 * of the others between them (`funnelExtremes`), so it keeps the same size at any number of services.
 */
export function uptakeFunnel(rows: readonly UptakeFunnelRow[], options: ChartOptions): Chart {
  const d = UPTAKE_FUNNEL_DEFAULTS;
  const width = chartWidth(options.width);
  const asOf = toIsoDate(options.asOf);
  const atAsOf = rows.filter((row) => toIsoDate(row.as_of) === asOf);
  const many = distinctCount(atAsOf, (r) => r.service_id) > MANY_UNITS;
  const shown = many ? funnelExtremes(atAsOf, asOf) : atAsOf;
  const funnels = serviceFunnels(shown, asOf, many);
  if (funnels.length === 0) {
    const summary = `No uptake figures for ${formatDate(asOf)}.`;
    return emptyChart(summary, width);
  }
  // Services with no patients at any stage would each take five empty rows; they are named once, under the chart.
  const active = funnels.filter((f) => !isIdle(f));
  const idle = funnels.filter(isIdle).map((f) => f.serviceName);
  const idleNote =
    idle.length === 0 ? [] : wrapText(`No patients yet: ${listNames(idle, d.idleNamesLimit)}.`, width - 8);
  const bars = active.flatMap(funnelBars);
  const xMax = maxOf(
    bars.map((b) => b.count ?? 0),
    1
  );
  const marginRight = marginForEndLabels(
    bars.map((b) => ({ x: b.count ?? 0, label: b.label })),
    [0, xMax],
    width,
    d.marginLeft
  );
  const bands = Math.max(1, active.length) * (UPTAKE_FUNNEL_STAGES.length + 2) - 1;
  const marginBottom = d.marginBottom + (idleNote.length > 0 ? 14 + idleNote.length * d.noteLineHeight : 0);
  const height = d.marginTop + bands * d.bandHeight + marginBottom;

  const summary = many
    ? funnelSummary(asOf, serviceFunnels(atAsOf, asOf), shown.length - 1)
    : funnelSummary(asOf, funnels);
  const svg = renderSvg(
    {
      width,
      height,
      marginTop: d.marginTop,
      marginRight,
      marginBottom,
      marginLeft: d.marginLeft,
      x: {
        domain: [0, xMax],
        grid: true,
        label: 'Patients',
        labelAnchor: 'center',
        labelArrow: 'none',
        labelOffset: d.marginBottom - 6,
        tickFormat: countTickFormat
      },
      y: {
        // A blank band between blocks keeps each heading with its own bars.
        domain: active.flatMap((f, i) => [
          ...(i > 0 ? [spacerKey(f.serviceId)] : []),
          headingKey(f.serviceId),
          ...UPTAKE_FUNNEL_STAGES.map((stage) => stageKey(f.serviceId, stage))
        ]),
        tickFormat: (key: string) =>
          (UPTAKE_FUNNEL_STAGES as readonly string[]).includes(stageOfKey(key)) ? stageOfKey(key) : '',
        tickSize: 0,
        label: null,
        padding: 0.15
      },
      color: { type: 'identity' },
      marks: [
        // First, so the service names' white halo covers it.
        Plot.ruleX([0], { stroke: NHS_DARK_GREY }),
        Plot.barX(
          bars.filter((b) => b.count != null),
          {
            x: 'count',
            y: (b: FunnelBar) => stageKey(b.serviceId, b.stage),
            fill: 'colour',
            // Orange is under 3:1 against white (WCAG 1.4.11): give it a dark outline; others are outlined in their own
            // colour.
            stroke: (b: FunnelBar) => (outlineFor(b.colour) === 'none' ? b.colour : outlineFor(b.colour)),
            className: 'uptake-funnel-bar',
            title: (b: FunnelBar) => `${b.serviceName}, ${b.stage}: ${b.label}`
          }
        ),
        Plot.text(bars, {
          x: (b: FunnelBar) => b.count ?? 0,
          y: (b: FunnelBar) => stageKey(b.serviceId, b.stage),
          text: 'label',
          textAnchor: 'start',
          dx: 5,
          fill: NHS_BLACK,
          className: 'uptake-funnel-label'
        }),
        // The service's name heads its block, starting at the SVG's left edge above the stage names.
        Plot.text(active, {
          x: 0,
          y: (f: ServiceFunnel) => headingKey(f.serviceId),
          text: 'serviceName',
          textAnchor: 'start',
          dx: -d.marginLeft + 2,
          fontWeight: 'bold',
          fontSize: FONT_SIZE + 1,
          fill: NHS_BLACK,
          // A white halo keeps the name legible where grid lines cross it.
          stroke: 'white',
          strokeWidth: 4,
          paintOrder: 'stroke',
          className: 'uptake-funnel-service'
        }),
        Plot.text(idleNote.length > 0 ? [idleNote.join('\n')] : [], {
          frameAnchor: 'bottom-left',
          lineAnchor: 'top',
          textAnchor: 'start',
          dx: -d.marginLeft + 2,
          dy: d.marginBottom + 8,
          fill: NHS_BLACK,
          className: 'uptake-funnel-idle'
        })
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

/** `extremes`: with many services, how many are drawn one by one (the rest as their mean); totals cover all. */
function funnelSummary(asOf: string, funnels: ServiceFunnel[], extremes?: number): string {
  const total = (stage: FunnelStage) => funnels.reduce((sum, f) => sum + (f.counts[stage] ?? 0), 0);
  const [approached, consented, registered, sharing] = UPTAKE_FUNNEL_STAGES.map(total);
  // A stage no service reports (an export without consent counts) reads "not reported", never a total of 0.
  const reported = (stage: FunnelStage) => funnels.some((f) => f.counts[stage] != null);
  const count = (stage: FunnelStage, value: number, words: string) =>
    reported(stage) ? `${formatCount(value)} ${words}` : `${words} not reported`;
  const share = (numerator: FunnelStage, denominator: FunnelStage, value: string) =>
    reported(numerator) && reported(denominator) ? ` (${value})` : '';
  const parts = [
    extremes === undefined
      ? `Grouped bar chart of patients approached, consented, registered and sharing by service, ${formatDate(asOf)}`
      : `Grouped bar chart of patients approached, consented, registered and sharing for the ${extremes / 2} services with the most and the ${extremes / 2} with the fewest patients registered, and the mean of the other ${formatCount(funnels.length - extremes)}, of ${formatCount(funnels.length)} services, ${formatDate(asOf)}`,
    `in total ${count('approached', approached, 'approached')}, ${count('consented', consented, 'consented')}, ` +
      `${count('registered', registered, 'registered')}${share('registered', 'consented', `${formatPercent(rate(registered, consented))} of consented`)} and ` +
      (reported('sharing')
        ? `at least ${formatCount(sharing)} sharing with a carer or professional${share('sharing', 'registered', `${formatPercent(rate(sharing, registered))} of registered`)}`
        : 'sharing with a carer or professional not reported')
  ];
  const rated = funnels
    .map((f) => ({ name: f.serviceName, rate: rate(f.counts.registered, f.counts.consented) }))
    .filter((r): r is { name: string; rate: number } => r.rate != null)
    .sort((a, b) => b.rate - a.rate || a.name.localeCompare(b.name, 'en'));
  if (rated.length === 1) parts.push(`registration rate ${rated[0].name} ${formatPercent(rated[0].rate)}`);
  if (rated.length > 1) {
    const [highest, lowest] = [rated[0], rated[rated.length - 1]];
    parts.push(
      `highest registration rate ${highest.name} (${formatPercent(highest.rate)}), lowest ${lowest.name} (${formatPercent(lowest.rate)})`
    );
  }
  const most = funnels[0];
  if (most.counts.approached)
    parts.push(`most approached ${most.serviceName} (${formatCount(most.counts.approached)})`);
  const idle = funnels.filter(isIdle).map((f) => f.serviceName);
  if (idle.length > 0) parts.push(`no patients yet: ${listNames(idle)}`);
  return `${parts.join('; ')}.`;
}
