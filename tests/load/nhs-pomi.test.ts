/**
 * The built-in profile nhs-pomi-practice on a fixture in the exact shape of NHS Digital's practice-level "Patient
 * Online Management Information" publication (tests/fixtures/load/nhs-pomi/: three practices, April and May 2018, all
 * 13 fields, some values blank, two field names in another case) with a national practice list (epraccur.csv, no
 * header row). Every figure below is worked out by hand from the fixture (see its README).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { rebuildWarehouse } from '../../pipeline/load/rebuild.ts';
import { fixture, scratchWarehouse, type ScratchWarehouse } from './helpers/scratch-warehouse.ts';

const PROFILE = { profile: 'nhs-pomi-practice' };
const POMI = fixture('nhs-pomi', 'pomi-2018-04-to-2018-05.csv');
const REFERENCE = fixture('nhs-pomi', 'epraccur.csv');
const HEADER =
  'report_period_end,region_code,region_name,subregion_code,subregion_name,ccg_code,ccg_name,practice_code,practice_name,system_supplier,field,value';

/** A fresh warehouse holding the fixture and the practice list (the scratch warehouse lives for one test). */
async function loadedPomi(): Promise<ScratchWarehouse> {
  const scratch = await scratchWarehouse();
  const report = await scratch.load([fixture('nhs-pomi')], PROFILE);
  expect(report.outcome).toBe('loaded');
  return scratch;
}

