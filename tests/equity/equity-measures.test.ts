/**
 * The two measures beside registration, on a small fixture in the national practice export's shape
 * (tests/fixtures/equity/pomi, profile nhs-pomi-practice, with deprivation scores from public-health-indicators):
 * transactions per registered patient (per function and in total) and the share of units offering a function, by
 * quintile of the deprivation score, with SII and RII worked out by hand below.
 *
 * The fixture: ten practices G00001–G00010 at 31 July 2026, practice k scoring 50 − 4k (46 … 10), so quintile q holds
 * practices 2q − 1 and 2q. Odd practices are in organisation 01A, even in 02B. Every practice has 1,000 registered
 * patients (Total_Pat_Enbld) and a list size of 4,000 + 500k.
 *
 *   practice          1    2    3    4    5    6    7    8     9    10
 *   Total_Use       400  600  500  700  700  900  800  1000  1100  1300
 *   Pat_Appts_Use   203  300  250  350  350  450  400  500   550   650
 *   Sys_DetCodeRec    1    0    0    1    1    0    1    1     1     1
 *   Sys_Presc         1    1    1    1    1    1    1    1     1   blank
 *
 * Pat_Presc_Use is Total_Use − Pat_Appts_Use; Pat_DetCodeRec_Use is blank everywhere (not reported), so there is no
 * usage measure for the detailed coded record.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import { queryRows, type Warehouse } from '../../pipeline/warehouse/query.ts';
import { loadPaths } from '../../pipeline/load/load.ts';
import { FilterError, parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { equityPage } from '../../pipeline/dashboard/equity.ts';
import { figureById } from '../../pipeline/dashboard/figures.ts';
import { figureCsv } from '../../pipeline/dashboard/controlled.ts';
import { loadNotebook, renderNotebook } from '../../pipeline/notebooks/index.ts';
import {
  gapSql,
  offeringMeasure,
  quintileSql,
  usageMeasure,
  type EquityMeasure
} from '../../pipeline/metrics/equity.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/equity/pomi');
const NOW = new Date('2026-11-25T12:00:00Z');

let warehouse: Warehouse;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-equity-measures-'));
  warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  const rawDir = join(folder, 'raw');
  const pomi = await loadPaths(warehouse, [join(FIXTURES, 'pomi-2026-07.csv')], {
    profile: 'nhs-pomi-practice',
    now: NOW,
    rawDir
  });
  const scores = await loadPaths(warehouse, [join(FIXTURES, 'indicators-imd.csv')], {
    profile: 'public-health-indicators',
    now: NOW,
    rawDir
  });
  expect([pomi.outcome, scores.outcome]).toEqual(['loaded', 'loaded']);
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

/** The gap over every unit at full precision, straight from the SQL the page uses. */
async function gap(measure: EquityMeasure) {
  const quintiles = quintileSql({
    units: 'true',
    characteristic: 'true',
    asOf: 'true',
    byOrganisation: false,
    measure
  });
  const [row] = await queryRows<Record<string, number>>(
    warehouse.connection,
    `SELECT sii, sii_se, sii_lower, sii_upper, rii, log_rii_se, rii_lower, rii_upper
       FROM (${gapSql(quintiles, ['characteristic', 'as_of'], measure)})`
  );
  return row;
}

async function csv(query: string) {
  const params = new URLSearchParams(query);
  const filters = await resolveFilters(warehouse.connection, parseFilters(params));
  const figure = await figureById(warehouse.connection, 'equity-quintiles', filters, params);
  return Papa.parse<string[]>(figureCsv(figure.table, 'funder').trimEnd()).data;
}

describe('which measures the page offers', () => {
  test('registration, usage of each function with transactions, offering of each function with a flag', async () => {
    const p = await page();
    expect(p.measures.map((m) => m.id)).toEqual([
      'registration',
      'usage:all functions',
      'usage:appointments',
      'usage:repeat prescriptions',
      'offering:appointments',
      'offering:detailed coded record',
      'offering:repeat prescriptions'
    ]);
    expect(p.measure.id).toBe('registration');
  });

  test('an unknown measure is a filter error naming the ones there are', async () => {
    await expect(page('measure=usage:detailed coded record')).rejects.toThrow(
      new FilterError(
        'measure',
        'usage:detailed coded record',
        'No measure called "usage:detailed coded record" can be shown. Measures: registration; usage:all functions; ' +
          'usage:appointments; usage:repeat prescriptions; offering:appointments; offering:detailed coded record; ' +
          'offering:repeat prescriptions.'
      )
    );
    await expect(page('measure=a&measure=b')).rejects.toThrow(new FilterError('measure', 'a, b', 'Give measure once.'));
  });
});

