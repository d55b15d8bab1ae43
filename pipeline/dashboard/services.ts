/**
 * The Services table: one row per service at the as-of date, combining the seed report's Tables 1, 4 and 5 (setup
 * duration; consented and registered; sharing), or one row per region or organisation when there are too many
 * services to read (levels.ts). Paged, sorted and searched in SQL from URL parameters, so the table works without
 * JavaScript and a page never holds more than PAGE_SIZE rows; sort keys are looked up in a fixed list of columns and
 * never put into SQL from the URL. (No status column: a live date or "–" says it, and thirteen columns would not fit a
 * laptop screen.)
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { filterParams, populationText, type ResolvedFilters } from './filters.ts';
import { formatDate, formatPercent } from '../format/format.ts';
import {
  LEVELS,
  MANAGEABLE_ROWS,
  availableLevels,
  childLevel,
  defaultLevel,
  levelByKey,
  levelName,
  parentFilterSql,
  parentParams,
  readParents,
  type Level
} from './levels.ts';
import { select, serviceFilter, type Params } from './sql.ts';
import { patientCount, percentOf, serviceCount } from './columns.ts';
import {
  PAGE_SIZE,
  TableQueryError,
  pageInfo,
  parseTableQuery,
  type Column,
  type Figure,
  type PageInfo,
  type Row,
  type TableQuery
} from './table.ts';

/** Patients consented and registered, the share registered, and sharing: the same in a row of services or of groups. */
const REGISTRATION_COLUMNS: Column[] = [
  patientCount('consented', 'Consented'),
  patientCount('registered', 'Registered'),
  percentOf('registration_rate', '% registered', 'registered', 'consented'),
  patientCount('shared_with_carer', 'Shared with a carer'),
  patientCount('shared_with_professional', 'Shared with a professional')
];

