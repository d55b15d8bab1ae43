/**
 * Quoting for the few SQL texts that cannot take a bound parameter: identifiers (a column named by an export's header,
 * a table named by a profile) and literals inside DDL or `COPY ... TO 'file'`, where DuckDB accepts no `$name`. Every
 * other value goes through `queryRows`' parameters. One home, so the doubling rule is written once.
 */

/** `"name"`, with any `"` doubled: a header such as `Patients "enabled"` stays one column name. */
export const sqlIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `'text'`, with any `'` doubled: `O'Brien` stays one string. */
export const sqlLiteral = (text: string): string => `'${text.replaceAll("'", "''")}'`;
