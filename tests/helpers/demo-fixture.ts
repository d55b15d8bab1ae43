/**
 * A warehouse holding the demo programme (data/demo/), for tests of the metric views.
 *
 * Stand-in until pipeline/load/load.ts exists: it inserts the demo CSVs straight into the landed tables with DuckDB's
 * read_csv, without the loader's checks, so metric tests do not depend on the loader. Swap for `loadPaths(warehouse,
 * [DEMO_DIR])` once that is in. Every row gets source_sha256 'fixture' and one fixed loaded_at, so results never depend
 * on the clock.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openWarehouse, type Warehouse } from '../../pipeline/warehouse/open.ts';

export const DEMO_DIR = resolve(import.meta.dirname, '../../data/demo');
export const FIXTURE_LOADED_AT = '2017-02-07 09:00:00';

/** A CSV of the demo folder, every column read as text so the casts below decide the types. */
function csv(name: string): string {
  return `read_csv('${join(DEMO_DIR, name).replaceAll("'", "''")}', header = true, all_varchar = true)`;
}

/** The template's yes/no flag as a BOOLEAN (the demo files only use yes/no). */
const flag = (column: string) => `(lower(${column}) = 'yes')`;

export async function loadDemoFixture(warehouse: Warehouse): Promise<void> {
  const run = (sql: string) => warehouse.connection.run(sql);
  const stamp = `'fixture', TIMESTAMP '${FIXTURE_LOADED_AT}'`;
  await run(`INSERT INTO programme SELECT programme, launched_on::DATE, 'fixture' FROM ${csv('programme.csv')}`);
  await run(`
    INSERT INTO service
    SELECT service_id, service_name, organisation, setting, specialty, ${flag('sensitive')}, ${flag('in_original_bid')},
           approached_on::DATE, planned_live_on::DATE, live_on::DATE, NULL, ${stamp}
    FROM ${csv('services.csv')}`);
  await run(`
    INSERT INTO feature
    SELECT service_id, feature, category, ${flag('enabled')}, enabled_on::DATE, ${stamp}
    FROM ${csv('features.csv')}`);
  const uptakeFiles = readdirSync(DEMO_DIR).filter((name) => /^uptake-.*\.csv$/.test(name)).sort();
  for (const name of uptakeFiles) {
    await run(`
      INSERT INTO snapshot
      SELECT as_of::DATE, service_id, eligible::INTEGER, approached::INTEGER, consented::INTEGER, registered::INTEGER,
             NULL, NULL, shared_with_carer::INTEGER, shared_with_professional::INTEGER, ${stamp}
      FROM ${csv(name)}`);
  }
}

/** Opens a fresh warehouse in its own temporary folder, loaded with the demo programme. `dispose` removes it all. */
export async function openDemoWarehouse(): Promise<{ warehouse: Warehouse; dispose(): void }> {
  const folder = mkdtempSync(join(tmpdir(), 'uptake-metrics-'));
  const warehouse = await openWarehouse(join(folder, 'demo.duckdb'));
  await loadDemoFixture(warehouse);
  return {
    warehouse,
    dispose() {
      warehouse.close();
      rmSync(folder, { recursive: true, force: true });
    }
  };
}
