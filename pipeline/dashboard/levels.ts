/**
 * The levels a programme's figures can be read at, from the whole programme down to one service (or practice), so
 * that a national programme of thousands of units opens on a table of a few dozen rows and drills down from there.
 *
 * A level is a name and the SQL expression that groups services by it (a constant: never text from the URL). The
 * list runs from the top down; a level's `param` is the URL parameter that selects one of its rows, which narrows
 * every level below it. More levels (sub-region, commissioner) slot in by adding an entry with its column.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { select, type Params } from './sql.ts';
import { sqlLiteral } from '../warehouse/quote.ts';

export interface Level {
  key: string;
  /** Column heading and words: "Region", "region", "regions", "Regions". */
  label: string;
  one: string;
  plural: string;
  pluralLabel: string;
  /**
   * SQL for a service's value at this level, over `service_status s` joined with `service_latest l` and
   * `unit_hierarchy h` (pipeline/metrics hierarchy.ts). A constant.
   */
  column: string;
  /** The row name for services without a value: they are gathered under it rather than dropped, so totals add up. */
  missing?: string;
  /** The URL parameter that selects one row of this level (and so narrows the levels below); null for none. */
  param: string | null;
  /** Shown only when some service has a value for it (a programme loaded without a hierarchy has no regions). */
  optional?: true;
}

export const LEVELS: Level[] = [
  {
    key: 'programme',
    label: 'Programme',
    one: 'programme',
    plural: 'programme',
    pluralLabel: 'Programme',
    column: `'Whole programme'`,
    param: null
  },
  {
    key: 'region',
    label: 'Region',
    one: 'region',
    plural: 'regions',
    pluralLabel: 'Regions',
    // The hierarchy view (region from the rows or the reference list), else a template's parent_unit.
    column: 'coalesce(h.region_name, h.region, l.parent_unit)',
    missing: 'Region not reported',
    param: 'region',
    optional: true
  },
  {
    key: 'subregion',
    label: 'Sub-region',
    one: 'sub-region',
    plural: 'sub-regions',
    pluralLabel: 'Sub-regions',
    column: 'coalesce(h.subregion_name, h.subregion)',
    missing: 'Sub-region not reported',
    param: 'subregion',
    optional: true
  },
  {
    key: 'organisation',
    label: 'Organisation',
    one: 'organisation',
    plural: 'organisations',
    pluralLabel: 'Organisations',
    column: 's.organisation',
    param: 'organisation'
  },
  {
    key: 'service',
    label: 'Service',
    one: 'service',
    plural: 'services',
    pluralLabel: 'Services',
    column: 's.service_id',
    param: null
  }
];

/** A table with more rows than this opens at the level above (it is still paged when asked for). */
export const MANAGEABLE_ROWS = 25;

const MAX_PARENT = 200;

/** SQL naming a service's row at this level (the column, or the name for services without a value). */
export function levelName(level: Level): string {
  return level.missing ? `coalesce(${level.column}, ${sqlLiteral(level.missing)})` : level.column;
}

export function levelByKey(key: string): Level | undefined {
  return LEVELS.find((l) => l.key === key);
}

/** The level a row's link drills down to: the next one shown. */
export function childLevel(levels: Level[], level: Level): Level | null {
  return levels[levels.indexOf(level) + 1] ?? null;
}

/** The selected parents in the URL (region=…, organisation=…), by parameter name. */
export function readParents(params: URLSearchParams): Record<string, string> {
  const parents: Record<string, string> = {};
  for (const level of LEVELS) {
    if (!level.param) continue;
    const value = params.get(level.param)?.trim();
    if (value) parents[level.param] = value.slice(0, MAX_PARENT);
  }
  return parents;
}

/** Bound parameters for the parents: `$parent_region`, … (NULL when not selected). */
export function parentParams(parents: Record<string, string>): Params {
  return Object.fromEntries(LEVELS.filter((l) => l.param).map((l) => [`parent_${l.param}`, parents[l.param!] ?? null]));
}

/** WHERE fragment: each selected parent keeps only its services. Values are bound ($parent_…), never spliced. */
export function parentFilterSql(parents: Record<string, string>): string {
  const parts = LEVELS.filter((l) => l.param && parents[l.param]).map((l) => `${levelName(l)} = $parent_${l.param}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/** The levels with something to show for these services: optional levels only when some service has a value. */
export async function availableLevels(connection: DuckDBConnection, from: string, params: Params): Promise<Level[]> {
  const optional = LEVELS.filter((l) => l.optional);
  if (!optional.length) return LEVELS;
  const [row] = await select<Record<string, boolean>>(
    connection,
    `SELECT ${optional.map((l, i) => `bool_or(${l.column} IS NOT NULL) AS o${i}`).join(', ')} FROM ${from}`,
    params
  );
  return LEVELS.filter((l) => !l.optional || row?.[`o${optional.indexOf(l)}`] === true);
}

/**
 * The level that fits: the finest level whose table has at most MANAGEABLE_ROWS rows; when even the coarsest below
 * the programme has more, that one (paged). Counted under the same filters and parents, before any search.
 */
export async function defaultLevel(
  connection: DuckDBConnection,
  levels: Level[],
  from: string,
  params: Params,
  manageable = MANAGEABLE_ROWS
): Promise<Level> {
  const candidates = levels.filter((l) => l.key !== 'programme');
  const [row] = await select<Record<string, number>>(
    connection,
    `SELECT ${candidates.map((l, i) => `count(DISTINCT ${levelName(l)})::INTEGER AS n${i}`).join(', ')} FROM ${from}`,
    params
  );
  for (let i = candidates.length - 1; i >= 0; i--) {
    if ((row?.[`n${i}`] ?? 0) <= manageable) return candidates[i];
  }
  return candidates[0];
}
