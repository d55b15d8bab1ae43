/**
 * Equity of reach on a fixture worked by hand (tests/fixtures/equity/README.md): 25 practices with a deprivation score,
 * five per quintile, and two without one, at two snapshots. The expected quintile rates, SII and RII with their 95%
 * intervals are worked out below step by step, without the code under test.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { queryRows, type Warehouse } from '../../pipeline/warehouse/query.ts';
import { verdictSql } from '../../pipeline/metrics/equity.ts';
import { loadPaths } from '../../pipeline/load/load.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll } from 'vitest';

const FIXTURES = join(import.meta.dirname, '../fixtures/equity');
const NOW = new Date('2026-11-25T12:00:00Z');

let warehouse: Warehouse;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-equity-'));
  warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  const rawDir = join(folder, 'raw');
  const practices = await loadPaths(warehouse, [join(FIXTURES, 'practices')], {
    now: NOW,
    rawDir
  });
  const indicators = await loadPaths(warehouse, [join(FIXTURES, 'indicators-imd.csv')], {
    profile: 'public-health-indicators',
    now: NOW,
    rawDir
  });
  expect([practices.outcome, indicators.outcome]).toEqual(['loaded', 'loaded']);
});
afterAll(() => {
  warehouse.close();
  rmSync(folder, { recursive: true, force: true });
});

const rows = <T = Record<string, unknown>>(sql: string) => queryRows<T>(warehouse.connection, sql);

/*
 * Hand calculation, snapshot 31 July 2026. Quintile 1 = the five highest scores (58 … 50), quintile 5 the lowest.
 *
 *   quintile   list size (n)   registered   rate y = registered / n
 *   1          10,000          1,000        0.10
 *   2          15,000          2,250        0.15
 *   3          25,000          5,000        0.20
 *   4          25,000          6,250        0.25
 *   5          25,000          7,500        0.30          total 100,000
 *
 * Population shares a = 0.10, 0.15, 0.25, 0.25, 0.25; cumulative 0.10, 0.25, 0.50, 0.75, 1.00.
 * Ridit x (midpoint of each cumulative share) = 0.05, 0.175, 0.375, 0.625, 0.875.
 * Weighted means: x̄ = Σa·x = 0.005 + 0.02625 + 0.09375 + 0.15625 + 0.21875 = 0.5
 *                 ȳ = Σa·y = 0.01 + 0.0225 + 0.05 + 0.0625 + 0.075 = 0.22
 * Sxx = Σa(x − x̄)² = 0.1·0.2025 + 0.15·0.105625 + 0.25·0.015625 + 0.25·0.015625 + 0.25·0.140625 = 0.0790625
 * Sxy = Σa(x − x̄)(y − ȳ) = 0.1·(−0.45)(−0.12) + 0.15·(−0.325)(−0.07) + 0.25·(−0.125)(−0.02) + 0.25·0.125·0.03
 *       + 0.25·0.375·0.08 = 0.0054 + 0.0034125 + 0.000625 + 0.0009375 + 0.0075 = 0.017875
 * SII = Sxy / Sxx = 0.017875 / 0.0790625 = 26/115 = 0.226087 (22.6 percentage points, least minus most deprived)
 * Intercept (fitted rate at x = 0) b0 = ȳ − SII·x̄ = 0.22 − 13/115 = 12.3/115 = 0.106957
 * RII = (b0 + SII) / b0 = 38.3 / 12.3 = 3.113821
 *
 * Variance of each rate (binomial): y(1 − y)/n = 9e-6, 8.5e-6, 6.4e-6, 7.5e-6, 8.4e-6.
 * SII = Σc·y with c = a(x − x̄)/Sxx = −0.569170, −0.616601, −0.395257, 0.395257, 1.185771, so
 * Var(SII) = Σc²·var = 0.3240·9e-6 + 0.3802·8.5e-6 + 0.1562·6.4e-6 + 0.1562·7.5e-6 + 1.4061·8.4e-6 = 2.01297e-5
 * se = 0.0044866; 95% CI = 0.226087 ± 1.959964 × 0.0044866 = 0.217293 to 0.234881.
 * RII: log RII = log(Σ(c + d)·y) − log(Σd·y) with d = a − x̄·c = 0.384585, 0.458300, 0.447628, 0.052372, −0.342885;
 * gradient g = (c + d)/(b0 + SII) − d/b0; Var(log RII) = Σg²·var → se 0.0270806;
 * 95% CI = 3.113821 × exp(∓1.959964 × 0.0270806) = 2.952859 to 3.283558.
 *
 * Snapshot 31 January 2026: every practice had registered exactly half as many, so every rate halves:
 * SII = 13/115 = 0.113043 (se 0.0034226, CI 0.106335 to 0.119752); RII is unchanged, 3.113821 (a ratio of halves),
 * with a wider interval (se of log RII 0.0407944: CI 2.874547 to 3.373012) because the counts are smaller.
 */
