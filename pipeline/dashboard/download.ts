/**
 * A figure's CSV download as a stream of text blocks, so a table of every practice in a national programme is never
 * one string in memory: the services table is read from DuckDB chunk by chunk (about 2,048 rows each) and each chunk
 * is written as it arrives. Every block goes through disclosure control with the audience's profile and through the
 * one CSV writer (pipeline/disclosure csv.ts), so the joined blocks are exactly figureCsv of the whole table.
 *
 * For funders and the public the rows must be ordered by their controlled values (controlled.ts orderControlled),
 * which needs every row's controlled value before the first is written: those downloads gather the rows first and
 * then write them in blocks. The committee's rows are ordered by SQL and stream straight through.
 */
import { usedParams } from '../warehouse/query.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { csvHeading, csvNotes, csvRows, profileForAudience, type Audience } from '../disclosure/index.ts';
import { controlFigureTable } from './controlled.ts';
import { figureById } from './figures.ts';
import { tableOnly } from './charts.ts';
import type { ResolvedFilters } from './filters.ts';
import { orderedSql, parseServicesQuery, servicesPlan } from './services.ts';
import type { Column, DataTable, Row, TableOrder } from './table.ts';

const BLOCK_ROWS = 2048;

/** The CSV of figure `id` (with the page's URL parameters) for `audience`, block by block. */
export async function* figureCsvBlocks(
  connection: DuckDBConnection,
  id: string,
  filters: ResolvedFilters,
  params: URLSearchParams,
  audience: Audience
): AsyncGenerator<string> {
  const source = await rowSource(connection, id, filters, params);
  const profile = profileForAudience(audience);
  const block = (rows: Row[]): DataTable => ({ caption: '', columns: source.columns, rows, order: source.order });
  if (profile === 'none') {
    let first = true;
    for await (const rows of source.chunks) {
      const controlled = controlFigureTable(block(rows), profile);
      if (first) yield csvHeading(controlled);
      first = false;
      yield csvRows(controlled);
    }
    const empty = controlFigureTable(block([]), profile);
    if (first) yield csvHeading(empty);
    yield csvNotes(empty);
    return;
  }
  const all: Row[] = [];
  for await (const rows of source.chunks) all.push(...rows);
  const controlled = controlFigureTable(block(all), profile);
  yield csvHeading(controlled);
  for (let i = 0; i < controlled.rows.length; i += BLOCK_ROWS) {
    yield csvRows({ ...controlled, rows: controlled.rows.slice(i, i + BLOCK_ROWS) });
  }
  yield csvNotes(controlled);
}

interface RowSource {
  columns: Column[];
  order: TableOrder | undefined;
  chunks: AsyncIterable<Row[]>;
}

/** The services table streams from DuckDB; other figures are small (aggregated) and come whole from their builder. */
async function rowSource(
  connection: DuckDBConnection,
  id: string,
  filters: ResolvedFilters,
  params: URLSearchParams
): Promise<RowSource> {
  if (id === 'services' && filters.asOf) {
    const plan = await servicesPlan(connection, filters, parseServicesQuery(params));
    const sql = orderedSql(plan);
    const result = await connection.stream(sql, usedParams(sql, plan.params) as never);
    return {
      columns: plan.columns,
      order: { by: plan.sortKey, dir: plan.dir },
      chunks: result.yieldRowObjectJson() as AsyncIterable<Row[]>
    };
  }
  // Only the table goes into the CSV: the figure is built without drawing its chart.
  const { table } = await tableOnly(() => figureById(connection, id, filters, params));
  return { columns: table.columns, order: table.order, chunks: once(table.rows) };
}

async function* once(rows: Row[]): AsyncGenerator<Row[]> {
  yield rows;
}
