/**
 * Staging: one typed temp table per source table, plus `__row`. A fast stage holds each present field's parsed value
 * and a `__bad` flag per row, with a CSV's dates and counts parsed by read_csv itself when that is exact; a full stage
 * (only after a fast one found something) holds for every model field the cell as written (`<field>__raw`) and its
 * parsed value (`<field>`), for problems to quote. Checks read only the staged tables; writes copy from them. Long
 * layouts (`measure,value` rows) are pivoted to one row per key first, and their values are checked on the original
 * rows so that a problem points at the line a person can find.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { FIELDS, normaliseHeader, UPTAKE_COUNTS, type FieldSpec, type Kind } from './fields.ts';
import { countSql, dateSql, flagSql, mapValuesSql, parseSql, SQL_TYPE } from './parse.ts';
import { columnsOf, matchColumns, reportedCounts, UNIT_FIELDS, type ProfileTable } from './profile.ts';
import { problem, PROBLEMS_PER_RULE, type Problem } from './problems.ts';
import { HEAD_ROWS, plainNumbers, typedCsvRelation } from './readers/csv.ts';
import { sqlIdentifier, sqlLiteral } from '../warehouse/quote.ts';
import { type SourceTable } from './readers/types.ts';
import { queryRows } from '../warehouse/query.ts';

export interface StagedTable {
  label: string;
  kind: Kind;
  table: string;
  rows: number;
  /** Fields whose column was present in the file. */
  present: Set<string>;
  /**
   * A full stage keeps every cell as written beside its parsed value, for problems to quote. A fast stage keeps only
   * parsed values and one `__bad` flag per row (a required cell blank or a cell that did not parse): the loader stages
   * fast first, and only when any check finds anything does it stage again in full to say exactly what (see load.ts).
   * On a clean million-row file this halves what staging writes.
   */
  full: boolean;
  /** Unit hierarchy columns staged alongside (uptake files that carry their own units). */
  units?: { defaults: Record<string, string>; present: Set<string> };
  /**
   * A long layout's per-function values (usage, offered, enabled): a temp table of (as_of, service_id, function,
   * offered, enabled_patients, transactions), parsed, with the routes the profile declares.
   */
  functions?: { table: string; routes: string[] };
  /** The uptake counts the source reports (null: as the templates say, so every count whose column is present). */
  reports: string[] | null;
  profileTable: ProfileTable;
}

/**
 * Creates temp relation `name` = SELECT __row, <columns> FROM <from>. With position-based row numbers the data goes
 * into `<name>_data` and `name` is a view adding `rowid + 2` (see SourceTable.rowNumbers).
 */
async function materialise(
  connection: DuckDBConnection,
  name: string,
  columns: string[],
  from: string,
  rowNumbers: SourceTable['rowNumbers']
): Promise<void> {
  if (rowNumbers === 'column') {
    await connection.run(
      `CREATE TEMP TABLE ${sqlIdentifier(name)} AS SELECT __row, ${columns.join(', ')} FROM ${from}`
    );
    return;
  }
  await connection.run(
    `CREATE TEMP TABLE ${sqlIdentifier(`${name}_data`)} AS SELECT ${columns.join(', ')} FROM ${from}`
  );
  await connection.run(
    `CREATE TEMP VIEW ${sqlIdentifier(name)} AS SELECT (rowid + 2)::INTEGER AS __row, * FROM ${sqlIdentifier(`${name}_data`)}`
  );
}

/** Every temp relation stage() may create for a table name, for the loader to drop. */
export function stagedRelations(table: string): string[] {
  return [table, `${table}_data`, `${table}_long`, `${table}_long_data`, `${table}_functions`];
}

export type StageMode = 'fast' | 'full';

