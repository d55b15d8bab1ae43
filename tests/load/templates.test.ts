/**
 * Uptake's own templates as people actually send them: headers in any case, spacing or punctuation;
 * ISO, dd/mm/yyyy and Excel-serial dates; every accepted spelling of a flag; CSV dialects (BOM, `;` and tab, CRLF,
 * quoting, trailing blank lines); the same tables as sheets of one workbook and as JSON. Each loads with exact values.
 */
import ExcelJS from 'exceljs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixture, scratchWarehouse, type ScratchWarehouse } from './helpers/scratch-warehouse.ts';

const SERVICE_COLUMNS = `service_id, service_name, organisation, setting, specialty, sensitive, in_original_bid,
  approached_on::VARCHAR AS approached_on, planned_live_on::VARCHAR AS planned_live_on, live_on::VARCHAR AS live_on, parent_unit`;
const SNAPSHOT_COLUMNS = `as_of::VARCHAR AS as_of, service_id, eligible, approached, consented, registered, activated, active_90d,
  shared_with_carer, shared_with_professional`;

const services = (s: ScratchWarehouse) => s.rows(`SELECT ${SERVICE_COLUMNS} FROM service ORDER BY service_id`);
const snapshots = (s: ScratchWarehouse) =>
  s.rows(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshot ORDER BY as_of, service_id`);
const features = (s: ScratchWarehouse) =>
  s.rows(
    `SELECT service_id, feature, category, enabled, enabled_on::VARCHAR AS enabled_on FROM feature ORDER BY service_id, feature`
  );
const programmes = (s: ScratchWarehouse) =>
  s.rows(`SELECT programme, launched_on::VARCHAR AS launched_on FROM programme`);

const service = (
  service_id: string,
  service_name: string,
  organisation: string,
  setting: string,
  specialty: string | null,
  sensitive: boolean,
  in_original_bid: boolean,
  approached_on: string | null,
  planned_live_on: string | null,
  live_on: string | null
) => ({
  service_id,
  service_name,
  organisation,
  setting,
  specialty,
  sensitive,
  in_original_bid,
  approached_on,
  planned_live_on,
  live_on,
  parent_unit: null
});
const snapshot = (
  as_of: string,
  service_id: string,
  approached: number,
  consented: number,
  registered: number,
  carer: number,
  professional: number,
  eligible: number | null = null
) => ({
  as_of,
  service_id,
  eligible,
  approached,
  consented,
  registered,
  activated: null,
  active_90d: null,
  shared_with_carer: carer,
  shared_with_professional: professional
});

/** The `valid` fixture's services, as every variation below must land them. */
const VALID_SERVICES = [
  service(
    'SVC-A',
    'Alpha clinic',
    'North Trust',
    'acute',
    'cardiology',
    false,
    true,
    '2016-01-04',
    '2016-03-01',
    '2016-02-15'
  ),
  service(
    'SVC-B',
    'Beta team',
    'South Trust',
    'mental health',
    'psychosis',
    true,
    false,
    '2016-05-02',
    '2016-09-01',
    '2016-10-03'
  ),
  service(
    'SVC-C',
    'Gamma practice',
    'Central Group',
    'primary care',
    'general practice',
    false,
    false,
    '2016-11-07',
    '2017-04-03',
    null
  )
];
const VALID_JANUARY = [
  snapshot('2017-01-31', 'SVC-A', 100, 80, 60, 5, 3),
  snapshot('2017-01-31', 'SVC-B', 20, 12, 9, 0, 1)
];

describe('headers match whatever their case, spacing or punctuation', () => {
  test('"Service ID", "SERVICE-ID", " service_id " and friends', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('headers-any-case')]);
    expect(report.problems).toEqual([]);
    expect(report.outcome).toBe('loaded');
    expect(await programmes(scratch)).toEqual([{ programme: 'Test Programme', launched_on: '2016-01-04' }]);
    // Settings are matched the same way: "Acute", "Mental Health", "primary_care".
    expect(await services(scratch)).toEqual(VALID_SERVICES);
    expect(await features(scratch)).toEqual([
      { service_id: 'SVC-A', feature: 'general library', category: 'core', enabled: true, enabled_on: '2016-02-15' },
      { service_id: 'SVC-B', feature: 'general library', category: 'core', enabled: true, enabled_on: '2016-10-03' }
    ]);
    expect(await snapshots(scratch)).toEqual(VALID_JANUARY);
  });
});

describe('dates', () => {
  test('ISO, dd/mm/yyyy (05/03/2016 is 5 March), dd-mm-yyyy, dd.mm.yyyy and Excel serials (42772 is 6 February 2017)', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('dates')]);
    expect(report.problems).toEqual([]);
    expect(await services(scratch)).toEqual([
      // planned 01/03/2016 → 1 March; live 42415 → 15 February 2016
      service(
        'SVC-A',
        'Alpha clinic',
        'North Trust',
        'acute',
        'cardiology',
        false,
        true,
        '2016-01-04',
        '2016-03-01',
        '2016-02-15'
      ),
      // approached 05/03/2016 → 5 March, never 3 May; planned 01-09-2016; live 03.10.2016
      service(
        'SVC-B',
        'Beta team',
        'South Trust',
        'mental health',
        'psychosis',
        true,
        false,
        '2016-03-05',
        '2016-09-01',
        '2016-10-03'
      ),
      service(
        'SVC-C',
        'Gamma practice',
        'Central Group',
        'primary care',
        'general practice',
        false,
        false,
        '2016-11-07',
        '2017-04-03',
        null
      )
    ]);
    // as_of written as 42772, 06/02/2017 and 42772.0 (how a spreadsheet may save a serial) is one date.
    expect(await snapshots(scratch)).toEqual([
      snapshot('2017-02-06', 'SVC-A', 100, 80, 60, 5, 3),
      snapshot('2017-02-06', 'SVC-B', 20, 12, 9, 0, 1),
      snapshot('2017-02-06', 'SVC-C', 0, 0, 0, 0, 0)
    ]);
    expect(report.loaded.find((f) => f.file === 'uptake-2017-02-06.csv')?.asOf).toBe('2017-02-06');
  });
});

describe('flags', () => {
  test('yes/no, y/n, true/false, 1/0, ✓/✗ in any case; a blank feature flag is "not enabled"', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('flags')]);
    expect(report.problems).toEqual([]);
    expect((await services(scratch)).map((s) => [s.service_id, s.sensitive, s.in_original_bid])).toEqual([
      ['SVC-A', false, true], // N, Y
      ['SVC-B', true, false], // TRUE, false
      ['SVC-C', false, true] //  0, 1
    ]);
    expect((await features(scratch)).map((f) => [f.service_id, f.feature, f.enabled])).toEqual([
      ['SVC-A', 'appointments', false], //  (blank)
      ['SVC-A', 'care plans', true], //      1
      ['SVC-A', 'discussions', false], //    no
      ['SVC-A', 'general library', true], // yes
      ['SVC-A', 'imaging', false], //        n
      ['SVC-A', 'laboratory', true], //      y
      ['SVC-A', 'letters', true], //         true
      ['SVC-A', 'patient diary', false], //  false
      ['SVC-A', 'questionnaires', false], // 0
      ['SVC-A', 'video consultation', true], // ✓
      ['SVC-B', 'discussions', false], //    ✗
      ['SVC-B', 'general library', true] //  Yes
    ]);
  });
});

describe('CSV dialects', () => {
  interface Dialect {
    delimiter: string;
    eol: string;
    bom: boolean;
    blankLinesAfter: number;
    ext: string;
  }
  const plain: Dialect = { delimiter: ',', eol: '\n', bom: false, blankLinesAfter: 0, ext: '.csv' };

  /** Writes rows as CSV the way a spreadsheet does: a field holding the delimiter or a quote is quoted, quotes doubled. */
  function writeCsv(path: string, rows: string[][], d: Dialect): void {
    const cell = (v: string) => (v.includes(d.delimiter) || v.includes('"') ? `"${v.replaceAll('"', '""')}"` : v);
    const text = rows.map((r) => r.map(cell).join(d.delimiter)).join(d.eol) + d.eol + d.eol.repeat(d.blankLinesAfter);
    writeFileSync(path, (d.bom ? '\uFEFF' : '') + text);
  }

  /** A name holding both candidate delimiters and a quote, so it must be quoted whatever the dialect. */
  const NAME = 'Alpha clinic, "heart"; north';

  test.each([
    ['a BOM', { ...plain, bom: true }],
    ['semicolons', { ...plain, delimiter: ';' }],
    ['tabs (.tsv)', { ...plain, delimiter: '\t', ext: '.tsv' }],
    ['CRLF line endings', { ...plain, eol: '\r\n' }],
    ['trailing blank lines', { ...plain, blankLinesAfter: 3 }],
    [
      'all of them, as Excel saves a UK "CSV UTF-8"',
      { delimiter: ';', eol: '\r\n', bom: true, blankLinesAfter: 2, ext: '.csv' }
    ]
  ])('%s', async (_, dialect: Dialect) => {
    const scratch = await scratchWarehouse();
    const servicesFile = join(scratch.folder, `services${dialect.ext}`);
    const uptakeFile = join(scratch.folder, `uptake-2017-01-31${dialect.ext}`);
    writeCsv(
      servicesFile,
      [
        [
          'service_id',
          'service_name',
          'organisation',
          'setting',
          'specialty',
          'sensitive',
          'in_original_bid',
          'approached_on',
          'planned_live_on',
          'live_on'
        ],
        ['SVC-A', NAME, 'North Trust', 'acute', 'cardiology', 'no', 'yes', '04/01/2016', '01/03/2016', '15/02/2016'],
        ['SVC-B', 'Beta team', 'South Trust', 'mental health', '', 'yes', 'no', '02/05/2016', '', '']
      ],
      dialect
    );
    writeCsv(
      uptakeFile,
      [
        [
          'as_of',
          'service_id',
          'approached',
          'consented',
          'registered',
          'shared_with_carer',
          'shared_with_professional'
        ],
        ['31/01/2017', 'SVC-A', '1,200', '800', '600', '5', '3'],
        ['31/01/2017', 'SVC-B', '0', '0', '0', '0', '0']
      ],
      dialect
    );

    const report = await scratch.load([servicesFile, uptakeFile]);
    expect(report.problems).toEqual([]);
    expect(report.loaded.map((f) => [f.file, f.rows])).toEqual([
      [`services${dialect.ext}`, 2],
      [`uptake-2017-01-31${dialect.ext}`, 2]
    ]);
    expect(await services(scratch)).toEqual([
      service(
        'SVC-A',
        NAME,
        'North Trust',
        'acute',
        'cardiology',
        false,
        true,
        '2016-01-04',
        '2016-03-01',
        '2016-02-15'
      ),
      service('SVC-B', 'Beta team', 'South Trust', 'mental health', null, true, false, '2016-05-02', null, null)
    ]);
    expect(await snapshots(scratch)).toEqual([
      snapshot('2017-01-31', 'SVC-A', 1200, 800, 600, 5, 3),
      snapshot('2017-01-31', 'SVC-B', 0, 0, 0, 0, 0)
    ]);
  });
});

