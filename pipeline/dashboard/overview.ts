/**
 * The Overview page: headline figures at the as-of date with the change since the previous snapshot, the cumulative
 * adoption curve, and the RE-AIM panel.
 *
 * The headline is computed from the per-service views (service_status, uptake_funnel, setup_duration) rather than read
 * from programme_headline, because the organisation and setting filters must apply to it; with no filter it gives the
 * same figures as programme_headline (tests/dashboard checks that), with the same definitions:
 * registration rate = registered / consented; sharing rate = (shared with a carer + shared with a professional) /
 * registered (a patient sharing with both counts twice, as in programme_headline); the median months from launch
 * to live is the median of the day counts, converted once (pipeline/metrics/headline.ts).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, type ResolvedFilters } from './filters.ts';
import { formatDate, formatPercent } from './format.ts';
import { select, serviceFilter } from './sql.ts';
import { monthsFromDays } from '../metrics/arithmetic.ts';
import type { DataTable, Figure } from './table.ts';
import { adoptionFigure } from './adoption.ts';

export interface Headline {
  services_total: number;
  services_approached: number;
  services_live: number;
  approached: number | null;
  consented: number | null;
  registered: number | null;
  shared_with_carer: number | null;
  shared_with_professional: number | null;
  registration_rate: number | null;
  sharing_rate: number | null;
  median_months_launch_to_live: number | null;
}

/** One headline figure as the page shows it, with its value at the previous snapshot. */
export interface HeadlineFigure {
  key: keyof Headline;
  label: string;
  kind: 'integer' | 'decimal' | 'percent';
  value: number | null;
  previous: number | null;
  /** Extra words after the value, e.g. "of 12 approached". */
  detail: string;
}

export interface Programme {
  programme: string;
  launched_on: string;
}

export interface Overview {
  filters: ResolvedFilters;
  programme: Programme | null;
  headline: Headline | null;
  figures: HeadlineFigure[];
  adoption: Figure | null;
  reaim: Figure | null;
}

function ratio(numerator: number | null, denominator: number | null): number | null {
  return numerator === null || !denominator ? null : numerator / denominator;
}

export async function headlineAt(connection: DuckDBConnection, asOf: string, filters: ResolvedFilters): Promise<Headline> {
  const [row] = await select<Omit<Headline, 'registration_rate' | 'sharing_rate'>>(
    connection,
    `WITH s AS (SELECT * FROM service_status s WHERE s.as_of = CAST($asOf AS DATE) AND ${serviceFilter('s')}),
          u AS (SELECT * FROM uptake_funnel u WHERE u.as_of = CAST($asOf AS DATE) AND ${serviceFilter('u')}),
          d AS (SELECT * FROM setup_duration d WHERE d.as_of = CAST($asOf AS DATE) AND ${serviceFilter('d')})
     SELECT
       (SELECT CAST(count(*) AS INTEGER) FROM s) AS services_total,
       (SELECT CAST(count(*) FILTER (WHERE is_approached) AS INTEGER) FROM s) AS services_approached,
       (SELECT CAST(count(*) FILTER (WHERE is_live) AS INTEGER) FROM s) AS services_live,
       (SELECT CAST(sum(approached) AS INTEGER) FROM u) AS approached,
       (SELECT CAST(sum(consented) AS INTEGER) FROM u) AS consented,
       (SELECT CAST(sum(registered) AS INTEGER) FROM u) AS registered,
       (SELECT CAST(sum(shared_with_carer) AS INTEGER) FROM u) AS shared_with_carer,
       (SELECT CAST(sum(shared_with_professional) AS INTEGER) FROM u) AS shared_with_professional,
       (SELECT ${monthsFromDays('median(days_launch_to_live)')} FROM d) AS median_months_launch_to_live`,
    { ...filterParams(filters), asOf }
  );
  const shared = row.shared_with_carer === null && row.shared_with_professional === null
    ? null
    : (row.shared_with_carer ?? 0) + (row.shared_with_professional ?? 0);
  return {
    ...row,
    registration_rate: ratio(row.registered, row.consented),
    sharing_rate: ratio(shared, row.registered)
  };
}

