/**
 * Sorting must not leak what disclosure control hides. A funder who downloads /download/services.csv sorted by a
 * patient count in both directions used to get the rows ordered by the exact counts, so the rows that all show `*`
 * came out in the order of their hidden values; with the published rounded totals that recovers them exactly.
 * For funders and the public, rows are ordered by what is shown (ties by name, the same tie order in both directions).
 * Figures from the demo programme (data/demo/uptake-2017-02-06.csv).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Papa from 'papaparse';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDemoWarehouse } from '../helpers/demo-fixture.ts';
import { parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { figureById } from '../../pipeline/dashboard/figures.ts';
import { figureCsv } from '../../pipeline/dashboard/controlled.ts';
import { SERVICE_COLUMNS } from '../../pipeline/dashboard/services.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let connection: DuckDBConnection;

beforeAll(async () => {
  demo = await openDemoWarehouse();
  connection = demo.warehouse.connection;
});
afterAll(() => demo?.dispose());

/** What the download route does with /download/<id>.csv?<query>&audience=funder, as rows of fields. */
async function funderCsvRows(id: string, query: string): Promise<string[][]> {
  const params = new URLSearchParams(query);
  const filters = await resolveFilters(connection, parseFilters(params));
  const csv = figureCsv((await figureById(connection, id, filters, params)).table, 'funder');
  const lines = Papa.parse<string[]>(csv.trimEnd(), { skipEmptyLines: false }).data;
  return lines.slice(1, -2); // without the heading, the blank line and the footnote
}

const NAME = 0;
const CARER = SERVICE_COLUMNS.findIndex((c) => c.key === 'shared_with_carer');

describe('the services download for a funder', () => {
  test('sorting by carer sharing in both directions puts the rows showing * in the same order (by name)', async () => {
    const asc = await funderCsvRows('services', 'sort=shared_with_carer&dir=asc');
    const desc = await funderCsvRows('services', 'sort=shared_with_carer&dir=desc');
    // Exact carer sharing 1, 3, 4, 6, 3, 2, 1 for these seven services: every one shows *.
    const starred = (rows: string[][]) => rows.filter((r) => r[CARER] === '*').map((r) => r[NAME]);
    const expected = [
      'Colposcopy',
      'Early Intervention in Psychosis',
      'Haematology',
      'Interstitial lung disease',
      'Neuro-oncology',
      'Renal',
      'Rheumatology'
    ];
    expect(starred(asc)).toEqual(expected);
    expect(starred(desc)).toEqual(expected);
    // Ascending: the six services showing 0 first (by name), then the seven showing *; descending the other way round.
    expect(asc.map((r) => r[CARER])).toEqual([...Array(6).fill('0'), ...Array(7).fill('*')]);
    expect(desc.map((r) => r[CARER])).toEqual([...Array(7).fill('*'), ...Array(6).fill('0')]);
  });

  test('for every column and direction, the rows are the controlled rows sorted by what they show', async () => {
    const unsorted = await funderCsvRows('services', '');
    for (const [i, column] of SERVICE_COLUMNS.entries()) {
      for (const dir of ['asc', 'desc'] as const) {
        const rows = await funderCsvRows('services', `sort=${column.key}&dir=${dir}`);
        const label = `${column.key} ${dir}`;
        // The same rows (as a multiset) whatever the order asked for...
        expect([...rows].sort(byText), label).toEqual([...unsorted].sort(byText));
        // ...in the order that follows from the shown cells alone.
        expect(rows, label).toEqual(referenceSort(unsorted, i, dir, column.kind));
      }
    }
  });

  test('the uptake funnel (ordered by patients approached) is ordered by the controlled count', async () => {
    const rows = await funderCsvRows('uptake-funnel', '');
    // Approached 400, 160, 130, 100, 70, 60, 40, 40, then five services with 0; controlled: 400, 160, 130, 100, 70,
    // 60, 40, 40 (multiples of 5 stay as they are), ties by name.
    expect(rows.map((r) => `${r[0]}: ${r[1]}`)).toEqual([
      'Colposcopy: 400',
      'Renal: 160',
      'Rheumatology: 130',
      'Haematology: 100',
      'Interstitial lung disease: 70',
      'Neuro-oncology: 60',
      'Early Intervention in Psychosis: 40',
      'Hepatology: 40',
      'Diabetes: 0',
      'Elderly care: 0',
      'HIV: 0',
      'Respiratory medicine: 0',
      'West London GP practice group: 0'
    ]);
  });
});

function byText(a: string[], b: string[]): number {
  const x = a.join('\u0000');
  const y = b.join('\u0000');
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * An independent statement of the rule, over the CSV's shown text only: numbers by value, `*` in a patient count
 * just above 0 (other `*` after the numbers), blanks last in both directions, ties by name then by every cell.
 */
function referenceSort(rows: string[][], column: number, dir: 'asc' | 'desc', kind: string): string[][] {
  const numeric = kind === 'integer' || kind === 'decimal' || kind === 'percent';
  const key = (cell: string): [number, number | string] => {
    if (cell === '') return [2, 0];
    if (!numeric) return [0, cell];
    if (cell === '*') return kind === 'integer' ? [0, 0.5] : [1, 0];
    return [0, Number(cell.replace(/[,%]/g, ''))];
  };
  const sign = dir === 'desc' ? -1 : 1;
  return [...rows].sort((a, b) => {
    const [ga, va] = key(a[column]);
    const [gb, vb] = key(b[column]);
    if (ga !== gb) return ga - gb;
    if (va !== vb) return sign * (va < vb ? -1 : 1);
    return byText(a, b);
  });
}
