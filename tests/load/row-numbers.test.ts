/**
 * A problem's row is the row a person finds in a spreadsheet (header = row 1), whatever the format: CSV records are
 * counted past blank lines (read_csv skips them) and across a quoted line break (one record, one row), workbook rows
 * keep their sheet numbers past empty rows, JSON records count from row 2.
 */
import ExcelJS from 'exceljs';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fixture, scratchWarehouse } from './helpers/scratch-warehouse.ts';

const HEADER = [
  'as_of',
  'service_id',
  'approached',
  'consented',
  'registered',
  'shared_with_carer',
  'shared_with_professional'
];
const where = (problems: { file: string; row: number | null; column: string | null; rule: string }[]) =>
  problems.map((p) => `${p.file}:${p.row}:${p.column} ${p.rule}`);

async function withServices() {
  const scratch = await scratchWarehouse();
  const services = join(scratch.folder, 'services.csv');
  copyFileSync(fixture('valid', 'services.csv'), services);
  return { scratch, services };
}

test('CSV: blank lines inside the file and a quoted line break', async () => {
  const { scratch, services } = await withServices();
  const uptake = join(scratch.folder, 'uptake-2017-01-31.csv');
  writeFileSync(
    uptake,
    [
      HEADER.join(','), //                                   row 1
      '2017-01-31,SVC-A,100,80,60,5,3', //                    row 2
      '', //                                                  row 3
      '', //                                                  row 4
      '2017-01-31,SVC-B,20,12,90,0,1', //                     row 5: registered > consented
      '2017-01-31,"SVC-\nC",2,1,1,0,0', //                    row 6: one record over two lines, unknown id
      '2017-01-31,SVC-C,2,1,9,0,1', //                        row 7: registered > consented
      '',
      ''
    ].join('\r\n')
  );
  const report = await scratch.load([services, uptake]);
  expect(where(report.problems)).toEqual([
    'uptake-2017-01-31.csv:5:registered registered-over-consented',
    'uptake-2017-01-31.csv:7:registered registered-over-consented',
    'uptake-2017-01-31.csv:6:service_id unknown-service'
  ]);
});

test('CSV without inner blank lines: rows by position, trailing blank lines ignored', async () => {
  const { scratch, services } = await withServices();
  const uptake = join(scratch.folder, 'uptake-2017-01-31.csv');
  writeFileSync(
    uptake,
    [HEADER.join(','), '2017-01-31,SVC-A,100,80,60,5,3', '2017-01-31,SVC-B,20,12,90,0,1', '', '', ''].join('\n')
  );
  const report = await scratch.load([services, uptake]);
  expect(where(report.problems)).toEqual(['uptake-2017-01-31.csv:3:registered registered-over-consented']);
});

test('XLSX: the sheet row, past an empty row', async () => {
  const scratch = await scratchWarehouse();
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('services').addRows([
    [
      'service_id',
      'service_name',
      'organisation',
      'setting',
      'sensitive',
      'in_original_bid',
      'approached_on',
      'live_on'
    ],
    ['SVC-A', 'Alpha clinic', 'North Trust', 'acute', 'no', 'yes', '2016-01-04', '2016-02-15']
  ]);
  const sheet = workbook.addWorksheet('uptake');
  sheet.addRows([HEADER, ['2017-01-31', 'SVC-A', 100, 80, 60, 5, 3]]);
  sheet.getRow(4).values = ['2017-02-06', 'SVC-A', 100, 80, 60, 61, 3]; // row 3 left empty
  const book = join(scratch.folder, 'book.xlsx');
  await workbook.xlsx.writeFile(book);
  const report = await scratch.load([book]);
  expect(where(report.problems)).toEqual(['book.xlsx#uptake:4:shared_with_carer shared-over-registered']);
});

test('JSON: the first record is row 2', async () => {
  const { scratch, services } = await withServices();
  const uptake = join(scratch.folder, 'uptake-2017-01-31.json');
  const record = (service_id: string, registered: number) => ({
    as_of: '2017-01-31',
    service_id,
    approached: 20,
    consented: 12,
    registered,
    shared_with_carer: 0,
    shared_with_professional: 0
  });
  writeFileSync(uptake, JSON.stringify([record('SVC-A', 10), record('SVC-B', 13)]));
  const report = await scratch.load([services, uptake]);
  expect(where(report.problems)).toEqual(['uptake-2017-01-31.json:3:registered registered-over-consented']);
});
