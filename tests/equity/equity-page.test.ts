/**
 * The Equity page's figures on the hand-worked fixture (tests/fixtures/equity/README.md, and the hand calculation in
 * equity-metrics.test.ts): the quintile table, the plain-words trend, the within-organisation table, the units without
 * a value, and what a funder's CSV holds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { loadPaths } from '../../pipeline/load/load.ts';
import { FilterError, parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { equityPage } from '../../pipeline/dashboard/equity.ts';
import { figureById, UnknownFigureError } from '../../pipeline/dashboard/figures.ts';
import { figureCsv } from '../../pipeline/dashboard/controlled.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/equity');
const NOW = new Date('2026-11-25T12:00:00Z');
const IMD = 'Deprivation score (IMD 2019)';

let warehouse: Warehouse;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-equity-page-'));
  warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  const rawDir = join(folder, 'raw');
  await loadPaths(warehouse, [join(FIXTURES, 'practices')], {
    now: NOW,
    rawDir
  });
  await loadPaths(warehouse, [join(FIXTURES, 'indicators-imd.csv')], {
    profile: 'public-health-indicators',
    now: NOW,
    rawDir
  });
});
afterAll(() => {
  warehouse.close();
  rmSync(folder, { recursive: true, force: true });
});

async function page(query = '') {
  const params = new URLSearchParams(query);
  const filters = await resolveFilters(warehouse.connection, parseFilters(params));
  return equityPage(warehouse.connection, filters, params);
}

describe('the Equity page at 31 July 2026, all units', () => {
  test('the deprivation score is chosen by default; five quintiles of five practices, rates exact', async () => {
    const p = await page();
    expect(p.characteristic).toBe(IMD);
    expect(p.period).toBe('2019');
    expect(p.characteristics).toEqual([{ characteristic: IMD, period: '2019', units: 28, units_with_value: 26 }]);
    const rows = p.quintiles.table.rows;
    expect(rows.map((r) => [r.label, r.range, r.units, r.units_reporting, r.registered, r.eligible, r.rate])).toEqual([
      ['1 (most deprived)', '50.0 to 58.0', 5, 5, 1000, 10000, 0.1],
      ['2', '40.0 to 48.0', 5, 5, 2250, 15000, 0.15],
      ['3', '30.0 to 38.0', 5, 5, 5000, 25000, 0.2],
      ['4', '20.0 to 28.0', 5, 5, 6250, 25000, 0.25],
      ['5 (least deprived)', '10.0 to 18.0', 5, 5, 7500, 25000, 0.3]
    ]);
    // Rate intervals: 0.10 ± 1.959964 × √(0.1 × 0.9 / 10,000) = 0.10 ± 0.0058799.
    expect(Number(rows[0].rate_lower)).toBeCloseTo(0.0941201, 6);
    expect(Number(rows[0].rate_upper)).toBeCloseTo(0.1058799, 6);
    expect(p.quintiles.title).toBe('30.0% registered in the least deprived fifth of units, 10.0% in the most deprived');
    expect(p.quintiles.subtitle).toContain('quintiles of the 25 units in view with a value');
    expect(p.quintiles.svg).toContain('<svg');
    expect(p.quintiles.summary).toBe(
      'Dot chart of registered of list size by quintile of Deprivation score (IMD 2019), with 95% confidence intervals, 31 Jul 2026; quintile 1 (most deprived): 10.0% (9.4% to 10.6%); quintile 2: 15.0% (14.4% to 15.6%); quintile 3: 20.0% (19.5% to 20.5%); quintile 4: 25.0% (24.5% to 25.5%); quintile 5 (least deprived): 30.0% (29.4% to 30.6%).'
    );
  });

  test('the gap table has one row per snapshot; the summary says plainly the gap is widening', async () => {
    const p = await page();
    expect(p.gap.table.rows).toEqual([
      {
        as_of: '2026-01-31',
        sii: 11.3,
        sii_lower: 10.6,
        sii_upper: 12,
        rii: '3.11',
        rii_lower: '2.87',
        rii_upper: '3.37'
      },
      {
        as_of: '2026-07-31',
        sii: 22.6,
        sii_lower: 21.7,
        sii_upper: 23.5,
        rii: '3.11',
        rii_lower: '2.95',
        rii_upper: '3.28'
      }
    ]);
    // The SII doubled (13/115 → 26/115); the change, 0.113043, is 20.0 standard errors of the difference
    // (√(0.0034226² + 0.0044866²) = 0.0056430). The RII is the same at both (38.3/12.3), so relatively it did not change.
    expect(p.trend).toBe(
      'At 31 July 2026, registration against list size was 22.6 percentage points higher at the least deprived end than at the most deprived end (slope index of inequality, 95% CI 21.7 to 23.5); the least deprived end registered 3.11 times the rate of the most deprived end (relative index, 95% CI 2.95 to 3.28). The gap is widening: the slope index went from 11.3 to 22.6 percentage points between 31 January 2026 and 31 July 2026, more than chance alone would give. In relative terms it did not change clearly (relative index 3.11 then 3.11).'
    );
    expect(p.gap.summary).toBe(p.trend);
    expect(p.gap.title).toBe('Is the gap widening or narrowing? It is widening');
  });

  test('as of 31 January 2026 there is one snapshot and no trend yet', async () => {
    const p = await page('asOf=2026-01-31');
    expect(p.gap.table.rows).toHaveLength(1);
    expect(p.trend).toMatch(/There is only one snapshot, so no trend yet\.$/);
    expect(p.gap.title).toBe('Is the gap widening or narrowing? One snapshot so far');
  });

  test('within each organisation: quintiles of its own units (13 → 3,3,3,2,2; 12 → 3,3,2,2,2)', async () => {
    const p = await page();
    expect(p.organisations.table.rows).toEqual([
      {
        organisation: 'ORG01',
        units: 13,
        q1_registered: 600,
        q1_eligible: 6000,
        q1_rate: 0.1,
        q5_registered: 3300,
        q5_eligible: 11000,
        q5_rate: 0.3,
        sii: 22.1,
        sii_lower: 20.9,
        sii_upper: 23.3,
        rii: '3.00'
      },
      {
        organisation: 'ORG02',
        units: 12,
        q1_registered: 550,
        q1_eligible: 5000,
        q1_rate: 0.11,
        q5_registered: 3000,
        q5_eligible: 10000,
        q5_rate: 0.3,
        sii: 20.8,
        sii_lower: 19.6,
        sii_upper: 22.1,
        rii: '2.82'
      }
    ]);
    expect(p.organisations.title).toBe('The widest gap within an organisation is at ORG01: 22.1 percentage points');
  });

  test('the two practices without a score are counted and named; every unit in view reports', async () => {
    const p = await page();
    expect(p.missing).toEqual({
      count: 2,
      units: [
        { service_id: 'P00026', service_name: 'PRACTICE 26', organisation: 'ORG01' },
        { service_id: 'P00027', service_name: 'PRACTICE 27', organisation: 'ORG02' }
      ]
    });
    expect(p.notReporting).toBe(0);
  });
});

describe('filtered to one organisation, quintiles are of its units only', () => {
  test('ORG02: 12 units, the same quintile figures as its row in the within-organisation table', async () => {
    const p = await page('organisation=ORG02');
    expect(p.quintiles.table.rows.map((r) => [r.units, r.registered, r.eligible])).toEqual([
      [3, 550, 5000],
      [3, 2100, 12500],
      [2, 2100, 9500],
      [2, 2750, 11000],
      [2, 3000, 10000]
    ]);
    expect(p.gap.table.rows.at(-1)).toMatchObject({ sii: 20.8, sii_lower: 19.6, sii_upper: 22.1, rii: '2.82' });
    expect(p.missing.count).toBe(1);
  });
});

describe('choosing the characteristic in the URL', () => {
  test('an unknown characteristic is a filter error naming the loaded ones; its download is a missing figure', async () => {
    await expect(page('characteristic=Rurality')).rejects.toThrow(
      new FilterError('characteristic', 'Rurality', `No characteristic called "Rurality" is loaded. Loaded: ${IMD}.`)
    );
    const filters = await resolveFilters(warehouse.connection, {});
    await expect(
      figureById(warehouse.connection, 'equity-gap', filters, new URLSearchParams('characteristic=Rurality'))
    ).rejects.toBeInstanceOf(UnknownFigureError);
  });
});

describe('a funder takes away controlled figures', () => {
  test('patient counts controlled (multiples of 5 here), rates from the controlled parts (1 dp: list size ≥ 4,000), the rate interval withheld, unit counts exact', async () => {
    const filters = await resolveFilters(warehouse.connection, {});
    const figure = await figureById(warehouse.connection, 'equity-quintiles', filters, new URLSearchParams());
    const lines = Papa.parse<string[]>(figureCsv(figure.table, 'funder').trimEnd()).data;
    expect(lines[0]).toEqual([
      'Quintile',
      'Values',
      'Units',
      'Units reporting',
      'Registered',
      'List size',
      'Registered of list size',
      'Lower 95% limit',
      'Upper 95% limit'
    ]);
    expect(lines[1]).toEqual(['1 (most deprived)', '50.0 to 58.0', '5', '5', '1000', '10000', '10.0%', '*', '*']);
    expect(lines[2]).toEqual(['2', '40.0 to 48.0', '5', '5', '2250', '15000', '15.0%', '*', '*']);
    expect(lines.at(-1)![0]).toContain('nhs-digital');
  });
});