export async function stage(
  connection: DuckDBConnection,
  source: SourceTable,
  spec: ProfileTable,
  table: string,
  mode: StageMode = 'full'
): Promise<{ staged?: StagedTable; problems: Problem[] }> {
  const fields = FIELDS[spec.kind];
  let relation = source.relation;
  let rowNumbers = source.rowNumbers;
  let headers = source.headers;
  let columns = columnsOf(spec);
  const problems: Problem[] = [];
  let functions: StagedTable['functions'];

  if (spec.layout === 'long' && spec.long) {
    const pivot = await pivotLong(connection, source, spec, `${table}_long`);
    problems.push(...pivot.problems);
    if (!pivot.relation) return { problems };
    relation = pivot.relation;
    rowNumbers = 'column'; // the pivot carries each key's first row
    headers = pivot.headers;
    columns = {}; // the pivot already names its columns by field
    functions = await stageFunctions(connection, spec, `${table}_long`, `${table}_functions`);
  }

  // A count the source does not report is not looked for: it stays NULL ("not reported"), never 0.
  const reports = reportedCounts(spec);
  const notReported = (name: string) => reports !== null && UPTAKE_COUNTS.includes(name) && !reports.includes(name);
  const found = matchColumns(
    headers,
    columns,
    fields.map((f) => f.name).filter((name) => !notReported(name))
  );
  for (const field of fields) {
    if (field.column === 'required' && !found.has(field.name) && !notReported(field.name)) {
      // Names that match alike (the field's own name is often among its aliases) are listed once.
      const names = [field.name, ...(columns[field.name] ?? [])];
      const accepted = names
        .filter((n, i) => names.findIndex((m) => normaliseHeader(m) === normaliseHeader(n)) === i)
        .map((n) => `"${n}"`)
        .join(', ');
      problems.push(
        problem(
          source.label,
          'missing-column',
          `The required column "${field.name}" is missing (accepted names: ${accepted}).`,
          { column: field.name }
        )
      );
    }
  }
  if (problems.some((p) => p.severity === 'error')) return { problems };

  let units: StagedTable['units'];
  const unitColumns: string[] = [];
  if (spec.units) {
    const unitFound =
      spec.layout === 'long'
        ? new Map(UNIT_FIELDS.filter((u) => headers.includes(u)).map((u) => [u, u] as const))
        : matchColumns(headers, spec.units.columns, [...UNIT_FIELDS]);
    for (const u of UNIT_FIELDS) {
      const header = unitFound.get(u);
      unitColumns.push(
        header
          ? `NULLIF(trim(${sqlIdentifier(header)}), '') AS ${sqlIdentifier(`unit_${u}`)}`
          : `NULL::VARCHAR AS ${sqlIdentifier(`unit_${u}`)}`
      );
    }
    units = { defaults: spec.units.defaults, present: new Set(unitFound.keys()) };
  }

  if (mode === 'full') {
    // <field>__raw (the cell as written) and <field> (parsed, or NULL) side by side, for problems to quote.
    const full: string[] = [];
    for (const field of fields) {
      const header = found.get(field.name);
      if (header === undefined) {
        full.push(
          `NULL::VARCHAR AS ${sqlIdentifier(`${field.name}__raw`)}`,
          `NULL::${SQL_TYPE[field.type]} AS ${sqlIdentifier(field.name)}`
        );
      } else {
        full.push(
          `${sqlIdentifier(header)} AS ${sqlIdentifier(`${field.name}__raw`)}`,
          `${parseOf(field, header, spec)} AS ${sqlIdentifier(field.name)}`
        );
      }
    }
    await materialise(connection, table, [...full, ...unitColumns], relation, rowNumbers);
  } else {
    // Fast: parsed values only, and one __bad flag per row. A CSV's dates and counts are parsed by read_csv itself
    // when that is exact (typedColumns); any cell it cannot parse stops that read, and the cells are parsed as text.
    const typed = source.csv && rowNumbers === 'position' ? await typedColumns(connection, source, spec, found) : null;
    let done = false;
    if (typed) {
      try {
        const select = fastSelect(fields, found, spec, unitColumns, typed.headers, typed.relation, rowNumbers);
        await materialise(connection, table, select.columns, select.from, rowNumbers);
        done = true;
      } catch {
        // A cell the typed read refused (another format, spaces only): drop whatever was made, read the text.
        for (const r of stagedRelations(table)) {
          await connection.run(`DROP VIEW IF EXISTS temp.${sqlIdentifier(r)}`).catch(() => undefined);
          await connection.run(`DROP TABLE IF EXISTS temp.${sqlIdentifier(r)}`).catch(() => undefined);
        }
      }
    }
    if (!done) {
      const select = fastSelect(fields, found, spec, unitColumns, new Set(), relation, rowNumbers);
      await materialise(connection, table, select.columns, select.from, rowNumbers);
    }
  }
  const [{ n }] = await queryRows<{ n: number }>(
    connection,
    `SELECT count(*)::INTEGER AS n FROM ${sqlIdentifier(table)}`
  );
  return {
    staged: {
      label: source.label,
      kind: spec.kind,
      table,
      rows: n,
      present: new Set(found.keys()),
      units,
      functions,
      reports,
      profileTable: spec,
      full: mode === 'full'
    },
    problems
  };
}

