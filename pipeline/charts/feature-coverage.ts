/**
 * Functionality for many units, in two charts that stay the same size whatever the number of units (the feature matrix
 * draws one row per unit, which past a few dozen units nobody can read and which grows the page with every unit):
 *  - `featureCoverage`: for each feature, the share of units offering it at the as-of date, one bar per feature,
 *    core features first, coloured by category;
 *  - `unitsByFeatureCount`: how many units offer 5 of the 5 core features, 4 of 5, … (or 0, 1, 2 … additional
 *    features), one bar per count: the spread of core fidelity across the programme.
 *
 * Rows are already aggregated (one per feature, or one per count), so the chart, its data table and its CSV are the
 * same few rows.
 */
import * as Plot from '@observablehq/plot';
import type { Count } from './rows.ts';
import { toCount } from './rows.ts';
import { chartWidth, emptyChart, renderSvg, type Chart, type ChartOptions } from './render.ts';
import { formatCount, formatDate, plural } from '../format/format.ts';
import { keyMark, type KeyItem } from './key.ts';
import { rowLabels, rowsFrame } from './labelled-rows.ts';
import { NHS_BLACK, NHS_BLUE, NHS_DARK_GREY } from './palette.ts';
import { maxOf } from './many-units.ts';
import { countColumns } from './count-columns.ts';

export const FEATURE_COVERAGE_DEFAULTS = {
  rowHeight: 26,
  /** Feature names wider than this wrap. */
  maxLabelWidth: 160,
  marginRight: 48,
  marginBottom: 40,
  countHeight: 260,
  countMarginLeft: 60,
  /** Additional (and any other) features: a darker shade than core, so the two groups differ beyond colour too. */
  otherFill: '#003087'
};

/** One feature: units offering it at the as-of date, of the units with features loaded. */
export interface FeatureCoverageRow {
  category: string;
  feature: string;
  units_offering: Count;
  units: Count;
}

/** Units offering `features` of the category's features (`of` is the category's total). */
export interface FeatureCountRow {
  features: number;
  of: number;
  units: Count;
}