describe('equity_quintile: registration against list size by quintile of the deprivation score', () => {
  test('exact quintile counts and rates at both snapshots; units without a score are in no quintile', async () => {
    const got = await rows(
      `SELECT as_of::VARCHAR AS as_of, quintile, units, lowest, highest, units_reporting, registered::INTEGER AS registered,
              eligible::INTEGER AS eligible, registration_rate
         FROM equity_quintile WHERE characteristic = 'Deprivation score (IMD 2019)' ORDER BY as_of, quintile`
    );
    const band = [
      [58, 50],
      [48, 40],
      [38, 30],
      [28, 20],
      [18, 10]
    ];
    const eligible = [10000, 15000, 25000, 25000, 25000];
    const july = [1000, 2250, 5000, 6250, 7500];
    const expected = (as_of: string, half: boolean) =>
      band.map(([highest, lowest], i) => ({
        as_of,
        quintile: i + 1,
        units: 5,
        lowest,
        highest,
        units_reporting: 5,
        registered: half ? july[i] / 2 : july[i],
        eligible: eligible[i],
        registration_rate: [0.1, 0.15, 0.2, 0.25, 0.3][i] / (half ? 2 : 1)
      }));
    expect(got).toEqual([...expected('2026-01-31', true), ...expected('2026-07-31', false)]);
  });

  test('SII and RII with 95% intervals match the hand calculation', async () => {
    const got = await rows<Record<string, number | string>>(
      `SELECT as_of::VARCHAR AS as_of, quintiles, sii, sii_se, sii_lower, sii_upper, rii, log_rii_se, rii_lower, rii_upper
         FROM equity_gap WHERE characteristic = 'Deprivation score (IMD 2019)' ORDER BY as_of`
    );
    const hand = [
      {
        as_of: '2026-01-31',
        sii: 13 / 115,
        sii_se: 0.0034226,
        sii_lower: 0.106335,
        sii_upper: 0.119752,
        rii: 38.3 / 12.3,
        log_rii_se: 0.0407944,
        rii_lower: 2.874547,
        rii_upper: 3.373012
      },
      {
        as_of: '2026-07-31',
        sii: 26 / 115,
        sii_se: 0.0044866,
        sii_lower: 0.217293,
        sii_upper: 0.234881,
        rii: 38.3 / 12.3,
        log_rii_se: 0.0270806,
        rii_lower: 2.952859,
        rii_upper: 3.283558
      }
    ];
    expect(got.map((r) => [r.as_of, r.quintiles])).toEqual([
      ['2026-01-31', 5],
      ['2026-07-31', 5]
    ]);
    for (const [i, h] of hand.entries()) {
      for (const key of Object.keys(h).filter((k) => k !== 'as_of') as (keyof typeof h)[]) {
        expect(got[i][key], `${h.as_of} ${key}`).toBeCloseTo(h[key] as number, 6);
      }
    }
  });

  test('the two units without a value are in the characteristic table with no value, and in no quintile', async () => {
    expect(
      await rows(`SELECT service_id, value FROM characteristic_current WHERE value IS NULL ORDER BY service_id`)
    ).toEqual([
      { service_id: 'P00026', value: null },
      { service_id: 'P00027', value: null }
    ]);
    expect(
      await rows(`SELECT sum(units)::INTEGER AS units FROM equity_quintile WHERE as_of = DATE '2026-07-31'`)
    ).toEqual([{ units: 25 }]);
  });
});

describe('verdictSql: widening or narrowing, against the first snapshot with a gap', () => {
  test('each case, with the change compared with 1.96 standard errors of the difference', async () => {
    // (group, day, sii, se): a 0.10 → 0.12 with se 0.02 each: change 0.02 < 1.96 × √(0.0008) = 0.0554 → no clear change.
    // b 0.20 → 0.10, se 0.01: change 0.10 > 0.0277 → narrowing. c 0.10 → −0.10: the sign changed → reversing.
    // d: no gap at day 1, 0.10 at day 2 (the first with one), 0.20 at day 3 → widening.
    const gaps = `SELECT g, DATE '2026-01-01' + d AS as_of, sii, se AS sii_se, NULL::DOUBLE AS rii, NULL::DOUBLE AS log_rii_se
      FROM (VALUES ('a', 1, 0.10, 0.02), ('a', 2, 0.12, 0.02), ('b', 1, 0.20, 0.01), ('b', 2, 0.10, 0.01),
                   ('c', 1, 0.10, 0.01), ('c', 2, -0.10, 0.01),
                   ('d', 1, NULL, NULL), ('d', 2, 0.10, 0.01), ('d', 3, 0.20, 0.01)) t(g, d, sii, se)`;
    expect(
      await rows(
        `SELECT g, as_of::VARCHAR AS as_of, first_as_of::VARCHAR AS first_as_of, verdict FROM (${verdictSql(gaps, ['g'])}) ORDER BY g, as_of`
      )
    ).toEqual([
      { g: 'a', as_of: '2026-01-02', first_as_of: '2026-01-02', verdict: 'one snapshot' },
      { g: 'a', as_of: '2026-01-03', first_as_of: '2026-01-02', verdict: 'no clear change' },
      { g: 'b', as_of: '2026-01-02', first_as_of: '2026-01-02', verdict: 'one snapshot' },
      { g: 'b', as_of: '2026-01-03', first_as_of: '2026-01-02', verdict: 'narrowing' },
      { g: 'c', as_of: '2026-01-02', first_as_of: '2026-01-02', verdict: 'one snapshot' },
      { g: 'c', as_of: '2026-01-03', first_as_of: '2026-01-02', verdict: 'reversing' },
      { g: 'd', as_of: '2026-01-02', first_as_of: '2026-01-03', verdict: 'not measurable' },
      { g: 'd', as_of: '2026-01-03', first_as_of: '2026-01-03', verdict: 'one snapshot' },
      { g: 'd', as_of: '2026-01-04', first_as_of: '2026-01-03', verdict: 'widening' }
    ]);
  });

  test('the fixture: widening in absolute terms, no clear change in relative terms (the RII is 3.11 at both)', async () => {
    expect(
      await rows(`SELECT as_of::VARCHAR AS as_of, verdict, relative_verdict FROM equity_gap ORDER BY as_of`)
    ).toEqual([
      { as_of: '2026-01-31', verdict: 'one snapshot', relative_verdict: null },
      { as_of: '2026-07-31', verdict: 'widening', relative_verdict: 'no clear change' }
    ]);
  });
});
