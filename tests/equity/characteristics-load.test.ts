/**
 * The built-in profile public-health-indicators: the public health indicator export (27 columns, one row per area,
 * indicator and period) loads as unit characteristics. Area Code is the unit, Indicator Name the characteristic, Value
 * its value. Rows for other area types (England, the parent organisations) are comparators: counted in one warning,
 * not loaded. Units without a value are loaded with a NULL value and listed in warnings, never dropped.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { error, expectRejected, warning } from '../load/helpers/expect-rejected.ts';
import { scratchWarehouse } from '../load/helpers/scratch-warehouse.ts';
import { rebuildWarehouse } from '../../pipeline/load/rebuild.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/equity');
const INDICATORS = join(FIXTURES, 'indicators-imd.csv');
const PRACTICES = join(FIXTURES, 'practices');
const IMD = 'Deprivation score (IMD 2019)';

test('the fixture is the 27-column export', () => {
  const header = readFileSync(INDICATORS, 'utf8').split('\n')[0].split(',');
  expect(header).toHaveLength(27);
  expect(header.slice(0, 7)).toEqual([
    'Indicator ID',
    'Indicator Name',
    'Parent Code',
    'Parent Name',
    'Area Code',
    'Area Name',
    'Area Type'
  ]);
});

test('practice rows load as characteristics; England and the parents are comparators; blanks are kept and listed', async () => {
  const scratch = await scratchWarehouse();
  expect((await scratch.load([PRACTICES], {})).outcome).toBe('loaded');
  const report = await scratch.load([INDICATORS], { profile: 'public-health-indicators' });
  expect(report.outcome).toBe('loaded');
  expect(report.loaded.map((f) => [f.file, f.kind, f.rows])).toEqual([['indicators-imd.csv', 'characteristics', 28]]);
  expect(report.problems).toEqual([
    warning(
      'indicators-imd.csv',
      2,
      'Area Type',
      'England',
      'other-area-type',
      '3 rows are for other area types than units (England: 1, Sub-ICB Locations: 2): comparators such as England or the parent organisation, not units, so they are not loaded.'
    ),
    warning(
      'indicators-imd.csv',
      30,
      'value',
      null,
      'no-value',
      'P00026 has no value for "Deprivation score (IMD 2019)" (2019): loaded without one, counted and listed on the Equity page among the units without a value.'
    ),
    warning(
      'indicators-imd.csv',
      31,
      'value',
      null,
      'no-value',
      'P00027 has no value for "Deprivation score (IMD 2019)" (2019): loaded without one, counted and listed on the Equity page among the units without a value.'
    ),
    warning(
      'indicators-imd.csv',
      32,
      'service_id',
      null,
      'not-a-unit-yet',
      '1 area code is not a unit of the programme yet (Y99999; 1 row): loaded, and used once those units are loaded.'
    )
  ]);
  const rows = await scratch.rows<{ service_id: string; characteristic: string; period: string; value: number | null }>(
    `SELECT service_id, characteristic, period, period_sort, value FROM unit_characteristic ORDER BY service_id`
  );
  expect(rows).toHaveLength(28);
  expect(rows[0]).toEqual({
    service_id: 'P00001',
    characteristic: IMD,
    period: '2019',
    period_sort: '20190000',
    value: 58
  });
  expect(rows.filter((r) => r.value === null).map((r) => r.service_id)).toEqual(['P00026', 'P00027']);
  expect(rows.map((r) => r.service_id)).not.toContain('E92000001');
  expect(rows.map((r) => r.service_id)).not.toContain('ORG01');
});

test('a value that is not a number and a repeated unit are rejected, naming file, row, column and rule; nothing loads', async () => {
  const scratch = await scratchWarehouse();
  const lines = readFileSync(INDICATORS, 'utf8').trimEnd().split('\n');
  // Row 5 (P00001) gets "58%" as its value; row 33 repeats P00002 (row 6) for the same indicator and period.
  lines[4] = lines[4].replace(',58.0,', ',58%,');
  lines.push(lines[5]);
  const path = join(scratch.folder, 'indicators-bad.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  const report = await scratch.load([path], { profile: 'public-health-indicators' });
  const errors = report.problems.filter((p) => p.severity === 'error');
  expect(errors).toEqual([
    error('indicators-bad.csv', 5, 'value', '58%', 'not-a-number', 'value must be a number, such as 24.3.'),
    error(
      'indicators-bad.csv',
      33,
      'service_id, characteristic, period',
      `P00002, ${IMD}, 2019`,
      'duplicate-key',
      `The same service_id and characteristic and period (P00002, ${IMD}, 2019) is already on row 6.`
    )
  ]);
  expect(report.outcome).toBe('rejected');
  expect(await scratch.rows('SELECT count(*)::INTEGER AS n FROM unit_characteristic')).toEqual([{ n: 0 }]);
});

test('an export with no practice rows is an error, not an empty load', async () => {
  const scratch = await scratchWarehouse();
  const lines = readFileSync(INDICATORS, 'utf8').split('\n');
  const path = join(scratch.folder, 'indicators-england.csv');
  writeFileSync(path, lines.slice(0, 4).join('\n') + '\n');
  const report = await scratch.load([path], { profile: 'public-health-indicators' });
  await expectRejected(
    scratch,
    report,
    [
      error(
        'indicators-england.csv',
        2,
        'Area Type',
        'England',
        'no-units',
        'No row is for a unit: the Area Type column holds England: 1, Sub-ICB Locations: 2, and units are "GPs", "GP", "GP practices", "General Practice". Export the indicator at practice level.'
      )
    ],
    ['indicators-england.csv']
  );
});

test('rebuild recreates the characteristics from the raw store, with the blanks', async () => {
  const scratch = await scratchWarehouse();
  await scratch.load([PRACTICES]);
  await scratch.load([INDICATORS], { profile: 'public-health-indicators' });
  const before = await scratch.rows(
    'SELECT service_id, characteristic, period, period_sort, value FROM unit_characteristic ORDER BY service_id'
  );
  scratch.close();
  await rebuildWarehouse(scratch.dbPath, { rawDir: scratch.rawDir });
  await scratch.reopen();
  expect(
    await scratch.rows(
      'SELECT service_id, characteristic, period, period_sort, value FROM unit_characteristic ORDER BY service_id'
    )
  ).toEqual(before);
  expect(before).toHaveLength(28);
});
