/**
 * The Equity page: does the programme reach the units least likely to use it? Registration against list size by
 * quintile of a chosen characteristic of the units (a deprivation score per practice), the slope and relative indices
 * of inequality (SII, RII) with 95% intervals at every snapshot up to the as-of date, whether the gap is widening or
 * narrowing, and the same within each organisation. Method: docs/equity.md; SQL: pipeline/metrics/equity.ts.
 *
 * Quintiles are computed over the units in view (the organisation and setting filters), so a filtered page ranks that
 * organisation's units among themselves. Every table is aggregated (five quintiles, one row per snapshot, one row per
 * organisation): nothing grows with units × dates. Units in view without a value are counted and the first few named.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  gapSql,
  MEASURABLE_FUNCTIONS_SQL,
  measuresFor,
  quintileSql,
  varianceSql,
  verdictSql,
  REGISTRATION,
  Z95,
  type EquityMeasure
} from '../metrics/equity.ts';
import { equityQuintilesChart } from './charts.ts';
import { FilterError, filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate, formatNumber, formatPercent } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import { type Column, type Figure, type Row, drawn } from './table.ts';
import { serviceCount } from './columns.ts';

export interface CharacteristicOption {
  characteristic: string;
  period: string;
  units: number;
  units_with_value: number;
}

/** The units in view without a value for the characteristic: counted, and the first MISSING_LISTED named. */
export interface MissingValues {
  count: number;
  units: { service_id: string; service_name: string; organisation: string }[];
}

/** A measure the page can show, for its chooser. */
export interface MeasureOption {
  id: string;
  label: string;
}

export interface EquityPage {
  characteristics: CharacteristicOption[];
  measures: MeasureOption[];
  /** The measure shown, with the words the page uses for its parts. */
  measure: Pick<EquityMeasure, 'id' | 'label' | 'numerator' | 'denominator' | 'subject' | 'counts' | 'format'>;
  /** The characteristic shown (null when none is loaded). */
  characteristic: string | null;
  period: string | null;
  quintiles: Figure;
  gap: Figure;
  organisations: Figure;
  /** Plain words: is the gap widening or narrowing across snapshots? */
  trend: string;
  missing: MissingValues;
  /** Units in view with a value that did not report the measure's parts at the as-of date. */
  notReporting: number;
}

export const MISSING_LISTED = 20;
const MAX_NAME = 300;

/** The characteristic asked for in the URL (`?characteristic=`), checked for shape only. */
export function parseCharacteristic(params: URLSearchParams): string | null {
  return oneName(params, 'characteristic');
}

/** The measure asked for in the URL (`?measure=`), checked for shape only. */
export function parseMeasure(params: URLSearchParams): string | null {
  return oneName(params, 'measure');
}

/** A name given once in the URL, trimmed, at most MAX_NAME characters; null when not given. */
function oneName(params: URLSearchParams, parameter: 'characteristic' | 'measure'): string | null {
  const values = params.getAll(parameter);
  if (values.length > 1) throw new FilterError(parameter, values.join(', '), `Give ${parameter} once.`);
  const value = values[0]?.trim();
  if (!value) return null;
  if (value.length > MAX_NAME)
    throw new FilterError(parameter, value.slice(0, 40) + '…', `That ${parameter} name is too long.`);
  return value;
}

/** Registration, then usage per registered patient and the share of units offering each function the data reports. */
export async function measureOptions(connection: DuckDBConnection): Promise<EquityMeasure[]> {
  return measuresFor(await select<{ kind: string; function: string }>(connection, MEASURABLE_FUNCTIONS_SQL));
}

/** The measure to show: the one asked for (which the data must report), else registration. */
export function chooseMeasure(measures: EquityMeasure[], asked: string | null): EquityMeasure {
  if (!asked) return measures[0];
  const found = measures.find((m) => m.id === asked);
  if (!found)
    throw new FilterError(
      'measure',
      asked.slice(0, 60),
      `No measure called "${asked.slice(0, 60)}" can be shown. Measures: ${measures.map((m) => m.id).join('; ')}.`
    );
  return found;
}

export async function characteristicOptions(connection: DuckDBConnection): Promise<CharacteristicOption[]> {
  return select<CharacteristicOption>(
    connection,
    `SELECT characteristic, any_value(period) AS period, count(*)::INTEGER AS units, count(value)::INTEGER AS units_with_value
       FROM characteristic_current GROUP BY characteristic ORDER BY characteristic`
  );
}

