/**
 * A user-written long profile loaded from a file (tests/fixtures/load/profiles/practice-monthly-long.json; it was a
 * built-in until the real NHS publication got its own, nhs-pomi-practice): a long export of per-practice counts that
 * reports the whole consent funnel, one row per practice, period and field. Practices become services in primary care,
 * their parent organisation code the organisation and their region the parent unit; fields the profile does not map
 * (Pat_Appts_Enbld here) are ignored.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { error, expectRejected } from './helpers/expect-rejected.ts';
import { fixture, NOW, scratchWarehouse } from './helpers/scratch-warehouse.ts';

const PROFILE = { profile: fixture('profiles', 'practice-monthly-long.json') };
const SNAPSHOT_COLUMNS = `as_of::VARCHAR AS as_of, service_id, eligible, approached, consented, registered, activated, active_90d,
  shared_with_carer, shared_with_professional`;

const month = (
  as_of: string,
  service_id: string,
  eligible: number,
  approached: number,
  consented: number,
  registered: number,
  carer: number,
  professional: number,
  active_90d: number
) => ({
  as_of,
  service_id,
  eligible,
  approached,
  consented,
  registered,
  activated: null,
  active_90d,
  shared_with_carer: carer,
  shared_with_professional: professional
});
const practice = (service_id: string, service_name: string, organisation: string, parent_unit: string) => ({
  service_id,
  service_name,
  organisation,
  setting: 'primary care',
  specialty: null,
  sensitive: false,
  in_original_bid: false,
  approached_on: null,
  planned_live_on: null,
  live_on: null,
  parent_unit
});

test('three practices over two periods (31MAR2018, 30APR2018) load as services and snapshots', async () => {
  const scratch = await scratchWarehouse();
  const report = await scratch.load([fixture('practice-monthly', 'practice-2018-04.csv')], PROFILE);
  expect(report.problems).toEqual([]);
  expect(report.outcome).toBe('loaded');
  expect(report.loaded.map((f) => [f.file, f.kind, f.rows, f.asOf])).toEqual([
    ['practice-2018-04.csv', 'uptake', 6, '2018-04-30']
  ]);

  expect(await scratch.rows(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshot ORDER BY as_of, service_id`)).toEqual([
    month('2018-03-31', 'P00001', 5000, 900, 700, 650, 12, 4, 300),
    month('2018-03-31', 'P00002', 8200, 1500, 1200, 1100, 20, 9, 500), // list size written "8,200"
    month('2018-03-31', 'P00003', 3100, 400, 310, 280, 3, 1, 120),
    month('2018-04-30', 'P00001', 5010, 950, 740, 690, 13, 5, 320),
    month('2018-04-30', 'P00002', 8250, 1580, 1260, 1150, 22, 9, 530),
    month('2018-04-30', 'P00003', 3090, 430, 335, 300, 4, 1, 126)
  ]);
  expect(
    await scratch.rows(`SELECT service_id, service_name, organisation, setting, specialty, sensitive, in_original_bid,
      approached_on, planned_live_on, live_on, parent_unit FROM service ORDER BY service_id`)
  ).toEqual([
    practice('P00001', 'RIVERSIDE SURGERY', 'ORG01', 'R1'),
    practice('P00002', 'HILL TOP MEDICAL CENTRE', 'ORG01', 'R1'),
    practice('P00003', 'MARKET STREET PRACTICE', 'ORG02', 'R2')
  ]);
  expect(await scratch.rows(`SELECT profile, kind, rows FROM load_file`)).toEqual([
    { profile: 'practice-monthly-long', kind: 'uptake', rows: 6 }
  ]);
});

test('a later month adds snapshots; practices already known are not added again', async () => {
  const scratch = await scratchWarehouse();
  await scratch.load([fixture('practice-monthly', 'practice-2018-04.csv')], PROFILE);
  const may = join(scratch.folder, 'practice-2018-05.csv');
  writeFileSync(
    may,
    readFileSync(fixture('practice-monthly-bad-value', 'practice-2018-05.csv'), 'utf8').replace(
      'Pat_Consented,n/a',
      'Pat_Consented,770'
    )
  );
  const report = await scratch.load([may], { ...PROFILE, now: new Date(NOW.getTime() + 3600_000) });
  expect(report.problems).toEqual([]);
  expect(await scratch.counts()).toEqual({ programme: 0, service: 3, feature: 0, snapshot: 7 });
  expect(await scratch.rows(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshot WHERE as_of = DATE '2018-05-31'`)).toEqual([
    {
      as_of: '2018-05-31',
      service_id: 'P00001',
      eligible: 5020,
      approached: 990,
      consented: 770,
      registered: 720,
      activated: null,
      active_90d: null,
      shared_with_carer: 13,
      shared_with_professional: 5
    }
  ]);
});

describe('problems point at the long row a person can find', () => {
  test('a VALUE that is not a number: its own row, the VALUE column', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('practice-monthly-bad-value')], PROFILE);
    await expectRejected(
      scratch,
      report,
      [
        error(
          'practice-2018-05.csv',
          4,
          'VALUE',
          'n/a',
          'not-a-count',
          'The value for consented must be a whole number.'
        )
      ],
      ['practice-2018-05.csv']
    );
  });

  test('the same FIELD twice for one practice and period', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('practice-monthly-duplicate-field')], PROFILE);
    await expectRejected(
      scratch,
      report,
      [
        error(
          'practice-2018-05.csv',
          5,
          'FIELD',
          'Pat_Offered',
          'duplicate-key',
          'approached is given 2 times for the same period and unit.'
        )
      ],
      ['practice-2018-05.csv']
    );
  });
});
