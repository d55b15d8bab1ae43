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
import { EQUITY_MEASURES, gapSql, quintileSql, verdictSql, Z95 } from '../metrics/equity.ts';
import { equityQuintilesChart } from './charts.ts';
import { FilterError, filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate, formatPercent } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import type { Figure, Row } from './table.ts';

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

export interface EquityPage {
  characteristics: CharacteristicOption[];
  /** The characteristic shown (null when none is loaded). */
  characteristic: string | null;
  period: string | null;
  quintiles: Figure;
  gap: Figure;
  organisations: Figure;
  /** Plain words: is the gap widening or narrowing across snapshots? */
  trend: string;
  missing: MissingValues;
  /** Units in view with a value that reported no list size or registrations at the as-of date. */
  notReporting: number;
}

export const MISSING_LISTED = 20;
const MAX_CHARACTERISTIC = 300;

/** The characteristic asked for in the URL (`?characteristic=`), checked for shape only. */
export function parseCharacteristic(params: URLSearchParams): string | null {
  const values = params.getAll('characteristic');
  if (values.length > 1) throw new FilterError('characteristic', values.join(', '), 'Give characteristic once.');
  const value = values[0]?.trim();
  if (!value) return null;
  if (value.length > MAX_CHARACTERISTIC)
    throw new FilterError('characteristic', value.slice(0, 40) + '…', 'That characteristic name is too long.');
  return value;
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

const MEASURE = EQUITY_MEASURES[0];
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
  const [quintiles, gap, organisations] = [
    await quintileFigure(connection, filters, characteristic),
    await gapFigure(connection, filters, characteristic),
    await organisationFigure(connection, filters, characteristic)
  ];
  return {
    characteristics,
    characteristic: chosen?.characteristic ?? null,
    period: chosen?.period ?? null,
    quintiles,
    gap,
    organisations,
    trend: gap.summary,
    missing: await missingValues(connection, filters, characteristic),
    notReporting: await notReporting(connection, filters, characteristic)
  };
}

/** Quintile rows (national view: the units in view) with the rate's 95% interval (binomial, normal approximation). */
async function quintileRows(connection: DuckDBConnection, filters: ResolvedFilters, characteristic: string) {
  if (!filters.asOf || !characteristic) return [];
  const sql = quintileSql({
    units: UNITS_IN_VIEW,
    characteristic: 'c.characteristic = $characteristic',
    asOf: 'as_of = CAST($asOf AS DATE)',
    byOrganisation: false
  });
  return select<Row>(
    connection,
    `SELECT quintile, units, lowest, highest, units_reporting, numerator::INTEGER AS registered, denominator::INTEGER AS eligible,
            rate,
            rate - ${Z95} * sqrt(greatest(rate * (1 - rate), 0) / denominator) AS rate_lower,
            rate + ${Z95} * sqrt(greatest(rate * (1 - rate), 0) / denominator) AS rate_upper
       FROM (${sql}) ORDER BY quintile`,
    params(filters, characteristic)
  );
}

const round1 = (v: unknown) => (v === null || v === undefined ? '' : Number(v).toFixed(1));

function quintileLabel(quintile: number, characteristic: string): string {
  const e = ends(characteristic);
  return quintile === 1 ? `1 (${e.high})` : quintile === 5 ? `5 (${e.low})` : String(quintile);
}

