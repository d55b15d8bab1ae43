/**
 * A batch of one wide uptake CSV whose dates and counts read_csv can parse is written straight into `snapshot` inside
 * its transaction and checked there; anything found rolls it back and the staged path lists the problems (load.ts
 * loadDirect). Each case loads the services first (a batch of their own), then the uptake file alone, and compares
 * the outcome with the same uptake file loaded in one batch with the services, which always takes the staged path.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { LoadReport } from '../../pipeline/load/load.ts';
import { error, warning } from './helpers/expect-rejected.ts';
import { fixture, NOW, scratchWarehouse, type ScratchWarehouse } from './helpers/scratch-warehouse.ts';

const HEADER = 'as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional';
const FILE = 'uptake-2017-01-31.csv';
const SNAPSHOT = `SELECT as_of::VARCHAR AS as_of, service_id, approached, consented, registered, shared_with_carer,
  shared_with_professional, eligible, activated, active_90d FROM snapshot ORDER BY as_of, service_id`;

/** Loads the services, then `lines` as an uptake file alone; returns the second load's report. */
async function alone(scratch: ScratchWarehouse, lines: string[]): Promise<LoadReport> {
  const services = await scratch.load([fixture('valid', 'services.csv')]);
  expect(services.outcome).toBe('loaded');
  const path = join(scratch.folder, FILE);
  writeFileSync(path, [HEADER, ...lines].join('\n') + '\n');
  return scratch.load([path]);
}

/** The same file in one batch with the services: the staged path. */
async function together(lines: string[]): Promise<{ report: LoadReport; scratch: ScratchWarehouse }> {
  const scratch = await scratchWarehouse();
  const path = join(scratch.folder, FILE);
  writeFileSync(path, [HEADER, ...lines].join('\n') + '\n');
  return { report: await scratch.load([fixture('valid', 'services.csv'), path]), scratch };
}

describe('a clean file', () => {
  // No b, e, x or other byte that keeps read_csv from parsing counts (readers/csv.ts plainNumbers): so no SVC-B.
  const lines = ['31/01/2017,SVC-A,100,80,60,5,3', '31/01/2017,SVC-C,20,12,9,0,1', '31/12/2016, SVC-C ,7,5,4,0,0'];

  test('is loaded with the same rows, summary and reported measures as on the staged path', async () => {
    const scratch = await scratchWarehouse();
    const report = await alone(scratch, lines);
    expect(report.outcome).toBe('loaded');
    expect(report.problems).toEqual([]);
    expect(report.loaded.map(({ file, kind, rows, asOf }) => ({ file, kind, rows, asOf }))).toEqual([
      { file: FILE, kind: 'uptake', rows: 3, asOf: '2017-01-31' }
    ]);
    const rows = await scratch.rows(SNAPSHOT);
    expect(rows).toEqual([
      {
        as_of: '2016-12-31',
        service_id: 'SVC-C',
        approached: 7,
        consented: 5,
        registered: 4,
        shared_with_carer: 0,
        shared_with_professional: 0,
        eligible: null,
        activated: null,
        active_90d: null
      },
      {
        as_of: '2017-01-31',
        service_id: 'SVC-A',
        approached: 100,
        consented: 80,
        registered: 60,
        shared_with_carer: 5,
        shared_with_professional: 3,
        eligible: null,
        activated: null,
        active_90d: null
      },
      {
        as_of: '2017-01-31',
        service_id: 'SVC-C',
        approached: 20,
        consented: 12,
        registered: 9,
        shared_with_carer: 0,
        shared_with_professional: 1,
        eligible: null,
        activated: null,
        active_90d: null
      }
    ]);
    const staged = await together(lines);
    expect(staged.report.outcome).toBe('loaded');
    expect(await staged.scratch.rows(SNAPSHOT)).toEqual(rows);
    const measures = `SELECT measure, reported FROM source_measure WHERE file_name = '${FILE}' ORDER BY measure`;
    expect(await scratch.rows(measures)).toEqual(await staged.scratch.rows(measures));
    expect((await scratch.rows(`SELECT count(*)::INTEGER AS n FROM load_batch`))[0]).toEqual({ n: 2 });
  });
});

