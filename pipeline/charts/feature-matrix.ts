/**
 * Feature matrix: services (rows) × features (columns), core features first and additional features after a gap,
 * each group under its own heading (the seed report's Tables 2 and 3). An enabled cell is filled and carries a ✓;
 * a feature not enabled is an empty cell with a dash; a feature the export did not report is left blank.
 *
 * Rows: `feature_matrix`. A feature switched on after the as-of date counts as not enabled at that date.
 * Services and features keep the order of the rows (sort them in SQL); columns are grouped by category.
 */
import * as Plot from '@observablehq/plot';
import type { FeatureMatrixRow } from './rows.ts';
import { isOnOrBefore, toIsoDate } from '../format/dates.ts';
import {
  chartWidth,
  estimateTextWidth,
  FONT_SIZE,
  emptyChart,
  renderSvg,
  svgElement,
  wrapText,
  type Chart,
  type ChartOptions
} from './render.ts';
import { formatDate, listNames, plural } from '../format/format.ts';
import { keyMark, layoutKey, type KeyItem } from './key.ts';
import { rowLabels, rowsFrame } from './labelled-rows.ts';
import { NHS_BLACK, NHS_BLUE, NHS_DARK_GREY, NHS_WHITE } from './palette.ts';

export const FEATURE_MATRIX_DEFAULTS = {
  /** Label-heavy: takes the full printable width. */
  width: 680,
  rowHeight: 28,
  /** Service names wider than this wrap. */
  maxLabelWidth: 140,
  marginBottom: 8,
  headerFontSize: FONT_SIZE - 1,
  /** The space between category groups, as a fraction of a column. */
  groupGap: 0.4,
  /** When headers must turn to read upwards, they wrap at this length (px) so the header row stays short. */
  rotatedHeaderLength: 110,
  /** Categories in display order; any other category follows, in order of appearance. */
  categoryOrder: ['core', 'additional'],
  enabledSymbol: '✓',
  notEnabledSymbol: '–'
};

export interface FeatureCell {
  serviceId: string;
  serviceName: string;
  feature: string;
  category: string;
  /** Enabled at the as-of date. */
  enabled: boolean;
  enabledOn: string | null;
  /** Left edge of the cell's column, in column units (see `columnLayout`). */
  column: number;
}

interface Group {
  category: string;
  features: string[];
  /** Left edge of the group's first column and right edge of its last, in column units. */
  from: number;
  to: number;
}

function categoryHeading(category: string): string {
  return `${category.charAt(0).toUpperCase()}${category.slice(1)} features`;
}

