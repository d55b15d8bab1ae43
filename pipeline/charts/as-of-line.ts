/**
 * The dashed vertical line at the as-of date with "as of 6 Feb 2017" written above the plot: where the curve and the
 * timeline stop knowing, so a reader does not take the empty space after it for "nothing happened".
 */
import * as Plot from '@observablehq/plot';
import { formatDate } from '../format/format.ts';
import type { DateLike } from '../format/dates.ts';
import { NHS_DARK_GREY } from './palette.ts';

/**
 * `x` is the as-of date in the chart's x units; `textAnchor` moves the words off the right edge when they would be cut.
 */
export function asOfLine(x: number, asOf: DateLike, textAnchor?: 'start' | 'middle' | 'end'): Plot.Markish[] {
  return [
    Plot.ruleX([x], { stroke: NHS_DARK_GREY, strokeDasharray: '4,3' }),
    Plot.text([asOfLabel(asOf)], {
      x,
      frameAnchor: 'top',
      lineAnchor: 'bottom',
      dy: -6,
      ...(textAnchor ? { textAnchor } : {}),
      fill: NHS_DARK_GREY
    })
  ];
}

export function asOfLabel(asOf: DateLike): string {
  return `as of ${formatDate(asOf)}`;
}