describe('a file with a problem is rolled back and listed as on the staged path', () => {
  const cases: [string, string[], ReturnType<typeof error>[]][] = [
    [
      'a duplicate key',
      ['31/01/2017,SVC-A,100,80,60,5,3', '31/01/2017,SVC-A,100,80,60,5,3'],
      [
        error(
          FILE,
          3,
          'as_of, service_id',
          '31/01/2017, SVC-A',
          'duplicate-key',
          'The same as_of and service_id (31/01/2017, SVC-A) is already on row 2.'
        )
      ]
    ],
    [
      'a negative count',
      ['31/01/2017,SVC-A,100,80,60,5,3', '31/01/2017,SVC-C,20,12,9,-1,1'],
      [
        error(
          FILE,
          3,
          'shared_with_carer',
          '-1',
          'negative-count',
          'shared_with_carer is a count of patients and cannot be negative.'
        )
      ]
    ],
    [
      'an unknown service',
      ['31/01/2017,SVC-Z,100,80,60,5,3'],
      [
        error(
          FILE,
          2,
          'service_id',
          'SVC-Z',
          'unknown-service',
          'No service has the id "SVC-Z": load it in a services file first (or in the same batch).'
        )
      ]
    ],
    [
      'a blank service id (the table refuses it)',
      ['31/01/2017,SVC-A,100,80,60,5,3', '31/01/2017,,20,12,9,0,1'],
      [error(FILE, 3, 'service_id', null, 'required-value', 'service_id must not be blank.')]
    ]
  ];
  for (const [name, lines, expected] of cases) {
    test(name, async () => {
      const scratch = await scratchWarehouse();
      const report = await alone(scratch, lines);
      expect(report.outcome).toBe('rejected');
      expect(report.problems).toEqual(expected);
      expect(await scratch.counts()).toEqual({ programme: 0, service: 3, feature: 0, snapshot: 0 });
      expect(
        await scratch.rows(`SELECT count(*)::INTEGER AS n FROM source_measure WHERE file_name = '${FILE}'`)
      ).toEqual([{ n: 0 }]);
      const staged = await together(lines);
      expect(staged.report.problems).toEqual(expected);
    });
  }
});

test('a back-fill and figures loaded before are warned about with their rows, as on the staged path', async () => {
  const scratch = await scratchWarehouse();
  expect((await alone(scratch, ['31/01/2017,SVC-A,100,80,60,5,3'])).outcome).toBe('loaded');
  const later = { now: new Date(NOW.getTime() + 3600_000) };
  const path = join(scratch.folder, 'uptake-again.csv');
  writeFileSync(path, [HEADER, '31/12/2016,SVC-A,90,70,50,4,2', '31/01/2017,SVC-A,101,80,60,5,3'].join('\n') + '\n');
  const report = await scratch.load([path], later);
  expect(report.outcome).toBe('loaded');
  expect(report.problems).toEqual([
    warning(
      'uptake-again.csv',
      2,
      'as_of',
      '31/12/2016',
      'back-fill',
      'A back-fill: SVC-A already has a snapshot at 31/01/2017; this file adds 1 older one (from 31/12/2016). Loaded, and the history keeps both.'
    ),
    warning(
      'uptake-again.csv',
      3,
      null,
      null,
      'supersedes',
      '1 row gives figures for an as-of date and service loaded before: the newer figures are used, and the earlier load stays in the history.'
    )
  ]);
  expect(await scratch.rows(`SELECT as_of::VARCHAR AS as_of, approached FROM snapshot_latest ORDER BY as_of`)).toEqual([
    { as_of: '2016-12-31', approached: 90 },
    { as_of: '2017-01-31', approached: 101 }
  ]);
});