function parseOf(field: FieldSpec, header: string, spec: ProfileTable): string {
  return parseSql(field.type, mapValuesSql(sqlIdentifier(header), spec.valueMaps[field.name]), {
    dateFormats: spec.dateFormats,
    blankFlag: field.blankFlag
  });
}

/**
 * The fast stage's columns: each field parsed (or NULL when the file lacks it), the unit columns, and `__bad`: true
 * when a required cell is blank or a cell did not parse. `__bad` may also be true for a cell of spaces only (a blank
 * a check would accept): that only costs a full stage, which decides exactly. `typedHeaders` are columns read_csv
 * already parsed (dates, counts: typedColumns), so a NULL there is a blank cell.
 */
function fastSelect(
  fields: FieldSpec[],
  found: Map<string, string>,
  spec: ProfileTable,
  unitColumns: string[],
  typedHeaders: Set<string>,
  relation: string,
  rowNumbers: SourceTable['rowNumbers']
): { columns: string[]; from: string } {
  // The inner SELECT parses each cell once (r<i> as written, p<i> parsed); the outer one names the parsed values and
  // computes __bad from them, so no cell is parsed twice.
  const inner: string[] = rowNumbers === 'column' ? ['__row'] : [];
  const outer: string[] = [];
  const bad: string[] = [];
  for (const [i, field] of fields.entries()) {
    const header = found.get(field.name);
    const name = sqlIdentifier(field.name);
    // A field the file lacks is not staged at all (the checks and the writer read only present fields): on a
    // 5,000,000-row file each such column would hold 40 MB of NULLs.
    if (header === undefined) continue;
    const typed = typedHeaders.has(header);
    if (typed) inner.push(`${sqlIdentifier(header)} AS p${i}`);
    else inner.push(`${sqlIdentifier(header)} AS r${i}`, `${parseOf(field, header, spec)} AS p${i}`);
    outer.push(`p${i} AS ${name}`);
    if (field.valueRequired) bad.push(`p${i} IS NULL`);
    else if (field.type !== 'text' && !typed) bad.push(`(r${i} IS NOT NULL AND p${i} IS NULL)`);
  }
  inner.push(...unitColumns);
  outer.push(...unitColumns.map((c) => c.slice(c.lastIndexOf(' AS ') + 4)));
  outer.push(`(${bad.length ? bad.join(' OR ') : 'false'}) AS __bad`);
  return { columns: outer, from: `(SELECT ${inner.join(', ') || '1 AS __none'} FROM ${relation})` };
}

