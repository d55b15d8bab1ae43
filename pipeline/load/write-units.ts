/**
 * Writing what a source says beyond the snapshot counts: where each unit sits in the hierarchy (unit_place), its
 * per-function values (unit_function), and which measures the source reports at all (source_measure), so that a view
 * can tell "not reported" from 0. Called by write.ts inside the batch's one transaction.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { UPTAKE_COUNTS } from './fields.ts';
import { sqlIdentifier, sqlLiteral } from '../warehouse/quote.ts';
import type { StagedTable } from './stage.ts';

/** One row per unit and as-of date, as the uptake rows carry it. */
export async function writePlaces(connection: DuckDBConnection, s: StagedTable, stamp: string): Promise<void> {
  const present = s.units!.present;
  const unit = (u: string) => (present.has(u) ? sqlIdentifier(`unit_${u}`) : 'NULL');
  // Only sources that carry a place beyond the unit's own name: a programme's own export has nothing to add here.
  if (!['organisation', 'subregion', 'region'].some((u) => present.has(u))) return;
  await connection.run(`INSERT INTO unit_place
    SELECT as_of, service_id, ${unit('service_name')}, ${unit('organisation')}, ${unit('organisation_name')},
      ${unit('subregion')}, ${unit('subregion_name')}, ${unit('region')}, ${unit('region_name')}, ${unit('supplier')}, ${stamp}
    FROM ${sqlIdentifier(s.table)}`);
}

export async function writeFunctions(connection: DuckDBConnection, s: StagedTable, stamp: string): Promise<void> {
  await connection.run(`INSERT INTO unit_function
    SELECT as_of, service_id, function, offered, enabled_patients, transactions, ${stamp} FROM ${sqlIdentifier(s.functions!.table)}`);
}

/**
 * The measures this file's source reports. Templates (no declaration): a count is reported when its column is in the
 * file. A declaring profile: exactly the counts it names, and the function routes of a long layout.
 */
export async function writeReported(connection: DuckDBConnection, s: StagedTable, sha256: string): Promise<void> {
  const rows: [string, boolean][] = UPTAKE_COUNTS.map((m) => [
    m,
    s.reports === null ? s.present.has(m) : s.reports.includes(m)
  ]);
  for (const route of s.functions?.routes ?? []) rows.push([route, true]);
  const values = rows
    .map(([m, reported]) => `(${sqlLiteral(sha256)}, ${sqlLiteral(s.label)}, ${sqlLiteral(m)}, ${reported})`)
    .join(', ');
  await connection.run(`INSERT INTO source_measure VALUES ${values}`);
}
