/**
 * Dashboard CSV exports for funders and the public: every table goes through disclosure control with
 * the column kinds its figure declares, and through the one CSV writer (pipeline/disclosure/csv.ts).
 * Figures from the demo programme (data/demo/), as of 2017-02-06.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Papa from 'papaparse';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDemoWarehouse } from '../helpers/demo-fixture.ts';
import { parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { FIGURE_IDS, figureById } from '../../pipeline/dashboard/figures.ts';
import { columnSpec, controlFigureTable, figureCsv } from '../../pipeline/dashboard/controlled.ts';
import type { DataTable, Figure } from '../../pipeline/dashboard/table.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let connection: DuckDBConnection;

beforeAll(async () => {
  demo = await openDemoWarehouse();
  connection = demo.warehouse.connection;
});
afterAll(() => demo?.dispose());

async function figure(id: string): Promise<Figure> {
  const filters = await resolveFilters(connection, parseFilters(new URLSearchParams()));
  return figureById(connection, id, filters, new URLSearchParams(id === 'service-history' ? 'service=CNWL-EIP' : ''));
}

/** The CSV as rows of fields (the BOM-less text figureCsv returns), without the blank line and footnote. */
function parse(csv: string): { heading: string[]; rows: string[][]; note: string } {
  const lines = Papa.parse<string[]>(csv.trimEnd(), { skipEmptyLines: false }).data;
  return { heading: lines[0], rows: lines.slice(1, -2), note: lines.at(-1)![0] };
}

describe('the uptake funnel for a funder', () => {
  test('psychosis: 15 consented stays 15, 12 registered shows 10, so 67% registered (exact: 80%)', async () => {
    const { heading, rows, note } = parse(figureCsv((await figure('uptake-funnel')).table, 'funder'));
    expect(heading).toEqual([
      'Service',
      'Approached',
      'Consented',
      'Registered',
      'Sharing with a carer',
      'Sharing with a professional',
      'Consented of approached',
      'Registered of consented'
    ]);
    // Exact (data/demo uptake-2017-02-06.csv): approached 40, consented 15, registered 12, 1 sharing with a carer.
    // Controlled: 40, 15, 10, * (1 is in 1–7), 0 stays 0; 15 / 40 = 37.5% → 38%; 10 / 15 = 66.7% → 67%.
    expect(rows.find((r) => r[0] === 'Early Intervention in Psychosis')).toEqual([
      'Early Intervention in Psychosis',
      '40',
      '15',
      '10',
      '*',
      '0',
      '38%',
      '67%'
    ]);
    expect(note).toBe(
      'Note: Small numbers are controlled to protect patient confidentiality (profile: nhs-digital, based on the rules NHS ' +
        'Digital uses for hospital data). * means a count of between 1 and 7 patients. Other counts of patients are rounded to ' +
        'the nearest 5; 0 means none. Totals are worked out from the exact figures and then rounded, so they may not ' +
        'equal the sum of the rounded figures shown. Percentages are worked out from the rounded figures, and are not ' +
        'shown (*) when either figure behind them is *. Percentages have one decimal place only when they are out of ' +
        '4,000 or more. Counts of services are exact.'
    );
  });

  test('the committee gets the exact figures through the same writer, and a footnote saying so', async () => {
    const { rows, note } = parse(figureCsv((await figure('uptake-funnel')).table, 'committee'));
    expect(rows.find((r) => r[0] === 'Early Intervention in Psychosis')).toEqual([
      'Early Intervention in Psychosis',
      '40',
      '15',
      '12',
      '1',
      '0',
      '38%',
      '80%'
    ]);
    expect(note).toBe(
      'Note: Exact figures (profile: none): no disclosure control has been applied. For the steering committee and ' +
        'researchers only; do not publish or pass to funders.'
    );
  });
});

