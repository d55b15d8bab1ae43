/**
 * Rendering an Observable Plot chart to an SVG string on the server, with the accessibility and print fixes every
 * chart needs. The only module here that touches Plot's `document`; chart modules build Plot options and call
 * `renderSvg`.
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { DateLike } from '../format/dates.ts';
import { formatCount } from '../format/format.ts';

/** What every chart function returns: the SVG markup and a plain-English summary generated from the same rows. */
export interface Chart {
  /** `<svg role="img" aria-label="…summary…">…</svg>`: inline it in the page as is ({@html} in Svelte). */
  svg: string;
  /**
   * "[chart type] of [measure] by [dimension], [period]; highest …, lowest …, trend …", for the page under the chart.
   */
  summary: string;
}

/** Options every chart takes. */
export interface ChartOptions {
  /** The as-of date the chart describes; charts never read the clock. */
  asOf: DateLike;
  /** Width in px; defaults to CHART_WIDTH and is capped at MAX_WIDTH so the chart prints on A4 portrait. */
  width?: number;
  /**
   * Prefix for ids inside the SVG (patterns). Give each chart on a page its own if one chart type appears twice;
   * defaults to the chart's name.
   */
  idPrefix?: string;
  /**
   * The id of an element on the page that already shows the summary. The SVG then points at it with
   * aria-labelledby instead of repeating the summary in aria-label, so a screen reader hears it once.
   */
  labelledBy?: string;
}

/** 640 px fits the NHS two-thirds column and A4 portrait with 15 mm margins at 96 dpi. */
export const CHART_WIDTH = 640;
/** A4 portrait is 794 px at 96 dpi; less 2 × 15 mm margins leaves ~680 px. Wider charts would be cut when printed. */
export const MAX_WIDTH = 680;
/** Narrowest width a chart will lay itself out for (320 px reflow is handled by the SVG scaling down). */
export const MIN_WIDTH = 320;
/**
 * Text size in px: legible on screen and on paper; the family is inherited from the page (Frutiger/Arial via nhsuk).
 */
export const FONT_SIZE = 12;
/** Spacing of wrapped lines of text (end labels, notes under a chart), px. */
export const LINE_HEIGHT = Math.round(FONT_SIZE * 1.25);

export function chartWidth(requested: number | undefined): number {
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.round(requested ?? CHART_WIDTH)));
}

// One linkedom document serves every render: Plot only creates detached elements in it, so charts cannot leak into
// one another, and parsing it once saves ~1 ms per chart.
const { document } = parseHTML('<!doctype html><html><head></head><body></body></html>');

/**
 * Plot keeps module-level counters for the ids of clip paths, markers and waffle patterns (src/style.js,
 * src/marker.js), so the same chart would render differently the second time. The charts avoid those options; this
 * catches a regression.
 */
const COUNTER_IDS = /plot-(?:clip|marker|pattern)-\d+/;

const LABEL_PLACEHOLDER = 'uptake-aria-label-placeholder';

/** Escapes text for a double-quoted attribute value, valid in both HTML and XML. */
export function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Renders Plot options to an SVG string. `ariaLabel` becomes the SVG's accessible name (role="img"), normally the
 * generated summary, so a screen reader hears the same words a sighted reader sees under the chart. With
 * `labelledBy`, the name comes from that element instead (aria-labelledby), and aria-label is left out.
 */
export function renderSvg(options: Plot.PlotOptions, ariaLabel: string, labelledBy?: string): string {
  const element = Plot.plot({
    ...options,
    document: document as unknown as Document,
    ariaLabel,
    style: { fontFamily: 'inherit', fontSize: `${FONT_SIZE}px` }
  });
  if (element.tagName.toLowerCase() !== 'svg') {
    // A <figure> means Plot added a legend or title outside the SVG: the charts draw their own keys inside it.
    throw new Error(`Expected Plot to return an <svg>, got <${element.tagName}>`);
  }
  // Standalone .svg files (the committed snapshots, a "download image" link) need the namespace; inline SVG ignores it.
  element.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  element.setAttribute('role', 'img');
  // linkedom writes attribute values without escaping '&' or '<', which breaks the SVG as XML; write the label
  // ourselves.
  if (labelledBy) {
    element.removeAttribute('aria-label');
    element.setAttribute('aria-labelledby', LABEL_PLACEHOLDER);
  } else {
    element.setAttribute('aria-label', LABEL_PLACEHOLDER);
  }
  // Plot labels its <g> elements (aria-label="bar"), which axe reports as aria-prohibited-attr; a group role makes
  // the label allowed (docs/toolchain.md, gotcha 3, verified with axe).
  element.querySelectorAll('g[aria-label]').forEach((g) => g.setAttribute('role', 'group'));
  const svg = element.outerHTML.replace(LABEL_PLACEHOLDER, () => escapeAttribute(labelledBy ?? ariaLabel));
  if (COUNTER_IDS.test(svg))
    throw new Error(
      'A chart used a Plot option whose ids come from a global counter (clip, marker, waffle); it would not be deterministic'
    );
  return svg;
}