export const SERVICE_COLUMNS: Column[] = [
  { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
  { key: 'organisation', label: 'Organisation', kind: 'text' },
  { key: 'setting', label: 'Setting', kind: 'text' },
  { key: 'in_original_bid', label: 'In original bid', kind: 'flag' },
  { key: 'approached_on', label: 'Approached', kind: 'date' },
  { key: 'live_on', label: 'Live', kind: 'date' },
  { key: 'months_launch_to_live', label: 'Months launch to live', kind: 'decimal' },
  ...REGISTRATION_COLUMNS
];

/** The columns of a table of regions, organisations or the whole programme: sums over their services. */
export function groupColumns(level: Level): Column[] {
  return [
    { key: 'name', label: level.label, kind: 'text', rowHeader: true },
    serviceCount('services', 'Services'),
    serviceCount('live', 'Live services'),
    ...REGISTRATION_COLUMNS
  ];
}

export function columnsAt(level: Level): Column[] {
  return level.key === 'service' ? SERVICE_COLUMNS : groupColumns(level);
}

export interface ServicesQuery extends TableQuery {
  /** The level asked for in the URL; null means "the level that fits" (defaultLevel). */
  level: string | null;
  /** The selected region, organisation, … above the level, by the level's URL parameter. */
  parents: Record<string, string>;
}

/**
 * Reads level, the selected parents, page, sort, dir and q from the URL. An unknown level or sort column, or a page
 * that is not a whole number, is an error (a 400), not silently ignored. The sort key must be a column of the level
 * asked for; without a level, of any level (it is checked again once the level is known).
 */
export function parseServicesQuery(params: URLSearchParams): ServicesQuery {
  const levelText = params.get('level') || null;
  const level = levelText === null ? null : levelByKey(levelText);
  if (levelText !== null && !level) {
    throw new TableQueryError(
      `There is no level "${levelText.slice(0, 40)}". Levels are: ${LEVELS.map((l) => l.key).join(', ')}.`
    );
  }
  const sortable = level
    ? columnsAt(level).map((c) => c.key)
    : [...new Set(LEVELS.flatMap((l) => columnsAt(l).map((c) => c.key)))];
  const defaultSort = level ? columnsAt(level)[0].key : '';
  const table = parseTableQuery(params, ['', ...sortable], { sort: defaultSort, what: 'services table' });
  if (table.sort === '' && params.get('sort')) throw new TableQueryError('The services table cannot be sorted by "".');
  return { ...table, level: level?.key ?? null, parents: readParents(params) };
}

export interface ServicesTable {
  figure: Figure;
  query: ServicesQuery;
  /** The level shown, the levels a user can switch to, and the level a row's link drills down to. */
  level: Level;
  levels: Level[];
  child: Level | null;
  /** Rows before the search narrowed them (for "3 of 12 services"). */
  total: number;
  /** Where this page sits; null for the whole table (CSV downloads). */
  page: PageInfo | null;
}

const NO_QUERY: ServicesQuery = { page: 1, sort: '', dir: 'asc', q: '', level: null, parents: {} };

/**
 * One page of the services table at the level asked for (or the level that fits), or every row (`all`: for the
 * CSV download, which holds every row).
 */
export async function servicesTable(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  query: ServicesQuery = NO_QUERY,
  options: { all?: boolean; pageSize?: number; manageable?: number } = {}
): Promise<ServicesTable> {
  const plan = await servicesPlan(connection, filters, query, options.manageable);
  const size = options.pageSize ?? PAGE_SIZE;
  const { level, columns, sql, params, sortKey } = plan;
  const counts = filters.asOf
    ? (
        await select<{ total: number; shown: number; live: number; services: number }>(
          connection,
          `WITH t AS (${sql})
           SELECT count(*)::INTEGER AS total, (count(*) FILTER (WHERE matches))::INTEGER AS shown,
                  coalesce(sum(live) FILTER (WHERE matches), 0)::INTEGER AS live,
                  coalesce(sum(services) FILTER (WHERE matches), 0)::INTEGER AS services
             FROM t`,
          params
        )
      )[0]
    : { total: 0, shown: 0, live: 0, services: 0 };
  const page = options.all ? null : pageInfo(counts.shown, query.page, size);
  const rows = filters.asOf
    ? await select<Row>(
        connection,
        `${orderedSql(plan)} ${page ? `LIMIT ${size} OFFSET ${(page.page - 1) * size}` : ''}`,
        params
      )
    : [];
  const summary = filters.asOf ? await summarise(connection, plan, counts.shown) : 'No services match.';
  const searched = query.q ? ` matching "${query.q}"` : '';
  const where = level.key === 'service' ? '' : ` (${counts.shown} ${counts.shown === 1 ? level.one : level.plural})`;
  return {
    query: { ...query, sort: sortKey, level: level.key },
    level,
    levels: plan.levels,
    child: childLevel(plan.levels, level),
    total: counts.total,
    page,
    figure: {
      id: 'services',
      title: `${counts.live} of ${counts.services} services${searched} are live${where}`,
      subtitle: `Setup, consent, registration and sharing for ${populationText(filters)}${parentText(plan)}, ${level.key === 'service' ? 'by service' : `by ${level.one}`}, ${formatDate(filters.asOf, 'long')}`,
      svg: null,
      summary,
      table: {
        caption: `${level.label === 'Service' ? 'Services' : level.pluralLabel}${searched}, ${formatDate(filters.asOf, 'long')}`,
        columns,
        rows,
        order: { by: sortKey, dir: query.dir }
      }
    }
  };
}

/** The SQL behind the table at its level, before ordering and paging: the CSV stream runs it whole. */
export interface ServicesPlan {
  level: Level;
  levels: Level[];
  columns: Column[];
  sortKey: string;
  dir: 'asc' | 'desc';
  /** Every row at the level under the filters and parents, with `matches` saying whether the search keeps it. */
  sql: string;
  params: Params;
  parents: Record<string, string>;
}

export async function servicesPlan(
  connection: DuckDBConnection,
  filters: ResolvedFilters,
  query: ServicesQuery,
  manageable = MANAGEABLE_ROWS
): Promise<ServicesPlan> {
  const params: Params = { ...filterParams(filters), ...parentParams(query.parents), q: query.q };
  const base = `service_status s
      JOIN service_latest l ON l.service_id = s.service_id
      LEFT JOIN unit_hierarchy h ON h.unit = s.service_id
      LEFT JOIN setup_duration d ON d.as_of = s.as_of AND d.service_id = s.service_id
      LEFT JOIN uptake_funnel u ON u.as_of = s.as_of AND u.service_id = s.service_id
     WHERE s.as_of = CAST($asOf AS DATE) AND ${serviceFilter('s')} AND ${parentFilterSql(query.parents)}`;
  const levels = filters.asOf ? await availableLevels(connection, base, params) : LEVELS.filter((l) => !l.optional);
  let level: Level;
  if (query.level) {
    const asked = levels.find((l) => l.key === query.level);
    if (!asked) {
      throw new TableQueryError(
        `The services table has no ${query.level} level for these services. Levels: ${levels.map((l) => l.key).join(', ')}.`
      );
    }
    level = asked;
  } else {
    level = filters.asOf ? await defaultLevel(connection, levels, base, params, manageable) : levels[levels.length - 1];
  }
  const columns = columnsAt(level);
  const sortKey = query.sort || columns[0].key;
  if (!columns.some((c) => c.key === sortKey)) {
    throw new TableQueryError(`The services table by ${level.one} cannot be sorted by "${sortKey.slice(0, 60)}".`);
  }
  // Safe to splice: the level's SQL is a constant from levels.ts; $q is bound.
  const sql =
    level.key === 'service'
      ? `SELECT s.service_id, s.service_name, s.organisation, s.setting, s.in_original_bid, s.status,
                CAST(s.approached_on AS VARCHAR) AS approached_on, CAST(s.live_on AS VARCHAR) AS live_on,
                CAST(d.months_launch_to_live AS DOUBLE) AS months_launch_to_live,
                u.consented, u.registered, CAST(u.registration_rate AS DOUBLE) AS registration_rate,
                u.shared_with_carer, u.shared_with_professional,
                1 AS services, CASE WHEN s.status = 'live' THEN 1 ELSE 0 END AS live,
                ($q = '' OR strpos(lower(concat_ws(' ', s.service_name, s.organisation, s.setting, s.specialty)), lower($q)) > 0) AS matches
           FROM ${base}`
      : `SELECT name, services, live, consented, registered,
                CASE WHEN consented > 0 THEN registered / consented END AS registration_rate,
                shared_with_carer, shared_with_professional,
                ($q = '' OR strpos(lower(name), lower($q)) > 0) AS matches
           FROM (SELECT ${levelName(level)} AS name, count(*)::INTEGER AS services,
                        (count(*) FILTER (WHERE s.status = 'live'))::INTEGER AS live,
                        sum(u.consented)::BIGINT::DOUBLE AS consented, sum(u.registered)::BIGINT::DOUBLE AS registered,
                        sum(u.shared_with_carer)::BIGINT::DOUBLE AS shared_with_carer,
                        sum(u.shared_with_professional)::BIGINT::DOUBLE AS shared_with_professional
                   FROM ${base}
                  GROUP BY ALL)`;
  return { level, levels, columns, sortKey, dir: query.dir, sql, params, parents: query.parents };
}

/** The plan's rows that the search keeps, in order: by the sort column (NULLS LAST), ties by name. */
export function orderedSql(plan: ServicesPlan): string {
  const name = plan.columns[0].key;
  // Safe to interpolate: the sort key and names come from the fixed column lists, the direction from two words.
  const order = `${plan.sortKey} ${plan.dir === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, ${name} ASC`;
  const keep = plan.columns.map((c) => c.key);
  if (plan.level.key === 'service') keep.unshift('service_id', 'status');
  return `WITH t AS (${plan.sql}) SELECT ${keep.join(', ')} FROM t WHERE matches ORDER BY ${order}`;
}

function parentText(plan: ServicesPlan): string {
  const chosen = LEVELS.filter((l) => l.param && l.param !== 'organisation' && plan.parents[l.param]);
  return chosen.map((l) => ` in ${l.one} ${plan.parents[l.param!]}`).join('');
}

/** Highest and lowest share registered among the rows the search keeps (with consented patients), worked out in SQL. */
async function summarise(connection: DuckDBConnection, plan: ServicesPlan, shown: number): Promise<string> {
  if (!shown) return plan.level.key === 'service' ? 'No services match.' : `No ${plan.level.plural} match.`;
  const name = plan.columns[0].key;
  const [r] = await select<{ n: number; best: string | null; best_rate: number; worst: string; worst_rate: number }>(
    connection,
    `WITH t AS (${plan.sql})
     SELECT count(*)::INTEGER AS n,
            first(${name} ORDER BY registration_rate DESC, ${name}) AS best, max(registration_rate)::DOUBLE AS best_rate,
            first(${name} ORDER BY registration_rate ASC, ${name}) AS worst, min(registration_rate)::DOUBLE AS worst_rate
       FROM t WHERE matches AND consented > 0 AND registration_rate IS NOT NULL`,
    plan.params
  );
  const what = plan.level.key === 'service' ? 'services' : shown === 1 ? plan.level.one : plan.level.plural;
  if (!r || r.n === 0 || r.best === null) {
    const [reported] = await select<{ n: number }>(
      connection,
      `WITH t AS (${plan.sql}) SELECT (count(*) FILTER (WHERE consented IS NOT NULL))::INTEGER AS n FROM t WHERE matches`,
      plan.params
    );
    return reported.n === 0
      ? `${shown} ${what}; consented patients are not reported, so there is no registration rate.`
      : `${shown} ${what}; none has consented patients yet.`;
  }
  const pct = (v: number) => formatPercent(v, 1);
  return (
    `${shown} ${what}. Highest share of consented patients registered: ${r.best} (${pct(r.best_rate)}); ` +
    `lowest: ${r.worst} (${pct(r.worst_rate)}).`
  );
}
