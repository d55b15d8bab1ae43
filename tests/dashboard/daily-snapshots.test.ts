/**
 * 2,000 as-of dates (a regional programme's daily export, bench/daily-export.ts: 30 services × 2,000 days ending
 * 6 Feb 2017) through the dashboard's functions: the trend renders without error, as bands for all 30 services and as
 * lines for one setting's 6, both thinned to the last snapshot of each quarter; a service's history likewise.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateDailyExport } from '../../bench/daily-export.ts';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { registrationTrend } from '../../pipeline/dashboard/uptake.ts';
import { servicePage } from '../../pipeline/dashboard/service.ts';
import { overview } from '../../pipeline/dashboard/overview.ts';

let folder: string;
let warehouse: Warehouse;
let connection: DuckDBConnection;
let firstAsOf: string;
const filters = (query = '') => resolveFilters(connection, parseFilters(new URLSearchParams(query)));

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-daily-'));
  const generated = generateDailyExport(join(folder, 'export'), 60_000, 30);
  expect(generated.days).toBe(2000);
  firstAsOf = generated.firstAsOf;
  warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  const report = await loadPaths(warehouse, [generated.programme, generated.services, generated.uptake], {
    rawDir: join(folder, 'raw')
  });
  expect(report.outcome).toBe('loaded');
  connection = warehouse.connection;
}, 120_000);
afterAll(() => {
  warehouse?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('2,000 daily snapshots', () => {
  test('the trend for 30 services is percentile bands at the last snapshot of each quarter', async () => {
    const f = await filters();
    expect(f.asOf).toBe('2017-02-06');
    // 6 Feb 2017 less 1,999 days
    expect(firstAsOf).toBe('2011-08-18');
    const trend = await registrationTrend(connection, f);
    // Q3 2011 … Q1 2017 = 23 quarters, each shown by its last snapshot (the latest, 6 Feb 2017, ends the last one)
    expect(trend.table.rows).toHaveLength(23);
    expect(trend.table.rows[0].as_of).toBe('2011-09-30');
    expect(trend.table.rows.at(-1)!.as_of).toBe('2017-02-06');
    expect(trend.table.rows.every((r) => r.units === 30)).toBe(true);
    expect(trend.subtitle).toContain('23 snapshots (the last in each quarter, quarterly) to 6 February 2017');
    expect(trend.svg).toContain('uptake-band-median');
  });

  test('one setting’s 6 services keep a line each, over the same 23 dates', async () => {
    const trend = await registrationTrend(connection, await filters('setting=acute'));
    expect(trend.table.rows).toHaveLength(6 * 23);
    expect(trend.svg).toContain('uptake-trend-line');
    expect(trend.svg).not.toContain('uptake-band-median');
  });

  test('a service’s history and the overview render', async () => {
    const page = await servicePage(connection, 'SVC0001', await filters());
    expect(page!.history.table.rows).toHaveLength(23);
    expect(page!.history.subtitle).toContain('quarterly (the last snapshot in each period)');
    const result = await overview(connection, await filters());
    expect(result.adoption!.svg).toContain('uptake-adoption-step');
  });
});
