/**
 * A unit reference list (the national practice list) against the uptake data: a unit that reports uptake but is not
 * in the list is worth a look (a new practice, a merger, a typing error in a code), but never a reason to refuse a
 * load, so these are warnings. They are raised only once some reference list is loaded or in the batch.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { problem, PROBLEMS_PER_RULE, type Problem } from './problems.ts';
import { sqlIdentifier } from '../warehouse/quote.ts';
import type { StagedTable } from './stage.ts';
import { queryRows } from '../warehouse/query.ts';

interface Missing {
  __row: number | null;
  unit: string;
  total: number;
}

export async function checkReference(connection: DuckDBConnection, staged: StagedTable[]): Promise<Problem[]> {
  const references = staged.filter((s) => s.kind === 'unit-reference');
  const [{ loaded }] = await queryRows<{ loaded: number }>(
    connection,
    'SELECT count(*)::INTEGER AS loaded FROM unit_reference'
  );
  if (!references.length && loaded === 0) return [];
  const listed = [
    'SELECT unit_id FROM unit_reference',
    ...references.map((r) => `SELECT unit_id FROM ${sqlIdentifier(r.table)} WHERE unit_id IS NOT NULL`)
  ].join(' UNION ');
  const out: Problem[] = [];
  const report = (file: string, found: Missing[], where: string) => {
    for (const m of found) {
      out.push(
        problem(
          file,
          'not-in-reference',
          `${m.unit} is not in the unit reference list${where ? ` ${where}` : ''}: loaded all the same.`,
          {
            row: m.__row,
            column: 'service_id',
            value: m.unit,
            severity: 'warning'
          }
        )
      );
    }
    const more = (found[0]?.total ?? 0) - found.length;
    if (more > 0)
      out.push(
        problem(file, 'not-in-reference', `…and ${more} more units are not in the unit reference list.`, {
          severity: 'warning'
        })
      );
  };
  for (const s of staged.filter((t) => t.kind === 'uptake')) {
    const found = await queryRows<Missing>(
      connection,
      `SELECT min(__row)::INTEGER AS __row, service_id AS unit, count(*) OVER ()::INTEGER AS total
        FROM ${sqlIdentifier(s.table)} WHERE service_id IS NOT NULL AND service_id NOT IN (${listed})
        GROUP BY service_id ORDER BY 1 LIMIT ${PROBLEMS_PER_RULE}`
    );
    report(s.label, found, '');
  }
  // A list loaded after the data: the units already loaded are checked against it too, once, on the list's file.
  if (references.length) {
    const inBatch = staged
      .filter((t) => t.kind === 'uptake')
      .map((t) => `SELECT service_id FROM ${sqlIdentifier(t.table)}`)
      .join(' UNION ');
    const found = await queryRows<Missing>(
      connection,
      `SELECT NULL::INTEGER AS __row, service_id AS unit, count(*) OVER ()::INTEGER AS total
        FROM service_latest WHERE service_id NOT IN (${listed}) ${inBatch ? `AND service_id NOT IN (${inBatch})` : ''}
        ORDER BY service_id LIMIT ${PROBLEMS_PER_RULE}`
    );
    report(references[0].label, found, '(a unit loaded earlier)');
  }
  return out;
}
