/**
 * The Equity page's queries at national scale: N practices (default 7,000) in 106 organisations × M monthly snapshots
 * (default 36), each with a deprivation score, written straight into the landed tables with SQL (this measures the
 * page, not the loader). Times `equityPage` (quintiles, the SII/RII per snapshot, the within-organisation table, the
 * units left out) against the Uptake page's funnel at the same as-of date in the same run, best of `--repeats`, and
 * counts the rows each figure hands to the page: none may grow with units × dates.
 *
 *   npm run bench -- --only equity [--practices 7000] [--months 36] [--repeats 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import { resolveFilters } from '../pipeline/dashboard/filters.ts';
import { equityPage } from '../pipeline/dashboard/equity.ts';
import { uptakeFunnel } from '../pipeline/dashboard/uptake.ts';
import type { BenchRun } from './types.ts';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

async function best(repeats: number, work: () => Promise<unknown>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await work();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

export const run: BenchRun = async (args, log) => {
  const practices = option(args, 'practices', 7000);
  const months = option(args, 'months', 36);
  const repeats = option(args, 'repeats', 3);
  const folder = mkdtempSync(join(tmpdir(), 'uptake-bench-equity-'));
  const warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  try {
    const c = warehouse.connection;
    log(`generating ${practices} practices × ${months} months`);
    // Deterministic: list sizes and scores from the practice number; registration rises each month and falls with
    // deprivation, so the gap is real and every quintile reports.
    await c.run(`INSERT INTO service SELECT printf('P%05d', i), printf('PRACTICE %d', i), printf('ORG%03d', i % 106),
        'primary care', NULL, false, false, NULL, NULL, NULL, 'R1', 'bench', TIMESTAMP '2026-01-01'
      FROM range(${practices}) t(i)`);
    await c.run(`INSERT INTO unit_characteristic SELECT printf('P%05d', i), 'Deprivation score (IMD 2019)', '2019', '20190000',
        CASE WHEN i % 97 = 0 THEN NULL ELSE ((i * 7919) % 6000) / 100.0 END, 'bench', TIMESTAMP '2026-01-01'
      FROM range(${practices}) t(i)`);
    await c.run(`INSERT INTO snapshot (as_of, service_id, eligible, registered, source_file, loaded_at)
      SELECT (DATE '2024-01-31' + INTERVAL (m) MONTH)::DATE, printf('P%05d', i), 2000 + (i * 37) % 9000,
             ((2000 + (i * 37) % 9000) * (0.05 + m * 0.01) * (1 - ((i * 7919) % 6000) / 12000.0))::INTEGER,
             0, TIMESTAMP '2026-01-01'
      FROM range(${practices}) p(i), range(${months}) d(m)`);
    const filters = await resolveFilters(c, {});
    const params = new URLSearchParams();
    let sizes: Record<string, number> = {};
    const equityMs = await best(repeats, async () => {
      const page = await equityPage(c, filters, params);
      sizes = {
        quintileRows: page.quintiles.table.rows.length,
        gapRows: page.gap.table.rows.length,
        organisationRows: page.organisations.table.rows.length,
        unitsListed: page.missing.units.length
      };
    });
    const funnelMs = await best(repeats, () => uptakeFunnel(c, filters));
    const ratio = equityMs / funnelMs;
    return {
      title: `Equity page queries at ${practices} practices × ${months} snapshots (best of ${repeats})`,
      table: [
        { query: 'equityPage (all figures)', ms: Math.round(equityMs) },
        { query: 'uptakeFunnel (baseline: one row per unit)', ms: Math.round(funnelMs) }
      ],
      summary: [
        `ratio equity / funnel: ${ratio.toFixed(1)}×`,
        `rows handed to the page: quintiles ${sizes.quintileRows}, gap ${sizes.gapRows}, organisations ${sizes.organisationRows}, units listed ${sizes.unitsListed} (none grows with units × dates)`
      ],
      details: { practices, months, repeats, equityMs, funnelMs, ...sizes }
    };
  } finally {
    warehouse.close();
    rmSync(folder, { recursive: true, force: true });
  }
};