/**
 * Columns that read_csv can parse itself, exactly as parse.ts would:
 *  - dates, in one strptime format that every date cell in the first rows is written in, chosen only among formats for
 *    which read_csv's result is what dateSql gives for any cell it accepts (dd/mm/yyyy and ISO, and a profile's
 *    month-name formats such as 30APR2018: the shapes dateSql tells apart first);
 *  - counts, as INTEGER, when the file holds no byte that lets read_csv's integer parsing accept what the count rule
 *    refuses (plainNumbers: "+1", "3.5", "1e2", "0x10", "1_000", tabs).
 * A cell read_csv cannot parse stops the read; the caller then parses the text.
 */
async function typedColumns(
  connection: DuckDBConnection,
  source: SourceTable,
  spec: ProfileTable,
  found: Map<string, string>
): Promise<{ relation: string; headers: Set<string> } | null> {
  const headersOf = (type: FieldSpec['type']) =>
    FIELDS[spec.kind]
      .filter((f) => f.type === type && found.has(f.name) && !spec.valueMaps[f.name])
      .map((f) => found.get(f.name)!);
  const types: Record<string, string> = {};
  let dateFormat: string | undefined;
  const dateHeaders = headersOf('date');
  if (dateHeaders.length) {
    const candidates = [
      '%d/%m/%Y',
      '%Y-%m-%d',
      ...spec.dateFormats.filter((f) => /%[bB]/.test(f) && !/[/\-.:]/.test(f))
    ];
    const parsed = (h: string) => dateSql(sqlIdentifier(h), spec.dateFormats);
    const fits = (format: string) =>
      dateHeaders
        .map(
          (h) =>
            `bool_and(${sqlIdentifier(h)} IS NULL OR (CAST(try_strptime(${sqlIdentifier(h)}, ${sqlLiteral(format)}) AS DATE) IS NOT DISTINCT FROM ${parsed(h)} AND ${parsed(h)} IS NOT NULL))`
        )
        .join(' AND ');
    // The same first rows, from the reader's copy of them when it kept one (no second sniff of the file).
    const sampled = source.csv!.head ? sqlIdentifier(source.csv!.head) : source.relation;
    const [sample] = await queryRows<Record<string, boolean | number | null>>(
      connection,
      `SELECT count(*)::INTEGER AS n, ${candidates.map((f, i) => `${fits(f)} AS f${i}`).join(', ')}
       FROM (SELECT ${dateHeaders.map(sqlIdentifier).join(', ')} FROM ${sampled} LIMIT ${TYPED_DATE_SAMPLE})`
    );
    const chosen = candidates.findIndex((_, i) => sample[`f${i}`] === true);
    if (sample.n && chosen >= 0) {
      dateFormat = candidates[chosen];
      for (const h of dateHeaders) types[h] = 'DATE';
    }
  }
  const countHeaders = headersOf('count');
  // INTEGER, the model's type: a count beyond it stops the typed read, and the text path then says so.
  if (countHeaders.length && (source.csv!.plainNumbers ?? (await plainNumbers(source.csv!.path))))
    for (const h of countHeaders) types[h] = 'INTEGER';
  if (!Object.keys(types).length) return null;
  return {
    relation: typedCsvRelation(source, source.headers, types, dateFormat),
    headers: new Set(Object.keys(types))
  };
}

/** Rows sampled to choose a date format for read_csv (typedColumns): the first rows the CSV reader kept. */
const TYPED_DATE_SAMPLE = HEAD_ROWS;

/**
 * The routes a long profile declares, as `<route>:<target>` (count:registered, usage:appointments, …) → source names.
 */
function longRoutes(spec: ProfileTable): [string, string[]][] {
  const long = spec.long!;
  return [
    ...Object.entries(long.measures).map(([m, names]): [string, string[]] => [`count:${m}`, names]),
    ...(['usage', 'offered', 'enabled'] as const).flatMap((route) =>
      Object.entries(long[route]).map(([fn, names]): [string, string[]] => [`${route}:${fn}`, names])
    ),
    ['ignore', long.ignore]
  ];
}