interface CoveragePoint {
  label: string;
  category: string;
  feature: string;
  offering: number;
  units: number;
  share: number;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;

export function featureCoverage(rows: readonly FeatureCoverageRow[], options: ChartOptions): Chart {
  const d = FEATURE_COVERAGE_DEFAULTS;
  const width = chartWidth(options.width);
  const points: CoveragePoint[] = rows.map((r) => {
    const offering = toCount(r.units_offering) ?? 0;
    const units = toCount(r.units) ?? 0;
    return {
      label: `${r.feature} (${r.category})`,
      category: r.category,
      feature: r.feature,
      offering,
      units,
      share: units > 0 ? offering / units : 0
    };
  });
  if (points.length === 0) {
    const summary = 'No features loaded.';
    return emptyChart(summary, width);
  }
  const categories = [...new Set(points.map((p) => p.category))];
  const fillOf = (category: string) => (category === 'core' ? NHS_BLUE : d.otherFill);
  const keyItems: KeyItem[] = categories.map((c) => ({
    label: `${c} features`,
    swatch: { kind: 'filled', fill: fillOf(c) }
  }));
  const labels = rowLabels(
    points.map((p) => [p.label, p.label]),
    d.maxLabelWidth
  );
  const summary = coverageSummary(points, formatDate(options.asOf));
  const svg = renderSvg(
    {
      ...rowsFrame({
        width,
        keyItems,
        headerHeight: 28,
        rows: points.length,
        rowHeight: d.rowHeight,
        marginBottom: d.marginBottom,
        marginLeft: labels.marginLeft,
        marginRight: d.marginRight
      }),
      x: {
        domain: [0, 1],
        grid: true,
        label: 'Units offering the feature',
        labelAnchor: 'center',
        labelArrow: 'none',
        tickFormat: (v: number) => percent(v)
      },
      y: labels.axis(0.2),
      marks: [
        keyMark(keyItems, width),
        Plot.barX(points, {
          x: 'share',
          y: 'label',
          fill: (p: CoveragePoint) => fillOf(p.category),
          title: (p: CoveragePoint) =>
            `${p.feature} (${p.category}): ${formatCount(p.offering)} of ${formatCount(p.units)} units (${percent(p.share)})`,
          className: 'uptake-feature-coverage'
        }),
        Plot.text(points, {
          x: 'share',
          y: 'label',
          text: (p: CoveragePoint) => percent(p.share),
          textAnchor: 'start',
          dx: 4,
          fill: NHS_BLACK
        }),
        Plot.ruleX([0], { stroke: NHS_DARK_GREY })
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function coverageSummary(points: CoveragePoint[], asOf: string): string {
  const units = maxOf(
    points.map((p) => p.units),
    0
  );
  const parts = [
    `Bar chart of the share of units offering each feature, ${asOf}; ${plural(points.length, 'feature')} across ${plural(units, 'unit')}`
  ];
  for (const category of [...new Set(points.map((p) => p.category))]) {
    const ranked = points
      .filter((p) => p.category === category)
      .sort((a, b) => b.share - a.share || a.feature.localeCompare(b.feature, 'en'));
    const [most, least] = [ranked[0], ranked[ranked.length - 1]];
    parts.push(
      ranked.length === 1
        ? `${category}: ${most.feature} ${percent(most.share)}`
        : `${category}: most offered ${most.feature} (${percent(most.share)}), least ${least.feature} (${percent(least.share)})`
    );
  }
  return `${parts.join('; ')}.`;
}

interface CountPoint {
  label: string;
  features: number;
  units: number;
}

/** `category` names what is counted ("core", "additional"), for labels and the summary. */
export function unitsByFeatureCount(
  rows: readonly FeatureCountRow[],
  options: ChartOptions & { category: string }
): Chart {
  const d = FEATURE_COVERAGE_DEFAULTS;
  const width = chartWidth(options.width);
  const points: CountPoint[] = rows.map((r) => ({
    label: `${r.features} of ${r.of}`,
    features: r.features,
    units: toCount(r.units) ?? 0
  }));
  const total = points.reduce((n, p) => n + p.units, 0);
  if (total === 0) {
    const summary = `No unit has ${options.category} features loaded.`;
    return emptyChart(summary, width);
  }
  const marginTop = 28;
  const summary = countSummary(points, total, options.category, formatDate(options.asOf));
  const svg = renderSvg(
    countColumns({
      width,
      plotHeight: d.countHeight,
      marginTop,
      marginLeft: d.countMarginLeft,
      marginRight: 16,
      marginBottom: d.marginBottom,
      x: {
        domain: points.map((p) => p.label),
        label: `${options.category.charAt(0).toUpperCase()}${options.category.slice(1)} features offered`,
        labelAnchor: 'center',
        labelArrow: 'none',
        padding: 0.2
      },
      countMax: maxOf(
        points.map((p) => p.units),
        1
      ),
      countTitle: 'Units',
      marks: [
        Plot.barY(points, {
          x: 'label',
          y: 'units',
          fill: NHS_BLUE,
          title: (p: CountPoint) => `${p.label} ${options.category} features: ${formatCount(p.units)} units`,
          className: 'uptake-feature-count'
        }),
        Plot.text(points, {
          x: 'label',
          y: 'units',
          text: (p: CountPoint) => formatCount(p.units),
          dy: -8,
          fill: NHS_BLACK
        })
      ]
    }),
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function countSummary(points: CountPoint[], total: number, category: string, asOf: string): string {
  const most = [...points].sort((a, b) => b.units - a.units || b.features - a.features)[0];
  // A few units of thousands would read as "0%", which says none.
  const share = (n: number) => (n > 0 && Math.round((n / total) * 100) === 0 ? 'under 1%' : percent(n / total));
  const parts = [
    `Bar chart of units by the number of ${category} features they offer, ${asOf}; ${plural(total, 'unit')}`,
    `most often ${most.label} (${formatCount(most.units)}, ${share(most.units)})`
  ];
  const verb = (n: number) => (n === 1 ? 'offers' : 'offer');
  const top = points.reduce((a, b) => (b.features > a.features ? b : a));
  if (top !== most) parts.push(`${formatCount(top.units)} ${verb(top.units)} ${top.label} (${share(top.units)})`);
  const none = points.find((p) => p.features === 0);
  if (none && none.units > 0 && none !== top && none !== most)
    parts.push(`${formatCount(none.units)} ${verb(none.units)} none (${share(none.units)})`);
  return `${parts.join('; ')}.`;
}
