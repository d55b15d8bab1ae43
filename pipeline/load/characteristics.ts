/**
 * Characteristics of units (a deprivation score per practice, rurality, an age profile): what the `characteristics`
 * kind of table needs beyond the loader's common path. Staging, parsing, the required-value and number checks,
 * duplicate keys and the write are the common ones (stage.ts, checks.ts, write.ts); this module adds:
 *
 *  - `unitRowsOnly`: exports that mix area types (England, the parent organisation, then one row per practice) keep
 *    only the rows whose area type is a unit; the others are comparators, counted in one warning and not loaded.
 *    Row numbers stay those of the file.
 *  - `characteristicNotes`: warnings that never block: units without a value (counted and listed, so none is dropped
 *    silently) and area codes that are not (yet) units of the programme (loaded, and used once those units exist).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { matchColumns, type ProfileTable } from './profile.ts';
import { problem, PROBLEMS_PER_RULE, type Problem } from './problems.ts';
import { sqlIdentifier, sqlLiteral } from '../warehouse/quote.ts';
import { type SourceTable } from './readers/types.ts';
import type { StagedTable } from './stage.ts';
import { queryRows } from '../warehouse/query.ts';

/**
 * The source with only the rows for units. Without an `areaTypes` section, or when the file has no area type column,
 * every row is a unit. A file with no unit rows at all is an error (it was probably exported at the wrong level).
 */
export async function unitRowsOnly(
  connection: DuckDBConnection,
  source: SourceTable,
  spec: ProfileTable
): Promise<{ source?: SourceTable; problems: Problem[] }> {
  const areaTypes = spec.areaTypes;
  if (!areaTypes) return { source, problems: [] };
  const found = matchColumns(source.headers, { area_type: areaTypes.column }, ['area_type']).get('area_type');
  if (found === undefined) return { source, problems: [] };
  const column = sqlIdentifier(found);
  // Number the rows before filtering, so problems still name the row a spreadsheet shows.
  const numbered =
    source.rowNumbers === 'column'
      ? source.relation
      : `(SELECT (row_number() OVER () + 1)::INTEGER AS __row, * FROM ${source.relation})`;
  const isUnit = `lower(trim(coalesce(${column}, ''))) IN (${areaTypes.units.map((u) => sqlLiteral(u.trim().toLowerCase())).join(', ')})`;
  const others = await queryRows<{ area_type: string; n: number; first_row: number }>(
    connection,
    `SELECT coalesce(nullif(trim(${column}), ''), '(blank)') AS area_type, count(*)::INTEGER AS n, min(__row)::INTEGER AS first_row
       FROM ${numbered} WHERE NOT ${isUnit} GROUP BY 1 ORDER BY first_row`
  );
  const [{ units }] = await queryRows<{ units: number }>(
    connection,
    `SELECT count(*)::INTEGER AS units FROM ${numbered} WHERE ${isUnit}`
  );
  const problems: Problem[] = [];
  const accepted = areaTypes.units.map((u) => `"${u}"`).join(', ');
  if (others.length) {
    const total = others.reduce((n, o) => n + o.n, 0);
    const list = others.map((o) => `${o.area_type}: ${o.n}`).join(', ');
    problems.push(
      problem(
        source.label,
        units ? 'other-area-type' : 'no-units',
        units
          ? `${total} ${total === 1 ? 'row is' : 'rows are'} for other area types than units (${list}): comparators such as England or the parent organisation, not units, so ${total === 1 ? 'it is' : 'they are'} not loaded.`
          : `No row is for a unit: the ${found} column holds ${list}, and units are ${accepted}. Export the indicator at practice level.`,
        { row: others[0].first_row, column: found, value: others[0].area_type, severity: units ? 'warning' : 'error' }
      )
    );
  }
  if (!units) return { problems };
  return {
    source: {
      ...source,
      relation: `(SELECT * FROM ${numbered} WHERE ${isUnit})`,
      rowNumbers: 'column',
      rowCount: units
    },
    problems
  };
}

/** Warnings for a staged characteristics table: units without a value, and area codes not known as units. */
export async function characteristicNotes(
  connection: DuckDBConnection,
  s: StagedTable,
  knownServices: string
): Promise<Problem[]> {
  if (s.kind !== 'characteristics') return [];
  const t = sqlIdentifier(s.table);
  const out: Problem[] = [];
  const blanks = await queryRows<{
    __row: number;
    service_id: string;
    characteristic: string;
    period: string;
    total: number;
  }>(
    connection,
    `SELECT __row, service_id, characteristic, period, count(*) OVER ()::INTEGER AS total FROM ${t}
      WHERE value IS NULL AND service_id IS NOT NULL ORDER BY __row LIMIT ${PROBLEMS_PER_RULE}`
  );
  for (const b of blanks) {
    out.push(
      problem(
        s.label,
        'no-value',
        `${b.service_id} has no value for "${b.characteristic}" (${b.period}): loaded without one, counted and listed on the Equity page among the units without a value.`,
        { row: b.__row, column: 'value', severity: 'warning' }
      )
    );
  }
  const more = (blanks[0]?.total ?? 0) - blanks.length;
  if (more > 0) {
    out.push(
      problem(s.label, 'no-value', `…and ${more} more units have no value.`, { column: 'value', severity: 'warning' })
    );
  }
  const [unknown] = await queryRows<{ n: number; codes: number; first_row: number | null; examples: string | null }>(
    connection,
    `WITH u AS (SELECT __row, service_id FROM ${t}
                 WHERE service_id IS NOT NULL AND service_id NOT IN (SELECT service_id FROM ${sqlIdentifier(knownServices)}))
     SELECT count(*)::INTEGER AS n, count(DISTINCT service_id)::INTEGER AS codes, min(__row)::INTEGER AS first_row,
            (SELECT string_agg(service_id, ', ' ORDER BY service_id) FROM (SELECT DISTINCT service_id FROM u ORDER BY 1 LIMIT 5)) AS examples
       FROM u`
  );
  if (unknown.n > 0) {
    out.push(
      problem(
        s.label,
        'not-a-unit-yet',
        `${unknown.codes} area ${unknown.codes === 1 ? 'code is not a unit' : 'codes are not units'} of the programme yet (${unknown.examples}${unknown.codes > 5 ? ', …' : ''}; ${unknown.n} ${unknown.n === 1 ? 'row' : 'rows'}): loaded, and used once those units are loaded.`,
        { row: unknown.first_row, column: 'service_id', severity: 'warning' }
      )
    );
  }
  return out;
}
