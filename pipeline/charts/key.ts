/**
 * Keys drawn inside the SVG, above the plot (ONS style: keys go above the chart). Plot's own legends are HTML
 * outside the SVG and show colour swatches only; these also show the outline, pattern or symbol that carries the
 * meaning without colour, and they print with the chart.
 */
import type * as Plot from '@observablehq/plot';
import { estimateTextWidth, FONT_SIZE, svgElement } from './render.ts';
import { NHS_BLACK } from './palette.ts';

export type Swatch =
  | { kind: 'filled'; fill: string; stroke?: string }
  | { kind: 'open'; stroke: string }
  | { kind: 'hatched'; patternId: string; stroke: string }
  | { kind: 'tick'; stroke: string }
  | { kind: 'dashed'; stroke: string }
  | { kind: 'symbol'; text: string; fill: string; background: string }
  | { kind: 'none' };

export interface KeyItem {
  label: string;
  swatch: Swatch;
}

const SWATCH = 14;
const GAP_AFTER_SWATCH = 5;
const GAP_BETWEEN_ITEMS = 18;
const ROW_HEIGHT = 20;
const KEY_TOP = 6;

interface KeyLayout {
  rows: { item: KeyItem; x: number }[][];
  /** Height the key takes at the top of the chart, px; add it to marginTop. */
  height: number;
}

/** Lays items out left to right, wrapping to a new row when the next would pass `width`. */
export function layoutKey(items: readonly KeyItem[], width: number, left = 0): KeyLayout {
  const rows: { item: KeyItem; x: number }[][] = [[]];
  let x = left;
  for (const item of items) {
    const itemWidth = swatchWidth(item) + estimateTextWidth(item.label);
    if (x > left && x + itemWidth > width) {
      rows.push([]);
      x = left;
    }
    rows[rows.length - 1].push({ item, x });
    x += itemWidth + GAP_BETWEEN_ITEMS;
  }
  return { rows, height: KEY_TOP + rows.length * ROW_HEIGHT + 4 };
}

function swatchWidth(item: KeyItem): number {
  return item.swatch.kind === 'none' ? 0 : SWATCH + GAP_AFTER_SWATCH;
}

function swatchElement(doc: Document, swatch: Swatch, x: number, y: number): SVGElement | null {
  const box = { x, y, width: SWATCH, height: SWATCH };
  switch (swatch.kind) {
    case 'filled':
      return svgElement(doc, 'rect', { ...box, fill: swatch.fill, stroke: swatch.stroke ?? 'none' });
    case 'open':
      return svgElement(doc, 'rect', {
        ...box,
        x: x + 1,
        y: y + 1,
        width: SWATCH - 2,
        height: SWATCH - 2,
        fill: 'white',
        stroke: swatch.stroke,
        'stroke-width': 2
      });
    case 'hatched':
      return svgElement(doc, 'rect', { ...box, fill: `url(#${swatch.patternId})`, stroke: swatch.stroke });
    case 'tick':
      return uprightLine(doc, x, y, { stroke: swatch.stroke, 'stroke-width': 3 });
    case 'dashed':
      return uprightLine(doc, x, y, { stroke: swatch.stroke, 'stroke-width': 1.5, 'stroke-dasharray': '4,3' });
    case 'symbol': {
      const g = svgElement(doc, 'g');
      g.append(svgElement(doc, 'rect', { ...box, fill: swatch.background, stroke: '#AEB7BD' }));
      g.append(
        svgElement(
          doc,
          'text',
          { x: x + SWATCH / 2, y: y + SWATCH / 2, dy: '0.35em', 'text-anchor': 'middle', fill: swatch.fill },
          swatch.text
        )
      );
      return g;
    }
    case 'none':
      return null;
  }
}

/** A vertical line through the swatch's box, a little taller than it: the key's tick and dashed-line swatches. */
function uprightLine(doc: Document, x: number, y: number, style: Record<string, string | number>): SVGElement {
  return svgElement(doc, 'line', { x1: x + SWATCH / 2, x2: x + SWATCH / 2, y1: y - 2, y2: y + SWATCH + 2, ...style });
}

/** A render-function mark that draws the key at the top-left of the SVG (from `left` px). */
export function keyMark(items: readonly KeyItem[], width: number, left = 0): Plot.RenderFunction {
  const layout = layoutKey(items, width, left);
  return (_index, _scales, _values, _dimensions, context) => {
    const doc = context.document;
    const g = svgElement(doc, 'g', { 'aria-label': 'key', 'font-size': FONT_SIZE, fill: NHS_BLACK });
    layout.rows.forEach((row, r) => {
      const y = KEY_TOP + r * ROW_HEIGHT;
      for (const { item, x } of row) {
        const swatch = swatchElement(doc, item.swatch, x, y);
        if (swatch) g.append(swatch);
        g.append(
          svgElement(
            doc,
            'text',
            { x: x + swatchWidth(item), y: y + SWATCH / 2, dy: '0.35em', 'text-anchor': 'start' },
            item.label
          )
        );
      }
    });
    return g;
  };
}

/**
 * A diagonal-stripe pattern (for "later than planned"): meaning carried by texture as well as colour, so it survives
 * greyscale printing and colour-blindness. Returned as a render-function mark that emits <defs>.
 */
export function hatchPatternMark(id: string, colour: string): Plot.RenderFunction {
  return (_index, _scales, _values, _dimensions, context) => {
    const doc = context.document;
    const defs = svgElement(doc, 'defs');
    const pattern = svgElement(doc, 'pattern', {
      id,
      width: 6,
      height: 6,
      patternUnits: 'userSpaceOnUse',
      patternTransform: 'rotate(45)'
    });
    pattern.append(svgElement(doc, 'rect', { width: 6, height: 6, fill: 'white' }));
    pattern.append(svgElement(doc, 'rect', { width: 3, height: 6, fill: colour }));
    defs.append(pattern);
    return defs;
  };
}
