/**
 * A figure's CSV download takes its table and nothing else, so the figure is built without drawing its chart
 * (pipeline/dashboard/charts.ts `tableOnly`): on the demo programme, every figure with a chart gets the same table
 * with no SVG rendered, the CSV is unchanged, and a page drawn at the same time still gets its charts.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDemoWarehouse } from '../helpers/demo-fixture.ts';
import { parseFilters, resolveFilters, type ResolvedFilters } from '../../pipeline/dashboard/filters.ts';
import { FIGURE_IDS, figureById } from '../../pipeline/dashboard/figures.ts';
import { tableOnly } from '../../pipeline/dashboard/charts.ts';
import { figureCsvBlocks } from '../../pipeline/dashboard/download.ts';
import { figureCsv } from '../../pipeline/dashboard/controlled.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let connection: DuckDBConnection;
let filters: ResolvedFilters;
const params = (id: string) => new URLSearchParams(id === 'service-history' ? 'service=CNWL-EIP' : '');

beforeAll(async () => {
  demo = await openDemoWarehouse();
  connection = demo.warehouse.connection;
  filters = await resolveFilters(connection, parseFilters(new URLSearchParams()));
});
afterAll(() => demo?.dispose());

test('every figure with a chart gives the same table without drawing the chart', async () => {
  const drawn: string[] = [];
  for (const id of FIGURE_IDS) {
    const page = await figureById(connection, id, filters, params(id));
    const csvOnly = await tableOnly(() => figureById(connection, id, filters, params(id)));
    expect(csvOnly.table, id).toEqual(page.table);
    if (page.svg) {
      drawn.push(id);
      expect(csvOnly.svg, id).toBe('');
    }
  }
  // Every chart the demo draws (figures with no usage or equity data there have none), each left undrawn.
  expect(drawn).toEqual([
    'adoption-curve',
    'service-history',
    'setup-timeline',
    'go-lives',
    'setup-durations',
    'uptake-funnel',
    'registration-trend',
    'feature-matrix',
    'feature-coverage',
    'core-fidelity',
    'additional-features',
    'adoption-by-setting'
  ]);
});

test('the streamed CSV is the table the page shows, written by the one CSV writer', async () => {
  for (const id of ['setup-timeline', 'uptake-funnel', 'adoption-curve']) {
    const page = await figureById(connection, id, filters, params(id));
    let csv = '';
    for await (const block of figureCsvBlocks(connection, id, filters, params(id), 'committee')) csv += block;
    expect(csv, id).toBe(figureCsv(page.table, 'committee'));
  }
});

test('a page drawn while a CSV is being built still gets its chart', async () => {
  const [csvOnly, page] = await Promise.all([
    tableOnly(() => figureById(connection, 'setup-timeline', filters, params('setup-timeline'))),
    figureById(connection, 'setup-timeline', filters, params('setup-timeline'))
  ]);
  expect(csvOnly.svg).toBe('');
  expect(page.svg).toMatch(/^<svg /);
});
