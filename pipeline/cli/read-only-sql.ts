/**
 * `uptake query` runs read-only SQL only. The warehouse is opened READ_ONLY, which stops writes to the database, but
 * not statements that reach outside it (COPY … TO a file, ATTACH another database, SET, INSTALL, LOAD, EXPORT), nor
 * table functions that read files (read_text, read_csv, glob). So:
 *  1. DuckDB's own parser decides that the text is exactly one SELECT (pipeline/warehouse/one-select.ts): DESCRIBE,
 *     SHOW, SUMMARIZE, FROM-first, TABLE, VALUES and PIVOT … IN (…) parse to SELECT; PRAGMA, CALL and EXPLAIN do not,
 *     and neither does a PIVOT without an IN list, which DuckDB runs as CREATE TYPE statements before its SELECT
 *     (the message says to name the values). The check is DuckDB's, not a reading of the text by us: DuckDB nests
 *     block comments, and a check that did not once let `/* /* *\/ PIVOT *\/ CREATE …; SELECT …` through as a PIVOT.
 *  2. The connection has DuckDB's external access switched off (open-for-reading.ts), so a SELECT cannot read or
 *     list files either; DuckDB's refusal is turned into one clear sentence here.
 * The first keyword (`firstKeyword`) is read from the text only to word the refusal, never to decide it.
 */
import { StatementType, type DuckDBConnection, type DuckDBResultReader } from '@duckdb/node-api';
import { UsageError } from './errors.ts';
import { checkOneSelect } from '../warehouse/one-select.ts';

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

/**
 * The first keyword, skipping blanks, `--` comments, block comments (nested, as DuckDB nests them) and opening
 * brackets (`(SELECT 1) UNION …`). For wording a refusal only.
 */
export function firstKeyword(sql: string): string {
  let rest = sql;
  for (;;) {
    const trimmed = rest.replace(/^[\s(]+/, '');
    if (trimmed.startsWith('--')) rest = trimmed.replace(/^--[^\n]*(\n|$)/, '');
    else if (trimmed.startsWith('/*')) rest = afterBlockComment(trimmed);
    else return (/^[A-Za-z_]+/.exec(trimmed)?.[0] ?? '').toUpperCase();
  }
}

/** The text after the block comment `text` starts with, counting nested `/*` as DuckDB does. */
function afterBlockComment(text: string): string {
  let depth = 0;
  for (let i = 0; i < text.length - 1; i++) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i++;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return text.slice(i + 1);
    }
  }
  return '';
}

/** DuckDB's answer when a query touches a file with external access switched off. */
const FILE_ACCESS_REFUSED = /^Permission Error: .*(disabled|external access)/i;

export const FILE_ACCESS_MESSAGE =
  'query reads the warehouse only: reading or listing files (read_text, read_csv, glob, a file name in FROM, …) is switched off for it. Load files with `uptake load`.';

function refuse(why: string): never {
  throw new UsageError(
    `query runs read-only SQL only, one SELECT, WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, PIVOT or TABLE statement; ${why}.`
  );
}

/** Checks the statement, then runs it and returns its result; throws UsageError for anything that is not read-only. */
export async function runReadOnlyQuery(connection: DuckDBConnection, sql: string): Promise<DuckDBResultReader> {
  const check = await checkOneSelect(connection, sql);
  const keyword = firstKeyword(sql);
  if (!check.ok) {
    if (check.why === 'empty') refuse('the query is empty');
    if (check.why === 'syntax') throw new Error(check.message ?? 'The query could not be parsed.');
    if (check.why === 'several') {
      if (keyword === 'PIVOT')
        refuse(
          "a PIVOT without an IN list runs as more than one statement in DuckDB: name the values, as in PIVOT snapshot ON as_of IN ('2017-01-31', '2017-02-06') USING …"
        );
      refuse('this holds more than one statement');
    }
    refuse(
      keyword && !READ_ONLY_KEYWORDS.includes(keyword)
        ? `this one starts with ${keyword}`
        : 'DuckDB does not read this one as a query'
    );
  }
  // DuckDB said one SELECT; prepare exactly that and check it again before it runs.
  const statements = await connection.extractStatements(sql);
  if (statements.count !== 1) refuse('this holds more than one statement');
  let prepared;
  try {
    prepared = await statements.prepare(0);
    if (prepared.statementType !== StatementType.SELECT)
      refuse(`this one is a ${StatementType[prepared.statementType]} statement`);
    return await prepared.runAndReadAll();
  } catch (error) {
    if (readsAFile((error as Error).message ?? '')) throw new UsageError(FILE_ACCESS_MESSAGE);
    throw error;
  } finally {
    prepared?.destroySync();
  }
}

/**
 * Whether DuckDB refused the query for touching a file: a Permission Error from a table function (read_text, glob),
 * or, for a file name in FROM (which DuckDB would otherwise scan by itself), the table "not found" under that name.
 */
function readsAFile(message: string): boolean {
  if (FILE_ACCESS_REFUSED.test(message)) return true;
  const missing = /^Catalog Error: Table with name (.+?) does not exist/.exec(message);
  return missing !== null && /[/\\]|\.[a-z0-9]{1,8}$/i.test(missing[1]);
}