/**
 * Pivots `key…, measure, value` rows into one row per key with a column per uptake count. Each source field is routed
 * by the profile (longRoutes): counts go to the pivot, per-function values to stageFunctions, ignored fields nowhere.
 * Problems on the long rows: a missing measure/value column, an unknown field (unless the profile ignores others), a
 * value that is not a count (or, for "offered", not a flag), a negative count, the same field twice for one key.
 */
async function pivotLong(
  connection: DuckDBConnection,
  source: SourceTable,
  spec: ProfileTable,
  table: string
): Promise<{ relation?: string; headers: string[]; problems: Problem[] }> {
  const long = spec.long!;
  const problems: Problem[] = [];
  const keyFields = ['as_of', 'service_id'];
  const wanted = matchColumns(
    source.headers,
    { ...spec.columns, __measure: long.measureColumn, __value: long.valueColumn },
    [...keyFields, '__measure', '__value']
  );
  for (const [field, label] of [
    ['as_of', 'as_of'],
    ['service_id', 'service_id'],
    ['__measure', 'measure'],
    ['__value', 'value']
  ]) {
    if (!wanted.has(field)) {
      const names =
        field === '__measure'
          ? long.measureColumn
          : field === '__value'
            ? long.valueColumn
            : (spec.columns[field] ?? []);
      problems.push(
        problem(
          source.label,
          'missing-column',
          `The required column "${label}" is missing (accepted names: ${[...names].map((n) => `"${n}"`).join(', ')}).`,
          { column: label }
        )
      );
    }
  }
  if (problems.length) return { headers: [], problems };
  const unitFound = spec.units
    ? matchColumns(source.headers, spec.units.columns, [...UNIT_FIELDS])
    : new Map<string, string>();
  const measureHeader = wanted.get('__measure')!;
  const valueHeader = wanted.get('__value')!;
  const routes = longRoutes(spec);
  // Field names match case-insensitively: real files spell them Total_Pat_Enbld one month and TOTAL_PAT_ENBLD the next.
  const arms = routes
    .flatMap(([route, names]) =>
      names.map((n) => `WHEN ${sqlLiteral(n.trim().toLowerCase())} THEN ${sqlLiteral(route)}`)
    )
    .join(' ');
  const keyCols = keyFields.map((k) => `${sqlIdentifier(wanted.get(k)!)} AS ${sqlIdentifier(k)}`);
  const unitCols = [...unitFound].map(([u, h]) => `${sqlIdentifier(h)} AS ${sqlIdentifier(u)}`);
  await materialise(
    connection,
    table,
    [
      ...keyCols,
      ...unitCols,
      `${sqlIdentifier(measureHeader)} AS measure_raw`,
      arms ? `CASE lower(trim(${sqlIdentifier(measureHeader)})) ${arms} END AS measure` : 'NULL::VARCHAR AS measure',
      `${sqlIdentifier(valueHeader)} AS value_raw`
    ],
    source.relation,
    source.rowNumbers
  );

  const found = async (sql: string) =>
    queryRows<{ __row: number; v: string | null; m: string | null; n?: number }>(connection, sql);
  const t = sqlIdentifier(table);
  if (!long.ignoreOtherMeasures) {
    const known = routes.flatMap(([, names]) => names);
    for (const r of await found(
      `SELECT __row, measure_raw AS v FROM ${t} WHERE measure IS NULL ORDER BY __row LIMIT ${PROBLEMS_PER_RULE}`
    )) {
      problems.push(
        problem(
          source.label,
          'unknown-measure',
          `"${r.v}" is not a measure this profile knows (${known.join(', ')}); add it to the profile's "ignore" list to skip it.`,
          { row: r.__row, column: measureHeader, value: r.v }
        )
      );
    }
  }
  // What a measure is called in a problem: the model field for counts, "<function> <route>" for the others.
  const named = `CASE WHEN measure LIKE 'count:%' THEN substr(measure, 7) ELSE split_part(measure, ':', 2) || ' ' || split_part(measure, ':', 1) END`;
  const hasValue = `NOT (value_raw IS NULL OR trim(value_raw) = '')`;
  const counted = `measure IS NOT NULL AND measure <> 'ignore' AND measure NOT LIKE 'offered:%'`;
  for (const r of await found(
    `SELECT __row, value_raw AS v, ${named} AS m FROM ${t} WHERE ${counted} AND ${hasValue} AND ${countSql('value_raw')} IS NULL ORDER BY __row LIMIT ${PROBLEMS_PER_RULE}`
  )) {
    problems.push(
      problem(source.label, 'not-a-count', `The value for ${r.m} must be a whole number.`, {
        row: r.__row,
        column: valueHeader,
        value: r.v
      })
    );
  }
  for (const r of await found(
    `SELECT __row, value_raw AS v, ${named} AS m FROM ${t} WHERE ${counted} AND ${hasValue} AND ${countSql('value_raw')} < 0 ORDER BY __row LIMIT ${PROBLEMS_PER_RULE}`
  )) {
    problems.push(
      problem(source.label, 'negative-count', `The value for ${r.m} is a count and cannot be negative.`, {
        row: r.__row,
        column: valueHeader,
        value: r.v
      })
    );
  }
  for (const r of await found(
    `SELECT __row, value_raw AS v, ${named} AS m FROM ${t} WHERE measure LIKE 'offered:%' AND ${hasValue} AND ${flagSql('value_raw', undefined)} IS NULL ORDER BY __row LIMIT ${PROBLEMS_PER_RULE}`
  )) {
    problems.push(
      problem(source.label, 'not-a-flag', `The value for ${r.m} must be yes or no (1/0, y/n, true/false).`, {
        row: r.__row,
        column: valueHeader,
        value: r.v
      })
    );
  }
  for (const r of await found(`SELECT max(__row) AS __row, any_value(measure_raw) AS v, any_value(${named}) AS m, count(*)::INTEGER AS n FROM ${t} WHERE measure IS NOT NULL AND measure <> 'ignore'
      GROUP BY as_of, service_id, measure HAVING count(*) > 1 ORDER BY 1 LIMIT ${PROBLEMS_PER_RULE}`)) {
    problems.push(
      problem(source.label, 'duplicate-key', `${r.m} is given ${r.n} times for the same period and unit.`, {
        row: r.__row,
        column: measureHeader,
        value: r.v
      })
    );
  }
  if (problems.length) return { headers: [], problems };

  const measures = Object.keys(long.measures);
  // Every key with any routed field gets a row, so a unit that reports only usage still has its (empty) snapshot.
  const pivot = `(SELECT min(__row)::INTEGER AS __row, as_of, service_id,
      ${[...unitFound.keys()]
        .map((u) => `any_value(${sqlIdentifier(u)}) AS ${sqlIdentifier(u)}`)
        .concat(
          measures.map(
            (m) => `max(CASE WHEN measure = ${sqlLiteral(`count:${m}`)} THEN value_raw END) AS ${sqlIdentifier(m)}`
          )
        )
        .join(', ')}
    FROM ${t} WHERE measure IS NOT NULL AND measure <> 'ignore' GROUP BY as_of, service_id)`;
  return { relation: pivot, headers: [...keyFields, ...unitFound.keys(), ...measures], problems };
}

