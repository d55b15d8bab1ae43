/**
 * The page-speed benchmark's generated programme (bench/programme-generator.ts) and its statistics: the programme
 * must load through the real pipeline with no problem at all, hold exactly services × snapshots uptake rows, and be
 * the same bytes on every run; otherwise the benchmark measures something other than what it says.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProgramme, type GeneratedProgramme } from '../bench/programme-generator.ts';
import { median, percentile } from '../bench/statistics.ts';
import { loadPaths, type LoadReport } from '../pipeline/load/load.ts';
import { openWarehouse } from '../pipeline/warehouse/open.ts';
import type { Warehouse } from '../pipeline/warehouse/query.ts';
import { queryRows } from '../pipeline/warehouse/query.ts';

const folder = mkdtempSync(join(tmpdir(), 'uptake-bench-programme-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('generateProgramme', () => {
  it('writes the same bytes for the same arguments', () => {
    const a = generateProgramme(join(folder, 'a'), 40, 6);
    const b = generateProgramme(join(folder, 'b'), 40, 6);
    const files = readdirSync(a.folder).sort();
    expect(files).toEqual([
      'features.csv',
      'programme.csv',
      'services.csv',
      'uptake-2016-09-06.csv',
      'uptake-2016-10-06.csv',
      'uptake-2016-11-06.csv',
      'uptake-2016-12-06.csv',
      'uptake-2017-01-06.csv',
      'uptake-2017-02-06.csv'
    ]);
    expect(readdirSync(b.folder).sort()).toEqual(files);
    for (const file of files)
      expect(readFileSync(join(b.folder, file), 'utf8')).toBe(readFileSync(join(a.folder, file), 'utf8'));
  });

  describe('500 services × 36 snapshots, loaded with loadPaths', () => {
    let generated: GeneratedProgramme;
    let warehouse: Warehouse;
    let report: LoadReport;
    const one = async <T>(sql: string) => (await queryRows<T>(warehouse.connection, sql))[0];

    beforeAll(async () => {
      generated = generateProgramme(join(folder, 'big'));
      warehouse = await openWarehouse(join(folder, 'big.duckdb'));
      report = await loadPaths(warehouse, [generated.folder], {
        rawDir: join(folder, 'raw'),
        now: new Date('2017-03-01T00:00:00Z')
      });
    }, 60_000);
    afterAll(() => warehouse?.close());

    it('loads with no problem, not even a warning', () => {
      expect(report.outcome).toBe('loaded');
      expect(report.problems).toEqual([]);
      expect(report.loaded).toHaveLength(3 + 36);
    });

    it('holds exactly 500 × 36 uptake rows, one per service per monthly as-of date ending 06/02/2017', async () => {
      expect(generated.uptakeRows).toBe(18_000);
      expect(
        await one(
          'SELECT count(*)::INTEGER AS n, count(DISTINCT service_id)::INTEGER AS services, count(DISTINCT as_of)::INTEGER AS dates, CAST(max(as_of) AS VARCHAR) AS last FROM snapshot_latest'
        )
      ).toEqual({ n: 18_000, services: 500, dates: 36, last: '2017-02-06' });
      expect(generated.asOfDates[0]).toBe('2014-03-06');
    });

    it('has every setting, live and not-live services, and as many live as it says', async () => {
      const settings = await queryRows<{ setting: string; services: number; live: number }>(
        warehouse.connection,
        'SELECT setting, count(*)::INTEGER AS services, count(live_on)::INTEGER AS live FROM service_latest GROUP BY setting ORDER BY setting'
      );
      expect(settings.map((s) => s.setting)).toEqual([
        'acute',
        'community',
        'mental health',
        'primary care',
        'social care'
      ]);
      expect(settings.reduce((n, s) => n + s.services, 0)).toBe(500);
      expect(settings.reduce((n, s) => n + s.live, 0)).toBe(generated.live);
      expect(generated.live).toBeGreaterThan(0);
      expect(generated.live).toBeLessThan(500);
      // Primary care rarely goes live: a lower share than acute, as in the seed report.
      const share = (name: string) => settings.find((s) => s.setting === name)!;
      expect(share('primary care').live / share('primary care').services).toBeLessThan(
        share('acute').live / share('acute').services
      );
    });

    it('reports zeros until a service is live, and counts that never fall', async () => {
      expect(
        await one(`SELECT count(*)::INTEGER AS n FROM snapshot_latest u JOIN service_latest s USING (service_id)
        WHERE (s.live_on IS NULL OR u.as_of < s.live_on) AND u.approached > 0`)
      ).toEqual({ n: 0 });
      expect(
        await one(`SELECT count(*)::INTEGER AS n FROM (
          SELECT approached - lag(approached) OVER w AS da, registered - lag(registered) OVER w AS dr, consented - lag(consented) OVER w AS dc
          FROM snapshot_latest WINDOW w AS (PARTITION BY service_id ORDER BY as_of))
        WHERE da < 0 OR dr < 0 OR dc < 0`)
      ).toEqual({ n: 0 });
      expect(await one('SELECT (sum(approached) > 0 AND sum(registered) > 0) AS some FROM snapshot_latest')).toEqual({
        some: true
      });
    });

    it('gives each live service its core tabs from its go-live date', async () => {
      expect(
        await one(`SELECT count(*)::INTEGER AS n FROM feature f JOIN service_latest s USING (service_id)
        WHERE f.category = 'core' AND f.enabled AND f.enabled_on <> s.live_on`)
      ).toEqual({ n: 0 });
      expect(
        await one(`SELECT count(DISTINCT service_id)::INTEGER AS n FROM feature WHERE category = 'core' AND enabled`)
      ).toEqual({ n: generated.live });
    });
  });
});

describe('median and percentile', () => {
  it('take the middle pair for an even count, and the nearest rank for p95', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(twenty, 95)).toBe(19);
    expect(percentile(twenty, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    const thirty = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(percentile(thirty, 95)).toBe(29);
  });
});
