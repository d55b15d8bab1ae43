/**
 * The Functionality page on a generated programme of 300 services (bench/programme-generator.ts, seeded): past 25
 * units it shows the share of units offering each feature and the spread of core and additional features per unit,
 * a few rows whatever the number of units; the figures are checked against counts made here, independently, from the
 * generated features.csv. Filtered to one organisation (a handful of units), the per-unit matrix comes back.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateProgramme } from '../../bench/programme-generator.ts';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { filterOptions, parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { functionalityPage } from '../../pipeline/dashboard/functionality.ts';
import { figureById } from '../../pipeline/dashboard/figures.ts';
import { figureCsv } from '../../pipeline/dashboard/controlled.ts';

let folder: string;
let warehouse: Warehouse;
let connection: DuckDBConnection;
let features: { service: string; feature: string; category: string; enabled: boolean; on: string }[];
const filters = (query = '') => resolveFilters(connection, parseFilters(new URLSearchParams(query)));

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-functionality-many-'));
  const generated = generateProgramme(join(folder, 'programme'), 300, 36, 'national');
  features = readFileSync(join(generated.folder, 'features.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [service, feature, category, enabled, on] = line.split(',');
      return { service, feature, category, enabled: enabled === 'yes', on };
    });
  warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  const report = await loadPaths(warehouse, [generated.folder], { rawDir: join(folder, 'raw') });
  expect(report.outcome).toBe('loaded');
  connection = warehouse.connection;
}, 120_000);
afterAll(() => {
  warehouse?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** What the page should say, counted from the generated file: enabled by the as-of date. */
function expected(asOf: string) {
  const units = new Set(features.map((f) => f.service));
  const on = features.filter((f) => f.enabled && f.on <= asOf);
  const perFeature = new Map<string, number>();
  for (const f of on)
    perFeature.set(`${f.category}:${f.feature}`, (perFeature.get(`${f.category}:${f.feature}`) ?? 0) + 1);
  const perUnit = (category: string) => {
    const counts = new Map<string, number>([...units].map((u) => [u, 0]));
    for (const f of on) if (f.category === category) counts.set(f.service, counts.get(f.service)! + 1);
    const histogram = new Map<number, number>();
    for (const n of counts.values()) histogram.set(n, (histogram.get(n) ?? 0) + 1);
    return histogram;
  };
  return { units: units.size, perFeature, core: perUnit('core'), additional: perUnit('additional') };
}