describe('a POMI export with the national practice list', () => {
  test('loads; J82001 reports uptake but is not in the list: a warning on its first row, never a refusal', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('nhs-pomi')], PROFILE);
    expect(report.outcome).toBe('loaded');
    expect(report.problems).toEqual([
      {
        file: 'pomi-2018-04-to-2018-05.csv',
        row: 28,
        column: 'service_id',
        value: 'J82001',
        rule: 'not-in-reference',
        message: 'J82001 is not in the unit reference list: loaded all the same.',
        severity: 'warning'
      }
    ]);
    expect(report.loaded.map((f) => [f.file, f.kind, f.rows, f.asOf])).toEqual([
      ['epraccur.csv', 'unit-reference', 3, null],
      ['pomi-2018-04-to-2018-05.csv', 'uptake', 6, '2018-05-31']
    ]);
  });

  test('counts: list size is eligible, Total_Pat_Enbld registered; the rest is not reported (NULL), never 0', async () => {
    const scratch = await loadedPomi();
    expect(
      await scratch.rows(`SELECT as_of::VARCHAR AS as_of, service_id, eligible, registered, approached, consented,
        shared_with_carer, shared_with_professional, activated, active_90d FROM snapshot ORDER BY as_of, service_id`)
    ).toEqual(
      [
        ['2018-04-30', 'E85001', 10000, 2500],
        ['2018-04-30', 'E85002', 6000, 1200],
        ['2018-04-30', 'J82001', 8000, null], // blank Total_Pat_Enbld
        ['2018-05-31', 'E85001', 10050, 2600],
        ['2018-05-31', 'E85002', 6010, 1300],
        ['2018-05-31', 'J82001', 8020, 1000] // written TOTAL_PAT_ENBLD
      ].map(([as_of, service_id, eligible, registered]) => ({
        as_of,
        service_id,
        eligible,
        registered,
        approached: null,
        consented: null,
        shared_with_carer: null,
        shared_with_professional: null,
        activated: null,
        active_90d: null
      }))
    );
  });

  test('the load records which measures the source reports', async () => {
    const scratch = await loadedPomi();
    expect(
      await scratch.rows(`SELECT measure, reported FROM source_measure WHERE file_name LIKE 'pomi%' ORDER BY measure`)
    ).toEqual([
      { measure: 'activated', reported: false },
      { measure: 'active_90d', reported: false },
      { measure: 'approached', reported: false },
      { measure: 'consented', reported: false },
      { measure: 'eligible', reported: true },
      { measure: 'enabled:appointments', reported: true },
      { measure: 'enabled:detailed coded record', reported: true },
      { measure: 'enabled:repeat prescriptions', reported: true },
      { measure: 'offered:appointments', reported: true },
      { measure: 'offered:detailed coded record', reported: true },
      { measure: 'offered:repeat prescriptions', reported: true },
      { measure: 'registered', reported: true },
      { measure: 'shared_with_carer', reported: false },
      { measure: 'shared_with_professional', reported: false },
      { measure: 'usage:all functions', reported: true },
      { measure: 'usage:appointments', reported: true },
      { measure: 'usage:detailed coded record', reported: true },
      { measure: 'usage:repeat prescriptions', reported: true }
    ]);
    expect(
      await scratch.rows(`SELECT measure, units, units_reporting, units_declaring, reported FROM measure_reporting
        WHERE as_of = DATE '2018-04-30' AND measure IN ('eligible', 'registered', 'consented') ORDER BY measure`)
    ).toEqual([
      { measure: 'consented', units: 3, units_reporting: 0, units_declaring: 0, reported: false },
      { measure: 'eligible', units: 3, units_reporting: 3, units_declaring: 3, reported: true },
      { measure: 'registered', units: 3, units_reporting: 2, units_declaring: 3, reported: true }
    ]);
  });

  test('per-function values: offered flags, enabled patients and transactions, blanks kept as not reported', async () => {
    const scratch = await loadedPomi();
    expect(
      await scratch.rows(`SELECT service_id, function, offered, enabled_patients, transactions FROM unit_function
        WHERE as_of = DATE '2018-04-30' ORDER BY service_id, function`)
    ).toEqual([
      { service_id: 'E85001', function: 'all functions', offered: null, enabled_patients: null, transactions: 1600 },
      { service_id: 'E85001', function: 'appointments', offered: true, enabled_patients: 2400, transactions: 600 },
      {
        service_id: 'E85001',
        function: 'detailed coded record',
        offered: true,
        enabled_patients: 500,
        transactions: 100
      },
      {
        service_id: 'E85001',
        function: 'repeat prescriptions',
        offered: true,
        enabled_patients: 2300,
        transactions: 900
      },
      { service_id: 'E85002', function: 'all functions', offered: null, enabled_patients: null, transactions: 750 },
      { service_id: 'E85002', function: 'appointments', offered: true, enabled_patients: 1100, transactions: 300 },
      {
        service_id: 'E85002',
        function: 'detailed coded record',
        offered: false,
        enabled_patients: 0,
        transactions: 0
      },
      {
        service_id: 'E85002',
        function: 'repeat prescriptions',
        offered: true,
        enabled_patients: 1150,
        transactions: 450
      },
      { service_id: 'J82001', function: 'all functions', offered: null, enabled_patients: null, transactions: null },
      { service_id: 'J82001', function: 'appointments', offered: true, enabled_patients: 900, transactions: 200 },
      {
        service_id: 'J82001',
        function: 'detailed coded record',
        offered: null,
        enabled_patients: null,
        transactions: null
      },
      {
        service_id: 'J82001',
        function: 'repeat prescriptions',
        offered: false,
        enabled_patients: 950,
        transactions: null
      }
    ]);
  });

  test('usage per registered patient, by function: over the practices reporting both', async () => {
    const scratch = await loadedPomi();
    const usage = await scratch.rows(`SELECT as_of::VARCHAR AS as_of, function, units, units_reporting, transactions,
        registered, transactions_per_registered AS rate, reported FROM usage_by_function ORDER BY as_of, function`);
    const row = (as_of: string, fn: string, units_reporting: number, transactions: number, registered: number) => ({
      as_of,
      function: fn,
      units: 3,
      units_reporting,
      transactions,
      registered,
      rate: transactions / registered,
      reported: true
    });
    expect(usage).toEqual([
      // April: J82001 did not report registered patients, so it is left out of both sides.
      row('2018-04-30', 'all functions', 2, 1600 + 750, 2500 + 1200),
      row('2018-04-30', 'appointments', 2, 600 + 300, 3700),
      row('2018-04-30', 'detailed coded record', 2, 100 + 0, 3700),
      row('2018-04-30', 'repeat prescriptions', 2, 900 + 450, 3700),
      row('2018-05-31', 'all functions', 3, 1720 + 810 + 550, 2600 + 1300 + 1000),
      row('2018-05-31', 'appointments', 3, 650 + 320 + 250, 4900), // E85002's written pat_appts_use
      row('2018-05-31', 'detailed coded record', 3, 120 + 10 + 0, 4900),
      row('2018-05-31', 'repeat prescriptions', 3, 950 + 480 + 300, 4900)
    ]);
    expect(usage[1].rate).toBeCloseTo(0.2432, 4);
  });

  test('% of practices offering each function at each date, not-reported flags counted apart', async () => {
    const scratch = await loadedPomi();
    expect(
      await scratch.rows(`SELECT as_of::VARCHAR AS as_of, function, units, units_reporting, units_not_reported,
        units_offering, offering_rate, reported FROM function_offering ORDER BY as_of, function`)
    ).toEqual(
      [
        ['2018-04-30', 'all functions', 0, 3, 0, null, false],
        ['2018-04-30', 'appointments', 3, 0, 3, 1, true],
        ['2018-04-30', 'detailed coded record', 2, 1, 1, 0.5, true],
        ['2018-04-30', 'repeat prescriptions', 3, 0, 2, 2 / 3, true],
        ['2018-05-31', 'all functions', 0, 3, 0, null, false],
        ['2018-05-31', 'appointments', 3, 0, 3, 1, true],
        ['2018-05-31', 'detailed coded record', 3, 0, 2, 2 / 3, true],
        ['2018-05-31', 'repeat prescriptions', 3, 0, 3, 1, true]
      ].map(([as_of, fn, units_reporting, units_not_reported, units_offering, offering_rate, reported]) => ({
        as_of,
        function: fn,
        units: 3,
        units_reporting,
        units_not_reported,
        units_offering,
        offering_rate,
        reported
      }))
    );
  });

  test('RE-AIM reach from list size works; the consent-based measures say "not reported"', async () => {
    const scratch = await loadedPomi();
    expect(
      await scratch.rows(`SELECT as_of::VARCHAR AS as_of, measure, numerator, denominator, value, note, reported FROM reaim
        WHERE dimension = 'reach' ORDER BY as_of, measure`)
    ).toEqual([
      {
        as_of: '2018-04-30',
        measure: 'registered / consented',
        numerator: 3700,
        denominator: null,
        value: null,
        note: 'not reported: the source does not report consented patients, so this proxy for reach cannot be worked out.',
        reported: false
      },
      {
        as_of: '2018-04-30',
        measure: 'registered / eligible',
        numerator: 3700,
        denominator: 16000,
        value: 3700 / 16000,
        note: 'Covers the 2 services that report both an eligible population (list size) and registered patients; registered patients are not reported for 1 more.',
        reported: true
      },
      {
        as_of: '2018-04-30',
        measure: 'sharing with a carer or professional / registered',
        numerator: null,
        denominator: 3700,
        value: null,
        note: 'not reported: the source does not report patients sharing their record.',
        reported: false
      },
      {
        as_of: '2018-05-31',
        measure: 'registered / consented',
        numerator: 4900,
        denominator: null,
        value: null,
        note: 'not reported: the source does not report consented patients, so this proxy for reach cannot be worked out.',
        reported: false
      },
      {
        as_of: '2018-05-31',
        measure: 'registered / eligible',
        numerator: 4900,
        denominator: 24080,
        value: 4900 / 24080,
        note: 'All 3 services report an eligible population (list size) and registered patients.',
        reported: true
      },
      {
        as_of: '2018-05-31',
        measure: 'sharing with a carer or professional / registered',
        numerator: null,
        denominator: 4900,
        value: null,
        note: 'not reported: the source does not report patients sharing their record.',
        reported: false
      }
    ]);
    expect(
      await scratch.rows(`SELECT service_id, consented_reported, registered_reported, eligible_reported, consent_rate, reach_rate
        FROM uptake_funnel WHERE as_of = DATE '2018-04-30' ORDER BY service_id`)
    ).toEqual([
      {
        service_id: 'E85001',
        consented_reported: false,
        registered_reported: true,
        eligible_reported: true,
        consent_rate: null,
        reach_rate: 0.25
      },
      {
        service_id: 'E85002',
        consented_reported: false,
        registered_reported: true,
        eligible_reported: true,
        consent_rate: null,
        reach_rate: 0.2
      },
      {
        service_id: 'J82001',
        consented_reported: false,
        registered_reported: false,
        eligible_reported: true,
        consent_rate: null,
        reach_rate: null
      }
    ]);
  });

  test('the hierarchy comes from the rows, names and closures from the reference list', async () => {
    const scratch = await loadedPomi();
    expect(
      await scratch.rows(`SELECT * REPLACE (opened_on::VARCHAR AS opened_on, closed_on::VARCHAR AS closed_on)
      FROM unit_hierarchy ORDER BY unit`)
    ).toEqual([
      {
        region: 'Y56',
        region_name: 'LONDON COMMISSIONING REGION',
        subregion: 'Q71',
        subregion_name: 'NHS ENGLAND LONDON',
        organisation: '07W',
        organisation_name: 'NHS EALING CCG',
        unit: 'E85001',
        unit_name: 'THE NORTH SURGERY',
        supplier: 'EMIS',
        opened_on: '1974-04-01',
        closed_on: null,
        status: 'A',
        closed: false,
        in_reference: true
      },
      {
        region: 'Y56',
        region_name: 'LONDON COMMISSIONING REGION',
        subregion: 'Q71',
        subregion_name: 'NHS ENGLAND LONDON',
        organisation: '07W',
        organisation_name: 'NHS EALING CCG',
        unit: 'E85002',
        unit_name: 'WEST LANE PRACTICE',
        supplier: 'TPP',
        opened_on: '1980-01-01',
        closed_on: '2018-06-30',
        status: 'C',
        closed: true,
        in_reference: true
      },
      {
        region: 'Y59',
        region_name: 'SOUTH EAST COMMISSIONING REGION',
        subregion: 'Q70',
        subregion_name: 'NHS ENGLAND SOUTH (WESSEX)',
        organisation: '10X',
        organisation_name: 'NHS SOUTHAMPTON CCG',
        unit: 'J82001',
        unit_name: 'HARBOUR MEDICAL CENTRE, THE',
        supplier: 'EMIS',
        opened_on: null,
        closed_on: null,
        status: null,
        closed: false,
        in_reference: false
      }
    ]);
    // The practices are services in primary care, named from the rows, their commissioner the organisation.
    expect(
      await scratch.rows(`SELECT service_id, service_name, organisation, setting, parent_unit FROM service ORDER BY 1`)
    ).toEqual([
      {
        service_id: 'E85001',
        service_name: 'THE NORTH SURGERY',
        organisation: '07W',
        setting: 'primary care',
        parent_unit: '07W'
      },
      {
        service_id: 'E85002',
        service_name: 'WEST LANE PRACTICE',
        organisation: '07W',
        setting: 'primary care',
        parent_unit: '07W'
      },
      {
        service_id: 'J82001',
        service_name: 'HARBOUR MEDICAL CENTRE, THE',
        organisation: '10X',
        setting: 'primary care',
        parent_unit: '10X'
      }
    ]);
    expect(await scratch.rows(`SELECT unit_id, unit_name, status FROM unit_reference ORDER BY 1`)).toEqual([
      { unit_id: 'E85001', unit_name: 'THE NORTH SURGERY', status: 'A' },
      { unit_id: 'E85002', unit_name: 'WEST LANE PRACTICE', status: 'C' },
      { unit_id: 'E85003', unit_name: 'OLD MILL SURGERY', status: 'C' }
    ]);
  });
});

