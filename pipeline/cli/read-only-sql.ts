/**
 * `uptake query` runs read-only SQL only. The warehouse is opened READ_ONLY, which stops writes to the database, but
 * not statements that reach outside it (COPY … TO a file, ATTACH another database, SET, INSTALL, LOAD, EXPORT). So the
 * statement itself is checked too, and a refused statement fails closed:
 *  1. its first keyword must be one of READ_ONLY_KEYWORDS (so `PRAGMA`, `CALL`, `EXPLAIN ANALYZE` are refused even
 *     though DuckDB classes some of them as SELECT);
 *  2. DuckDB's own parser (connection.extractStatements) must find exactly one statement, of type SELECT. DESCRIBE,
 *     SHOW, SUMMARIZE, FROM-first and TABLE all parse to SELECT.
 * One exception: a PIVOT without an explicit `IN (…)` list is expanded by DuckDB into `CREATE TYPE … AS ENUM` statements
 * (one per pivoted column, in the temporary catalog) followed by the SELECT. Those CREATEs are allowed only before the
 * final statement of a query that starts with PIVOT; each statement is prepared just before it runs, because the SELECT
 * cannot be prepared before its enum type exists.
 */
import { StatementType, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { UsageError } from './errors.ts';

export const READ_ONLY_KEYWORDS = [
  'SELECT',
  'WITH',
  'FROM',
  'DESCRIBE',
  'SHOW',
  'SUMMARIZE',
  'PIVOT',
  'UNPIVOT',
  'TABLE',
  'VALUES'
];

/** The first keyword, skipping blanks, `--` and block comments and opening brackets (`(SELECT 1) UNION …`). */
export function firstKeyword(sql: string): string {
  let rest = sql;
  for (;;) {
    const trimmed = rest.replace(/^[\s(]+/, '');
    if (trimmed.startsWith('--')) rest = trimmed.replace(/^--[^\n]*(\n|$)/, '');
    else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      rest = end < 0 ? '' : trimmed.slice(end + 2);
    } else return (/^[A-Za-z_]+/.exec(trimmed)?.[0] ?? '').toUpperCase();
  }
}

function refuse(why: string): never {
  throw new UsageError(
    `query runs read-only SQL only, one SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, PIVOT or TABLE statement; ${why}.`
  );
}

/** Checks the statement, then runs it and returns its result; throws UsageError for anything that is not read-only. */
export async function runReadOnlyQuery(connection: DuckDBConnection, sql: string): Promise<DuckDBResultReader> {
  const keyword = firstKeyword(sql);
  if (!keyword) refuse('the query is empty');
  if (!READ_ONLY_KEYWORDS.includes(keyword)) refuse(`this one starts with ${keyword}`);
  const statements = await connection.extractStatements(sql);
  if (statements.count === 0) refuse('the query is empty');
  const last = statements.count - 1;
  for (let index = 0; index <= last; index++) {
    const prepared = await statements.prepare(index);
    try {
      const type = prepared.statementType;
      if (index === last) {
        if (type !== StatementType.SELECT) refuse(`this one is a ${StatementType[type]} statement`);
        return await prepared.runAndReadAll();
      }
      const isPivotEnum = keyword === 'PIVOT' && type === StatementType.CREATE;
      if (!isPivotEnum)
        refuse(
          statements.count > 1 ? 'this holds more than one statement' : `this one is a ${StatementType[type]} statement`
        );
      await prepared.run();
    } finally {
      prepared.destroySync();
    }
  }
  throw new Error('unreachable');
}