/*
 * Hand calculation, transactions per registered patient, all functions (a Poisson rate).
 *
 *   quintile  transactions  registered (n)  rate y
 *   1         1,000         2,000           0.5
 *   2         1,200         2,000           0.6
 *   3         1,600         2,000           0.8
 *   4         1,800         2,000           0.9
 *   5         2,400         2,000           1.2
 *
 * Each quintile has a fifth of the registered patients: a = 0.2 each, ridits x = 0.1, 0.3, 0.5, 0.7, 0.9, x̄ = 0.5,
 * Σa(x − x̄)² = 0.2 × (0.16 + 0.04 + 0 + 0.04 + 0.16) = 0.08, so c = a(x − x̄)/0.08 = −1, −0.5, 0, 0.5, 1 and
 * d = a − x̄c = 0.7, 0.45, 0.2, −0.05, −0.3.
 * SII = Σcy = −0.5 − 0.3 + 0 + 0.45 + 1.2 = 0.85 transactions per registered patient (least minus most deprived).
 * b0 = Σdy = 0.35 + 0.27 + 0.16 − 0.045 − 0.36 = 0.375; RII = (0.375 + 0.85)/0.375 = 1.225/0.375 = 3.266667.
 * Poisson variance of each rate: transactions/n² = y/2,000 = 0.00025, 0.0003, 0.0004, 0.00045, 0.0006.
 * Var(SII) = Σc²·var = 0.00025 + 0.25 × 0.0003 + 0 + 0.25 × 0.00045 + 0.0006 = 0.0010375; se = 0.0322102;
 * 95% CI = 0.85 ± 1.959964 × 0.0322102 = 0.786869 to 0.913131.
 * RII: gradient g = (c + d)/1.225 − d/0.375 = −2.111565, −1.240816, −0.370068, 0.500680, 1.371429;
 * Var(log RII) = Σg²·var = 0.00111467 + 0.00046189 + 0.00005478 + 0.00011281 + 0.00112849 = 0.00287264;
 * se = 0.0535970; 95% CI = 3.266667 × exp(∓1.959964 × 0.0535970) = 2.940918 to 3.628496.
 * Each quintile's own interval: y ± 1.959964 × √transactions / n, e.g. quintile 1: 0.5 ± 1.959964 × 31.6228/2,000
 * = 0.469010 to 0.530990, shown to two decimals.
 */
