/**
 * The checks, run on staged tables before anything is written. Each check is a SQL query that
 * returns the offending rows; a problem names file, row, column, value and rule. Row-level checks list at most
 * PROBLEMS_PER_RULE rows per rule and file, then one line saying how many more there are.
 *
 * Rules, in the words of the problems they raise:
 *  - missing-column, empty-file, file-too-large, unknown-file, unknown-sheet, malformed-* (before staging: stage.ts,
 *    load.ts)
 *  - required-value, unparseable-date, not-a-count, not-a-flag, unknown-setting, unknown-category (a cell that does not
 *    parse)
 *  - negative-count; consented-over-approached; registered-over-consented; shared-over-registered;
 *    activated/active-over-registered
 *  - live-before-approached; date-after-as-of (an actual date later than the as-of date; an as-of date later than
 *    today)
 *  - duplicate-key (within a file, and across the files of one batch); unknown-service
 *  - back-fill (warning): an uptake snapshot older than one already loaded for the same service — allowed, reported
 *  - supersedes (warning): figures for an as-of date and service that were loaded before; the newer load wins
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { COUNT_ORDER, FIELDS, KEYS, type Kind } from './fields.ts';
import { PARSE_RULE } from './parse.ts';
import { problem, PROBLEMS_PER_RULE, type Problem } from './problems.ts';
import { sqlIdentifier, sqlLiteral } from '../warehouse/quote.ts';
import type { StagedTable } from './stage.ts';
import { queryRows } from '../warehouse/query.ts';

interface Offence {
  __row: number | null;
  value: string | null;
  message: string;
  total: number;
}

/** Runs one check: `where` selects offending rows of the staged table; message is a SQL expression. */
async function offences(
  connection: DuckDBConnection,
  from: string,
  where: string,
  value: string,
  message: string
): Promise<Offence[]> {
  const sql = `SELECT __row, (${value})::VARCHAR AS value, (${message})::VARCHAR AS message, count(*) OVER ()::INTEGER AS total
    FROM ${from} WHERE ${where} ORDER BY __row LIMIT ${PROBLEMS_PER_RULE}`;
  return await queryRows<Offence>(connection, sql);
}

function collect(
  out: Problem[],
  file: string,
  rule: string,
  column: string | null,
  found: Offence[],
  severity: Problem['severity'] = 'error'
) {
  for (const o of found) out.push(problem(file, rule, o.message, { row: o.__row, column, value: o.value, severity }));
  const more = (found[0]?.total ?? 0) - found.length;
  if (more > 0) out.push(problem(file, rule, `…and ${more} more rows break the same rule.`, { column, severity }));
}

export interface CheckContext {
  connection: DuckDBConnection;
  /** The as-of date actual dates are judged against (the batch's latest snapshot, else today), ISO. */
  asOf: string;
  /** Today, ISO: no snapshot may be dated after it. */
  today: string;
  /** A temp table of every service id known: already loaded, or in this batch's services files or units. */
  knownServices: string;
  /**
   * Unknown services and duplicate keys already counted by the caller in a scan of its own (the direct load groups its
   * rows by service anyway): the one scan then does not look for them again.
   */
  unknownServices?: number;
  duplicateKeys?: number;
}

/**
 * One row-level rule: `where` selects offending rows of the staged table; `value` and `message` are SQL expressions.
 */
interface RowRule {
  rule: string;
  column: string;
  where: string;
  value: string;
  message: string;
  /** FROM another relation than the staged table itself (duplicate keys need a window). */
  from?: string;
}

/**
 * Checks one staged table. On a fast stage (StagedTable.full false) it only counts: it returns [] when nothing breaks
 * any rule, and null when something does — the loader then stages that table in full and checks again to list them.
 */