export async function quintileFigure(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  characteristic: string
): Promise<Figure> {
  const rows: Row[] = (await quintileRows(connection, filters, characteristic)).map((r) => ({
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
            upper: r.rate_upper === null ? null : Math.min(1, Number(r.rate_upper))
          })),
          { asOf: filters.asOf, measure: MEASURE.label, characteristic, labelledBy: 'figure-equity-quintiles-summary' }
        )
      : null;
  const units = rows.reduce((n, r) => n + Number(r.units), 0);
  const first = rows.find((r) => Number(r.quintile) === 1);
  const last = rows.find((r) => Number(r.quintile) === 5);
  const e = ends(characteristic);
  const title =
    first?.rate != null && last?.rate != null
      ? `${formatPercent(Number(last.rate), 1)} registered in the ${e.low} fifth of units, ${formatPercent(Number(first.rate), 1)} in the ${e.high}`
      : characteristic
        ? 'Too few units report a list size to compare quintiles'
        : 'No unit characteristics are loaded';
  return {
    id: 'equity-quintiles',
    title,
    subtitle: `${MEASURE.label} by quintile of ${characteristic || 'a characteristic'}, quintiles of the ${units.toLocaleString('en-GB')} units in view with a value (${populationText(filters)}), ${formatDate(filters.asOf, 'long')}`,
    svg: chart?.svg ?? null,
    summary: chart?.summary ?? 'There is nothing to chart yet.',
    table: {
      caption: `${MEASURE.label} by quintile of ${characteristic}, ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'label', label: 'Quintile', kind: 'text', rowHeader: true },
        { key: 'range', label: 'Values', kind: 'text' },
        { key: 'units', label: 'Units', kind: 'integer', counts: 'services' },
        { key: 'units_reporting', label: 'Units reporting', kind: 'integer', counts: 'services' },
        { key: 'registered', label: 'Registered', kind: 'integer', counts: 'patients' },
        { key: 'eligible', label: 'List size', kind: 'integer', counts: 'patients' },
        {
          key: 'rate',
          label: 'Registered of list size',
          kind: 'percent',
          rate: { numerator: 'registered', denominator: 'eligible' }
        },
        // The interval comes from exact counts: in a controlled export it would give small counts away, so it is
        // withheld there (a percent column without parts shows *).
        { key: 'rate_lower', label: 'Lower 95% limit', kind: 'percent' },
        { key: 'rate_upper', label: 'Upper 95% limit', kind: 'percent' }
      ],
      rows: rows.map((r) => ({
        label: r.label,
        range: r.range,
        units: r.units,
        units_reporting: r.units_reporting,
        registered: r.registered,
        eligible: r.eligible,
        rate: r.rate,
        rate_lower: r.rate_lower,
        rate_upper: r.rate_upper
      }))
    }
  };
}

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
  asOf: string
): Promise<(GapRow & { organisation?: string })[]> {
  if (!filters.asOf || !characteristic) return [];
  const groups = byOrganisation ? ['characteristic', 'organisation', 'as_of'] : ['characteristic', 'as_of'];
  const sql = verdictSql(
    gapSql(
      quintileSql({ units: UNITS_IN_VIEW, characteristic: 'c.characteristic = $characteristic', asOf, byOrganisation }),
      groups
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

const pp = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
const ratio = (v: number | null) => (v === null ? null : v.toFixed(2));

/**
 * The gap in plain words: where it stands at the last snapshot with one, and whether it is widening or narrowing since
 * the first (the decision is verdictSql's, in pipeline/metrics/equity.ts).
 */
export function trendText(rows: GapRow[], characteristic: string): string {
  const measured = rows.filter((r) => r.sii !== null && r.sii_lower !== null && r.sii_upper !== null);
  const e = ends(characteristic);
  if (!measured.length)
    return 'The gap cannot be measured: it needs all five quintiles to have units reporting a list size.';
  const last = measured.at(-1)!;
  const direction = (sii: number) =>
    `${Math.abs(pp(sii)!).toFixed(1)} percentage points ${sii >= 0 ? 'higher' : 'lower'} at the ${e.low} end than at the ${e.high} end`;
  const now = `At ${formatDate(last.as_of, 'long')}, registration against list size was ${direction(last.sii!)} (slope index of inequality, 95% CI ${pp(last.sii_lower)!.toFixed(1)} to ${pp(last.sii_upper)!.toFixed(1)})`;
  const rii =
    last.rii !== null
      ? `; the ${e.low} end registered ${ratio(last.rii)} times the rate of the ${e.high} end (relative index, 95% CI ${ratio(last.rii_lower)} to ${ratio(last.rii_upper)})`
      : '';
  if (last.verdict === 'one snapshot' || last.first_as_of === null || last.first_sii === null)
    return `${now}${rii}. There is only one snapshot, so no trend yet.`;
  const from = `the slope index went from ${pp(last.first_sii)!.toFixed(1)} to ${pp(last.sii)!.toFixed(1)} percentage points`;
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
  characteristic: string
): Promise<Figure> {
  const rows = await gapRows(connection, filters, characteristic, false, 'as_of <= CAST($asOf AS DATE)');
  const summary = characteristic ? trendText(rows, characteristic) : 'No unit characteristics are loaded.';
  const e = ends(characteristic);
  return {
    id: 'equity-gap',
    title: gapTitle(summary),
    subtitle: `Slope and relative indices of inequality in ${MEASURE.label.toLowerCase()} by quintile of ${characteristic || 'a characteristic'} (${e.low} end against ${e.high} end), ${populationText(filters)}, ${rows.length} ${rows.length === 1 ? 'snapshot' : 'snapshots'} to ${formatDate(filters.asOf, 'long')}`,
    svg: null,
    summary,
    table: {
      caption: `Slope index (percentage points) and relative index of inequality, with 95% confidence intervals`,
      columns: [
        { key: 'as_of', label: 'As of', kind: 'date', rowHeader: true },
        { key: 'sii', label: 'Slope index (points)', kind: 'decimal' },
        { key: 'sii_lower', label: 'Slope index, lower 95% limit', kind: 'decimal' },
        { key: 'sii_upper', label: 'Slope index, upper 95% limit', kind: 'decimal' },
        { key: 'rii', label: 'Relative index', kind: 'text' },
        { key: 'rii_lower', label: 'Relative index, lower 95% limit', kind: 'text' },
        { key: 'rii_upper', label: 'Relative index, upper 95% limit', kind: 'text' }
      ],
      rows: rows.map((r) => ({
        as_of: r.as_of,
        sii: pp(r.sii),
        sii_lower: pp(r.sii_lower),
        sii_upper: pp(r.sii_upper),
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
  characteristic: string
): Promise<Figure> {
  const rows: Row[] = [];
  if (filters.asOf && characteristic) {
    const quintiles = quintileSql({
      units: UNITS_IN_VIEW,
      characteristic: 'c.characteristic = $characteristic',
      asOf: 'as_of = CAST($asOf AS DATE)',
      byOrganisation: true
    });
    const extremes = await select<Row>(
      connection,
      `SELECT organisation, sum(units)::INTEGER AS units,
              (sum(numerator) FILTER (WHERE quintile = 1))::INTEGER AS q1_registered,
              (sum(denominator) FILTER (WHERE quintile = 1))::INTEGER AS q1_eligible,
              (sum(numerator) FILTER (WHERE quintile = 5))::INTEGER AS q5_registered,
              (sum(denominator) FILTER (WHERE quintile = 5))::INTEGER AS q5_eligible
         FROM (${quintiles}) GROUP BY organisation ORDER BY organisation`,
      params(filters, characteristic)
    );
    const gaps = new Map(
      (await gapRows(connection, filters, characteristic, true, 'as_of = CAST($asOf AS DATE)')).map((g) => [
        g.organisation,
        g
      ])
    );
    for (const r of extremes) {
      const g = gaps.get(String(r.organisation));
      const rate = (n: unknown, d: unknown) => (n === null || d === null || !Number(d) ? null : Number(n) / Number(d));
      rows.push({
        ...r,
        q1_rate: rate(r.q1_registered, r.q1_eligible),
        q5_rate: rate(r.q5_registered, r.q5_eligible),
        sii: pp(g?.sii ?? null),
        sii_lower: pp(g?.sii_lower ?? null),
        sii_upper: pp(g?.sii_upper ?? null),
        rii: ratio(g?.rii ?? null)
      });
    }
  }
  const e = ends(characteristic);
  const measured = rows.filter((r) => r.sii !== null);
  const widest = [...measured].sort((a, b) => Math.abs(Number(b.sii)) - Math.abs(Number(a.sii)))[0];
  return {
    id: 'equity-organisations',
    title: widest
      ? `The widest gap within an organisation is at ${widest.organisation}: ${Number(widest.sii).toFixed(1)} percentage points`
      : 'No organisation has enough units reporting to measure its gap',
    subtitle: `${MEASURE.label} in each organisation's ${e.high} and ${e.low} fifth of units (quintiles of each organisation's own units with a value), and its slope and relative indices, ${formatDate(filters.asOf, 'long')}`,
    svg: null,
    summary: `${rows.length} ${rows.length === 1 ? 'organisation' : 'organisations'}; ${measured.length} with all five quintiles reporting, so a gap can be measured.`,
    table: {
      caption: `Within each organisation: ${MEASURE.label.toLowerCase()} at the two ends, and the slope and relative indices, ${formatDate(filters.asOf, 'long')}`,
      columns: [
        { key: 'organisation', label: 'Organisation', kind: 'text', rowHeader: true },
        { key: 'units', label: 'Units with a value', kind: 'integer', counts: 'services' },
        { key: 'q1_registered', label: `Registered (${e.high})`, kind: 'integer', counts: 'patients' },
        { key: 'q1_eligible', label: `List size (${e.high})`, kind: 'integer', counts: 'patients' },
        {
          key: 'q1_rate',
          label: `Rate (${e.high})`,
          kind: 'percent',
          rate: { numerator: 'q1_registered', denominator: 'q1_eligible' }
        },
        { key: 'q5_registered', label: `Registered (${e.low})`, kind: 'integer', counts: 'patients' },
        { key: 'q5_eligible', label: `List size (${e.low})`, kind: 'integer', counts: 'patients' },
        {
          key: 'q5_rate',
          label: `Rate (${e.low})`,
          kind: 'percent',
          rate: { numerator: 'q5_registered', denominator: 'q5_eligible' }
        },
        { key: 'sii', label: 'Slope index (points)', kind: 'decimal' },
        { key: 'sii_lower', label: 'Slope index, lower 95% limit', kind: 'decimal' },
        { key: 'sii_upper', label: 'Slope index, upper 95% limit', kind: 'decimal' },
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
  characteristic: string
): Promise<number> {
  if (!characteristic || !filters.asOf) return 0;
  const [row] = await select<{ n: number }>(
    connection,
    `SELECT count(*)::INTEGER AS n
       FROM service_latest s JOIN characteristic_current c ON c.service_id = s.service_id AND c.characteristic = $characteristic
       LEFT JOIN (${MEASURE.units}) u ON u.service_id = s.service_id AND u.as_of = CAST($asOf AS DATE)
      WHERE c.value IS NOT NULL AND ${UNITS_IN_VIEW} AND u.service_id IS NULL`,
    params(filters, characteristic)
  );
  return row.n;
}
