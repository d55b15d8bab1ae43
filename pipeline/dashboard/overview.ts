/**
 * The Overview page: headline figures at the as-of date with the change since the previous snapshot, the cumulative
 * adoption curve, and the RE-AIM panel.
 *
 * The headline is programme_headline's own statement (pipeline/metrics/headline.ts `headlineSql`) run over the services
 * the organisation and setting filters choose, rather than read from the view, which sums every service: one
 * computation, so with no filter the page and the view cannot disagree (tests/dashboard checks that).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, type ResolvedFilters } from './filters.ts';
import { formatDate, formatPercent } from '../format/format.ts';
import { select, serviceFilter } from './sql.ts';
import { headlineSql } from '../metrics/headline.ts';
import type { DataTable, Figure } from './table.ts';
import { patientCount } from './columns.ts';
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
  /**
   * What the card reads without a value: "Not reported" where the loaded exports lack it, "None" for a median of none.
   */
  missing: string;
}

/** What the loaded exports report for the services in view, beyond their patient counts. */
export interface HeadlineReporting {
  /** Some service has an approach or go-live date (NHS Digital's practice figures have neither). */
  goLives: boolean;
  /** A programme file with a launch date is loaded (months from launch are measured from it). */
  launch: boolean;
}

const NOT_REPORTED = 'Not reported';

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

/**
 * The headline at one or two as-of dates (the chosen one and the one before, for the change), in one statement: the
 * programme_headline computation (pipeline/metrics/headline.ts) narrowed to those dates and the filtered services.
 */
export async function headlines(
  connection: DuckDBConnection,
  dates: string[],
  filters: ResolvedFilters
): Promise<Map<string, Headline>> {
  const [first, second = null] = dates;
  const sql = headlineSql({
    dates: (alias) => `${alias}.as_of IN (CAST($first AS DATE), CAST($second AS DATE))`,
    services: serviceFilter
  });
  const rows = await select<Headline & { as_of: string }>(
    connection,
    `SELECT * EXCLUDE (previous_as_of) REPLACE (CAST(as_of AS VARCHAR) AS as_of)
       FROM (${sql}) WHERE as_of IN (CAST($first AS DATE), CAST($second AS DATE))`,
    { ...filterParams(filters), first, second }
  );
  return new Map(rows.map(({ as_of, ...headline }) => [as_of, headline]));
}

function headlineFigures(now: Headline, before: Headline | null, reported: HeadlineReporting): HeadlineFigure[] {
  const figure = (
    key: keyof Headline,
    label: string,
    kind: HeadlineFigure['kind'],
    detail = '',
    missing = NOT_REPORTED
  ): HeadlineFigure => ({
    key,
    label,
    kind,
    value: now[key],
    previous: before ? before[key] : null,
    detail,
    missing
  });
  // Without approach or go-live dates "0 of 0 approached" would read as a programme that has approached no one.
  const services = reported.goLives
    ? figure('services_live', 'Services live', 'integer', `of ${now.services_approached} approached`)
    : {
        ...figure('services_live', 'Services live', 'integer', 'the loaded exports give no approach or go-live dates'),
        value: null,
        previous: null
      };
  // A median of no service live is "None"; without go-live or launch dates there is nothing to take it from.
  const [medianDetail, medianMissing] = !reported.goLives
    ? ['the loaded exports give no go-live dates', NOT_REPORTED]
    : !reported.launch
      ? ['no programme launch date is loaded', NOT_REPORTED]
      : ['for services live', 'None'];
  return [
    services,
    figure('consented', 'Patients consented', 'integer'),
    figure('registered', 'Patients registered', 'integer'),
    figure('registration_rate', 'Registration rate', 'percent', 'of patients consented'),
    figure('sharing_rate', 'Sharing rate', 'percent', 'shares with a carer or a professional, per patient registered'),
    figure('median_months_launch_to_live', 'Median months from launch to live', 'decimal', medianDetail, medianMissing)
  ];
}

/** Whether the services in view have approach or go-live dates, and whether a launch date is loaded. */
export async function headlineReporting(
  connection: DuckDBConnection,
  filters: ResolvedFilters
): Promise<HeadlineReporting> {
  const [row] = await select<HeadlineReporting>(
    connection,
    `SELECT count(s.approached_on) + count(s.live_on) > 0 AS "goLives",
            EXISTS (SELECT 1 FROM programme_latest WHERE launched_on IS NOT NULL) AS launch
       FROM service_latest s WHERE ${serviceFilter('s')}`,
    filterParams(filters)
  );
  return row;
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
      patientCount('numerator', 'Numerator'),
      patientCount('denominator', 'Denominator'),
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
    figures: headlineFigures(now, before, await headlineReporting(connection, filters)),
    adoption: await adoptionFigure(connection, filters),
    reaim: await reaimFigure(connection, filters)
  };
}
