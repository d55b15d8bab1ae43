/**
 * History: snapshots accumulate, an older snapshot loaded late is a back-fill (loaded, with a
 * warning), and figures sent again for a key already loaded supersede the earlier ones in snapshot_latest while the
 * earlier rows stay in `snapshot`. Each later load runs on a later clock, as it would in life: "latest" means latest
 * loaded.
 */
import { expect, test } from 'vitest';
import { warning } from './helpers/expect-rejected.ts';
import { fixture, NOW, scratchWarehouse } from './helpers/scratch-warehouse.ts';

const later = (hours: number) => new Date(NOW.getTime() + hours * 3600_000);
const SNAPSHOT_COLUMNS = `as_of::VARCHAR AS as_of, service_id, approached, consented, registered, shared_with_carer, shared_with_professional`;

test('several snapshots make a history: one row per as-of date and service', async () => {
  const scratch = await scratchWarehouse();
  await scratch.load([fixture('valid', 'services.csv'), fixture('valid', 'uptake-2016-12-31.csv')]);
  const second = await scratch.load([fixture('valid', 'uptake-2017-01-31.csv')], { now: later(1) });
  expect(second.outcome).toBe('loaded');
  expect(second.problems).toEqual([]);
  expect(await scratch.rows(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshot ORDER BY as_of, service_id`)).toEqual([
    {
      as_of: '2016-12-31',
      service_id: 'SVC-A',
      approached: 90,
      consented: 70,
      registered: 52,
      shared_with_carer: 4,
      shared_with_professional: 3
    },
    {
      as_of: '2016-12-31',
      service_id: 'SVC-B',
      approached: 10,
      consented: 6,
      registered: 4,
      shared_with_carer: 0,
      shared_with_professional: 0
    },
    {
      as_of: '2017-01-31',
      service_id: 'SVC-A',
      approached: 100,
      consented: 80,
      registered: 60,
      shared_with_carer: 5,
      shared_with_professional: 3
    },
    {
      as_of: '2017-01-31',
      service_id: 'SVC-B',
      approached: 20,
      consented: 12,
      registered: 9,
      shared_with_carer: 0,
      shared_with_professional: 1
    }
  ]);
  expect(await scratch.rows(`SELECT as_of::VARCHAR AS as_of FROM as_of_date ORDER BY as_of`)).toEqual([
    { as_of: '2016-12-31' },
    { as_of: '2017-01-31' }
  ]);
  expect(
    await scratch.rows(
      `SELECT file_name, as_of::VARCHAR AS as_of, rows, outcome FROM load_file ORDER BY loaded_at, file_name`
    )
  ).toEqual([
    { file_name: 'services.csv', as_of: null, rows: 3, outcome: 'loaded' },
    { file_name: 'uptake-2016-12-31.csv', as_of: '2016-12-31', rows: 2, outcome: 'loaded' },
    { file_name: 'uptake-2017-01-31.csv', as_of: '2017-01-31', rows: 2, outcome: 'loaded' }
  ]);
});

test('a snapshot older than one already loaded is a back-fill: loaded, with a warning per service', async () => {
  const scratch = await scratchWarehouse();
  await scratch.load([fixture('valid', 'services.csv'), fixture('valid', 'uptake-2017-01-31.csv')]);
  const report = await scratch.load([fixture('valid', 'uptake-2016-12-31.csv')], { now: later(1) });

  const backFill = (row: number, service: string) =>
    warning(
      'uptake-2016-12-31.csv',
      row,
      'as_of',
      '31/12/2016',
      'back-fill',
      `A back-fill: ${service} already has a snapshot at 31/01/2017; this file adds 1 older one (from 31/12/2016). Loaded, and the history keeps both.`
    );
  expect(report.outcome).toBe('loaded');
  expect(report.problems).toEqual([backFill(2, 'SVC-A'), backFill(3, 'SVC-B')]);
  expect(await scratch.counts()).toEqual({ programme: 0, service: 3, feature: 0, snapshot: 4 });
  expect(
    await scratch.rows(
      `SELECT as_of::VARCHAR AS as_of, count(*)::INTEGER AS services FROM snapshot_latest GROUP BY ALL ORDER BY 1`
    )
  ).toEqual([
    { as_of: '2016-12-31', services: 2 },
    { as_of: '2017-01-31', services: 2 }
  ]);
  // Warnings are kept with the load for the Data page.
  expect(
    await scratch.rows(
      `SELECT row_number AS row, rule, severity FROM load_problem WHERE batch_id = '${report.batchId}' ORDER BY row_number`
    )
  ).toEqual([
    { row: 2, rule: 'back-fill', severity: 'warning' },
    { row: 3, rule: 'back-fill', severity: 'warning' }
  ]);
});

test('figures for a key already loaded, from another file, supersede: the newest load wins, the history keeps both', async () => {
  const scratch = await scratchWarehouse();
  await scratch.load([fixture('valid')]);
  const report = await scratch.load([fixture('supersedes')], { now: later(24) });

  expect(report.outcome).toBe('loaded');
  expect(report.problems).toEqual([
    warning(
      'uptake-2017-01-31-revised.csv',
      2,
      null,
      null,
      'supersedes',
      '1 row gives figures for an as-of date and service loaded before: the newer figures are used, and the earlier load stays in the history.'
    )
  ]);
  expect(
    await scratch.rows(
      `SELECT ${SNAPSHOT_COLUMNS} FROM snapshot_latest WHERE as_of = DATE '2017-01-31' ORDER BY service_id`
    )
  ).toEqual([
    {
      as_of: '2017-01-31',
      service_id: 'SVC-A',
      approached: 104,
      consented: 83,
      registered: 62,
      shared_with_carer: 5,
      shared_with_professional: 4
    },
    {
      as_of: '2017-01-31',
      service_id: 'SVC-B',
      approached: 20,
      consented: 12,
      registered: 9,
      shared_with_carer: 0,
      shared_with_professional: 1
    }
  ]);
  expect(
    await scratch.rows(
      `SELECT approached, loaded_at::VARCHAR AS loaded_at FROM snapshot WHERE as_of = DATE '2017-01-31' AND service_id = 'SVC-A' ORDER BY loaded_at`
    )
  ).toEqual([
    { approached: 100, loaded_at: '2026-11-25 12:00:00' },
    { approached: 104, loaded_at: '2026-11-26 12:00:00' }
  ]);
});
