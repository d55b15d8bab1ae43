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
import { formatDate, formatPercent } from '../format/format.ts';
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

/**
 * The headline at one or two as-of dates (the chosen one and the one before, for the change), in one statement:
 * each per-service view is read once and grouped by as-of date.
 */
export async function headlines(
  connection: DuckDBConnection,
  dates: string[],
  filters: ResolvedFilters
): Promise<Map<string, Headline>> {
  const [first, second = null] = dates;
  const at = (alias: string) =>
    `${alias}.as_of IN (CAST($first AS DATE), CAST($second AS DATE)) AND ${serviceFilter(alias)}`;
  const rows = await select<Omit<Headline, 'registration_rate' | 'sharing_rate'> & { as_of: string }>(
    connection,
    `WITH s AS (
       SELECT s.as_of, CAST(count(*) AS INTEGER) AS services_total,
              CAST(count(*) FILTER (WHERE s.is_approached) AS INTEGER) AS services_approached,
              CAST(count(*) FILTER (WHERE s.is_live) AS INTEGER) AS services_live
         FROM service_status s WHERE ${at('s')} GROUP BY s.as_of
     ), u AS (
       SELECT u.as_of, CAST(sum(u.approached) AS INTEGER) AS approached, CAST(sum(u.consented) AS INTEGER) AS consented,
              CAST(sum(u.registered) AS INTEGER) AS registered, CAST(sum(u.shared_with_carer) AS INTEGER) AS shared_with_carer,
              CAST(sum(u.shared_with_professional) AS INTEGER) AS shared_with_professional
         FROM uptake_funnel u WHERE ${at('u')} GROUP BY u.as_of
     ), d AS (
       SELECT d.as_of, ${monthsFromDays('median(d.days_launch_to_live)')} AS median_months_launch_to_live
         FROM setup_duration d WHERE ${at('d')} GROUP BY d.as_of
     )
     SELECT CAST(s.as_of AS VARCHAR) AS as_of, s.services_total, s.services_approached, s.services_live,
            u.approached, u.consented, u.registered, u.shared_with_carer, u.shared_with_professional,
            d.median_months_launch_to_live
       FROM s LEFT JOIN u USING (as_of) LEFT JOIN d USING (as_of)`,
    { ...filterParams(filters), first, second }
  );
  const byDate = new Map<string, Headline>();
  for (const { as_of, ...row } of rows) {
    const shared =
      row.shared_with_carer === null && row.shared_with_professional === null
        ? null
        : (row.shared_with_carer ?? 0) + (row.shared_with_professional ?? 0);
    byDate.set(as_of, {
      ...row,
      registration_rate: ratio(row.registered, row.consented),
      sharing_rate: ratio(shared, row.registered)
    });
  }
  // A filter that matches no service still has a headline: zero services, no patients.
  for (const date of dates) {
    if (!byDate.has(date)) {
      byDate.set(date, {
        services_total: 0,
        services_approached: 0,
        services_live: 0,
        approached: null,
        consented: null,
        registered: null,
        shared_with_carer: null,
        shared_with_professional: null,
        registration_rate: null,
        sharing_rate: null,
        median_months_launch_to_live: null
      });
    }
  }
  return byDate;
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
  return measure.includes(' per ') ? value.toFixed(1) : formatPercent(value, 1, '');
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
    caption: `RE-AIM measures, whole programme, ${formatDate(filters.asOf, 'long')}`,
    columns: [
      { key: 'dimension', label: 'Dimension', kind: 'text', rowHeader: true },
      { key: 'measure', label: 'Measure', kind: 'text' },
      // Rows mix patient measures (reach) with service measures (adoption); a column declares one kind, so both
      // are controlled as patients in exports (fail closed), and the value worked out from them is withheld there.
      { key: 'numerator', label: 'Numerator', kind: 'integer', counts: 'patients' },
      { key: 'denominator', label: 'Denominator', kind: 'integer', counts: 'patients' },
      { key: 'value', label: 'Value', kind: 'text', derivedFromCounts: true },
      { key: 'note', label: 'Note', kind: 'text' }
    ],
    rows: rows.map((r) => ({ ...r, value: reaimValue(String(r.measure), r.value as number | null) }))
  };
  // A dimension is unmeasured only when none of its measures has a value (reach from list size counts, even where
  // its consent-based proxy is not reported).
  const dimensions = [...new Set(rows.map((r) => String(r.dimension)))];
  const notMeasured = dimensions.filter((d) => rows.every((r) => String(r.dimension) !== d || r.value === null));
  return {
    id: 'reaim',
    title: 'RE-AIM: reach, adoption, implementation and maintenance',
    subtitle: `RE-AIM measures for the whole programme (filters do not apply), ${formatDate(filters.asOf, 'long')}`,
    svg: null,
    summary: notMeasured.length
      ? `Not measured from the loaded data: ${[...new Set(notMeasured)].join(', ')}.`
      : 'Every RE-AIM dimension has a measure from the loaded data.',
    table
  };
}

/** The programme as last loaded, or null before any programme file is loaded. */
export async function programme(connection: DuckDBConnection): Promise<Programme | null> {
  const [row] = await select<Programme>(
    connection,
    'SELECT programme, CAST(launched_on AS VARCHAR) AS launched_on FROM programme_latest'
  );
  return row ?? null;
}

export async function overview(connection: DuckDBConnection, filters: ResolvedFilters): Promise<Overview> {
  const about = await programme(connection);
  if (!filters.asOf) return { filters, programme: about, headline: null, figures: [], adoption: null, reaim: null };
  const both = await headlines(
    connection,
    filters.previousAsOf ? [filters.asOf, filters.previousAsOf] : [filters.asOf],
    filters
  );
  const now = both.get(filters.asOf)!;
  const before = filters.previousAsOf ? both.get(filters.previousAsOf)! : null;
  return {
    filters,
    programme: about,
    headline: now,
    figures: headlineFigures(now, before),
    adoption: await adoptionFigure(connection, filters),
    reaim: await reaimFigure(connection, filters)
  };
}
