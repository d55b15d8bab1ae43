/**
 * Is this SQL text exactly one SELECT? DuckDB's own parser decides, never a reading of the text by us: DuckDB nests
 * block comments, expands some statements into several (a PIVOT without an IN list becomes CREATE TYPE … then
 * SELECT) and rewrites others into SELECTs (PRAGMA show_tables, CALL), and any difference between its reading and
 * ours would let a second statement through.
 *
 * `json_serialize_sql` parses the text as DuckDB will run it and serialises only SELECT statements: anything else
 * (CREATE, COPY, ATTACH, SET, PRAGMA, CALL, EXPLAIN, a PIVOT's generated CREATE TYPE) is an error, and several
 * statements come back as a list. Exactly one SELECT in that list is the rule. Used by `uptake query` and by
 * notebooks' sql blocks.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export type OneSelect =
  | { ok: true }
  | {
      ok: false;
      /** empty: no statement; several: more than one as DuckDB parses it; not-select: one, of another kind; syntax. */
      why: 'empty' | 'several' | 'not-select' | 'syntax';
      /** How many statements DuckDB finds (after its own expansions), when it can parse the text. */
      statements: number;
      /** DuckDB's message, for a syntax error. */
      message?: string;
    };

interface Serialised {
  error: boolean;
  error_type?: string;
  error_message?: string;
  statements?: unknown[];
}

export async function checkOneSelect(connection: DuckDBConnection, sql: string): Promise<OneSelect> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS parsed', [sql]);
  const parsed = JSON.parse(String(reader.getRows()[0][0])) as Serialised;
  if (!parsed.error) {
    const count = parsed.statements?.length ?? 0;
    if (count === 1) return { ok: true };
    return { ok: false, why: count === 0 ? 'empty' : 'several', statements: count };
  }
  if (parsed.error_type === 'parser') {
    return { ok: false, why: 'syntax', statements: 0, message: parsed.error_message };
  }
  // Not a SELECT somewhere: count the statements as DuckDB runs them, to say which problem it is.
  const statements = (await connection.extractStatements(sql)).count;
  return { ok: false, why: statements > 1 ? 'several' : statements === 0 ? 'empty' : 'not-select', statements };
}
