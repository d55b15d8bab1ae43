/**
 * The dashboard's figures on a generated programme of 300 services × 36 monthly snapshots (bench/programme-generator.ts,
 * seeded): past 25 services every figure switches to an aggregate form whose rows do not grow with services × dates,
 * and the aggregates computed in SQL agree with the same aggregates computed from the per-service rows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateProgramme } from '../../bench/programme-generator.ts';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { queryRows, type Warehouse } from '../../pipeline/warehouse/query.ts';
import { parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { overview } from '../../pipeline/dashboard/overview.ts';
import { timelinePage } from '../../pipeline/dashboard/timeline.ts';
import { uptakeTrends } from '../../pipeline/dashboard/uptake.ts';
import { servicePage } from '../../pipeline/dashboard/service.ts';
import { figureById } from '../../pipeline/dashboard/figures.ts';
import {
  funnelExtremes,
  goLivePeriods,
  trendBands,
  type SetupDurationRow,
  type UptakeFunnelRow
} from '../../pipeline/charts/index.ts';
import { setupDurationColumns } from '../../pipeline/dashboard/charts.ts';

let folder: string;
let warehouse: Warehouse;
let connection: DuckDBConnection;
const filters = (query = '') => resolveFilters(connection, parseFilters(new URLSearchParams(query)));

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-many-'));
  const generated = generateProgramme(join(folder, 'programme'), 300, 36, 'national');
  warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  const report = await loadPaths(warehouse, [generated.folder], { rawDir: join(folder, 'raw') });
  expect(report.outcome).toBe('loaded');
  connection = warehouse.connection;
}, 120_000);
afterAll(() => {
  warehouse?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('300 services × 36 snapshots', () => {
  test('the registration trend is one band row per snapshot, and SQL quantiles equal the chart’s own', async () => {
    const f = await filters();
    const { trend, funnel } = await uptakeTrends(connection, f);
    expect(trend.table.rows).toHaveLength(36);
    expect(trend.table.columns.map((c) => c.key)).toEqual([
      'as_of',
      'units',
      'total',
      'p10',
      'p25',
      'median',
      'p75',
      'p90'
    ]);
    const perService = await queryRows<UptakeFunnelRow>(
      connection,
      `SELECT CAST(as_of AS VARCHAR) AS as_of, service_id, service_name, approached, consented, registered,
              shared_with_carer, shared_with_professional FROM uptake_funnel`
    );
    const bands = trendBands(perService, f.asOf!);
    expect(bands).toHaveLength(36);
    trend.table.rows.forEach((row, i) => {
      expect(row.as_of).toBe(bands[i].as_of);
      expect(row.units).toBe(300);
      expect(row.total).toBe(bands[i].total);
      for (const key of ['p10', 'p25', 'median', 'p75', 'p90'] as const)
        expect(row[key] as number).toBeCloseTo(bands[i][key] as number, 6);
    });
    expect(trend.svg).toContain('uptake-band-median');
    expect(trend.svg!.length).toBeLessThan(20_000);

    // The funnel: the 10 with the most registered, the mean of the other 280, the 10 with the fewest
    expect(funnel.table.rows).toHaveLength(21);
    expect(funnel.table.rows[10].group).toBe('Mean of the other 280');
    const atAsOf = perService.filter((r) => r.as_of === f.asOf);
    expect(funnel.table.rows.map((r) => r.service_name)).toEqual(
      funnelExtremes(atAsOf, f.asOf!).map((r) => r.service_name)
    );
    expect(funnel.svg).toContain('>Mean of the other 280 services<');
  });

  test('the overview lists go-lives per quarter, not 300 services', async () => {
    const f = await filters();
    const result = await overview(connection, f);
    const setup = await queryRows<SetupDurationRow>(
      connection,
      `SELECT ${setupDurationColumns('d')} FROM setup_duration d WHERE d.as_of = CAST($asOf AS DATE)`,
      { asOf: f.asOf }
    );
    const periods = goLivePeriods(setup, f.asOf!);
    expect(result.adoption!.table.rows).toEqual(
      periods.map((p) => ({ period: p.period, went_live: p.went_live, live_by_end: p.live_by_end }))
    );
    expect(result.adoption!.table.rows.at(-1)!.live_by_end).toBe(result.headline!.services_live);
    expect(result.adoption!.svg).not.toContain('uptake-go-live"');
  });

  test('the timeline shows go-lives and setup durations, and each service only under 25 (one organisation)', async () => {
    const page = await timelinePage(connection, await filters());
    expect(page).toMatchObject({ services: 300, aggregated: true });
    expect(page.figures.map((fig) => fig.id)).toEqual(['go-lives', 'setup-durations']);
    const bins = page.figures[1].table.rows;
    expect(bins).toHaveLength(12);
    const live = bins.reduce((n, b) => n + Number(b.live), 0);
    const [{ live: liveInView }] = await queryRows<{ live: number }>(
      connection,
      `SELECT CAST(count(*) AS INTEGER) AS live FROM service_status
        WHERE as_of = (SELECT max(as_of) FROM service_status) AND is_live`
    );
    expect(live).toBe(liveInView);

    const [{ organisation }] = await queryRows<{ organisation: string }>(
      connection,
      'SELECT organisation FROM service_latest ORDER BY organisation LIMIT 1'
    );
    const one = await timelinePage(connection, await filters(`organisation=${encodeURIComponent(organisation)}`));
    expect(one.aggregated).toBe(false);
    expect(one.figures.map((fig) => fig.id)).toEqual(['setup-timeline']);
    expect(one.figures[0].table.rows.length).toBe(one.services);
    expect(one.services).toBeLessThanOrEqual(25);
  });

  test('the new figures download as CSV by id with the rows the page showed', async () => {
    const f = await filters();
    const page = await timelinePage(connection, f);
    for (const fig of page.figures) {
      const again = await figureById(connection, fig.id, f, new URLSearchParams());
      expect(again.table.rows).toEqual(fig.table.rows);
    }
  });

  test('a service page keeps its 36 monthly snapshots', async () => {
    const page = await servicePage(connection, 'BEN-00001', await filters());
    expect(page!.history.table.rows).toHaveLength(36);
  });
});
