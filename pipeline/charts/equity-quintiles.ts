/**
 * Equity of reach: a measure's rate in each quintile of a unit characteristic, as a dot with its 95% confidence
 * interval (a vertical rule), quintile 1 (highest values: the most deprived, for a deprivation score) on the left.
 * Each dot is labelled with its rate, so the chart reads without the axis. A quintile with no rate (no unit in it
 * reported the measure's parts) is named under the chart's summary rather than drawn at zero.
 */
import * as Plot from '@observablehq/plot';
import { chartWidth, renderEmpty, renderSvg, type Chart, type ChartOptions } from './render.ts';
import { formatDate, formatPercent } from '../format/format.ts';
import { toIsoDate } from '../format/dates.ts';
import { NHS_BLACK, NHS_BLUE, NHS_DARK_GREY } from './palette.ts';

export const EQUITY_QUINTILES_DEFAULTS = {
  height: 300,
  marginTop: 24,
  marginBottom: 56,
  marginLeft: 56,
  marginRight: 16,
  dotRadius: 5
};

export interface EquityQuintileRow {
  quintile: number;
  /** The axis label, e.g. "1 (most deprived)". */
  label: string;
  rate: number | null;
  lower: number | null;
  upper: number | null;
}

export interface EquityQuintileOptions extends ChartOptions {
  /** What the rate is, for the axis and the summary, e.g. "Registered of list size". */
  measure: string;
  /** What the quintiles are of, e.g. "Deprivation score (IMD 2019)". */
  characteristic: string;
  /** A share (axis and labels in %) or a rate per patient (2 decimals, the axis not capped at 1). Default share. */
  format?: 'percent' | 'per patient';
}

export function equityQuintiles(rows: readonly EquityQuintileRow[], options: EquityQuintileOptions): Chart {
  const d = EQUITY_QUINTILES_DEFAULTS;
  const width = chartWidth(options.width);
  const asOf = toIsoDate(options.asOf);
  const drawn = rows.filter((r) => r.rate !== null);
  const fmt = formatter(options.format);
  const summary = quintileSummary(rows, options.measure, options.characteristic, asOf, fmt);
  if (!drawn.length) return { svg: renderEmpty('No quintile has a rate at this date.', width), summary };
  const top = Math.max(...drawn.map((r) => r.upper ?? r.rate ?? 0));
  const yMax = options.format === 'per patient' ? Math.max(0.05, top * 1.15) : Math.min(1, Math.max(0.05, top * 1.15));
  const svg = renderSvg(
    {
      width,
      height: d.height,
      marginTop: d.marginTop,
      marginBottom: d.marginBottom,
      marginLeft: d.marginLeft,
      marginRight: d.marginRight,
      x: {
        domain: rows.map((r) => r.label),
        label: `Quintile of ${options.characteristic}`,
        labelAnchor: 'center',
        labelArrow: 'none',
        padding: 0.5
      },
      y: {
        domain: [0, yMax],
        grid: true,
        tickFormat: (v: number) => fmt(v, 0),
        label: options.measure,
        labelArrow: 'none'
      },
      marks: [
        Plot.ruleY([0], { stroke: NHS_DARK_GREY }),
        Plot.ruleX(
          drawn.filter((r) => r.lower !== null && r.upper !== null),
          {
            x: 'label',
            y1: 'lower',
            y2: 'upper',
            stroke: NHS_BLUE,
            strokeWidth: 2,
            className: 'uptake-equity-interval'
          }
        ),
        Plot.dot(drawn, {
          x: 'label',
          y: 'rate',
          r: d.dotRadius,
          fill: NHS_BLUE,
          className: 'uptake-equity-rate',
          title: (r: EquityQuintileRow) =>
            `${r.label}: ${fmt(r.rate, 1)}${r.lower !== null ? ` (95% CI ${fmt(r.lower, 1)} to ${fmt(r.upper, 1)})` : ''}`
        }),
        Plot.text(drawn, {
          x: 'label',
          y: (r: EquityQuintileRow) => r.upper ?? r.rate,
          text: (r: EquityQuintileRow) => fmt(r.rate, 1),
          dy: -10,
          fill: NHS_BLACK,
          className: 'uptake-equity-label'
        })
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function quintileSummary(
  rows: readonly EquityQuintileRow[],
  measure: string,
  characteristic: string,
  asOf: string,
  fmt: Format
): string {
  const parts = [
    `Dot chart of ${measure.toLowerCase()} by quintile of ${characteristic}, with 95% confidence intervals, ${formatDate(asOf)}`
  ];
  for (const r of rows) {
    parts.push(
      r.rate === null
        ? `quintile ${r.label}: no rate`
        : `quintile ${r.label}: ${fmt(r.rate, 1)}${r.lower !== null && r.upper !== null ? ` (${fmt(r.lower, 1)} to ${fmt(r.upper, 1)})` : ''}`
    );
  }
  return `${parts.join('; ')}.`;
}

type Format = (v: number | null, digits: number) => string;

/** Percent with the given decimals, or a rate per patient: 2 decimals on labels, 1 on the axis. */
function formatter(format: EquityQuintileOptions['format']): Format {
  if (format !== 'per patient') return (v, digits) => formatPercent(v, digits);
  return (v, digits) => (v == null || !Number.isFinite(v) ? 'no rate' : v.toFixed(digits === 0 ? 1 : 2));
}