export async function checkStaged(ctx: CheckContext, s: StagedTable): Promise<Problem[] | null> {
  const { connection } = ctx;
  const out: Problem[] = [];
  const t = sqlIdentifier(s.table);
  const col = (name: string) => sqlIdentifier(name);
  const raw = (name: string) => sqlIdentifier(`${name}__raw`);
  const blank = (name: string) => `(${raw(name)} IS NULL OR trim(${raw(name)}) = '')`;

  if (s.rows === 0) {
    out.push(problem(s.label, 'empty-file', 'The file has a header but no rows: there is nothing to load.'));
    return out;
  }

  const rules: RowRule[] = [];
  for (const field of FIELDS[s.kind]) {
    if (!s.present.has(field.name)) continue;
    if (field.valueRequired) {
      rules.push({
        rule: 'required-value',
        column: field.name,
        where: blank(field.name),
        value: 'NULL',
        message: `'${field.name} must not be blank.'`
      });
    }
    if (field.type !== 'text') {
      const { rule, expected } = PARSE_RULE[field.type];
      rules.push({
        rule,
        column: field.name,
        where: `NOT ${blank(field.name)} AND ${col(field.name)} IS NULL`,
        value: raw(field.name),
        message: sqlLiteral(`${field.name} must be ${expected}.`)
      });
    }
    if (field.type === 'count') {
      rules.push({
        rule: 'negative-count',
        column: field.name,
        where: `${col(field.name)} < 0`,
        value: raw(field.name),
        message: sqlLiteral(`${field.name} is a count of patients and cannot be negative.`)
      });
    }
    if (field.actualDate) {
      rules.push({
        rule: 'date-after-as-of',
        column: field.name,
        where: `${col(field.name)} > DATE ${sqlLiteral(ctx.asOf)}`,
        value: raw(field.name),
        message: `'${field.name} (' || strftime(${col(field.name)}, '%d/%m/%Y') || ') is after the as-of date of this load (' || strftime(DATE ${sqlLiteral(ctx.asOf)}, '%d/%m/%Y') || '): it cannot have happened yet.'`
      });
    }
  }

  if (s.kind === 'uptake') {
    for (const [small, large] of COUNT_ORDER) {
      if (!s.present.has(small) || !s.present.has(large)) continue;
      rules.push({
        rule: small.startsWith('shared') ? 'shared-over-registered' : `${small}-over-${large}`,
        column: small,
        where: `${col(small)} > ${col(large)}`,
        value: raw(small),
        message: `'${small} (' || ${col(small)} || ') is more than ${large} (' || ${col(large)} || '): ${small} patients must be among the ${large}.'`
      });
    }
    rules.push({
      rule: 'date-after-as-of',
      column: 'as_of',
      where: `as_of > DATE ${sqlLiteral(ctx.today)}`,
      value: raw('as_of'),
      message: `'The as-of date ' || strftime(as_of, '%d/%m/%Y') || ' is in the future (today is ' || strftime(DATE ${sqlLiteral(ctx.today)}, '%d/%m/%Y') || ').'`
    });
  }
  if (s.kind === 'services') {
    rules.push({
      rule: 'live-before-approached',
      column: 'live_on',
      where: 'live_on < approached_on',
      value: raw('live_on'),
      message: `'live_on (' || strftime(live_on, '%d/%m/%Y') || ') is before approached_on (' || strftime(approached_on, '%d/%m/%Y') || '): a service goes live after it is approached.'`
    });
  }

  if (!s.full) {
    // Cells as written are not kept: blank and unparseable cells were flagged while staging.
    const parseRules = new Set<string>(['required-value', ...Object.values(PARSE_RULE).map((r) => r.rule)]);
    const kept = rules.filter((r) => !(parseRules.has(r.rule) && r.where.includes('__raw')));
    rules.length = 0;
    rules.push(...kept, { rule: 'parse', column: '', where: '__bad', value: 'NULL', message: 'NULL' });
  }
  // One scan counts the offenders of every rule, possible duplicate keys and unknown services; only the rules that
  // have any are listed row by row. Duplicates are counted on a hash of the key: equal keys hash alike, so this never
  // undercounts (a collision can only send the loader to the exact listing, which then finds none).
  const key = KEYS[s.kind];
  const keyCols = key.map(col).join(', ');
  const keyText = key.map((k) => `coalesce(${raw(k)}, '')`).join(` || ', ' || `);
  const keyPresent = key.map((k) => `${col(k)} IS NOT NULL`).join(' AND ');
  const counted = (
    await connection.runAndReadAll(
      `SELECT ${[
        ...rules.map((r, i) => `count_if(${r.where})::INTEGER AS c${i}`),
        ctx.duplicateKeys !== undefined
          ? `${ctx.duplicateKeys} AS duplicates`
          : `(count_if(${keyPresent}) - count(DISTINCT hash(${keyCols})) FILTER (WHERE ${keyPresent}))::INTEGER AS duplicates`,
        ctx.unknownServices !== undefined
          ? `${ctx.unknownServices} AS unknown`
          : s.kind === 'features' || s.kind === 'uptake'
            ? `(SELECT count(*)::INTEGER FROM (SELECT DISTINCT service_id FROM ${t} WHERE service_id IS NOT NULL) x ANTI JOIN ${sqlIdentifier(ctx.knownServices)} k USING (service_id)) AS unknown`
            : '0 AS unknown'
      ].join(', ')} FROM ${t}`
    )
  ).getRowObjectsJson()[0] as Record<string, number>;
  const extra = { duplicates: counted.duplicates, unknown: counted.unknown };
  const counts: Record<string, number> = {};
  rules.forEach((_, i) => (counts[`c${i}`] = counted[`c${i}`]));
  if (!s.full) return Object.values(counts).some((n) => n > 0) || extra.unknown > 0 || extra.duplicates > 0 ? null : [];
  if (extra.unknown > 0) {
    rules.push({
      rule: 'unknown-service',
      column: 'service_id',
      where: `service_id IS NOT NULL AND service_id NOT IN (SELECT service_id FROM ${sqlIdentifier(ctx.knownServices)})`,
      value: raw('service_id'),
      message: `'No service has the id "' || service_id || '": load it in a services file first (or in the same batch).'`
    });
    counts[`c${rules.length - 1}`] = extra.unknown;
  }
  if (extra.duplicates > 0) {
    // Every row after the first with the same key.
    rules.push({
      rule: 'duplicate-key',
      column: key.join(', '),
      where: '__row > first_row',
      value: keyText,
      message: `'The same ${key.join(' and ')} (' || ${keyText} || ') is already on row ' || first_row || '.'`,
      from: `(SELECT *, min(__row) OVER (PARTITION BY ${keyCols}) AS first_row FROM ${t} WHERE ${key.map((k) => `${col(k)} IS NOT NULL`).join(' AND ')})`
    });
    counts[`c${rules.length - 1}`] = extra.duplicates;
  }
  for (const [i, r] of rules.entries()) {
    if (!counts[`c${i}`]) continue;
    collect(out, s.label, r.rule, r.column, await offences(connection, r.from ?? t, r.where, r.value, r.message));
  }
  return out;
}