export function featureMatrix(rows: readonly FeatureMatrixRow[], options: ChartOptions): Chart {
  const d = FEATURE_MATRIX_DEFAULTS;
  const width = chartWidth(options.width ?? d.width);
  const asOf = toIsoDate(options.asOf);
  if (rows.length === 0) {
    const summary = 'No features loaded.';
    return emptyChart(summary, width);
  }
  const appearance = [...new Set(rows.map((r) => r.category))];
  const rank = (category: string) => {
    const i = d.categoryOrder.indexOf(category);
    return i === -1 ? d.categoryOrder.length + appearance.indexOf(category) : i;
  };
  // Columns are laid out on a linear scale in column units, so the gap between groups can be narrower than a column.
  const groups: Group[] = [];
  let next = 0;
  for (const category of [...appearance].sort((a, b) => rank(a) - rank(b))) {
    const features = [...new Set(rows.filter((r) => r.category === category).map((r) => r.feature))];
    if (groups.length > 0) next += d.groupGap;
    groups.push({ category, features, from: next, to: next + features.length });
    next += features.length;
  }
  const columnOf = new Map(
    groups.flatMap((g) => g.features.map((f, i) => [`${g.category}\u0000${f}`, g.from + i] as const))
  );
  const cells: FeatureCell[] = rows.map((row) => ({
    serviceId: row.service_id,
    serviceName: row.service_name,
    feature: row.feature,
    category: row.category,
    enabled: row.enabled && (row.enabled_on == null || isOnOrBefore(row.enabled_on, asOf)),
    enabledOn: row.enabled_on == null ? null : toIsoDate(row.enabled_on),
    column: columnOf.get(`${row.category}\u0000${row.feature}`)!
  }));
  const services = [...new Map(cells.map((c) => [c.serviceId, c.serviceName])).entries()];

  const names = rowLabels(services, d.maxLabelWidth);
  const marginRight = 8;
  const columnWidth = (width - names.marginLeft - marginRight) / next;
  const headers = groups.flatMap((g) => g.features.map((feature, i) => ({ feature, centre: g.from + i + 0.5 })));
  // Horizontal headers (wrapped) when every word fits its column; otherwise headers turn to read upwards.
  const headerFits = headers.every((h) =>
    h.feature.split(/[\s-]+/).every((word) => estimateTextWidth(word, d.headerFontSize) <= columnWidth - 4)
  );
  const lineHeight = Math.round(d.headerFontSize * 1.2);
  // Turned headers may wrap too, as long as their lines still fit across the column.
  const maxRotatedLines = Math.max(1, Math.floor((columnWidth - 4) / lineHeight));
  const headerLines = new Map(
    headers.map((h) => {
      if (headerFits) return [h.feature, wrapText(h.feature, columnWidth - 4, d.headerFontSize)];
      const lines = wrapText(h.feature, d.rotatedHeaderLength, d.headerFontSize);
      return [h.feature, lines.length <= maxRotatedLines ? lines : [h.feature]];
    })
  );
  const headerHeight = headerFits
    ? Math.max(...[...headerLines.values()].map((l) => l.length)) * lineHeight
    : Math.max(...[...headerLines.values()].flat().map((line) => estimateTextWidth(line, d.headerFontSize)));
  const reported = new Set(cells.map((c) => `${c.serviceId}\u0000${c.column}`));
  const anyMissing = reported.size < services.length * headers.length;
  const keyItems: KeyItem[] = [
    { label: 'enabled', swatch: { kind: 'symbol', text: d.enabledSymbol, fill: NHS_WHITE, background: NHS_BLUE } },
    {
      label: 'not enabled',
      swatch: { kind: 'symbol', text: d.notEnabledSymbol, fill: NHS_DARK_GREY, background: NHS_WHITE }
    },
    ...(anyMissing ? [{ label: 'blank: not reported', swatch: { kind: 'none' as const } }] : [])
  ];
  const groupHeadingTop = layoutKey(keyItems, width).height + 6;

  // Group headings centred over their columns, with a rule beneath so the gap reads as a boundary.
  const groupHeadings: Plot.RenderFunction = (_i, scales, _v, _dims, context) => {
    const g = svgElement(context.document, 'g', {
      'aria-label': 'feature groups',
      fill: NHS_BLACK,
      'font-weight': 'bold'
    });
    const x = scales.x!;
    for (const group of groups) {
      const [left, right] = [x(group.from) as number, x(group.to) as number];
      g.append(
        svgElement(
          context.document,
          'text',
          { x: (left + right) / 2, y: groupHeadingTop + 10, 'text-anchor': 'middle', dy: '0.35em' },
          categoryHeading(group.category)
        )
      );
      g.append(
        svgElement(context.document, 'line', {
          x1: left + 2,
          x2: right - 2,
          y1: groupHeadingTop + 22,
          y2: groupHeadingTop + 22,
          stroke: NHS_DARK_GREY
        })
      );
    }
    return g;
  };

  const summary = matrixSummary(asOf, services.length, groups, cells);
  const svg = renderSvg(
    {
      ...rowsFrame({
        width,
        keyItems,
        // The group headings and their rule, then the feature headers.
        headerHeight: 6 + 26 + headerHeight + 8,
        rows: services.length,
        rowHeight: d.rowHeight,
        marginBottom: d.marginBottom,
        marginLeft: names.marginLeft,
        marginRight
      }),
      x: { domain: [0, next], axis: null },
      y: names.axis(0),
      color: { type: 'identity' },
      marks: [
        keyMark(keyItems, width),
        groupHeadings,
        Plot.text(headers, {
          x: 'centre',
          frameAnchor: 'top',
          text: (h: { feature: string }) => headerLines.get(h.feature)!.join('\n'),
          fontSize: d.headerFontSize,
          dy: -6,
          ...(headerFits
            ? { lineAnchor: 'bottom' as const }
            : { rotate: -90, textAnchor: 'start' as const, lineAnchor: 'middle' as const }),
          className: 'uptake-feature-header'
        }),
        Plot.barX(cells, {
          x1: 'column',
          x2: (c: FeatureCell) => c.column + 1,
          y: 'serviceId',
          fill: (c: FeatureCell) => (c.enabled ? NHS_BLUE : NHS_WHITE),
          stroke: (c: FeatureCell) => (c.enabled ? NHS_BLUE : '#AEB7BD'),
          inset: 2,
          className: 'uptake-feature-cell',
          title: (c: FeatureCell) =>
            `${c.serviceName}, ${c.feature}: ${c.enabled ? 'enabled' : c.enabledOn && c.enabledOn > asOf ? `not enabled until ${formatDate(c.enabledOn)}` : 'not enabled'}`
        }),
        Plot.text(cells, {
          x: (c: FeatureCell) => c.column + 0.5,
          y: 'serviceId',
          text: (c: FeatureCell) => (c.enabled ? d.enabledSymbol : d.notEnabledSymbol),
          fill: (c: FeatureCell) => (c.enabled ? NHS_WHITE : NHS_DARK_GREY),
          fontSize: FONT_SIZE + 4,
          fontWeight: 'bold',
          className: 'uptake-feature-symbol'
        })
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function matrixSummary(asOf: string, serviceCount: number, groups: Group[], cells: FeatureCell[]): string {
  const counts = groups.map((g) => `${g.features.length} ${g.category}`).join(' and ');
  const parts = [
    `Matrix of features enabled by service, ${formatDate(asOf)}; ${counts} features across ${plural(serviceCount, 'service')}`
  ];
  for (const group of groups) {
    const perService = new Map<string, number>();
    for (const c of cells)
      if (c.category === group.category)
        perService.set(c.serviceName, (perService.get(c.serviceName) ?? 0) + (c.enabled ? 1 : 0));
    const total = group.features.length;
    const values = [...perService.values()];
    const [most, fewest] = [Math.max(...values), Math.min(...values)];
    const named = (n: number) =>
      listNames(
        [...perService]
          .filter(([, v]) => v === n)
          .map(([name]) => name)
          .sort((a, b) => a.localeCompare(b, 'en'))
      );
    const withAll = values.filter((v) => v === total).length;
    if (group.category === 'core') {
      parts.push(
        withAll === perService.size
          ? `every service has all ${total} core features`
          : `${withAll} of ${plural(perService.size, 'service')} have all ${total} core features, fewest ${named(fewest)} (${fewest} of ${total})`
      );
    } else {
      parts.push(
        most === fewest
          ? `${group.category} features: every service has ${most} of ${total}`
          : `${group.category} features: most ${named(most)} (${most} of ${total}), fewest ${named(fewest)} (${fewest} of ${total})`
      );
      const byFeature = group.features
        .map((f) => ({
          f,
          n: cells.filter((c) => c.feature === f && c.category === group.category && c.enabled).length
        }))
        .sort((a, b) => b.n - a.n || a.f.localeCompare(b.f, 'en'));
      if (byFeature[0].n > 0)
        parts.push(
          `most widely enabled ${group.category} feature ${byFeature[0].f} (${byFeature[0].n} of ${plural(serviceCount, 'service')})`
        );
    }
  }
  return `${parts.join('; ')}.`;
}
