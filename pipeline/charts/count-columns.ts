/**
 * Column charts that count units or services per category (go-lives per period, setup durations, units by number of
 * features): the count axis from zero with whole-number ticks, its title written above the plot, and the zero line.
 * These are the many-unit charts, so their size never grows with the number of units.
 */
import * as Plot from '@observablehq/plot';
import { countTickFormat } from './render.ts';
import { NHS_BLACK, NHS_DARK_GREY } from './palette.ts';

/**
 * The count axis's title written level with the top of the plot, above the tick labels (horizontal, so it reads
 * without turning the head). Plot would write it at the very top, over a key. `marginLeft` is the chart's left margin.
 */
export function yAxisTitle(text: string, marginLeft: number): Plot.Markish {
  return Plot.text([text], {
    frameAnchor: 'top-left',
    dx: -marginLeft + 4,
    dy: -16,
    textAnchor: 'start',
    fill: NHS_BLACK
  });
}

/**
 * Plot options for a count column chart: `plotHeight` px of plot under `marginTop` px (the key and the axis title),
 * counts up to at least `countMax` (rounded up by Plot), the chart's own x scale and marks, then the zero line and the
 * axis title `countTitle`.
 */
export function countColumns(chart: {
  width: number;
  plotHeight: number;
  marginTop: number;
  marginLeft: number;
  marginRight: number;
  marginBottom: number;
  x: Plot.ScaleOptions;
  countMax: number;
  countTitle: string;
  marks: Plot.Markish[];
}): Plot.PlotOptions {
  return {
    width: chart.width,
    height: chart.plotHeight + chart.marginTop,
    marginTop: chart.marginTop,
    marginLeft: chart.marginLeft,
    marginRight: chart.marginRight,
    marginBottom: chart.marginBottom,
    x: chart.x,
    y: { domain: [0, chart.countMax], nice: true, grid: true, label: null, tickFormat: countTickFormat },
    marks: [...chart.marks, Plot.ruleY([0], { stroke: NHS_DARK_GREY }), yAxisTitle(chart.countTitle, chart.marginLeft)]
  };
}
