/**
 * Theme prevalence by stakeholder group: a heatmap of codes (rows) × stakeholder groups (columns). Each cell is the
 * number of the group's participants with at least one coding of the code, out of the group's interviewed
 * participants (presence, not frequency: pipeline/qualitative/interpretation.ts `themePrevalence`).
 *
 * Colour never carries the meaning alone: every cell is written "2 of 5" (or "–" for none), and the shade only
 * repeats it, darker for a larger share. Text on a dark cell is white where black would fall below 4.5:1.
 *
 * Rows: one per (code, group), in the order given (codebook order, groups in the order wanted). Pure: no clock,
 * no database; the same rows always give the same SVG.
 */
import * as Plot from '@observablehq/plot';
import { chartWidth, FONT_SIZE, emptyChart, renderSvg, wrapText, type Chart, type ChartOptions } from './render.ts';
import { listNames, plural } from '../format/format.ts';
import { keyMark, type KeyItem } from './key.ts';
import { rowLabels, rowsFrame } from './labelled-rows.ts';
import { contrastRatio, NHS_BLACK, NHS_BLUE, NHS_DARK_GREY, NHS_WHITE } from './palette.ts';

export const THEME_PREVALENCE_DEFAULTS = {
  /** Label-heavy: takes the full printable width. */
  width: 680,
  rowHeight: 26,
  /** Code names wider than this wrap. */
  maxLabelWidth: 230,
  /** Group names wrap to this many px in the column headers. */
  headerWidth: 86,
  marginBottom: 6,
  /**
   * Shades: up to half the group, light blues (#DCE8F5 → #8CB4E2) under black text; over half, dark blues
   * (#1F6FC5 → NHS blue) under white text. The ramp jumps at one half because no mid blue lets either black or white
   * text reach 4.5:1 (WCAG 1.4.3 for 12px text).
   */
  lightest: '#DCE8F5',
  lightBlueEnd: '#8CB4E2',
  darkBlueStart: '#1F6FC5',
  /** Cells where nobody in the group has the code. */
  noneFill: NHS_WHITE,
  noneText: '–'
};

export interface ThemePrevalenceRow {
  /** The code as the reader knows it, e.g. "4.2 Technical barriers". */
  code: string;
  stakeholder_group: string;
  participants_with_code: number;
  participants_in_group: number;
}

export type ThemePrevalenceOptions = Omit<ChartOptions, 'asOf'>;

interface Cell extends ThemePrevalenceRow {
  share: number;
  fill: string;
  ink: string;
  label: string;
}

/** Linear mix of two #RRGGBB colours. */
function mix(from: string, to: string, t: number): string {
  const channel = (hex: string, i: number) => parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16);
  return `#${[0, 1, 2]
    .map((i) =>
      Math.round(channel(from, i) + (channel(to, i) - channel(from, i)) * t)
        .toString(16)
        .padStart(2, '0')
    )
    .join('')
    .toUpperCase()}`;
}

export function shadeFor(share: number): string {
  const d = THEME_PREVALENCE_DEFAULTS;
  if (share <= 0) return d.noneFill;
  if (share <= 0.5) return mix(d.lightest, d.lightBlueEnd, share / 0.5);
  return mix(d.darkBlueStart, NHS_BLUE, (Math.min(1, share) - 0.5) / 0.5);
}

/** Black text where it reads at 4.5:1 on the cell, white otherwise. */
export function inkFor(fill: string): string {
  return contrastRatio(NHS_BLACK, fill) >= 4.5 ? NHS_BLACK : NHS_WHITE;
}

