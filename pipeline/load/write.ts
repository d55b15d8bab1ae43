/**
 * Writing staged tables into the model tables. Called inside the batch's one transaction, after every check passed.
 * Each row keeps the SHA-256 of its file (snapshot rows: the file's load_file.file_id) and the batch's load time, so
 * later loads supersede without overwriting.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { FIELDS } from './fields.ts';
import { flagSql, settingSql } from './parse.ts';
import { sqlIdentifier, sqlLiteral } from '../warehouse/quote.ts';
import type { StagedTable } from './stage.ts';
import { writeFunctions, writePlaces, writeReported } from './write-units.ts';

const TARGET = {
  programme: 'programme',
  services: 'service',
  features: 'feature',
  uptake: 'snapshot',
  'unit-reference': 'unit_reference',
  characteristics: 'unit_characteristic'
} as const;

export async function writeStaged(
  connection: DuckDBConnection,
  s: StagedTable,
  sha256: string,
  loadedAt: string,
  fileId: number
): Promise<void> {
  const t = sqlIdentifier(s.table);
  const stamp = `${sqlLiteral(sha256)} AS source_sha256, TIMESTAMP ${sqlLiteral(loadedAt)} AS loaded_at`;
  // A field the file lacks is written as NULL: a fast stage does not hold a column for it.
  const fields = FIELDS[s.kind].map((f) => f.name);
  if (s.kind === 'programme') {
    await connection.run(
      `INSERT INTO programme (programme, launched_on, source_sha256) SELECT programme, launched_on, ${sqlLiteral(sha256)} FROM ${t}`
    );
    return;
  }
  if (s.kind === 'uptake' && s.units) await writeUnits(connection, s, stamp);
  if (s.kind === 'uptake') {
    if (s.units) await writePlaces(connection, s, stamp);
    if (s.functions) await writeFunctions(connection, s, stamp);
    await writeReported(connection, s, sha256);
  }
  const columns = fields.join(', ');
  // Snapshot rows name their file by load_file.file_id (schema.ts says why); the other tables by its SHA-256.
  const source =
    s.kind === 'uptake' ? `${fileId} AS source_file, TIMESTAMP ${sqlLiteral(loadedAt)} AS loaded_at` : stamp;
  await connection.run(`INSERT INTO ${TARGET[s.kind]} (${columns}, ${s.kind === 'uptake' ? 'source_file' : 'source_sha256'}, loaded_at)
    SELECT ${fields.map((f) => (!s.present.has(f) ? 'NULL' : s.kind === 'uptake' && f !== 'as_of' && f !== 'service_id' ? `CAST(${sqlIdentifier(f)} AS INTEGER)` : sqlIdentifier(f))).join(', ')}, ${source} FROM ${t}`);
}

/**
 * Units carried on uptake rows (a practice with its parent organisation and region) become services the first time
 * they are seen; a unit already known keeps its details (a services file is the place to change them).
 */
async function writeUnits(connection: DuckDBConnection, s: StagedTable, stamp: string): Promise<void> {
  const d = s.units!.defaults;
  const def = (name: string) => (d[name] === undefined ? 'NULL' : sqlLiteral(d[name]));
  await connection.run(`INSERT INTO service (service_id, service_name, organisation, setting, specialty, sensitive, in_original_bid,
      approached_on, planned_live_on, live_on, parent_unit, source_sha256, loaded_at)
    SELECT service_id, coalesce(any_value(unit_service_name), service_id), coalesce(any_value(unit_organisation), ${def('organisation')}, 'Unknown'),
      coalesce(${settingSql(def('setting'))}, 'primary care'), ${def('specialty')}, coalesce(${flagSql(def('sensitive'), false)}, false),
      coalesce(${flagSql(def('in_original_bid'), false)}, false), NULL, NULL, NULL, any_value(unit_parent_unit), ${stamp}
    FROM ${sqlIdentifier(s.table)} WHERE service_id NOT IN (SELECT service_id FROM service) GROUP BY service_id ORDER BY service_id`);
}
