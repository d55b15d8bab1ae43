/**
 * The dashboard's filters: as-of date, organisation and setting, read from the URL so that a committee member can send
 * a link to exactly what they saw. One parser for every page and every CSV download.
 *
 * Two steps: `parseFilters` checks the shape of the values (no database needed), `resolveFilters` checks them against
 * what is loaded and fills in the default as-of date (the latest snapshot). Anything unknown is a FilterError, which
 * the site shows as a 400 page: a mistyped link says what was wrong instead of silently showing something else.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SETTINGS, type Setting } from '../warehouse/schema.ts';
import { select } from './sql.ts';

export interface Filters {
  asOf?: string;
  organisation?: string;
  setting?: Setting;
}

/** Filters checked against the warehouse. asOf is null only when no snapshot has been loaded yet. */
export interface ResolvedFilters {
  asOf: string | null;
  previousAsOf: string | null;
  organisation: string | null;
  setting: Setting | null;
}

export interface FilterOptions {
  asOfDates: string[]; // newest first
  organisations: string[];
  settings: readonly Setting[];
}

export class FilterError extends Error {
  constructor(
    readonly parameter: string,
    readonly value: string,
    message: string
  ) {
    super(message);
    this.name = 'FilterError';
  }
}

/** The URL parameter names, as they appear in links. */
export const FILTER_PARAMS = ['asOf', 'organisation', 'setting'] as const;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_TEXT = 200;

function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1)
    throw new FilterError(name, values.join(', '), `Give ${name} once, not ${values.length} times.`);
  const value = values[0]?.trim();
  return value ? value : undefined; // an empty select ("All") means no filter
}

function isRealDate(text: string): boolean {
  const m = ISO_DATE.exec(text);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** Checks the shape of the filter values in a URL. Throws FilterError for anything malformed. */
export function parseFilters(params: URLSearchParams): Filters {
  const filters: Filters = {};
  const asOf = single(params, 'asOf');
  if (asOf !== undefined) {
    if (!isRealDate(asOf))
      throw new FilterError('asOf', asOf, `The as-of date "${asOf}" is not a date in the form YYYY-MM-DD.`);
    filters.asOf = asOf;
  }
  const organisation = single(params, 'organisation');
  if (organisation !== undefined) {
    if (organisation.length > MAX_TEXT)
      throw new FilterError('organisation', organisation.slice(0, 40) + '…', 'That organisation name is too long.');
    filters.organisation = organisation;
  }
  const setting = single(params, 'setting');
  if (setting !== undefined) {
    if (!(SETTINGS as readonly string[]).includes(setting)) {
      throw new FilterError(
        'setting',
        setting,
        `There is no setting "${setting}". Settings are: ${SETTINGS.join(', ')}.`
      );
    }
    filters.setting = setting as Setting;
  }
  return filters;
}

/** What the filter form offers: every loaded as-of date and organisation, and the five settings. */
export async function filterOptions(connection: DuckDBConnection): Promise<FilterOptions> {
  const dates = await select<{ as_of: string }>(
    connection,
    'SELECT CAST(as_of AS VARCHAR) AS as_of FROM as_of_date ORDER BY as_of DESC'
  );
  const organisations = await select<{ organisation: string }>(
    connection,
    'SELECT DISTINCT organisation FROM service_latest ORDER BY organisation'
  );
  return {
    asOfDates: dates.map((d) => d.as_of),
    organisations: organisations.map((o) => o.organisation),
    settings: SETTINGS
  };
}

/** Checks the filters against what is loaded; the as-of date defaults to the latest snapshot. */
export async function resolveFilters(
  connection: DuckDBConnection,
  filters: Filters,
  options?: FilterOptions
): Promise<ResolvedFilters> {
  const known = options ?? (await filterOptions(connection));
  if (filters.asOf && !known.asOfDates.includes(filters.asOf)) {
    throw new FilterError(
      'asOf',
      filters.asOf,
      `No snapshot is loaded for ${filters.asOf}. Choose one of the loaded as-of dates.`
    );
  }
  if (filters.organisation && !known.organisations.includes(filters.organisation)) {
    throw new FilterError(
      'organisation',
      filters.organisation,
      `No service is loaded for the organisation "${filters.organisation}".`
    );
  }
  const asOf = filters.asOf ?? known.asOfDates[0] ?? null;
  // asOfDates is newest first, so the previous snapshot is the next one in the list.
  const previousAsOf = asOf ? (known.asOfDates[known.asOfDates.indexOf(asOf) + 1] ?? null) : null;
  return { asOf, previousAsOf, organisation: filters.organisation ?? null, setting: filters.setting ?? null };
}

/** The filters as query parameters for SQL (NULL = not filtered). */
export function filterParams(filters: ResolvedFilters): {
  asOf: string | null;
  organisation: string | null;
  setting: string | null;
} {
  return { asOf: filters.asOf, organisation: filters.organisation, setting: filters.setting };
}

/** The filters as a URL query string (only the ones set), for links that keep what the user chose. */
export function filterQuery(
  filters: Partial<ResolvedFilters> | Filters,
  extra: Record<string, string | undefined> = {}
): string {
  const params = new URLSearchParams();
  if (filters.asOf) params.set('asOf', filters.asOf);
  if (filters.organisation) params.set('organisation', filters.organisation);
  if (filters.setting) params.set('setting', filters.setting);
  for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Who the figures cover, in words, for statistical subtitles. */
export function populationText(filters: ResolvedFilters): string {
  const parts: string[] = [];
  if (filters.setting) parts.push(`${filters.setting} services`);
  else parts.push('services');
  if (filters.organisation) parts.push(`at ${filters.organisation}`);
  else parts.push('in all organisations');
  return parts.join(' ');
}