export function themePrevalence(rows: readonly ThemePrevalenceRow[], options: ThemePrevalenceOptions = {}): Chart {
  const d = THEME_PREVALENCE_DEFAULTS;
  const width = chartWidth(options.width ?? d.width);
  const codes = [...new Set(rows.map((r) => r.code))];
  const groups = [...new Set(rows.map((r) => r.stakeholder_group))];
  if (codes.length === 0 || groups.length === 0) {
    const summary = 'No codes or no interviewed participants yet, so there is no prevalence to show.';
    return emptyChart(summary, width);
  }
  const cells: Cell[] = rows.map((r) => {
    const share = r.participants_in_group > 0 ? r.participants_with_code / r.participants_in_group : 0;
    const fill = shadeFor(share);
    return {
      ...r,
      share,
      fill,
      ink: share > 0 ? inkFor(fill) : NHS_DARK_GREY,
      label: r.participants_with_code > 0 ? `${r.participants_with_code} of ${r.participants_in_group}` : d.noneText
    };
  });
  const groupSize = new Map(cells.map((c) => [c.stakeholder_group, c.participants_in_group]));
  const codeLabels = rowLabels(
    codes.map((code) => [code, code]),
    d.maxLabelWidth
  );
  const headerLines = new Map(groups.map((g) => [g, [...wrapText(g, d.headerWidth), `(${groupSize.get(g)})`]]));
  const lineHeight = Math.round(FONT_SIZE * 1.2);
  const headerHeight = Math.max(...[...headerLines.values()].map((l) => l.length)) * lineHeight;
  const rowHeight = Math.max(d.rowHeight, codeLabels.maxLines * lineHeight + 6);
  const keyItems: KeyItem[] = [
    { label: '“2 of 5”: participants in the group who raised the code;', swatch: { kind: 'none' } },
    { label: 'up to half', swatch: { kind: 'filled', fill: shadeFor(0.5), stroke: 'none' } },
    { label: 'over half', swatch: { kind: 'filled', fill: shadeFor(1), stroke: 'none' } },
    { label: '–: nobody', swatch: { kind: 'filled', fill: d.noneFill, stroke: '#AEB7BD' } }
  ];
  const summary = prevalenceSummary(cells, codes, groups);
  const svg = renderSvg(
    {
      ...rowsFrame({
        width,
        keyItems,
        headerHeight: headerHeight + 12,
        rows: codes.length,
        rowHeight,
        marginBottom: d.marginBottom,
        marginLeft: codeLabels.marginLeft,
        marginRight: 4
      }),
      x: {
        domain: groups,
        axis: 'top',
        tickSize: 0,
        label: null,
        tickFormat: (g: string) => headerLines.get(g)!.join('\n'),
        padding: 0
      },
      y: codeLabels.axis(0),
      color: { type: 'identity' },
      marks: [
        keyMark(keyItems, width),
        Plot.cell(cells, {
          x: 'stakeholder_group',
          y: 'code',
          fill: 'fill',
          stroke: '#AEB7BD',
          inset: 1,
          title: (c: Cell) =>
            `${c.code}, ${c.stakeholder_group}: ${c.participants_with_code} of ${plural(c.participants_in_group, 'participant')}`
        }),
        Plot.text(cells, { x: 'stakeholder_group', y: 'code', text: 'label', fill: 'ink', fontSize: FONT_SIZE })
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function prevalenceSummary(cells: Cell[], codes: string[], groups: string[]): string {
  const participants = [...new Map(cells.map((c) => [c.stakeholder_group, c.participants_in_group])).values()].reduce(
    (a, b) => a + b,
    0
  );
  const parts = [
    `Heatmap of how many participants in each stakeholder group raised each code; ${plural(codes.length, 'code')} across ${plural(groups.length, 'group')} of ${plural(participants, 'interviewed participant')}`
  ];
  const byCode = codes.map((code) => {
    const mine = cells.filter((c) => c.code === code);
    return {
      code,
      people: mine.reduce((n, c) => n + c.participants_with_code, 0),
      groups: mine.filter((c) => c.participants_with_code > 0).map((c) => c.stakeholder_group)
    };
  });
  const widest = [...byCode].sort((a, b) => b.groups.length - a.groups.length || b.people - a.people)[0];
  if (widest.people === 0) return `${parts[0]}; no code has been applied yet.`;
  parts.push(
    `raised in the most groups: ${widest.code} (${plural(widest.people, 'participant')} in ${plural(widest.groups.length, 'group')}: ${listNames(widest.groups, 6)})`
  );
  const full = cells.filter((c) => c.participants_in_group > 0 && c.share === 1 && c.participants_in_group > 1);
  if (full.length)
    parts.push(`raised by everyone in the group: ${listNames(full.map((c) => `${c.code} (${c.stakeholder_group})`))}`);
  const none = byCode.filter((c) => c.people === 0);
  if (none.length) parts.push(`not raised yet: ${plural(none.length, 'code')}`);
  return `${parts.join('; ')}.`;
}
