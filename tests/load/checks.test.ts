/**
 * The row and column checks, one test each. Every case is a folder in tests/fixtures/load/ holding
 * the three-service services.csv of the `valid` case plus the file that breaks one rule; the expected problem names
 * the file, row (header = row 1), column, value as written, rule and message.
 */
import { describe, expect, test } from 'vitest';
import { formatProblem } from '../../pipeline/load/load.ts';
import { error, expectRejected, warning } from './helpers/expect-rejected.ts';
import { fixture, scratchWarehouse } from './helpers/scratch-warehouse.ts';

const UPTAKE = 'uptake-2017-01-31.csv';
const BOTH = ['services.csv', UPTAKE];

async function loadCase(name: string) {
  const scratch = await scratchWarehouse();
  return { scratch, report: await scratch.load([fixture(name)]) };
}

describe('each check rejects the batch and names file, row, column and value', () => {
  test('a required column is missing', async () => {
    const { scratch, report } = await loadCase('missing-column');
    await expectRejected(
      scratch,
      report,
      [
        error(
          UPTAKE,
          null,
          'consented',
          null,
          'missing-column',
          'The required column "consented" is missing (accepted names: "consented").'
        )
      ],
      BOTH
    );
  });

  test('an uptake row names a service that no services file has', async () => {
    const { scratch, report } = await loadCase('unknown-service');
    await expectRejected(
      scratch,
      report,
      [
        error(
          UPTAKE,
          3,
          'service_id',
          'SVC-Z',
          'unknown-service',
          'No service has the id "SVC-Z": load it in a services file first (or in the same batch).'
        )
      ],
      BOTH
    );
  });

  test('the same key twice within one file', async () => {
    const { scratch, report } = await loadCase('duplicate-in-file');
    await expectRejected(
      scratch,
      report,
      [
        error(
          UPTAKE,
          4,
          'as_of, service_id',
          '2017-01-31, SVC-A',
          'duplicate-key',
          'The same as_of and service_id (2017-01-31, SVC-A) is already on row 2.'
        )
      ],
      BOTH
    );
  });

  test('the same key in two files of one batch', async () => {
    const { scratch, report } = await loadCase('duplicate-across-files');
    // Files are taken in name order, so "north" holds the first SVC-B row and "south" the duplicate.
    await expectRejected(
      scratch,
      report,
      [
        error(
          'uptake-2017-01-31-south.csv',
          2,
          'as_of, service_id',
          null,
          'duplicate-key',
          'The same as_of and service_id is also in uptake-2017-01-31-north.csv: one batch may hold it once.'
        )
      ],
      ['services.csv', 'uptake-2017-01-31-north.csv', 'uptake-2017-01-31-south.csv']
    );
  });

  test('dates that do not exist: 31/02/2017 and 2017-13-01', async () => {
    const { scratch, report } = await loadCase('unparseable-date');
    await expectRejected(
      scratch,
      report,
      [
        error(
          'services.csv',
          2,
          'approached_on',
          '31/02/2017',
          'unparseable-date',
          'approached_on must be a date as YYYY-MM-DD, DD/MM/YYYY or an Excel date.'
        ),
        error(
          UPTAKE,
          3,
          'as_of',
          '2017-13-01',
          'unparseable-date',
          'as_of must be a date as YYYY-MM-DD, DD/MM/YYYY or an Excel date.'
        )
      ],
      BOTH
    );
  });

  test('counts that are not whole numbers: "3.5" and "twelve"', async () => {
    const { scratch, report } = await loadCase('unparseable-number');
    await expectRejected(
      scratch,
      report,
      [
        error(UPTAKE, 2, 'approached', '3.5', 'not-a-count', 'approached must be a whole number.'),
        error(UPTAKE, 3, 'consented', 'twelve', 'not-a-count', 'consented must be a whole number.')
      ],
      BOTH
    );
  });

  test('a negative count', async () => {
    const { scratch, report } = await loadCase('negative-count');
    await expectRejected(
      scratch,
      report,
      [
        error(
          UPTAKE,
          2,
          'shared_with_carer',
          '-1',
          'negative-count',
          'shared_with_carer is a count of patients and cannot be negative.'
        )
      ],
      BOTH
    );
  });

  test('registered > consented', async () => {
    const { scratch, report } = await loadCase('registered-over-consented');
    await expectRejected(
      scratch,
      report,
      [
        error(
          UPTAKE,
          2,
          'registered',
          '60',
          'registered-over-consented',
          'registered (60) is more than consented (50): registered patients must be among the consented.'
        )
      ],
      BOTH
    );
  });

  test('consented > approached', async () => {
    const { scratch, report } = await loadCase('consented-over-approached');
    await expectRejected(
      scratch,
      report,
      [
        error(
          UPTAKE,
          2,
          'consented',
          '50',
          'consented-over-approached',
          'consented (50) is more than approached (40): consented patients must be among the approached.'
        )
      ],
      BOTH
    );
  });

  test('shared_with_carer > registered and shared_with_professional > registered', async () => {
    const { scratch, report } = await loadCase('shared-over-registered');
    await expectRejected(
      scratch,
      report,
      [
        error(
          UPTAKE,
          2,
          'shared_with_carer',
          '61',
          'shared-over-registered',
          'shared_with_carer (61) is more than registered (60): shared_with_carer patients must be among the registered.'
        ),
        error(
          UPTAKE,
          3,
          'shared_with_professional',
          '10',
          'shared-over-registered',
          'shared_with_professional (10) is more than registered (9): shared_with_professional patients must be among the registered.'
        )
      ],
      BOTH
    );
  });

  test('live_on before approached_on', async () => {
    const { scratch, report } = await loadCase('live-before-approached');
    await expectRejected(
      scratch,
      report,
      [
        error(
          'services.csv',
          2,
          'live_on',
          '2015-12-14',
          'live-before-approached',
          'live_on (14/12/2015) is before approached_on (04/01/2016): a service goes live after it is approached.'
        )
      ],
      ['services.csv']
    );
  });

  test('a service live after the latest snapshot of its batch', async () => {
    const { scratch, report } = await loadCase('live-after-as-of');
    await expectRejected(
      scratch,
      report,
      [
        error(
          'services.csv',
          4,
          'live_on',
          '2017-03-01',
          'date-after-as-of',
          'live_on (01/03/2017) is after the as-of date of this load (31/01/2017): it cannot have happened yet.'
        )
      ],
      BOTH
    );
  });

  test('a snapshot dated after today', async () => {
    const { scratch, report } = await loadCase('as-of-in-future');
    await expectRejected(
      scratch,
      report,
      [
        error(
          'uptake-2026-12-31.csv',
          2,
          'as_of',
          '2026-12-31',
          'date-after-as-of',
          'The as-of date 31/12/2026 is in the future (today is 25/11/2026).'
        )
      ],
      ['services.csv', 'uptake-2026-12-31.csv']
    );
  });
});

describe('the problem as people read it', () => {
  test('file:row:column: "value" — message (rule)', async () => {
    const { report } = await loadCase('unknown-service');
    expect(report.problems.map(formatProblem)).toEqual([
      'uptake-2017-01-31.csv:3:service_id: "SVC-Z" — No service has the id "SVC-Z": load it in a services file first (or in the same batch). (unknown-service)'
    ]);
  });

  test('a problem without row, column or value keeps only what it has; a warning says so', () => {
    expect(
      formatProblem(
        error(
          'uptake.csv',
          null,
          null,
          null,
          'empty-file',
          'The file has a header but no rows: there is nothing to load.'
        )
      )
    ).toBe('uptake.csv: — The file has a header but no rows: there is nothing to load. (empty-file)');
    expect(formatProblem(warning('uptake.csv', 2, null, null, 'supersedes', 'Newer figures.'))).toBe(
      'uptake.csv:2: — warning: Newer figures. (supersedes)'
    );
    expect(formatProblem(error('book.xlsx#uptake', 7, 'as_of', '', 'unparseable-date', 'Bad date.'))).toBe(
      'book.xlsx#uptake:7:as_of: "" — Bad date. (unparseable-date)'
    );
  });
});