/** The characteristic to show: the one asked for (which must be loaded), else a deprivation score, else the first. */
export function chooseCharacteristic(
  options: CharacteristicOption[],
  asked: string | null
): CharacteristicOption | null {
  if (asked) {
    const found = options.find((o) => o.characteristic === asked);
    if (!found) {
      throw new FilterError(
        'characteristic',
        asked.slice(0, 60),
        `No characteristic called "${asked.slice(0, 60)}" is loaded.${options.length ? ` Loaded: ${options.map((o) => o.characteristic).join('; ')}.` : ''}`
      );
    }
    return found;
  }
  return options.find((o) => /deprivation|\bimd\b/i.test(o.characteristic)) ?? options[0] ?? null;
}

/** Words for the two ends of the scale: "most deprived" for a deprivation score, else "highest values". */
export function ends(characteristic: string): { high: string; low: string } {
  return /deprivation|\bimd\b/i.test(characteristic)
    ? { high: 'most deprived', low: 'least deprived' }
    : { high: 'highest values', low: 'lowest values' };
}

const UNITS_IN_VIEW = serviceFilter('s');

function params(filters: ResolvedFilters, characteristic: string) {
  return { ...filterParams(filters), characteristic };
}

export async function equityPage(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  urlParams: URLSearchParams
): Promise<EquityPage> {
  const characteristics = await characteristicOptions(connection);
  const chosen = chooseCharacteristic(characteristics, parseCharacteristic(urlParams));
  const characteristic = chosen?.characteristic ?? '';
  const measures = await measureOptions(connection);
  const measure = chooseMeasure(measures, parseMeasure(urlParams));
  const [quintiles, gap, organisations] = [
    await quintileFigure(connection, filters, characteristic, measure),
    await gapFigure(connection, filters, characteristic, measure),
    await organisationFigure(connection, filters, characteristic, measure)
  ];
  const { id, label, numerator, denominator, subject, counts, format } = measure;
  return {
    characteristics,
    measures: measures.map((m) => ({ id: m.id, label: m.label })),
    measure: { id, label, numerator, denominator, subject, counts, format },
    characteristic: chosen?.characteristic ?? null,
    period: chosen?.period ?? null,
    quintiles,
    gap,
    organisations,
    trend: gap.summary,
    missing: await missingValues(connection, filters, characteristic),
    notReporting: await notReporting(connection, filters, characteristic, measure)
  };
}

/**
 * Quintile rows (national view: the units in view) with the rate's 95% interval, normal approximation: binomial for a
 * proportion, Poisson (√count / n) for a rate per patient.
 */
async function quintileRows(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  characteristic: string,
  measure: EquityMeasure
) {
  if (!filters.asOf || !characteristic) return [];
  const sql = quintileSql({
    units: UNITS_IN_VIEW,
    characteristic: 'c.characteristic = $characteristic',
    asOf: 'as_of = CAST($asOf AS DATE)',
    byOrganisation: false,
    measure
  });
  // A share's interval is kept within 0 to 100%, a rate's above 0 (the normal approximation can step outside).
  const { variance, centre } = varianceSql(measure, 'numerator::DOUBLE', 'denominator::DOUBLE');
  const top = measure.format === 'percent' ? '1' : `'Infinity'::DOUBLE`;
  return select<Row>(
    connection,
    `SELECT quintile, units, lowest, highest, units_reporting, numerator::INTEGER AS ${measure.numeratorKey},
            denominator::INTEGER AS ${measure.denominatorKey}, rate,
            CASE WHEN rate IS NOT NULL THEN greatest(${centre} - ${Z95} * sqrt(${variance}), 0) END AS rate_lower,
            CASE WHEN rate IS NOT NULL THEN least(${centre} + ${Z95} * sqrt(${variance}), ${top}) END AS rate_upper
       FROM (${sql}) ORDER BY quintile`,
    params(filters, characteristic)
  );
}

const round1 = (v: unknown) => (v === null || v === undefined ? '' : Number(v).toFixed(1));

function quintileLabel(quintile: number, characteristic: string): string {
  const e = ends(characteristic);
  return quintile === 1 ? `1 (${e.high})` : quintile === 5 ? `5 (${e.low})` : String(quintile);
}

/** A quintile's figure as the page writes it: 30.0% for a share, 1.20 for a rate per patient. */
function figureText(measure: EquityMeasure, v: number): string {
  return measure.format === 'percent' ? formatPercent(v, 1) : v.toFixed(2);
}