/**
 * The per-function values of a long export, one row per key and function: whether the unit's system offers it, how
 * many patients are enabled for it, how many transactions it had. A blank value is NULL: not reported. Values were
 * checked on the long rows (pivotLong) before this runs.
 */
async function stageFunctions(
  connection: DuckDBConnection,
  spec: ProfileTable,
  longTable: string,
  table: string
): Promise<StagedTable['functions']> {
  const routes = longRoutes(spec)
    .map(([route]) => route)
    .filter((r) => /^(usage|offered|enabled):/.test(r));
  if (!routes.length) return undefined;
  const value = (route: string, sql: string) => `max(CASE WHEN route = ${sqlLiteral(route)} THEN ${sql} END)`;
  // Dates are parsed once per distinct value (a month's file has one), not once per row.
  await connection.run(`CREATE TEMP TABLE ${sqlIdentifier(table)} AS
    WITH dates AS (SELECT DISTINCT as_of AS raw, ${dateSql('as_of', spec.dateFormats)} AS as_of FROM ${sqlIdentifier(longTable)}),
    routed AS (
      SELECT as_of AS raw, service_id, split_part(measure, ':', 1) AS route, split_part(measure, ':', 2) AS function, value_raw
      FROM ${sqlIdentifier(longTable)}
      WHERE measure LIKE 'usage:%' OR measure LIKE 'offered:%' OR measure LIKE 'enabled:%'
    )
    SELECT d.as_of, f.service_id, f.function, f.offered, f.enabled_patients, f.transactions
    FROM (
      SELECT raw, NULLIF(trim(service_id), '') AS service_id, function,
        ${value('offered', flagSql('value_raw', undefined))} AS offered,
        ${value('enabled', countSql('value_raw'))}::INTEGER AS enabled_patients,
        ${value('usage', countSql('value_raw'))}::INTEGER AS transactions
      FROM routed GROUP BY raw, service_id, function
    ) f
    JOIN dates d ON d.raw IS NOT DISTINCT FROM f.raw`);
  return { table, routes };
}

