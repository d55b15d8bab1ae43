/**
 * The Usage page and the Functionality page's "% of units offering each function" on the NHS POMI fixture
 * (tests/fixtures/load/nhs-pomi/, figures worked out in tests/load/nhs-pomi.test.ts): one row per function and date,
 * however many practices; not-reported figures say so; funders get the disclosure-controlled CSV.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { functionOffering } from '../../pipeline/dashboard/functionality.ts';
import { usageByLevel, usageTrend, parseUsageLevel, UsageLevelError } from '../../pipeline/dashboard/usage.ts';
import { figureCsv } from '../../pipeline/dashboard/controlled.ts';
import { uptakeFunnel } from '../../pipeline/dashboard/uptake.ts';
import { figureById, FIGURE_IDS } from '../../pipeline/dashboard/figures.ts';
import { formatCell, formatHeadlineValue } from '../../pipeline/dashboard/format.ts';
import { overview } from '../../pipeline/dashboard/overview.ts';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/load/nhs-pomi');
let folder: string;
let warehouse: Warehouse;
let connection: DuckDBConnection;
const filters = (query = '') => resolveFilters(connection, parseFilters(new URLSearchParams(query)));

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'uptake-usage-'));
  warehouse = await openWarehouse(join(folder, 'uptake.duckdb'));
  connection = warehouse.connection;
  const report = await loadPaths(warehouse, [FIXTURE], {
    profile: 'nhs-pomi-practice',
    rawDir: join(folder, 'raw'),
    now: new Date('2026-11-25T12:00:00Z')
  });
  expect(report.outcome).toBe('loaded');
});
afterAll(() => {
  warehouse?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('functionality over time', () => {
  test('% of practices offering each function at each date: one row per function and date', async () => {
    const figure = await functionOffering(connection, await filters());
    expect(
      figure.table.rows.map((r) => [
        r.function,
        r.as_of,
        r.units_offering,
        r.units_reporting,
        r.offering_rate,
        r.units_not_reported
      ])
    ).toEqual([
      ['appointments', '2018-04-30', 3, 3, 1, 0],
      ['appointments', '2018-05-31', 3, 3, 1, 0],
      ['detailed coded record', '2018-04-30', 1, 2, 0.5, 1],
      ['detailed coded record', '2018-05-31', 2, 3, 2 / 3, 0],
      ['repeat prescriptions', '2018-04-30', 2, 3, 2 / 3, 0],
      ['repeat prescriptions', '2018-05-31', 3, 3, 1, 0]
    ]);
    expect(figure.title).toBe('Least offered: detailed coded record, by 67% of the units reporting on 31 May 2018');
    expect(figure.summary).toBe(
      'Line chart of units offering the function by function, 30 Apr 2018 to 31 May 2018; appointments from 100% to 100%; detailed coded record from 50% to 67%; repeat prescriptions from 67% to 100%.'
    );
    expect(figure.svg).toContain('<svg');
  });

  test('filtered to one commissioner', async () => {
    const figure = await functionOffering(connection, await filters('organisation=10X'));
    expect(figure.table.rows.map((r) => [r.function, r.as_of, r.units_offering, r.units_reporting])).toEqual([
      ['appointments', '2018-04-30', 1, 1],
      ['appointments', '2018-05-31', 1, 1],
      ['detailed coded record', '2018-04-30', 0, 0],
      ['detailed coded record', '2018-05-31', 0, 1],
      ['repeat prescriptions', '2018-04-30', 0, 1],
      ['repeat prescriptions', '2018-05-31', 1, 1]
    ]);
    const notReported = figure.table.rows[2];
    const rate = figure.table.columns.find((c) => c.key === 'offering_rate')!;
    expect(notReported.offering_rate).toBeNull();
    expect(formatCell(notReported.offering_rate, rate)).toBe('not reported');
    expect(figure.summary).toContain('not reported: detailed coded record on 30 Apr 2018');
  });
});

describe('usage', () => {
  test('transactions per registered patient by function and month, over practices reporting both', async () => {
    const figure = await usageTrend(connection, await filters());
    expect(
      figure.table.rows.map((r) => [r.function, r.as_of, r.transactions, r.registered, r.units_reporting, r.units])
    ).toEqual([
      ['all functions', '2018-04-30', 2350, 3700, 2, 3],
      ['all functions', '2018-05-31', 3080, 4900, 3, 3],
      ['appointments', '2018-04-30', 900, 3700, 2, 3],
      ['appointments', '2018-05-31', 1220, 4900, 3, 3],
      ['detailed coded record', '2018-04-30', 100, 3700, 2, 3],
      ['detailed coded record', '2018-05-31', 130, 4900, 3, 3],
      ['repeat prescriptions', '2018-04-30', 1350, 3700, 2, 3],
      ['repeat prescriptions', '2018-05-31', 1730, 4900, 3, 3]
    ]);
    expect(figure.table.rows[3].transactions_per_registered).toBeCloseTo(1220 / 4900, 12);
    expect(figure.title).toBe('All functions: 0.63 transactions per registered patient in the month to 31 May 2018');
    expect(figure.summary).toBe(
      'Line chart of transactions per registered patient by function, 30 Apr 2018 to 31 May 2018; all functions from 0.64 to 0.63; appointments from 0.24 to 0.25; detailed coded record from 0.03 to 0.03; repeat prescriptions from 0.36 to 0.35.'
    );
  });

  test('by region, sub-region or organisation: never per practice', async () => {
    const byRegion = await usageByLevel(connection, await filters(), 'region');
    expect(
      byRegion.table.rows
        .filter((r) => r.function === 'all functions')
        .map((r) => [r.level_name, r.transactions, r.registered])
    ).toEqual([
      ['LONDON COMMISSIONING REGION', 1720 + 810, 2600 + 1300],
      ['SOUTH EAST COMMISSIONING REGION', 550, 1000]
    ]);
    expect(byRegion.table.rows).toHaveLength(8); // 2 regions × 4 functions
    expect(byRegion.summary).toBe(
      'Table of transactions per registered patient for each region and function in the month to 31 May 2018; for all functions, highest LONDON COMMISSIONING REGION (0.65), lowest SOUTH EAST COMMISSIONING REGION (0.55).'
    );
    const byOrganisation = await usageByLevel(connection, await filters('asOf=2018-04-30'), 'organisation');
    // April: Southampton's only practice did not report registered patients, so its figure is not reported.
    const southampton = byOrganisation.table.rows.filter((r) => r.level_name === 'NHS SOUTHAMPTON CCG');
    expect(southampton.map((r) => [r.function, r.transactions, r.registered, r.units_reporting])).toEqual([
      ['all functions', null, null, 0],
      ['appointments', null, null, 0],
      ['detailed coded record', null, null, 0],
      ['repeat prescriptions', null, null, 0]
    ]);
    const rate = byOrganisation.table.columns.find((c) => c.key === 'transactions_per_registered')!;
    expect(formatCell(southampton[0].transactions_per_registered, rate)).toBe('not reported');
    expect(() => parseUsageLevel(new URLSearchParams('level=practice'))).toThrow(UsageLevelError);
  });

  test('the funder CSV is disclosure-controlled and gives the ratio, not a percentage', async () => {
    const figure = await usageTrend(connection, await filters());
    const committee = figureCsv(figure.table, 'committee').split('\r\n');
    const funder = figureCsv(figure.table, 'funder').trimEnd().split('\r\n');
    expect(committee[4]).toBe('appointments,2018-05-31,1220,4900,0.25,3,3,yes');
    // NHS Digital rounding to the nearest 5 for funders: 1220 / 4900 either way.
    expect(funder[4]).toBe('appointments,2018-05-31,1220,4900,0.25,3,3,yes');
    expect(funder[5]).toBe('detailed coded record,2018-04-30,100,3700,0.03,2,3,yes');
    expect(funder.at(-1)).toMatch(/nhs-digital/i);
    // A small count (3 transactions) is suppressed for funders, and the ratio worked out from it is withheld too.
    const small = { ...figure.table, rows: [{ ...figure.table.rows[0], transactions: 3 }] };
    expect(figureCsv(small, 'committee').split('\r\n')[1]).toBe('all functions,2018-04-30,3,3700,0.00,2,3,yes');
    expect(figureCsv(small, 'funder').split('\r\n')[1]).toBe('all functions,2018-04-30,*,3700,*,2,3,yes');
  });
});

test('the consent funnel on a source without approached or consented says what it lacks', async () => {
  const figure = await uptakeFunnel(connection, await filters('asOf=2018-04-30'));
  expect(figure.title).toBe('Patients approached are not reported by this source');
  expect(figure.summary).toMatch(
    / Not reported by the loaded exports: patients approached, patients consented, patients sharing with a carer, patients sharing with a professional; those stages of the funnel cannot be shown\.$/
  );
  const consented = figure.table.columns.find((c) => c.key === 'consented')!;
  expect(figure.table.rows.map((r) => formatCell(r.consented, consented))).toEqual([
    'not reported',
    'not reported',
    'not reported'
  ]);
});

test('the overview cards say "Not reported" for what the source lacks, never "0 of 0 approached" or "None"', async () => {
  // No approach or go-live dates, no programme launch date, no consented or sharing counts; registered at 31 May 2018
  // is 2,600 + 1,300 + 1,000 = 4,900.
  const { figures } = await overview(connection, await filters());
  expect(figures.map((f) => [f.label, formatHeadlineValue(f), f.detail])).toEqual([
    ['Services live', 'Not reported', 'the loaded exports give no approach or go-live dates'],
    ['Patients consented', 'Not reported', ''],
    ['Patients registered', '4,900', ''],
    ['Registration rate', 'Not reported', 'of patients consented'],
    ['Sharing rate', 'Not reported', 'shares with a carer or a professional, per patient registered'],
    ['Median months from launch to live', 'Not reported', 'the loaded exports give no go-live dates']
  ]);
  const { adoption } = await overview(connection, await filters());
  expect(adoption!.title).toBe('Not reported: the loaded exports give no approach or go-live dates');
  const setup = await figureById(connection, 'setup-durations', await filters(), new URLSearchParams());
  expect(setup.title).toBe('Not reported: the loaded exports give no approach or go-live dates');
});

test('every figure works on a source with no programme file, approach or go-live dates, and says what is not reported', async () => {
  const f = await filters();
  for (const id of FIGURE_IDS) {
    const params = new URLSearchParams(id === 'service-history' ? 'service=E85001' : '');
    await expect(figureById(connection, id, f, params), id).resolves.toHaveProperty('table');
  }
  const summary = async (id: string) => (await figureById(connection, id, f, new URLSearchParams())).summary;
  expect(await summary('setup-timeline')).toBe(
    'Not reported: no programme launch date is loaded, so setup times cannot be charted.'
  );
  expect(await summary('adoption-curve')).toBe(
    'Not reported: no programme launch date is loaded, so months since launch cannot be charted.'
  );
  expect(await summary('services')).toBe(
    '3 services; consented patients are not reported, so there is no registration rate.'
  );
  expect(await summary('uptake-funnel')).toContain(
    'in total approached not reported, consented not reported, 4,900 registered and sharing with a carer or professional not reported'
  );
  expect(await summary('reaim')).toBe('Not measured from the loaded data: effectiveness, adoption, maintenance.');
});
