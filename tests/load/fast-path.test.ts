/**
 * The fast path: a CSV's dates are parsed by read_csv itself when the first rows share one format (stage.ts). A cell
 * after those rows in another format, or not a date at all, must still load or be reported exactly as the text path
 * does: these files put that cell past the rows sampled to choose the format.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { plainNumbers } from '../../pipeline/load/readers/csv.ts';
import { error, expectRejected } from './helpers/expect-rejected.ts';
import { fixture, scratchWarehouse } from './helpers/scratch-warehouse.ts';

const UPTAKE = 'uptake-2017-01-31.csv';
const ROWS = 3000;
const SERVICES = ['SVC-A', 'SVC-B', 'SVC-C'];
const two = (n: number) => String(n).padStart(2, '0');

/**
 * ROWS uptake rows, each service once a day from 1 March 2015, dates as dd/mm/yyyy except where `at` says; `approached`
 * is 10 + k on the k-th row, or what `approached` says.
 */
function writeBatch(
  folder: string,
  at: Record<number, string> = {},
  approached: Record<number, string> = {},
  services = SERVICES
): string[] {
  copyFileSync(fixture('valid', 'services.csv'), join(folder, 'services.csv'));
  const lines = ['as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional'];
  for (let k = 0; k < ROWS; k++) {
    const day = new Date(Date.UTC(2015, 2, 1 + Math.floor(k / services.length)));
    const row = k + 2;
    const date = at[row] ?? `${two(day.getUTCDate())}/${two(day.getUTCMonth() + 1)}/${day.getUTCFullYear()}`;
    lines.push(`${date},${services[k % services.length]},${approached[row] ?? 10 + k},8,6,1,1`);
  }
  writeFileSync(join(folder, UPTAKE), lines.join('\n') + '\n');
  return [join(folder, 'services.csv'), join(folder, UPTAKE)];
}

describe('dates past the sampled rows', () => {
  test('an ISO date among dd/mm/yyyy ones loads as that date', async () => {
    const scratch = await scratchWarehouse();
    // Row 2,901 is k = 2,899: day 966 after 1 March 2015 is 22 October 2017, service SVC-B; written ISO instead.
    const report = await scratch.load(writeBatch(scratch.folder, { 2901: '2017-10-22' }));
    expect(report.outcome).toBe('loaded');
    expect(report.loaded.map((f) => f.rows)).toEqual([3, ROWS]);
    expect(
      await scratch.rows(
        `SELECT as_of::VARCHAR AS as_of, service_id, approached FROM snapshot WHERE approached IN (2908, 2909, 2910) ORDER BY approached`
      )
    ).toEqual([
      { as_of: '2017-10-22', service_id: 'SVC-A', approached: 2908 },
      { as_of: '2017-10-22', service_id: 'SVC-B', approached: 2909 },
      { as_of: '2017-10-22', service_id: 'SVC-C', approached: 2910 }
    ]);
    expect((await scratch.rows(`SELECT count(DISTINCT as_of)::INTEGER AS n FROM snapshot`))[0]).toEqual({
      n: ROWS / 3
    });
  });

  test('a date that does not exist is reported on its row', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load(writeBatch(scratch.folder, { 2901: '31/02/2017' }));
    await expectRejected(
      scratch,
      report,
      [
        error(
          UPTAKE,
          2901,
          'as_of',
          '31/02/2017',
          'unparseable-date',
          'as_of must be a date as YYYY-MM-DD, DD/MM/YYYY or an Excel date.'
        )
      ],
      ['services.csv', UPTAKE]
    );
  });

  test('a date cell of spaces only is a blank as_of', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load(writeBatch(scratch.folder, { 2500: '   ' }));
    await expectRejected(
      scratch,
      report,
      [error(UPTAKE, 2500, 'as_of', null, 'required-value', 'as_of must not be blank.')],
      ['services.csv', UPTAKE]
    );
  });
});

describe('counts parsed by read_csv', () => {
  // Services A and C only, so that the file has no byte that keeps read_csv from parsing counts (the B of SVC-B is one).
  const AC = ['SVC-A', 'SVC-C'];

  test('plainNumbers: the header is not searched; CRLF line ends are plain, a sign, point, e, tab or lone CR is not', async () => {
    const scratch = await scratchWarehouse();
    const cases: [string, boolean][] = [
      ['as_of,service_id,approached\n2017-01-31,SVC-A,12\n', true],
      ['as_of,service_id,approached\r\n2017-01-31,SVC-A,12\r\n', true],
      ['as_of,service_id,approached\n2017-01-31,SVC-A,+12\n', false],
      ['as_of,service_id,approached\n2017-01-31,SVC-A,3.5\n', false],
      ['as_of,service_id,approached\n2017-01-31,SVC-A,1e2\n', false],
      ['as_of,service_id,approached\n2017-01-31,SVC-A,\t12\n', false],
      ['as_of,service_id,approached\n2017-01-31,SVC-A,12\r2017-01-31,SVC-C,1\n', false]
    ];
    const found = [];
    for (const [i, [text]] of cases.entries()) {
      writeFileSync(join(scratch.folder, `case-${i}.csv`), text);
      found.push(await plainNumbers(join(scratch.folder, `case-${i}.csv`)));
    }
    expect(found).toEqual(cases.map(([, plain]) => plain));
  });

  test('a count in thousands (quoted "9,999") past the sampled rows loads as 9999', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load(writeBatch(scratch.folder, {}, { 2901: '"9,999"' }, AC));
    expect(report.outcome).toBe('loaded');
    expect(await scratch.rows(`SELECT count(*)::INTEGER AS n FROM snapshot WHERE approached = 9999`)).toEqual([
      { n: 1 }
    ]);
  });

  test('"+12" and "3.5" are not counts, wherever they are', async () => {
    const scratch = await scratchWarehouse();
    const report = await scratch.load(writeBatch(scratch.folder, {}, { 2600: '+12', 2901: '3.5' }, AC));
    await expectRejected(
      scratch,
      report,
      [
        error(UPTAKE, 2600, 'approached', '+12', 'not-a-count', 'approached must be a whole number.'),
        error(UPTAKE, 2901, 'approached', '3.5', 'not-a-count', 'approached must be a whole number.')
      ],
      ['services.csv', UPTAKE]
    );
  });
});