describe('transactions per registered patient, all functions', () => {
  test('quintile transactions, registered patients and rates exact; the text says which measure and denominator', async () => {
    const p = await page('measure=usage:all functions');
    expect(p.measure).toEqual({
      id: 'usage:all functions',
      label: 'Transactions per registered patient (all functions)',
      numerator: 'Transactions',
      denominator: 'Registered patients',
      subject: 'use of all functions per registered patient',
      counts: 'patients',
      format: 'per patient'
    });
    const rows = p.quintiles.table.rows;
    expect(rows.map((r) => [r.label, r.units_reporting, r.transactions, r.registered, r.rate])).toEqual([
      ['1 (most deprived)', 2, 1000, 2000, 0.5],
      ['2', 2, 1200, 2000, 0.6],
      ['3', 2, 1600, 2000, 0.8],
      ['4', 2, 1800, 2000, 0.9],
      ['5 (least deprived)', 2, 2400, 2000, 1.2]
    ]);
    expect(rows.map((r) => [r.rate_lower, r.rate_upper])).toEqual([
      ['0.47', '0.53'],
      ['0.57', '0.63'],
      ['0.76', '0.84'],
      ['0.86', '0.94'],
      ['1.15', '1.25']
    ]);
    expect(p.quintiles.title).toBe(
      '1.20 transactions per registered patient (all functions) in the least deprived fifth of units, 0.50 in the most deprived'
    );
    expect(p.quintiles.subtitle).toContain(
      'Transactions per registered patient (all functions) (transactions over registered patients) by quintile of Deprivation score (IMD 2019)'
    );
    expect(p.quintiles.table.columns.map((c) => c.label)).toEqual([
      'Quintile',
      'Values',
      'Units',
      'Units reporting',
      'Transactions',
      'Registered patients',
      'Transactions per registered patient (all functions)',
      'Lower 95% limit',
      'Upper 95% limit'
    ]);
    // A rate above 1 is drawn: the axis is not capped at 100%.
    expect(p.quintiles.summary).toContain('quintile 5 (least deprived): 1.20 (1.15 to 1.25)');
    expect(p.quintiles.svg).toContain('1.20');
  });

  test('SII 0.85 (95% CI 0.786869 to 0.913131) and RII 3.266667 (2.940918 to 3.628496), as worked by hand', async () => {
    const g = await gap(usageMeasure('all functions'));
    expect(g.sii).toBeCloseTo(0.85, 9);
    expect(g.sii_se).toBeCloseTo(Math.sqrt(0.0010375), 9);
    expect(g.sii_lower).toBeCloseTo(0.786869, 6);
    expect(g.sii_upper).toBeCloseTo(0.913131, 6);
    expect(g.rii).toBeCloseTo(1.225 / 0.375, 9);
    expect(g.log_rii_se).toBeCloseTo(0.053597, 6);
    expect(g.rii_lower).toBeCloseTo(2.940918, 6);
    expect(g.rii_upper).toBeCloseTo(3.628496, 6);
    const p = await page('measure=usage:all functions');
    expect(p.gap.table.rows).toEqual([
      {
        as_of: '2026-07-31',
        sii: 0.85,
        sii_lower: 0.79,
        sii_upper: 0.91,
        rii: '3.27',
        rii_lower: '2.94',
        rii_upper: '3.63'
      }
    ]);
    expect(p.gap.table.columns[1].label).toBe('Slope index (per patient)');
    expect(p.trend).toBe(
      'At 31 July 2026, use of all functions per registered patient was 0.85 transactions per registered patient higher at the least deprived end than at the most deprived end (slope index of inequality, 95% CI 0.79 to 0.91); the least deprived end used it at 3.27 times the rate of the most deprived end (relative index, 95% CI 2.94 to 3.63). There is only one snapshot, so no trend yet.'
    );
  });

  test('within each organisation: its five units are its quintiles (01A: practices 1, 3, 5, 7, 9)', async () => {
    const p = await page('measure=usage:all functions');
    expect(
      p.organisations.table.rows.map((r) => [
        r.organisation,
        r.q1_transactions,
        r.q1_registered,
        r.q1_rate,
        r.q5_transactions,
        r.q5_rate,
        r.sii
      ])
    ).toEqual([
      // 01A rates 0.4, 0.5, 0.7, 0.8, 1.1: SII = Σcy = −0.4 − 0.25 + 0 + 0.4 + 1.1 = 0.85; 02B 0.6, 0.7, 0.9, 1.0,
      // 1.3: −0.6 − 0.35 + 0 + 0.5 + 1.3 = 0.85.
      ['01A', 400, 1000, 0.4, 1100, 1.1, 0.85],
      ['02B', 600, 1000, 0.6, 1300, 1.3, 0.85]
    ]);
    expect(p.organisations.title).toBe(
      'The widest gap within an organisation is at 01A: 0.85 transactions per registered patient'
    );
  });

  test('the view equity_usage_quintile holds the same quintiles, per function', async () => {
    const got = await queryRows<Record<string, unknown>>(
      warehouse.connection,
      `SELECT function, quintile, units_reporting, transactions::INTEGER AS transactions, registered::INTEGER AS registered,
              transactions_per_registered
         FROM equity_usage_quintile WHERE function IN ('all functions', 'detailed coded record') ORDER BY function, quintile`
    );
    expect(got.map((r) => Object.values(r))).toEqual([
      ['all functions', 1, 2, 1000, 2000, 0.5],
      ['all functions', 2, 2, 1200, 2000, 0.6],
      ['all functions', 3, 2, 1600, 2000, 0.8],
      ['all functions', 4, 2, 1800, 2000, 0.9],
      ['all functions', 5, 2, 2400, 2000, 1.2]
    ]);
  });

  test('one function: appointments, 503 transactions in quintile 1 (practice 1: 203)', async () => {
    const p = await page('measure=usage:appointments');
    expect(p.quintiles.table.rows.map((r) => [r.transactions, r.registered, r.rate])).toEqual([
      [503, 2000, 0.2515],
      [600, 2000, 0.3],
      [800, 2000, 0.4],
      [900, 2000, 0.45],
      [1200, 2000, 0.6]
    ]);
  });

  test('a funder: transactions controlled like patient counts (503 → 505), the rate from the parts, intervals withheld', async () => {
    const lines = await csv('measure=usage:appointments');
    expect(lines[0].slice(4)).toEqual([
      'Transactions',
      'Registered patients',
      'Transactions per registered patient (appointments)',
      'Lower 95% limit',
      'Upper 95% limit'
    ]);
    // 505 / 2,000 = 0.2525, to two decimals.
    expect(lines[1]).toEqual(['1 (most deprived)', '42.0 to 46.0', '2', '2', '505', '2000', '0.25', '*', '*']);
    expect(lines[5]).toEqual(['5 (least deprived)', '10.0 to 14.0', '2', '2', '1200', '2000', '0.60', '*', '*']);
  });
});