describe('every figure a funder can download', () => {
  test('shows no patient count of 1 to 7, and every shown patient count is a multiple of 5', async () => {
    let patientCells = 0;
    for (const id of FIGURE_IDS) {
      const { table } = await figure(id);
      const { heading, rows, note } = parse(figureCsv(table, 'funder'));
      expect(note, id).toContain('(profile: nhs-digital');
      expect(heading, id).toEqual(table.columns.map((c) => c.label));
      const patientColumns = table.columns
        .map((c, i) => ({ i, kind: columnSpec(c).kind }))
        .filter((c) => c.kind === 'patient-count')
        .map((c) => c.i);
      for (const row of rows) {
        for (const i of patientColumns) {
          const cell = row[i];
          if (cell === '*' || cell === '') continue;
          patientCells++;
          expect(Number(cell) % 5, `${id}: ${heading[i]} = ${cell}`).toBe(0);
        }
      }
    }
    // The check looked at real figures: the uptake funnel alone has 13 services × 5 patient columns.
    expect(patientCells).toBeGreaterThan(100);
  });

  test('counts of services stay exact: 8 services live in the adoption curve and by setting', async () => {
    const adoption = parse(figureCsv((await figure('adoption-curve')).table, 'funder'));
    expect(adoption.rows.map((r) => r[4])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    const settings = parse(figureCsv((await figure('adoption-by-setting')).table, 'funder'));
    const live = settings.heading.indexOf('Live');
    expect(settings.rows.reduce((sum, r) => sum + Number(r[live]), 0)).toBe(8);
    const features = parse(figureCsv((await figure('feature-matrix')).table, 'funder'));
    expect(features.rows.find((r) => r[0] === 'Hepatology')!.slice(-2)).toEqual(['5', '1']);
  });

  test('RE-AIM values worked out from counts are withheld; the counts are controlled as patients (fail closed)', async () => {
    const { rows } = parse(figureCsv((await figure('reaim')).table, 'funder'));
    const reach = rows.find((r) => r[1] === 'registered / consented')!;
    expect(reach.slice(2, 5)).toEqual(['350', '600', '*']);
    expect(rows.every((r) => r[4] === '*')).toBe(true);
  });
});

describe('fail closed and formula-safe, on a table built by hand', () => {
  const table: DataTable = {
    caption: 'Hand-built',
    columns: [
      { key: 'service_name', label: 'Service', kind: 'text', rowHeader: true },
      { key: 'organisation', label: 'Organisation', kind: 'text' },
      { key: 'people', label: 'People', kind: 'integer' }, // says nothing: a patient count
      { key: 'live', label: 'Live', kind: 'integer', counts: 'services' },
      { key: 'share', label: 'Share', kind: 'percent' }, // no parts: cannot be recomputed
      { key: 'slippage', label: 'Months late', kind: 'decimal' }
    ],
    rows: [
      {
        service_name: '=HYPERLINK("http://x","click")',
        organisation: '@SUM(A1)',
        people: 3,
        live: 3,
        share: 0.5,
        slippage: -3
      },
      { service_name: '-2+3', organisation: '\tTrust', people: 12, live: 1, share: 0.25, slippage: 1.25 },
      { service_name: '+cmd', organisation: 'Plain Trust', people: 0, live: 0, share: null, slippage: 0 }
    ],
    // The rows' order is given by hand, not by a count: without this a controlled copy is re-sorted by name.
    order: 'fixed'
  };

  test('an integer column that says nothing is a patient count; a rate without parts shows *; service counts exact', () => {
    const controlled = controlFigureTable(table, 'nhs-digital');
    expect(controlled.rows.map((r) => [r.people.shown, r.live.shown, r.share.shown, r.slippage.shown])).toEqual([
      ['*', '3', '*', '-3.0'],
      ['10', '1', '*', '1.3'],
      ['0', '0', '*', '0.0']
    ]);
  });

  test('text starting with = @ - + or a tab is written with a leading quote; numbers stay numbers', () => {
    const lines = figureCsv(table, 'funder').split('\r\n');
    expect(lines.slice(0, 4)).toEqual([
      'Service,Organisation,People,Live,Share,Months late',
      `"'=HYPERLINK(""http://x"",""click"")",'@SUM(A1),*,3,*,-3`,
      "'-2+3,'\tTrust,10,1,*,1.3",
      "'+cmd,Plain Trust,0,0,*,0"
    ]);
    expect(lines[4]).toBe('');
    expect(lines[5]).toContain('(profile: nhs-digital');
  });
});