export async function quintileFigure(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  characteristic: string,
  measure: EquityMeasure
): Promise<Figure> {
  const percent = measure.format === 'percent';
  const rows: Row[] = (await quintileRows(connection, filters, characteristic, measure)).map((r) => ({
    ...r,
    label: quintileLabel(Number(r.quintile), characteristic),
    range: `${round1(r.lowest)} to ${round1(r.highest)}`
  }));
  const chart =
    filters.asOf && rows.length
      ? equityQuintilesChart(
          rows.map((r) => ({
            quintile: Number(r.quintile),
            label: String(r.label),
            rate: r.rate === null ? null : Number(r.rate),
            lower: r.rate_lower === null ? null : Math.max(0, Number(r.rate_lower)),
            upper: r.rate_upper === null ? null : percent ? Math.min(1, Number(r.rate_upper)) : Number(r.rate_upper)
          })),
          {
            asOf: filters.asOf,
            measure: measure.label,
            characteristic,
            format: measure.format,
            labelledBy: 'figure-equity-quintiles-summary'
          }
        )
      : null;
  const units = rows.reduce((n, r) => n + Number(r.units), 0);
  const first = rows.find((r) => Number(r.quintile) === 1);
  const last = rows.find((r) => Number(r.quintile) === 5);
  const e = ends(characteristic);
  const title =
    first?.rate != null && last?.rate != null
      ? `${figureText(measure, Number(last.rate))} ${measure.headline} in the ${e.low} fifth of units, ${figureText(measure, Number(first.rate))} in the ${e.high}`
      : characteristic
        ? `Too few units report ${measure.denominator.toLowerCase()} to compare quintiles`
        : 'No unit characteristics are loaded';
  return {
    id: 'equity-quintiles',
    title,
    subtitle: `${measure.label} (${measure.numerator.toLowerCase()} over ${measure.denominator.toLowerCase()}) by quintile of ${characteristic || 'a characteristic'}, quintiles of the ${formatNumber(units)} units in view with a value (${populationText(filters)}), ${formatDate(filters.asOf, 'long')}`,
    ...drawn(chart),
    table: {
      caption: `${measure.label} by quintile of ${characteristic}, ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'label', label: 'Quintile', kind: 'text', rowHeader: true },
        { key: 'range', label: 'Values', kind: 'text' },
        serviceCount('units', 'Units'),
        serviceCount('units_reporting', 'Units reporting'),
        { key: measure.numeratorKey, label: measure.numerator, kind: 'integer', counts: measure.counts },
        { key: measure.denominatorKey, label: measure.denominator, kind: 'integer', counts: measure.counts },
        {
          key: 'rate',
          label: measure.label,
          ...rateKind(measure),
          rate: { numerator: measure.numeratorKey, denominator: measure.denominatorKey }
        },
        // The interval comes from exact counts: in a controlled export it would give small counts away, so it is
        // withheld there (a percent column without parts, or a text column derived from counts, shows *).
        { key: 'rate_lower', label: 'Lower 95% limit', ...intervalKind(measure) },
        { key: 'rate_upper', label: 'Upper 95% limit', ...intervalKind(measure) }
      ],
      rows: rows.map((r) => ({
        label: r.label,
        range: r.range,
        units: r.units,
        units_reporting: r.units_reporting,
        [measure.numeratorKey]: r[measure.numeratorKey],
        [measure.denominatorKey]: r[measure.denominatorKey],
        rate: r.rate,
        rate_lower: percent ? r.rate_lower : decimal2(r.rate_lower),
        rate_upper: percent ? r.rate_upper : decimal2(r.rate_upper)
      }))
    }
  };
}

function rateKind(measure: EquityMeasure): { kind: 'percent' } | { kind: 'decimal'; decimals: number } {
  return measure.format === 'percent' ? { kind: 'percent' } : { kind: 'decimal', decimals: 2 };
}

function intervalKind(measure: EquityMeasure): Pick<Column, 'kind' | 'derivedFromCounts'> {
  return measure.format === 'percent' ? { kind: 'percent' } : { kind: 'text', derivedFromCounts: true };
}

const decimal2 = (v: unknown) => (v === null || v === undefined ? null : Number(v).toFixed(2));

interface GapRow {
  as_of: string;
  quintiles: number;
  sii: number | null;
  sii_se: number | null;
  sii_lower: number | null;
  sii_upper: number | null;
  rii: number | null;
  log_rii_se: number | null;
  rii_lower: number | null;
  rii_upper: number | null;
  /** Against the first snapshot with a gap (pipeline/metrics/equity.ts verdictSql). */
  first_as_of: string | null;
  first_sii: number | null;
  first_rii: number | null;
  verdict: string;
  relative_verdict: string | null;
}

async function gapRows(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  characteristic: string,
  byOrganisation: boolean,
  asOf: string,
  measure: EquityMeasure
): Promise<(GapRow & { organisation?: string })[]> {
  if (!filters.asOf || !characteristic) return [];
  const groups = byOrganisation ? ['characteristic', 'organisation', 'as_of'] : ['characteristic', 'as_of'];
  const sql = verdictSql(
    gapSql(
      quintileSql({
        units: UNITS_IN_VIEW,
        characteristic: 'c.characteristic = $characteristic',
        asOf,
        byOrganisation,
        measure
      }),
      groups,
      measure
    ),
    groups.filter((g) => g !== 'as_of')
  );
  return select<GapRow & { organisation?: string }>(
    connection,
    `SELECT CAST(as_of AS VARCHAR) AS as_of, ${byOrganisation ? 'organisation, ' : ''}quintiles, sii, sii_se, sii_lower, sii_upper,
            rii, log_rii_se, rii_lower, rii_upper, CAST(first_as_of AS VARCHAR) AS first_as_of, first_sii, first_rii,
            verdict, relative_verdict
       FROM (${sql}) ORDER BY ${byOrganisation ? 'organisation, ' : ''}as_of`,
    params(filters, characteristic)
  );
}

// + 0 turns a rounded −0 into 0, so a gap of nothing never reads "-0.0".
const pp = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10 + 0);
const per2 = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100 + 0);

/**
 * How a gap reads: the SII of a share in percentage points to 1 decimal, of a rate per patient in transactions per
 * registered patient to 2.
 */
function gapScale(measure: EquityMeasure) {
  const percent = measure.format === 'percent';
  return {
    value: percent ? pp : per2,
    text: (v: number | null) => (percent ? pp(v)! : per2(v)!).toFixed(percent ? 1 : 2),
    unit: percent ? 'percentage points' : 'transactions per registered patient',
    label: percent ? 'Slope index (points)' : 'Slope index (per patient)',
    decimals: percent ? 1 : 2
  };
}
const ratio = (v: number | null) => (v === null ? null : v.toFixed(2));

/**
 * The gap in plain words: where it stands at the last snapshot with one, and whether it is widening or narrowing since
 * the first (the decision is verdictSql's, in pipeline/metrics/equity.ts).
 */
export function trendText(rows: GapRow[], characteristic: string, measure: EquityMeasure = REGISTRATION): string {
  const g = gapScale(measure);
  const measured = rows.filter((r) => r.sii !== null && r.sii_lower !== null && r.sii_upper !== null);
  const e = ends(characteristic);
  if (!measured.length)
    return `The gap cannot be measured: it needs all five quintiles to have units reporting ${measure.denominator.toLowerCase()}.`;
  const last = measured.at(-1)!;
  const direction = (sii: number) =>
    `${g.text(Math.abs(sii))} ${g.unit} ${sii >= 0 ? 'higher' : 'lower'} at the ${e.low} end than at the ${e.high} end`;
  const now = `At ${formatDate(last.as_of, 'long')}, ${measure.subject} was ${direction(last.sii!)} (slope index of inequality, 95% CI ${g.text(last.sii_lower)} to ${g.text(last.sii_upper)})`;
  const rii =
    last.rii !== null
      ? `; the ${e.low} end ${measure.ratioVerb} ${ratio(last.rii)} times the rate of the ${e.high} end (relative index, 95% CI ${ratio(last.rii_lower)} to ${ratio(last.rii_upper)})`
      : '';
  if (last.verdict === 'one snapshot' || last.first_as_of === null || last.first_sii === null)
    return `${now}${rii}. There is only one snapshot, so no trend yet.`;
  const from = `the slope index went from ${g.text(last.first_sii)} to ${g.text(last.sii)} ${g.unit}`;
  const since = `between ${formatDate(last.first_as_of, 'long')} and ${formatDate(last.as_of, 'long')}`;
  const verdict =
    last.verdict === 'no clear change'
      ? `The gap did not change clearly ${since}: ${from}, a change chance alone could give.`
      : `The gap is ${last.verdict}: ${from} ${since}, more than chance alone would give.`;
  const relative =
    last.relative_verdict === null || last.first_rii === null
      ? ''
      : last.relative_verdict === 'no clear change'
        ? ` In relative terms it did not change clearly (relative index ${ratio(last.first_rii)} then ${ratio(last.rii)}).`
        : ` In relative terms it ${last.relative_verdict === 'widening' ? 'widened' : 'narrowed'} (relative index ${ratio(last.first_rii)} then ${ratio(last.rii)}).`;
  return `${now}${rii}. ${verdict}${relative}`;
}

/** The gap figure's headline: the verdict of the summary, as a title. */
function gapTitle(summary: string): string {
  const verdict = /The gap (is widening|is narrowing|is reversing|did not change clearly)/.exec(summary)?.[1];
  if (verdict) return `Is the gap widening or narrowing? It ${verdict}`;
  if (summary.includes('only one snapshot')) return 'Is the gap widening or narrowing? One snapshot so far';
  return 'Is the gap widening or narrowing? It cannot be measured yet';
}

export async function gapFigure(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  characteristic: string,
  measure: EquityMeasure
): Promise<Figure> {
  const rows = await gapRows(connection, filters, characteristic, false, 'as_of <= CAST($asOf AS DATE)', measure);
  const summary = characteristic ? trendText(rows, characteristic, measure) : 'No unit characteristics are loaded.';
  const g = gapScale(measure);
  const e = ends(characteristic);
  return {
    id: 'equity-gap',
    title: gapTitle(summary),
    subtitle: `Slope and relative indices of inequality in ${measure.label.toLowerCase()} by quintile of ${characteristic || 'a characteristic'} (${e.low} end against ${e.high} end), ${populationText(filters)}, ${rows.length} ${rows.length === 1 ? 'snapshot' : 'snapshots'} to ${formatDate(filters.asOf, 'long')}`,
    svg: null,
    summary,
    table: {
      caption: `Slope index (${g.unit}) and relative index of inequality, with 95% confidence intervals`,
      columns: [
        { key: 'as_of', label: 'As of', kind: 'date', rowHeader: true },
        { key: 'sii', label: g.label, kind: 'decimal', decimals: g.decimals },
        { key: 'sii_lower', label: 'Slope index, lower 95% limit', kind: 'decimal', decimals: g.decimals },
        { key: 'sii_upper', label: 'Slope index, upper 95% limit', kind: 'decimal', decimals: g.decimals },
        { key: 'rii', label: 'Relative index', kind: 'text' },
        { key: 'rii_lower', label: 'Relative index, lower 95% limit', kind: 'text' },
        { key: 'rii_upper', label: 'Relative index, upper 95% limit', kind: 'text' }
      ],
      rows: rows.map((r) => ({
        as_of: r.as_of,
        sii: g.value(r.sii),
        sii_lower: g.value(r.sii_lower),
        sii_upper: g.value(r.sii_upper),
        rii: ratio(r.rii),
        rii_lower: ratio(r.rii_lower),
        rii_upper: ratio(r.rii_upper)
      }))
    }
  };
}

/**
 * Within each organisation: its units ranked into quintiles among themselves, the rate in its first and fifth
 * quintile and its SII and RII at the as-of date. One row per organisation.
 */
export async function organisationFigure(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  characteristic: string,
  measure: EquityMeasure
): Promise<Figure> {
  const rows: Row[] = [];
  const [n, d] = [measure.numeratorKey, measure.denominatorKey];
  const sc = gapScale(measure);
  if (filters.asOf && characteristic) {
    const quintiles = quintileSql({
      units: UNITS_IN_VIEW,
      characteristic: 'c.characteristic = $characteristic',
      asOf: 'as_of = CAST($asOf AS DATE)',
      byOrganisation: true,
      measure
    });
    const extremes = await select<Row>(
      connection,
      `SELECT organisation, sum(units)::INTEGER AS units,
              (sum(numerator) FILTER (WHERE quintile = 1))::INTEGER AS q1_${n},
              (sum(denominator) FILTER (WHERE quintile = 1))::INTEGER AS q1_${d},
              (sum(numerator) FILTER (WHERE quintile = 5))::INTEGER AS q5_${n},
              (sum(denominator) FILTER (WHERE quintile = 5))::INTEGER AS q5_${d}
         FROM (${quintiles}) GROUP BY organisation ORDER BY organisation`,
      params(filters, characteristic)
    );
    const gaps = new Map(
      (await gapRows(connection, filters, characteristic, true, 'as_of = CAST($asOf AS DATE)', measure)).map((g) => [
        g.organisation,
        g
      ])
    );
    for (const r of extremes) {
      const g = gaps.get(String(r.organisation));
      const rate = (n: unknown, d: unknown) => (n === null || d === null || !Number(d) ? null : Number(n) / Number(d));
      rows.push({
        ...r,
        q1_rate: rate(r[`q1_${n}`], r[`q1_${d}`]),
        q5_rate: rate(r[`q5_${n}`], r[`q5_${d}`]),
        sii: sc.value(g?.sii ?? null),
        sii_lower: sc.value(g?.sii_lower ?? null),
        sii_upper: sc.value(g?.sii_upper ?? null),
        rii: ratio(g?.rii ?? null)
      });
    }
  }
  const e = ends(characteristic);
  const measured = rows.filter((r) => r.sii !== null);
  const widest = [...measured].sort((a, b) => Math.abs(Number(b.sii)) - Math.abs(Number(a.sii)))[0];
  const end = (q: 'q1' | 'q5', words: string): Column[] => [
    { key: `${q}_${n}`, label: `${measure.numerator} (${words})`, kind: 'integer', counts: measure.counts },
    { key: `${q}_${d}`, label: `${measure.denominator} (${words})`, kind: 'integer', counts: measure.counts },
    {
      key: `${q}_rate`,
      label: `Rate (${words})`,
      ...rateKind(measure),
      rate: { numerator: `${q}_${n}`, denominator: `${q}_${d}` }
    }
  ];
  return {
    id: 'equity-organisations',
    title: widest
      ? `The widest gap within an organisation is at ${widest.organisation}: ${Number(widest.sii).toFixed(sc.decimals)} ${sc.unit}`
      : 'No organisation has enough units reporting to measure its gap',
    subtitle: `${measure.label} in each organisation's ${e.high} and ${e.low} fifth of units (quintiles of each organisation's own units with a value), and its slope and relative indices, ${formatDate(filters.asOf, 'long')}`,
    svg: null,
    summary: `${rows.length} ${rows.length === 1 ? 'organisation' : 'organisations'}; ${measured.length} with all five quintiles reporting, so a gap can be measured.`,
    table: {
      caption: `Within each organisation: ${measure.label.toLowerCase()} at the two ends, and the slope and relative indices, ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'organisation', label: 'Organisation', kind: 'text', rowHeader: true },
        serviceCount('units', 'Units with a value'),
        ...end('q1', e.high),
        ...end('q5', e.low),
        { key: 'sii', label: sc.label, kind: 'decimal', decimals: sc.decimals },
        { key: 'sii_lower', label: 'Slope index, lower 95% limit', kind: 'decimal', decimals: sc.decimals },
        { key: 'sii_upper', label: 'Slope index, upper 95% limit', kind: 'decimal', decimals: sc.decimals },
        { key: 'rii', label: 'Relative index', kind: 'text' }
      ],
      rows
    }
  };
}

