/**
 * The fast path: a CSV's dates are parsed by read_csv itself when the first rows share one format (stage.ts). A cell
 * after those rows in another format, or not a date at all, must still load or be reported exactly as the text path
 * does: these files put that cell past the rows sampled to choose the format.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { error, expectRejected } from './helpers/expect-rejected.ts';
import { fixture, scratchWarehouse } from './helpers/scratch-warehouse.ts';

const UPTAKE = 'uptake-2017-01-31.csv';
const ROWS = 3000;
const SERVICES = ['SVC-A', 'SVC-B', 'SVC-C'];
const two = (n: number) => String(n).padStart(2, '0');

/** ROWS uptake rows, three services a day from 1 March 2015, dates as dd/mm/yyyy except where `at` says. */
function writeBatch(folder: string, at: Record<number, string> = {}): string[] {
  copyFileSync(fixture('valid', 'services.csv'), join(folder, 'services.csv'));
  const lines = ['as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional'];
  for (let k = 0; k < ROWS; k++) {
    const day = new Date(Date.UTC(2015, 2, 1 + Math.floor(k / 3)));
    const row = k + 2;
    const date = at[row] ?? `${two(day.getUTCDate())}/${two(day.getUTCMonth() + 1)}/${day.getUTCFullYear()}`;
    lines.push(`${date},${SERVICES[k % 3]},${10 + k},8,6,1,1`);
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
