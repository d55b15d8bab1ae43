/**
 * The frame of a chart with one labelled row per item (the setup timeline, the feature matrix, the theme heatmap,
 * feature coverage): names wrapped at the left, the key above the plot, and a height that follows the rows.
 */
import type * as Plot from '@observablehq/plot';
import { marginForLabels, wrapText } from './render.ts';
import { layoutKey, type KeyItem } from './key.ts';

export interface RowLabels {
  /** Each row's label as the lines it wraps to, by the row's key. */
  lines: Map<string, string[]>;
  /** The left margin that fits the widest line. */
  marginLeft: number;
  /** The most lines any label takes: a row must be tall enough for it. */
  maxLines: number;
  /** The y scale: one band per row in the order given, named with its wrapped label, no tick marks. */
  axis(padding: number): Plot.ScaleOptions;
}

/** Labels (`[key, label]`, in row order) wrapped at `maxLabelWidth` px, with the margin they need. */
export function rowLabels(rows: Iterable<readonly [string, string]>, maxLabelWidth: number): RowLabels {
  const lines = new Map<string, string[]>();
  for (const [key, label] of rows) lines.set(key, wrapText(label, maxLabelWidth));
  const all = [...lines.values()];
  return {
    lines,
    marginLeft: marginForLabels(all.flat(), maxLabelWidth + 14),
    maxLines: Math.max(...all.map((l) => l.length)),
    axis: (padding) => ({
      domain: [...lines.keys()],
      tickSize: 0,
      tickFormat: (key: string) => lines.get(key)!.join('\n'),
      label: null,
      padding
    })
  };
}

/** The size and margins of a rows chart, for Plot. */
export interface RowsFrame {
  width: number;
  height: number;
  marginTop: number;
  marginRight: number;
  marginBottom: number;
  marginLeft: number;
}

/**
 * The key at the top, then `headerHeight` px (column headers, the as-of label), then `rows` rows of `rowHeight` px,
 * then `marginBottom` (the x axis).
 */
export function rowsFrame(frame: {
  width: number;
  keyItems: readonly KeyItem[];
  headerHeight: number;
  rows: number;
  rowHeight: number;
  marginBottom: number;
  marginLeft: number;
  marginRight: number;
}): RowsFrame {
  const marginTop = layoutKey(frame.keyItems, frame.width).height + frame.headerHeight;
  return {
    width: frame.width,
    height: marginTop + frame.rows * frame.rowHeight + frame.marginBottom,
    marginTop,
    marginRight: frame.marginRight,
    marginBottom: frame.marginBottom,
    marginLeft: frame.marginLeft
  };
}