async function missingValues(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  characteristic: string
): Promise<MissingValues> {
  if (!characteristic) return { count: 0, units: [] };
  const rows = await select<{ service_id: string; service_name: string; organisation: string; total: number }>(
    connection,
    `SELECT s.service_id, s.service_name, s.organisation, count(*) OVER ()::INTEGER AS total
       FROM service_latest s
       LEFT JOIN characteristic_current c ON c.service_id = s.service_id AND c.characteristic = $characteristic
      WHERE c.value IS NULL AND ${UNITS_IN_VIEW}
      ORDER BY s.organisation, s.service_id LIMIT ${MISSING_LISTED}`,
    params(filters, characteristic)
  );
  return {
    count: rows[0]?.total ?? 0,
    units: rows.map(({ service_id, service_name, organisation }) => ({ service_id, service_name, organisation }))
  };
}

async function notReporting(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  characteristic: string,
  measure: EquityMeasure
): Promise<number> {
  if (!characteristic || !filters.asOf) return 0;
  const [row] = await select<{ n: number }>(
    connection,
    `SELECT count(*)::INTEGER AS n
       FROM service_latest s JOIN characteristic_current c ON c.service_id = s.service_id AND c.characteristic = $characteristic
       LEFT JOIN (${measure.units}) u ON u.service_id = s.service_id AND u.as_of = CAST($asOf AS DATE)
      WHERE c.value IS NOT NULL AND ${UNITS_IN_VIEW} AND u.service_id IS NULL`,
    params(filters, characteristic)
  );
  return row.n;
}
