/**
 * Adoption by setting: services approached and services live in each of the five settings (acute, mental health,
 * community, primary care, social care), as pairs of bars labelled "3 approached" / "0 live". Every setting is
 * shown, and a zero is written out, so "primary care: 0 live" is plain rather than an absent bar.
 *
 * Rows: `adoption_by_setting` at one as-of date; rows for other dates are ignored. A setting missing from the rows
 * is shown with zeros; a setting outside the five is shown after them.
 */
import * as Plot from '@observablehq/plot';
import { toCount, type AdoptionBySettingRow } from './rows.ts';
import { toIsoDate } from '../format/dates.ts';
import { SETTINGS } from '../warehouse/schema.ts';
import { barChartMargins, chartWidth, countTickFormat, renderSvg, type Chart, type ChartOptions } from './render.ts';
import { formatCount, formatDate, listNames } from '../format/format.ts';
import { NHS_AQUA_GREEN, NHS_BLACK, NHS_BLUE, NHS_DARK_GREY } from './palette.ts';

export const ADOPTION_BY_SETTING_DEFAULTS = {
  /** Height of one bar's band, px. */
  bandHeight: 22,
  marginTop: 8,
  marginBottom: 40,
  /** Colours in NHS order: approached, then live. Both meet 3:1 on white; the labels carry the meaning anyway. */
  colours: { approached: NHS_BLUE, live: NHS_AQUA_GREEN }
};

export const ADOPTION_MEASURES = ['approached', 'live'] as const;
export type AdoptionMeasure = (typeof ADOPTION_MEASURES)[number];

export interface SettingAdoption {
  setting: string;
  total: number;
  approached: number;
  live: number;
}

interface SettingBar {
  setting: string;
  measure: AdoptionMeasure;
  count: number;
  label: string;
}

/** One entry per setting: the five in their fixed order (zeros when absent), then any others in row order. */
export function settingAdoption(rows: readonly AdoptionBySettingRow[], asOf: string): SettingAdoption[] {
  const atAsOf = rows.filter((row) => toIsoDate(row.as_of) === asOf);
  const others = [...new Set(atAsOf.map((r) => r.setting))].filter((s) => !(SETTINGS as readonly string[]).includes(s));
  return [...SETTINGS, ...others].map((setting) => {
    const row = atAsOf.find((r) => r.setting === setting);
    return {
      setting,
      total: toCount(row?.services_total) ?? 0,
      approached: toCount(row?.services_approached) ?? 0,
      live: toCount(row?.services_live) ?? 0
    };
  });
}

/**
 * "primary care" → "Primary care" for the axis (NHS style: sentence case); summaries keep the lower case mid-sentence.
 */
function sentenceCase(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

export function adoptionBySetting(rows: readonly AdoptionBySettingRow[], options: ChartOptions): Chart {
  const d = ADOPTION_BY_SETTING_DEFAULTS;
  const width = chartWidth(options.width);
  const asOf = toIsoDate(options.asOf);
  const settings = settingAdoption(rows, asOf);
  const bars: SettingBar[] = settings.flatMap((s) =>
    ADOPTION_MEASURES.map((measure) => ({
      setting: s.setting,
      measure,
      count: s[measure],
      label: `${formatCount(s[measure])} ${measure}`
    }))
  );
  const xMax = Math.max(1, ...bars.map((b) => b.count));
  const { marginLeft, marginRight } = barChartMargins(
    settings.map((s) => sentenceCase(s.setting)),
    160,
    bars.map((b) => ({ x: b.count, label: b.label })),
    xMax,
    width
  );
  const height = d.marginTop + settings.length * (ADOPTION_MEASURES.length + 0.6) * d.bandHeight + d.marginBottom;

  const summary = settingSummary(asOf, settings);
  const svg = renderSvg(
    {
      width,
      height,
      marginTop: d.marginTop,
      marginRight,
      marginBottom: d.marginBottom,
      marginLeft,
      x: {
        domain: [0, xMax],
        grid: true,
        ticks: Math.min(xMax, 10),
        tickFormat: countTickFormat,
        label: 'Services',
        labelAnchor: 'center',
        labelArrow: 'none'
      },
      y: { domain: ADOPTION_MEASURES, axis: null, padding: 0.1 },
      fy: { domain: settings.map((s) => s.setting), label: null, tickSize: 0, padding: 0.3, tickFormat: sentenceCase },
      color: { type: 'identity' },
      marks: [
        Plot.barX(bars, {
          x: 'count',
          y: 'measure',
          fy: 'setting',
          fill: (b: SettingBar) => d.colours[b.measure],
          className: 'uptake-setting-bar',
          title: (b: SettingBar) => `${b.setting}: ${b.label}`
        }),
        Plot.text(bars, {
          x: 'count',
          y: 'measure',
          fy: 'setting',
          text: 'label',
          textAnchor: 'start',
          dx: 5,
          fill: NHS_BLACK,
          className: 'uptake-setting-label'
        }),
        Plot.ruleX([0], { stroke: NHS_DARK_GREY })
      ]
    },
    summary,
    options.labelledBy
  );
  return { svg, summary };
}

function settingSummary(asOf: string, settings: SettingAdoption[]): string {
  const each = settings
    .map((s) => `${s.setting}: ${formatCount(s.approached)} approached, ${formatCount(s.live)} live`)
    .join('; ');
  const parts = [`Bar chart of services approached and live by setting, ${formatDate(asOf)}; ${each}`];
  const mostLive = Math.max(...settings.map((s) => s.live));
  if (mostLive > 0) {
    const top = settings.filter((s) => s.live === mostLive).map((s) => s.setting);
    parts.push(`most live: ${listNames(top, 5)} (${formatCount(mostLive)})`);
  }
  const none = settings.filter((s) => s.live === 0).map((s) => s.setting);
  if (none.length === settings.length) parts.push('no service is live in any setting');
  else if (none.length > 0) parts.push(`none live in ${listNames(none, 5)}`);
  return `${parts.join('; ')}.`;
}