/** Checks across the files of one batch: the same key in two files is a duplicate too. */
export async function checkBatch(connection: DuckDBConnection, staged: StagedTable[]): Promise<Problem[]> {
  const out: Problem[] = [];
  for (const kind of Object.keys(KEYS) as Kind[]) {
    const ofKind = staged.filter((s) => s.kind === kind);
    if (ofKind.length < 2) continue;
    const key = KEYS[kind].map(sqlIdentifier).join(', ');
    const union = ofKind
      .map((s, i) => `SELECT ${i} AS file_index, __row, ${key} FROM ${sqlIdentifier(s.table)}`)
      .join(' UNION ALL ');
    const sql = `SELECT file_index, __row, first_file FROM (
        SELECT *, first_value(file_index) OVER (PARTITION BY ${key} ORDER BY file_index, __row) AS first_file FROM (${union}))
      WHERE file_index <> first_file ORDER BY file_index, __row LIMIT ${PROBLEMS_PER_RULE}`;
    for (const r of await queryRows<{
      file_index: number;
      __row: number;
      first_file: number;
    }>(connection, sql)) {
      out.push(
        problem(
          ofKind[r.file_index].label,
          'duplicate-key',
          `The same ${KEYS[kind].join(' and ')} is also in ${ofKind[r.first_file].label}: one batch may hold it once.`,
          { row: r.__row, column: KEYS[kind].join(', ') }
        )
      );
    }
  }
  return out;
}

/** Warnings against what is already loaded: back-fills and superseded figures. They never block a load. */
export async function checkHistory(connection: DuckDBConnection, s: StagedTable): Promise<Problem[]> {
  if (s.kind !== 'uptake') return [];
  const out: Problem[] = [];
  const t = sqlIdentifier(s.table);
  const backfills = await queryRows<{ __row: number; service_id: string; as_of: string; latest: string; n: number }>(
    connection,
    `
    SELECT min(u.__row)::INTEGER AS __row, u.service_id, strftime(min(u.as_of), '%d/%m/%Y') AS as_of, strftime(any_value(l.latest), '%d/%m/%Y') AS latest, count(*)::INTEGER AS n
    FROM ${t} u JOIN (SELECT service_id, max(as_of) AS latest FROM snapshot_latest GROUP BY service_id) l USING (service_id)
    WHERE u.as_of < l.latest GROUP BY u.service_id ORDER BY 1`
  );
  for (const b of backfills) {
    out.push(
      problem(
        s.label,
        'back-fill',
        `A back-fill: ${b.service_id} already has a snapshot at ${b.latest}; this file adds ${b.n} older one${b.n > 1 ? 's' : ''} (from ${b.as_of}). Loaded, and the history keeps both.`,
        { row: b.__row, column: 'as_of', value: b.as_of, severity: 'warning' }
      )
    );
  }
  const superseded = (
    await queryRows<{ __row: number | null; n: number }>(
      connection,
      `
    SELECT min(u.__row)::INTEGER AS __row, count(*)::INTEGER AS n FROM ${t} u JOIN snapshot_latest s USING (as_of, service_id)`
    )
  )[0];
  if (superseded.n > 0) {
    out.push(
      problem(
        s.label,
        'supersedes',
        `${superseded.n > 1 ? `${superseded.n} rows give` : '1 row gives'} figures for an as-of date and service loaded before: the newer figures are used, and the earlier load stays in the history.`,
        { row: superseded.__row, severity: 'warning' }
      )
    );
  }
  return out;
}
