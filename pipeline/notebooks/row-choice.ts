/**
 * Which rows a result holds, and so what its sentences say ("no new registrations: A and B", "3 services"), must
 * come from the figures the audience sees, never from the exact ones. A query that picks rows by a patient count
 * (`WHERE registered <= registered_previous`) decides with the exact figures: a funder then reads "no new
 * registrations: A" beside a table showing a change of 0 for B and C too, and learns B and C grew by 1 to 4.
 *
 * So a notebook chooses such rows with `keep=` on its sql block (applied to the controlled figures, render.ts), and
 * a query that chooses rows by a patient count in SQL is refused, in every audience, before a funder ever sees it.
 * "Chooses rows" is WHERE, HAVING, QUALIFY, a join's condition, and ORDER BY when a LIMIT cuts the list (top N).
 * DuckDB's own parser says where each column is used (json_serialize_sql), so comments, quoting and subqueries cannot
 * hide one.
 *
 * The same goes for "the most" and "the highest": a sentence naming the first row (`{result.service_name}`) of a
 * result ordered by a patient count ranks services by the exact figures, and under rounding two services shown with
 * the same figure would be told apart. `rowsOrderedBy` finds such an order, and render.ts refuses the sentence.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null;
}

/** Every column name referred to anywhere under `node`. */
function columnsUnder(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) node.forEach((child) => columnsUnder(child, into));
  else if (isNode(node)) {
    if (node.class === 'COLUMN_REF' && Array.isArray(node.column_names)) {
      into.add(String(node.column_names[node.column_names.length - 1]).toLowerCase());
    }
    Object.values(node).forEach((child) => columnsUnder(child, into));
  }
}

/** The columns used to choose rows, anywhere in the statement (subqueries and CTEs included). */
function choosingColumns(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach((child) => choosingColumns(child, into));
    return;
  }
  if (!isNode(node)) return;
  for (const key of ['where_clause', 'having', 'qualify']) columnsUnder(node[key], into);
  if (node.type === 'JOIN') columnsUnder(node.condition, into);
  const modifiers = Array.isArray(node.modifiers) ? (node.modifiers as Node[]) : [];
  if (modifiers.some((m) => m.type === 'LIMIT_MODIFIER' || m.type === 'LIMIT_PERCENT_MODIFIER')) {
    for (const m of modifiers) if (m.type === 'ORDER_MODIFIER') columnsUnder(m.orders, into);
  }
  Object.values(node).forEach((child) => choosingColumns(child, into));
}

async function parse(connection: DuckDBConnection, sql: string): Promise<Node[]> {
  const reader = await connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS parsed', [sql]);
  const parsed = JSON.parse(String(reader.getRows()[0][0])) as { error: boolean; statements?: Node[] };
  // query.ts has already refused anything that is not one SELECT.
  return parsed.error ? [] : (parsed.statements ?? []);
}

/** The ORDER BY clauses of each statement's outermost query (not those of its subqueries). */
function outermostOrders(statements: Node[]): Node[] {
  return statements.flatMap((statement) => {
    const node = statement.node as Node | undefined;
    const modifiers = Array.isArray(node?.modifiers) ? (node.modifiers as Node[]) : [];
    return modifiers.filter((m) => m.type === 'ORDER_MODIFIER');
  });
}

/**
 * Which of `patientColumns` one part of the query uses (`columnsOf` gathers that part's columns), in the order given.
 */
async function patientColumnsUsed(
  connection: DuckDBConnection,
  sql: string,
  patientColumns: Iterable<string>,
  columnsOf: (statements: Node[], into: Set<string>) => void
): Promise<string[]> {
  const used = new Set<string>();
  columnsOf(await parse(connection, sql), used);
  return [...patientColumns].filter((column) => used.has(column.toLowerCase()));
}

/** The patient-count columns (of `patientColumns`) that the query uses to choose its rows, in the order given. */
export function rowsChosenBy(connection: DuckDBConnection, sql: string, patientColumns: Iterable<string>) {
  return patientColumnsUsed(connection, sql, patientColumns, choosingColumns);
}

/**
 * The first patient-count column the outermost ORDER BY sorts on, and whether it sorts descending; null when the order
 * rests on no patient count. For controlled audiences render.ts re-orders such rows by what the audience sees.
 */
export async function firstCountOrder(
  connection: DuckDBConnection,
  sql: string,
  patientColumns: Iterable<string>
): Promise<{ column: string; descending: boolean } | null> {
  const wanted = new Map([...patientColumns].map((c) => [c.toLowerCase(), c] as const));
  for (const m of outermostOrders(await parse(connection, sql))) {
    if (!Array.isArray(m.orders)) continue;
    for (const order of m.orders as Node[]) {
      const used = new Set<string>();
      columnsUnder(order.expression, used);
      const column = [...used].find((c) => wanted.has(c));
      if (column) return { column: wanted.get(column)!, descending: order.type === 'DESCENDING' };
    }
  }
  return null;
}

/** The patient-count columns the query's result is ordered by (its outermost ORDER BY), in the order given. */
export function rowsOrderedBy(connection: DuckDBConnection, sql: string, patientColumns: Iterable<string>) {
  return patientColumnsUsed(connection, sql, patientColumns, (statements, into) =>
    outermostOrders(statements).forEach((m) => columnsUnder(m.orders, into))
  );
}