describe('the same tables in other formats', () => {
  test('sheets of one XLSX workbook, with real Excel date cells, serial numbers, numbers and booleans', async () => {
    const scratch = await scratchWarehouse();
    const day = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('programme').addRows([
      ['Programme', 'Launched on'],
      ['Test Programme', day(2016, 1, 4)]
    ]);
    workbook.addWorksheet('services').addRows([
      [
        'Service ID',
        'Service name',
        'Organisation',
        'Setting',
        'Specialty',
        'Sensitive',
        'In original bid',
        'Approached on',
        'Planned live on',
        'Live on'
      ],
      [
        'SVC-A',
        'Alpha clinic',
        'North Trust',
        'acute',
        'cardiology',
        false,
        'yes',
        day(2016, 1, 4),
        '01/03/2016',
        42415
      ],
      [
        'SVC-B',
        'Beta team',
        'South Trust',
        'mental health',
        'psychosis',
        true,
        false,
        '2016-05-02',
        day(2016, 9, 1),
        day(2016, 10, 3)
      ],
      [
        'SVC-C',
        'Gamma practice',
        'Central Group',
        'primary care',
        'general practice',
        'no',
        'no',
        day(2016, 11, 7),
        day(2017, 4, 3),
        null
      ]
    ]);
    workbook.addWorksheet('features').addRows([
      ['Service ID', 'Feature', 'Category', 'Enabled', 'Enabled on'],
      ['SVC-A', 'general library', 'core', '✓', day(2016, 2, 15)],
      ['SVC-B', 'general library', 'core', true, 42646]
    ]);
    workbook.addWorksheet('uptake').addRows([
      ['As of', 'Service ID', 'Approached', 'Consented', 'Registered', 'Shared with carer', 'Shared with professional'],
      [day(2017, 1, 31), 'SVC-A', 100, 80, 60, 5, 3],
      [42766, 'SVC-B', 20, 12, 9, 0, 1]
    ]);
    const book = join(scratch.folder, 'cie-workbook.xlsx');
    await workbook.xlsx.writeFile(book);

    const report = await scratch.load([book]);
    expect(report.problems).toEqual([]);
    expect(report.loaded).toEqual([
      expect.objectContaining({
        file: 'cie-workbook.xlsx',
        kind: 'programme, services, features, uptake',
        rows: 8,
        asOf: '2017-01-31'
      })
    ]);
    expect(await programmes(scratch)).toEqual([{ programme: 'Test Programme', launched_on: '2016-01-04' }]);
    expect(await services(scratch)).toEqual(VALID_SERVICES);
    expect(await features(scratch)).toEqual([
      { service_id: 'SVC-A', feature: 'general library', category: 'core', enabled: true, enabled_on: '2016-02-15' },
      { service_id: 'SVC-B', feature: 'general library', category: 'core', enabled: true, enabled_on: '2016-10-03' }
    ]);
    expect(await snapshots(scratch)).toEqual(VALID_JANUARY);
  });

  test('JSON: an object of named tables, and an array of rows named by its file', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('json')]);
    expect(report.problems).toEqual([]);
    expect(report.loaded.map((f) => [f.file, f.kind, f.rows, f.asOf])).toEqual([
      ['cie-export.json', 'programme, services, features, uptake', 6, '2017-01-31'],
      ['uptake-2017-02-06.json', 'uptake', 2, '2017-02-06']
    ]);
    expect(await programmes(scratch)).toEqual([{ programme: 'Test Programme', launched_on: '2016-01-04' }]);
    expect(await services(scratch)).toEqual([
      service(
        'SVC-A',
        'Alpha clinic',
        'North Trust',
        'acute',
        'cardiology',
        false,
        true,
        '2016-01-04',
        '2016-03-01',
        '2016-02-15'
      ),
      service('SVC-B', 'Beta team', 'South Trust', 'mental health', null, true, false, '2016-05-02', null, null)
    ]);
    expect(await features(scratch)).toEqual([
      { service_id: 'SVC-A', feature: 'general library', category: 'core', enabled: true, enabled_on: '2016-02-15' },
      { service_id: 'SVC-B', feature: 'general library', category: 'core', enabled: false, enabled_on: null }
    ]);
    expect(await snapshots(scratch)).toEqual([
      snapshot('2017-01-31', 'SVC-A', 100, 80, 60, 5, 3),
      snapshot('2017-02-06', 'SVC-A', 104, 83, 62, 5, 4, 900),
      snapshot('2017-02-06', 'SVC-B', 0, 0, 0, 0, 0)
    ]);
  });
});