/*
 * Hand calculation, units offering the detailed coded record (a share of units; every unit weighs the same).
 *
 *   quintile  units offering (x)  units reporting the flag (n)  share y
 *   1         1 (practice 1)      2                             0.5
 *   2         1 (practice 4)      2                             0.5
 *   3         1 (practice 5)      2                             0.5
 *   4         2                   2                             1
 *   5         2                   2                             1
 *
 * The weights are each quintile's share of the units reporting (2 of 10 each): a = 0.2, so the ridits, c and d are as
 * above. SII = Σcy = −0.5 − 0.25 + 0 + 0.5 + 1 = 0.75 (75 percentage points); b0 = Σdy = 0.35 + 0.225 + 0.1 − 0.05
 * − 0.3 = 0.325; RII = 1.075/0.325 = 3.307692.
 * Variance, Agresti–Coull: ñ = n + z² = 2 + 3.841459 = 5.841459, p̃ = (x + z²/2)/ñ: 0.5 for x = 1 (variance
 * 0.25/5.841459 = 0.0427975), (2 + 1.920729)/5.841459 = 0.671190 for x = 2 (variance 0.671190 × 0.328810/5.841459
 * = 0.0377806). Var(SII) = 1.25 × (0.0427975 + 0.0377806) = 0.1007227; se = 0.317368;
 * 95% CI = 0.75 ± 1.959964 × 0.317368 = 0.127969 to 1.372031.
 * RII: g = (c + d)/1.075 − d/0.325 = −2.432916, −1.431127, −0.429338, 0.572451, 1.574240;
 * Var(log RII) = 0.0427975 × (5.919080 + 2.048126 + 0.184331) + 0.0377806 × (0.327700 + 2.478231) = 0.454875;
 * se = 0.674444; 95% CI = 3.307692 × exp(∓1.959964 × 0.674444) = 0.881936 to 12.405472.
 * Quintile 1's own interval: 0.5 ± 1.959964 × √0.0427975 = 0.094531 to 0.905469; quintile 4's: 0.671190 ± 1.959964
 * × √0.0377806 = 0.290227 to 1.052153, shown up to 1 (100%).
 */