describe('problems in a POMI export name the long row', () => {
  const write = (scratch: ScratchWarehouse, lines: string[]) => {
    const path = join(scratch.folder, 'pomi-bad.csv');
    writeFileSync(path, [HEADER, ...lines].join('\n') + '\n');
    return path;
  };
  const row = (field: string, value: string) =>
    `30APR2018,Y56,LONDON,Q71,LONDON,07W,NHS EALING CCG,E85001,THE NORTH SURGERY,EMIS,${field},${value}`;

  test('a system flag that is not yes or no, a count that is not a number, a field the profile does not know', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load(
      [
        write(scratch, [
          row('patient_list_size', '100'),
          row('Sys_Appts_Enbld', 'maybe'),
          row('Pat_Appts_Use', '1.5'),
          row('Pat_Video_Use', '3')
        ])
      ],
      PROFILE
    );
    expect(report.outcome).toBe('rejected');
    expect(report.problems.map((p) => [p.row, p.column, p.value, p.rule, p.message])).toEqual([
      [
        5,
        'field',
        'Pat_Video_Use',
        'unknown-measure',
        expect.stringMatching(
          /^"Pat_Video_Use" is not a measure this profile knows \(patient_list_size, .*\); add it to the profile's "ignore" list to skip it\.$/
        )
      ],
      [4, 'value', '1.5', 'not-a-count', 'The value for appointments usage must be a whole number.'],
      [
        3,
        'value',
        'maybe',
        'not-a-flag',
        'The value for appointments offered must be yes or no (1/0, y/n, true/false).'
      ]
    ]);
    expect(await scratch.counts()).toEqual({ programme: 0, service: 0, feature: 0, snapshot: 0 });
    expect(await scratch.rows('SELECT count(*)::INTEGER AS n FROM unit_function')).toEqual([{ n: 0 }]);
  });
});