/** A chart with nothing to plot: the same frame and size, with the reason written in it. */
export function renderEmpty(message: string, width: number, height = 120): string {
  return renderSvg(
    {
      width,
      height,
      x: { axis: null },
      y: { axis: null },
      marks: [Plot.frame({ stroke: '#AEB7BD' }), Plot.text([message], { frameAnchor: 'middle', fontSize: 14 })]
    },
    message
  );
}

/** A chart with nothing to plot, saying why: the summary is the reason, written in the empty frame. */
export function emptyChart(summary: string, width: number): Chart {
  return { svg: renderEmpty(summary, width), summary };
}

/**
 * Approximate width of text in px. The server cannot measure fonts, so layouts (margins, label sides) use per-character
 * widths typical of Arial/Frutiger; over-estimating slightly keeps labels inside the SVG.
 */
export function estimateTextWidth(text: string, fontSize = FONT_SIZE): number {
  let ems = 0;
  for (const ch of text) {
    if (/[iljtfI.,:;'|!() ]/.test(ch)) ems += 0.3;
    else if (/[mwMW@%]/.test(ch)) ems += 0.85;
    else if (/[A-Z0-9]/.test(ch)) ems += 0.66;
    else ems += 0.56;
  }
  return Math.ceil(ems * fontSize);
}

/** Splits text into lines no wider than `maxWidth` px, breaking at spaces and after hyphens. */
export function wrapText(text: string, maxWidth: number, fontSize = FONT_SIZE): string[] {
  const words = text.split(/(?<=-)|\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const joiner = line === '' || line.endsWith('-') ? '' : ' ';
    const candidate = line + joiner + word;
    if (line !== '' && estimateTextWidth(candidate, fontSize) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The left margin that fits the longest label (up to `max`, beyond which labels wrap). */
export function marginForLabels(labels: readonly string[], max: number, min = 40): number {
  const widest = labels.reduce((w, label) => Math.max(w, estimateTextWidth(label)), 0);
  return Math.max(min, Math.min(max, widest + 14));
}

/**
 * The right margin that keeps labels written `gap` px right of a bar or line end (data x on a linear scale over
 * `domain`) inside the SVG. Widening the margin shrinks the plot and moves the ends, so a few passes settle it.
 */
export function marginForEndLabels(
  ends: readonly { x: number; label: string }[],
  domain: readonly [number, number],
  width: number,
  marginLeft: number,
  gap = 6,
  min = 16
): number {
  const [lo, hi] = domain;
  let marginRight = min;
  for (let pass = 0; pass < 4; pass++) {
    const plotWidth = width - marginLeft - marginRight;
    const overflow = Math.max(
      0,
      ...ends.map(
        (e) => marginLeft + ((e.x - lo) / (hi - lo || 1)) * plotWidth + gap + estimateTextWidth(e.label) - (width - 4)
      )
    );
    if (overflow <= 0.5) break;
    marginRight += Math.ceil(overflow);
  }
  return marginRight;
}

/**
 * Both margins of a horizontal bar chart from zero: the names at the left (wrapping past `maxLabelWidth`), and each
 * bar's label written right of its end (`ends`, data x up to `xMax`).
 */
export function barChartMargins(
  names: readonly string[],
  maxLabelWidth: number,
  ends: readonly { x: number; label: string }[],
  xMax: number,
  width: number
): { marginLeft: number; marginRight: number } {
  const marginLeft = marginForLabels(names, maxLabelWidth);
  return { marginLeft, marginRight: marginForEndLabels(ends, [0, xMax], width, marginLeft) };
}

type Attributes = Record<string, string | number>;

/** An SVG element for custom render marks (keys, patterns), made with the document Plot hands the mark. */
export function svgElement(doc: Document, name: string, attributes: Attributes = {}, text?: string): SVGElement {
  const element = doc.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/**
 * Tick labels for a count axis: whole numbers only ("1,234"), so a scale that ticks at 0.5 does not read "1.5
 * services".
 */
export function countTickFormat(value: number): string {
  return Number.isInteger(value) ? formatCount(value) : '';
}
