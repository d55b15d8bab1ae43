/**
 * The file-level checks: empty files, files over the size limit, names no table matches (a file,
 * an XLSX sheet) and formats Uptake does not read. Files whose exact bytes matter are written here, in the test's own
 * temporary folder.
 */
import ExcelJS from 'exceljs';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LoadUsageError } from '../../pipeline/load/load.ts';
import { error, expectRejected } from './helpers/expect-rejected.ts';
import { fixture, scratchWarehouse } from './helpers/scratch-warehouse.ts';

const UPTAKE = 'uptake-2017-01-31.csv';
const UPTAKE_HEADER = 'as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional\n';

/** A scratch warehouse with the valid services.csv copied into its folder, beside which a test writes its bad file. */
async function withServices() {
  const scratch = await scratchWarehouse();
  const services = join(scratch.folder, 'services.csv');
  copyFileSync(fixture('valid', 'services.csv'), services);
  return { scratch, services };
}

describe('empty files', () => {
  test('0 bytes', async () => {
    const { scratch, services } = await withServices();
    const empty = join(scratch.folder, UPTAKE);
    writeFileSync(empty, '');
    const report = await scratch.load([services, empty]);
    await expectRejected(
      scratch,
      report,
      [error(UPTAKE, null, null, null, 'empty-file', 'The file is empty: it has no header and no rows.')],
      ['services.csv', UPTAKE]
    );
  });

  test('nothing but blank lines counts as empty too', async () => {
    const { scratch, services } = await withServices();
    const blank = join(scratch.folder, UPTAKE);
    writeFileSync(blank, '\uFEFF\r\n\r\n');
    const report = await scratch.load([services, blank]);
    await expectRejected(
      scratch,
      report,
      [error(UPTAKE, null, null, null, 'empty-file', 'The file is empty: it has no header and no rows.')],
      ['services.csv', UPTAKE]
    );
  });

  test('a header and no rows', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('header-only')]);
    await expectRejected(
      scratch,
      report,
      [error(UPTAKE, null, null, null, 'empty-file', 'The file has a header but no rows: there is nothing to load.')],
      ['services.csv', UPTAKE]
    );
  });
});

test('a file over the size limit is refused before it is read', async () => {
  const { scratch, services } = await withServices();
  const big = join(scratch.folder, UPTAKE);
  // 1.5 MiB of well-formed rows: the limit alone must reject it.
  const row = '2017-01-31,SVC-A,100,80,60,5,3\n';
  const body = UPTAKE_HEADER + row.repeat(Math.ceil((1.5 * 1048576) / row.length));
  writeFileSync(big, body.slice(0, 1.5 * 1048576));
  const report = await scratch.load([services, big], { maxBytes: 1048576 });
  await expectRejected(
    scratch,
    report,
    [
      error(
        UPTAKE,
        null,
        null,
        null,
        'file-too-large',
        'The file is 1.5 MB; the limit is 1 MB (set UPTAKE_MAX_FILE_MB to change it).'
      )
    ],
    ['services.csv', UPTAKE]
  );
});

describe('names and formats', () => {
  test('a file whose name no template starts with', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load([fixture('unknown-file-name')]);
    await expectRejected(
      scratch,
      report,
      [
        error(
          'appointments.csv',
          null,
          null,
          null,
          'unknown-file',
          'Profile "uptake-templates" has no table called "appointments": file names must start with one of programme, services, features, uptake.'
        )
      ],
      ['appointments.csv', 'services.csv']
    );
  });

  test('a workbook sheet whose name no template starts with', async () => {
    const scratch = await scratchWarehouse();
    const workbook = new ExcelJS.Workbook();
    const services = workbook.addWorksheet('services');
    services.addRow([
      'service_id',
      'service_name',
      'organisation',
      'setting',
      'sensitive',
      'in_original_bid',
      'approached_on',
      'live_on'
    ]);
    services.addRow(['SVC-A', 'Alpha clinic', 'North Trust', 'acute', 'no', 'yes', '2016-01-04', '2016-02-15']);
    const notes = workbook.addWorksheet('Sheet1');
    notes.addRow(['Notes']);
    notes.addRow(['Figures checked by the project manager']);
    const book = join(scratch.folder, 'cie-workbook.xlsx');
    await workbook.xlsx.writeFile(book);

    const report = await scratch.load([book]);
    await expectRejected(
      scratch,
      report,
      [
        error(
          'cie-workbook.xlsx#Sheet1',
          null,
          null,
          null,
          'unknown-sheet',
          'Profile "uptake-templates" has no table called "Sheet1": sheet names must start with one of programme, services, features, uptake.'
        )
      ],
      ['cie-workbook.xlsx']
    );
  });

  test('a format Uptake does not read', async () => {
    const scratch = await scratchWarehouse();
    const folder = fixture('unsupported-extension');
    const report = await scratch.load([join(folder, 'services.csv'), join(folder, 'uptake-2017-01-31.txt')]);
    await expectRejected(
      scratch,
      report,
      [
        error(
          'uptake-2017-01-31.txt',
          null,
          null,
          null,
          'unknown-file',
          'Uptake reads .csv, .tsv, .xlsx, .json files; ".txt" is not one of them.'
        )
      ],
      ['services.csv', 'uptake-2017-01-31.txt']
    );
  });

  test('a folder takes only the formats Uptake reads, and one with none of them is a usage error', async () => {
    const scratch = await scratchWarehouse();
    // The .txt beside services.csv is left alone when the folder is given.
    const report = await scratch.load([fixture('unsupported-extension')]);
    expect(report.outcome).toBe('loaded');
    expect(report.loaded.map((f) => f.file)).toEqual(['services.csv']);

    const onlyText = join(scratch.folder, 'notes');
    mkdirSync(onlyText);
    writeFileSync(join(onlyText, 'README.txt'), 'not data');
    await expect(scratch.load([onlyText])).rejects.toThrow(LoadUsageError);
    await expect(scratch.load([onlyText])).rejects.toThrow(`The folder ${onlyText} holds no CSV, XLSX or JSON files.`);
  });
});