test('`uptake load <fixture> --profile nhs-pomi-practice` exits 0', async () => {
  const scratch = await scratchWarehouse();
  scratch.close();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'pipeline/cli/main.ts', 'load', POMI, REFERENCE, '--profile', 'nhs-pomi-practice', '--json'],
    { cwd: resolve(import.meta.dirname, '../..'), env: { ...process.env, UPTAKE_DB: scratch.dbPath, UPTAKE_DEBUG: '' } }
  );
  const result = JSON.parse(stdout);
  expect(result.outcome).toBe('loaded');
  expect(result.loaded.map((f: { file: string; rows: number }) => [f.file, f.rows])).toEqual([
    ['pomi-2018-04-to-2018-05.csv', 6],
    ['epraccur.csv', 3]
  ]);
});

test('a wide profile that declares `reports`: the counts it leaves out are neither required nor read (NULL, not 0)', async () => {
  const scratch = await scratchWarehouse();
  const profile = join(scratch.folder, 'registrations-only.json');
  writeFileSync(
    profile,
    JSON.stringify({
      name: 'registrations-only',
      tables: [
        {
          kind: 'uptake',
          match: ['*'],
          columns: { as_of: ['month'], service_id: ['site'] },
          reports: ['registered'],
          units: { columns: { service_name: ['site name'] } }
        }
      ]
    })
  );
  const data = join(scratch.folder, 'sites.csv');
  // "consented" is in the file but the profile says the source does not report it: it is not read.
  writeFileSync(
    data,
    'month,site,site name,registered,consented\n2018-04-30,S1,Site one,40,x\n2018-04-30,S2,Site two,,\n'
  );
  const report = await scratch.load([data], { profile });
  expect(report.problems).toEqual([]);
  expect(
    await scratch.rows(`SELECT service_id, registered, consented, approached FROM snapshot ORDER BY service_id`)
  ).toEqual([
    { service_id: 'S1', registered: 40, consented: null, approached: null },
    { service_id: 'S2', registered: null, consented: null, approached: null }
  ]);
  expect(await scratch.rows(`SELECT measure FROM source_measure WHERE reported ORDER BY measure`)).toEqual([
    { measure: 'registered' }
  ]);
});

test('rebuild from the raw store gives the same hierarchy, functions, reference list and declarations', async () => {
  const scratch = await loadedPomi();
  const state = async () =>
    Object.fromEntries(
      await Promise.all(
        ['unit_place', 'unit_function', 'unit_reference', 'source_measure', 'snapshot', 'service'].map(
          async (table) => [table, await scratch.rows(`SELECT * FROM ${table} ORDER BY ALL`)] as const
        )
      )
    );
  const before = await state();
  expect(before.unit_reference).toHaveLength(3);
  expect(before.unit_function).toHaveLength(24); // 3 practices × 2 months × 4 functions
  scratch.close();
  expect(await rebuildWarehouse(scratch.dbPath, { rawDir: scratch.rawDir })).toEqual({ files: 2, batches: 1 });
  await scratch.reopen();
  expect(await state()).toEqual(before);
});