export type { FieldSpec };

/**
 * The one-pass path for a clean wide uptake CSV: the model columns (in FIELDS order, NULL for a field the file lacks)
 * selected straight from a typed read_csv, for the loader to insert into `snapshot` inside the batch's transaction
 * with no staging copy. Only when that read parses every date and count itself (typedColumns), no value map applies,
 * and every required column is there; otherwise null, and the loader stages as usual. What this does not flag (a cell
 * the typed read refuses stops the insert; a blank key breaks the table's NOT NULL) the loader checks on the rows
 * just written, and on anything at all it rolls back and stages, which then lists each problem with its row.
 */
export async function directUptake(
  connection: DuckDBConnection,
  source: SourceTable,
  spec: ProfileTable
): Promise<{ columns: string[]; from: string; present: Set<string>; reports: string[] | null } | null> {
  if (spec.kind !== 'uptake' || spec.layout === 'long' || spec.units || !source.csv || source.rowNumbers !== 'position')
    return null;
  if (Object.keys(spec.valueMaps).length) return null;
  const fields = FIELDS.uptake;
  const reports = reportedCounts(spec);
  const notReported = (name: string) => reports !== null && UPTAKE_COUNTS.includes(name) && !reports.includes(name);
  const found = matchColumns(
    source.headers,
    columnsOf(spec),
    fields.map((f) => f.name).filter((name) => !notReported(name))
  );
  if (fields.some((f) => f.column === 'required' && !found.has(f.name) && !notReported(f.name))) return null;
  const typed = await typedColumns(connection, source, spec, found);
  if (!typed) return null;
  const columns: string[] = [];
  for (const field of fields) {
    const header = found.get(field.name);
    if (header === undefined) columns.push('NULL');
    else if (typed.headers.has(header)) columns.push(sqlIdentifier(header));
    // Text as read: trimming a million keys costs more than the whole row rules. The direct load checks the keys it
    // wrote instead, once per service (load.ts directFacts: a blank or untrimmed key sends the file to the staged
    // path, which trims and names the rows), so what lands is what parse.ts would have made of it.
    else if (field.type === 'text') columns.push(sqlIdentifier(header));
    else return null; // a date or count the typed read does not parse: stage it
  }
  return { columns, from: typed.relation, present: new Set(found.keys()), reports };
}