describe('the share of units offering a function', () => {
  test('quintile counts of units and shares exact; the interval kept within 0 to 100%', async () => {
    const p = await page('measure=offering:detailed coded record');
    expect(p.measure).toMatchObject({
      numerator: 'Units offering',
      denominator: 'Units reporting the flag',
      counts: 'services',
      format: 'percent'
    });
    const rows = p.quintiles.table.rows;
    expect(rows.map((r) => [r.units, r.units_offering, r.units_flagged, r.rate])).toEqual([
      [2, 1, 2, 0.5],
      [2, 1, 2, 0.5],
      [2, 1, 2, 0.5],
      [2, 2, 2, 1],
      [2, 2, 2, 1]
    ]);
    expect(Number(rows[0].rate_lower)).toBeCloseTo(0.094531, 6);
    expect(Number(rows[0].rate_upper)).toBeCloseTo(0.905469, 6);
    expect(Number(rows[3].rate_lower)).toBeCloseTo(0.290227, 6);
    expect(rows[3].rate_upper).toBe(1);
    expect(p.quintiles.title).toBe(
      '100.0% of units offering detailed coded record in the least deprived fifth of units, 50.0% in the most deprived'
    );
  });

  test('SII 0.75 (95% CI 0.127969 to 1.372031) and RII 3.307692 (0.881936 to 12.405472), as worked by hand', async () => {
    const g = await gap(offeringMeasure('detailed coded record'));
    expect(g.sii).toBeCloseTo(0.75, 9);
    expect(g.sii_se).toBeCloseTo(0.317368, 6);
    expect(g.sii_lower).toBeCloseTo(0.127969, 6);
    expect(g.sii_upper).toBeCloseTo(1.372031, 6);
    expect(g.rii).toBeCloseTo(1.075 / 0.325, 9);
    expect(g.log_rii_se).toBeCloseTo(0.674444, 6);
    expect(g.rii_lower).toBeCloseTo(0.881936, 6);
    expect(g.rii_upper).toBeCloseTo(12.405472, 5);
    const p = await page('measure=offering:detailed coded record');
    expect(p.trend).toBe(
      'At 31 July 2026, the share of units offering detailed coded record was 75.0 percentage points higher at the least deprived end than at the most deprived end (slope index of inequality, 95% CI 12.8 to 137.2); the least deprived end offered it at 3.31 times the rate of the most deprived end (relative index, 95% CI 0.88 to 12.41). There is only one snapshot, so no trend yet.'
    );
  });

  test('a unit with a blank flag is out of the share and counted as not reporting; its organisation has a quintile short', async () => {
    const p = await page('measure=offering:repeat prescriptions');
    expect(p.quintiles.table.rows.map((r) => [r.units, r.units_reporting, r.units_offering, r.units_flagged])).toEqual([
      [2, 2, 2, 2],
      [2, 2, 2, 2],
      [2, 2, 2, 2],
      [2, 2, 2, 2],
      [2, 1, 1, 1]
    ]);
    expect(p.notReporting).toBe(1);
    // 02B's fifth quintile is practice 10 alone, which did not report the flag: no gap there.
    expect(p.organisations.table.rows.map((r) => [r.organisation, r.q5_units_flagged, r.sii])).toEqual([
      ['01A', 1, 0],
      ['02B', null, null]
    ]);
  });

  test('a funder: counts of units are exact (1 is not suppressed), the share from them, intervals withheld', async () => {
    const lines = await csv('measure=offering:detailed coded record');
    expect(lines[0].slice(4)).toEqual([
      'Units offering',
      'Units reporting the flag',
      'Share of units offering detailed coded record',
      'Lower 95% limit',
      'Upper 95% limit'
    ]);
    // The disclosure rules give a share of so small a denominator to whole percents.
    expect(lines[1]).toEqual(['1 (most deprived)', '42.0 to 46.0', '2', '2', '1', '2', '50%', '*', '*']);
  });
});

describe("the funder report's section on who the programme reaches", () => {
  test('the share of units offering each function by quintile, units exact', async () => {
    const report = await renderNotebook(warehouse.connection, loadNotebook('funder-impact'), { audience: 'funder' });
    const { document } = parseHTML(`<!doctype html><html><body>${report.fragment}</body></html>`);
    const table = [...document.querySelectorAll('table')].find((t) =>
      t.querySelector('caption')?.textContent?.startsWith('Units offering each online function by quintile')
    );
    expect(table).toBeDefined();
    const cells = [...table!.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('th, td')].map((c) => {
        const hidden = c.querySelector('[aria-hidden="true"]');
        return (hidden ? hidden.textContent : c.textContent)!.trim();
      })
    );
    expect(cells).toEqual([
      ['appointments', 'Quintile 1 (highest values)', '2', '2', '100%'],
      ['appointments', 'Quintile 2', '2', '2', '100%'],
      ['appointments', 'Quintile 3', '2', '2', '100%'],
      ['appointments', 'Quintile 4', '2', '2', '100%'],
      ['appointments', 'Quintile 5 (lowest values)', '2', '2', '100%'],
      ['detailed coded record', 'Quintile 1 (highest values)', '2', '1', '50%'],
      ['detailed coded record', 'Quintile 2', '2', '1', '50%'],
      ['detailed coded record', 'Quintile 3', '2', '1', '50%'],
      ['detailed coded record', 'Quintile 4', '2', '2', '100%'],
      ['detailed coded record', 'Quintile 5 (lowest values)', '2', '2', '100%'],
      ['repeat prescriptions', 'Quintile 1 (highest values)', '2', '2', '100%'],
      ['repeat prescriptions', 'Quintile 2', '2', '2', '100%'],
      ['repeat prescriptions', 'Quintile 3', '2', '2', '100%'],
      ['repeat prescriptions', 'Quintile 4', '2', '2', '100%'],
      // Practice 10 left its flag blank: one unit reporting.
      ['repeat prescriptions', 'Quintile 5 (lowest values)', '1', '1', '100%']
    ]);
  });
});
