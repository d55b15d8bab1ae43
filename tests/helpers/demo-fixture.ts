/**
 * A warehouse holding the demo programme (data/demo/), loaded the way a user loads it: `loadPaths` on the folder.
 * Each warehouse lives in its own temporary folder (with its own raw store), and the loader's clock is fixed, so
 * loaded_at and every result are the same on every run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';

export const DEMO_DIR = resolve(import.meta.dirname, '../../data/demo');

/** The day after the demo's last snapshot (2017-02-06): "today" for the loader's future-date checks. */
export const DEMO_LOADED_AT = new Date('2017-02-07T09:00:00Z');

/** Opens a fresh warehouse in its own temporary folder, loaded with the demo programme. `dispose` removes it all. */
export async function openDemoWarehouse(): Promise<{ warehouse: Warehouse; dispose(): void }> {
  const folder = mkdtempSync(join(tmpdir(), 'uptake-demo-'));
  const warehouse = await openWarehouse(join(folder, 'demo.duckdb'));
  const dispose = () => {
    warehouse.close();
    rmSync(folder, { recursive: true, force: true });
  };
  const report = await loadPaths(warehouse, [DEMO_DIR], { rawDir: join(folder, 'raw'), now: DEMO_LOADED_AT });
  if (report.outcome !== 'loaded' || report.problems.length > 0) {
    dispose();
    throw new Error(`The demo programme did not load cleanly (${report.outcome}): ${JSON.stringify(report.problems)}`);
  }
  return { warehouse, dispose };
}