function headlineFigures(now: Headline, before: Headline | null): HeadlineFigure[] {
  const figure = (key: keyof Headline, label: string, kind: HeadlineFigure['kind'], detail = ''): HeadlineFigure => ({
    key,
    label,
    kind,
    value: now[key],
    previous: before ? before[key] : null,
    detail
  });
  return [
    figure('services_live', 'Services live', 'integer', `of ${now.services_approached} approached`),
    figure('consented', 'Patients consented', 'integer'),
    figure('registered', 'Patients registered', 'integer'),
    figure('registration_rate', 'Registration rate', 'percent', 'of patients consented'),
    figure('sharing_rate', 'Sharing rate', 'percent', 'shares with a carer or a professional, per patient registered'),
    figure('median_months_launch_to_live', 'Median months from launch to live', 'decimal', 'for services live')
  ];
}

/** Most RE-AIM measures are proportions; "… per live service" is a mean, so it reads as a number, not a percentage. */
function reaimValue(measure: string, value: number | null): string | null {
  if (value === null) return null;
  return measure.includes(' per ') ? value.toFixed(1) : formatPercent(value);
}

export async function reaimFigure(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Figure> {
  const rows = await select<Record<string, string | number | null>>(
    connection,
    `SELECT dimension, measure, numerator, denominator, CAST(value AS DOUBLE) AS value, note
       FROM reaim WHERE as_of = CAST($asOf AS DATE)
      ORDER BY list_position(['reach', 'effectiveness', 'adoption', 'implementation', 'maintenance'], dimension), measure`,
    { asOf: filters.asOf }
  );
  const table: DataTable = {
    caption: `RE-AIM measures, whole programme, ${formatDate(filters.asOf)}`,
    columns: [
      { key: 'dimension', label: 'Dimension', kind: 'text', rowHeader: true },
      { key: 'measure', label: 'Measure', kind: 'text' },
      { key: 'numerator', label: 'Numerator', kind: 'integer' },
      { key: 'denominator', label: 'Denominator', kind: 'integer' },
      { key: 'value', label: 'Value', kind: 'text' },
      { key: 'note', label: 'Note', kind: 'text' }
    ],
    rows: rows.map((r) => ({ ...r, value: reaimValue(String(r.measure), r.value as number | null) }))
  };
  const notMeasured = rows.filter((r) => r.value === null).map((r) => String(r.dimension));
  return {
    id: 'reaim',
    title: 'RE-AIM: reach, adoption, implementation and maintenance',
    subtitle: `RE-AIM measures for the whole programme (filters do not apply), ${formatDate(filters.asOf)}`,
    svg: null,
    summary: notMeasured.length
      ? `Not measured from the loaded data: ${[...new Set(notMeasured)].join(', ')}.`
      : 'Every RE-AIM dimension has a measure from the loaded data.',
    table
  };
}

/** The programme as last loaded, or null before any programme file is loaded. */
export async function programme(connection: DuckDBConnection): Promise<Programme | null> {
  const [row] = await select<Programme>(connection, 'SELECT programme, CAST(launched_on AS VARCHAR) AS launched_on FROM programme_latest');
  return row ?? null;
}

export async function overview(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Overview> {
  const about = await programme(connection);
  if (!filters.asOf) return { filters, programme: about, headline: null, figures: [], adoption: null, reaim: null };
  const now = await headlineAt(connection, filters.asOf, filters);
  const before = filters.previousAsOf ? await headlineAt(connection, filters.previousAsOf, filters) : null;
  return {
    filters,
    programme: about,
    headline: now,
    figures: headlineFigures(now, before),
    adoption: await adoptionFigure(connection, filters),
    reaim: await reaimFigure(connection, filters)
  };
}