describe('Functionality with 300 services', () => {
  test('past 25 units: three aggregate figures whose rows are per feature and per count, matching features.csv', async () => {
    const f = await filters();
    const page = await functionalityPage(connection, f);
    const want = expected(f.asOf!);
    expect(page.aggregated).toBe(true);
    expect(page.units).toBe(want.units);
    expect(page.figures.map((x) => x.id)).toEqual(['feature-coverage', 'core-fidelity', 'additional-features']);
    const [coverage, core, additional] = page.figures;

    // One row per feature (5 core, then the additional ones), never per unit.
    expect(coverage.table.rows.length).toBe(new Set(features.map((x) => `${x.category}:${x.feature}`)).size);
    expect(coverage.table.rows.slice(0, 5).every((r) => r.category === 'core')).toBe(true);
    for (const r of coverage.table.rows) {
      expect(r.units).toBe(want.units);
      expect(r.units_offering).toBe(want.perFeature.get(`${r.category}:${r.feature}`) ?? 0);
      expect(r.offering_rate).toBeCloseTo(Number(r.units_offering) / want.units, 12);
    }
    // Core: 0 to 5 of 5, highest first, every count listed.
    expect(core.table.rows.map((r) => r.features_offered)).toEqual([
      '5 of 5',
      '4 of 5',
      '3 of 5',
      '2 of 5',
      '1 of 5',
      '0 of 5'
    ]);
    for (const r of core.table.rows) expect(r.units).toBe(want.core.get(Number(r.features)) ?? 0);
    expect(core.table.rows.reduce((n, r) => n + Number(r.units), 0)).toBe(want.units);
    expect(core.title).toBe(
      `${want.core.get(5)} of ${want.units} units (${Math.round((want.core.get(5)! / want.units) * 100)}%) offer all 5 core features`
    );
    for (const r of additional.table.rows) expect(r.units).toBe(want.additional.get(Number(r.features)) ?? 0);
    expect(additional.table.rows.reduce((n, r) => n + Number(r.units), 0)).toBe(want.units);

    for (const figure of page.figures) {
      expect(figure.svg).toBeTruthy();
      expect(figure.svg!.length).toBeLessThan(30_000);
      expect(figure.summary.length).toBeGreaterThan(40);
    }
  });

  test('the exact figures for this seed', async () => {
    const f = await filters();
    const [coverage, core, additional] = (await functionalityPage(connection, f)).figures;
    // Written down from the first run and checked against the independent counts above.
    expect(core.table.rows.map((r) => r.units)).toEqual(CORE_COUNTS);
    expect(additional.table.rows.map((r) => `${r.features_offered}: ${r.units}`)).toEqual(ADDITIONAL_COUNTS);
    expect(coverage.table.rows.map((r) => `${r.feature}: ${r.units_offering}`)).toEqual(COVERAGE);
    expect(coverage.title).toBe(COVERAGE_TITLE);
    expect(additional.title).toBe(ADDITIONAL_TITLE);
  });

  test('an earlier as-of date counts features switched on by then only', async () => {
    // The 12th of the 36 loaded snapshots: many features were switched on after it.
    const dates = (await filterOptions(connection)).asOfDates;
    const f = await filters(`asOf=${dates[24]}`);
    const page = await functionalityPage(connection, f);
    const want = expected(f.asOf!);
    for (const r of page.figures[0].table.rows)
      expect(r.units_offering).toBe(want.perFeature.get(`${r.category}:${r.feature}`) ?? 0);
    for (const r of page.figures[1].table.rows) expect(r.units).toBe(want.core.get(Number(r.features)) ?? 0);
    expect(page.figures[0].table.rows.map((r) => r.units_offering)).not.toEqual(
      COVERAGE.map((c) => Number(c.split(': ')[1]))
    );
  });

  test('one organisation (≤ 25 units): the per-unit matrix, as on the demo', async () => {
    const organisation = 'East of England: practice group 3';
    const f = await filters(`organisation=${encodeURIComponent(organisation)}`);
    const page = await functionalityPage(connection, f);
    expect([page.aggregated, page.narrowedToUnits, page.units]).toEqual([false, true, 6]);
    expect(page.figures.map((x) => x.id)).toEqual(['feature-matrix']);
    expect(page.figures[0].table.rows).toHaveLength(page.units);
  });

  test('the CSV downloads are the rows shown, and a funder CSV keeps unit counts exact', async () => {
    const f = await filters();
    const page = await functionalityPage(connection, f);
    for (const shown of page.figures) {
      const csv = await figureById(connection, shown.id, f, new URLSearchParams());
      expect(csv.table.rows).toEqual(shown.table.rows);
    }
    // Counts of units are exact for a funder (they are not patients); the shares are worked out from them.
    const funder = figureCsv(page.figures[1].table, 'funder').split('\r\n');
    expect(funder.slice(0, 7)).toEqual([
      'Core features offered,Units,Units with features loaded,Share of units',
      '5 of 5,206,254,81%',
      '4 of 5,30,254,12%',
      '3 of 5,0,254,0%',
      '2 of 5,0,254,0%',
      '1 of 5,0,254,0%',
      '0 of 5,18,254,7%'
    ]);
  });
});

// 300 generated services, 254 of them with features loaded (live, or being configured).
const CORE_COUNTS = [206, 30, 0, 0, 0, 18];
const ADDITIONAL_COUNTS = [
  '6 of 6: 1',
  '5 of 6: 4',
  '4 of 6: 36',
  '3 of 6: 56',
  '2 of 6: 83',
  '1 of 6: 39',
  '0 of 6: 35'
];
const COVERAGE = [
  'general library: 232',
  'imaging: 231',
  'calendar: 230',
  'discussions: 230',
  'laboratory: 227',
  'symptom diary: 96',
  'service-specific library: 95',
  'messaging: 92',
  'care plan: 91',
  'clinic letters: 89',
  'questionnaires: 80'
];
const COVERAGE_TITLE = 'Least offered core feature: laboratory, by 89% of 254 units';
const ADDITIONAL_TITLE = 'Half of the 254 units offer 2 or more additional features; 35 offer none';

test('the aggregate summaries say what the charts show', async () => {
  const [coverage, core, additional] = (await functionalityPage(connection, await filters())).figures;
  expect(coverage.summary).toBe(
    'Bar chart of the share of units offering each feature, 6 Feb 2017; 11 features across 254 units; core: most offered general library (91%), least laboratory (89%); additional: most offered symptom diary (38%), least questionnaires (31%).'
  );
  expect(core.summary).toBe(
    'Bar chart of units by the number of core features they offer, 6 Feb 2017; 254 units; most often 5 of 5 (206, 81%); 18 offer none (7%).'
  );
  expect(additional.summary).toBe(
    'Bar chart of units by the number of additional features they offer, 6 Feb 2017; 254 units; most often 2 of 6 (83, 33%); 1 offers 6 of 6 (under 1%); 35 offer none (14%).'
  );
});
