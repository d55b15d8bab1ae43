/**
 * The services table at scale: paged, sorted and searched in SQL, read at a level (programme, region, organisation,
 * service) with drill-down, and downloaded as a stream that holds every row. The demo programme (data/demo/), as of
 * 2017-02-06, loaded once as it is and once with a region for each service (services.csv's optional parent_unit):
 * Imperial and CNWL in "North West London", Hillingdon in "Outer North West London", the GP group with none.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEMO_DIR, DEMO_LOADED_AT, openDemoWarehouse } from '../helpers/demo-fixture.ts';
import { loadPaths } from '../../pipeline/load/load.ts';
import { openWarehouse } from '../../pipeline/warehouse/open.ts';
import type { Warehouse } from '../../pipeline/warehouse/query.ts';
import { parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { parseServicesQuery, servicesTable } from '../../pipeline/dashboard/services.ts';
import { figureCsvBlocks } from '../../pipeline/dashboard/download.ts';
import { FIGURE_IDS, figureById } from '../../pipeline/dashboard/figures.ts';
import { figureCsv } from '../../pipeline/dashboard/controlled.ts';
import { AUDIENCES } from '../../pipeline/disclosure/index.ts';
import { TableQueryError } from '../../pipeline/dashboard/table.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let regional: Warehouse;
let folder: string;

const REGION: Record<string, string> = {
  IMP: 'North West London',
  CNWL: 'North West London',
  THH: 'Outer North West London',
  GP: ''
};

beforeAll(async () => {
  demo = await openDemoWarehouse();
  folder = mkdtempSync(join(tmpdir(), 'uptake-regions-'));
  const data = join(folder, 'data');
  cpSync(DEMO_DIR, data, { recursive: true });
  const lines = readFileSync(join(data, 'services.csv'), 'utf8').trimEnd().split(/\r?\n/);
  const withRegion = lines.map((line, i) => `${line},${i === 0 ? 'parent_unit' : REGION[line.split('-')[0]]}`);
  writeFileSync(join(data, 'services.csv'), withRegion.join('\n') + '\n');
  regional = await openWarehouse(join(folder, 'regions.duckdb'));
  const report = await loadPaths(regional, [data], { rawDir: join(folder, 'raw'), now: DEMO_LOADED_AT });
  expect(report.problems).toEqual([]);
}, 60_000);
afterAll(() => {
  demo?.dispose();
  regional?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

async function table(
  connection: DuckDBConnection,
  url: string,
  options: { pageSize?: number; manageable?: number; all?: boolean } = {}
) {
  const params = new URLSearchParams(url);
  const filters = await resolveFilters(connection, parseFilters(params));
  return servicesTable(connection, filters, parseServicesQuery(params), options);
}

const names = (t: Awaited<ReturnType<typeof table>>) => t.figure.table.rows.map((r) => r.service_name ?? r.name);

describe('paging', () => {
  test('page 2 of 5 a page, by name: the 6th to 10th services in code-point order', async () => {
    const t = await table(demo.warehouse.connection, 'level=service&page=2', { pageSize: 5 });
    expect(names(t)).toEqual(['Haematology', 'Hepatology', 'Interstitial lung disease', 'Neuro-oncology', 'Renal']);
    expect(t.page).toEqual({ page: 2, pages: 3, pageSize: 5, total: 13, first: 6, last: 10 });
    // The title and summary speak of every service, not of the page.
    expect(t.figure.title).toBe('8 of 13 services are live');
    const last = await table(demo.warehouse.connection, 'level=service&page=3', { pageSize: 5 });
    expect(names(last)).toEqual(['Respiratory medicine', 'Rheumatology', 'West London GP practice group']);
  });

  test('a page past the end is a clear error, as is a page that is not a whole number', async () => {
    await expect(table(demo.warehouse.connection, 'level=service&page=4', { pageSize: 5 })).rejects.toThrow(
      'There is no page 4: this table has 3 pages.'
    );
    await expect(table(demo.warehouse.connection, 'page=two')).rejects.toThrow(TableQueryError);
  });

  test('sorted by registered, descending, page 1 of 4 a page; searched for "imperial", page 2', async () => {
    const t = await table(demo.warehouse.connection, 'level=service&sort=registered&dir=desc', { pageSize: 4 });
    expect(t.figure.table.rows.map((r) => [r.service_name, r.registered])).toEqual([
      ['Renal', 80],
      ['Colposcopy', 74],
      ['Rheumatology', 64],
      ['Haematology', 40]
    ]);
    const searched = await table(
      demo.warehouse.connection,
      'level=service&sort=registered&dir=desc&q=imperial&page=2',
      {
        pageSize: 4
      }
    );
    expect(searched.figure.table.rows.map((r) => [r.service_name, r.registered])).toEqual([
      ['Interstitial lung disease', 36],
      ['Neuro-oncology', 34],
      ['Hepatology', 10],
      ['Diabetes', 0]
    ]);
    expect(searched.page).toMatchObject({ total: 9, pages: 3 });
    expect(searched.total).toBe(13);
  });
});

describe('levels', () => {
  test('the demo (13 services) opens by service; with room for 5 rows, by organisation (4); no region level', async () => {
    const c = demo.warehouse.connection;
    expect((await table(c, '')).level.key).toBe('service');
    const t = await table(c, '', { manageable: 5 });
    expect(t.level.key).toBe('organisation');
    expect(t.levels.map((l) => l.key)).toEqual(['programme', 'organisation', 'service']);
    expect(t.figure.table.rows.map((r) => [r.name, r.services, r.live, r.consented, r.registered])).toEqual([
      ['Central North West London NHS Foundation Trust', 2, 1, 15, 12],
      ['Imperial College Healthcare NHS Trust', 9, 7, 585, 338],
      ['The Hillingdon Hospital NHS Trust', 1, 0, 0, 0],
      ['West London GP Practice Group', 1, 0, 0, 0]
    ]);
    expect(t.figure.title).toBe('8 of 13 services are live (4 organisations)');
    expect(t.child?.key).toBe('service');
  });

  test('the whole programme is one row: 13 services, 8 live, 600 consented, 350 registered', async () => {
    const t = await table(demo.warehouse.connection, 'level=programme');
    expect(t.figure.table.rows).toEqual([
      {
        name: 'Whole programme',
        services: 13,
        live: 8,
        consented: 600,
        registered: 350,
        registration_rate: 350 / 600,
        shared_with_carer: 20,
        shared_with_professional: 15
      }
    ]);
  });

  test('regions, then drill down: North West London → its organisations → Imperial → its services', async () => {
    const c = regional.connection;
    const regions = await table(c, 'level=region');
    expect(regions.levels.map((l) => l.key)).toEqual(['programme', 'region', 'organisation', 'service']);
    expect(regions.figure.table.rows.map((r) => [r.name, r.services, r.live, r.consented, r.registered])).toEqual([
      ['North West London', 11, 8, 600, 350],
      ['Outer North West London', 1, 0, 0, 0],
      ['Region not reported', 1, 0, 0, 0]
    ]);
    // With room for 3 rows the table opens by region (13 services and 4 organisations are too many).
    expect((await table(c, '', { manageable: 3 })).level.key).toBe('region');

    const organisations = await table(c, 'level=organisation&region=North+West+London');
    expect(organisations.figure.table.rows.map((r) => [r.name, r.services, r.consented])).toEqual([
      ['Central North West London NHS Foundation Trust', 2, 15],
      ['Imperial College Healthcare NHS Trust', 9, 585]
    ]);
    expect(organisations.figure.subtitle).toContain('in region North West London');

    const services = await table(
      c,
      'level=service&region=North+West+London&organisation=Imperial+College+Healthcare+NHS+Trust&sort=registered&dir=desc'
    );
    expect(names(services)).toEqual([
      'Renal',
      'Colposcopy',
      'Rheumatology',
      'Haematology',
      'Interstitial lung disease',
      'Neuro-oncology',
      'Hepatology',
      'Diabetes',
      'HIV'
    ]);
    // Services without a region are under "Region not reported", and can be selected like any region.
    const none = await table(c, 'level=service&region=Region+not+reported');
    expect(names(none)).toEqual(['West London GP practice group']);
  });

  test('a level the data has no values for is refused with the levels it has', async () => {
    await expect(table(demo.warehouse.connection, 'level=region')).rejects.toThrow(
      'The services table has no region level for these services. Levels: programme, organisation, service.'
    );
  });
});

describe('the streamed CSV', () => {
  async function streamed(connection: DuckDBConnection, id: string, url: string, audience: 'committee' | 'funder') {
    const params = new URLSearchParams(url);
    const filters = await resolveFilters(connection, parseFilters(params));
    let text = '';
    for await (const block of figureCsvBlocks(connection, id, filters, params, audience)) text += block;
    return text;
  }

  test('holds every row, exactly what the one CSV writer writes for the whole table, for every figure', async () => {
    const c = demo.warehouse.connection;
    for (const id of FIGURE_IDS) {
      const url =
        id === 'service-history'
          ? 'service=CNWL-EIP'
          : id === 'services'
            ? 'sort=registered&dir=desc&level=service'
            : '';
      const params = new URLSearchParams(url);
      const filters = await resolveFilters(c, parseFilters(params));
      const whole = (await figureById(c, id, filters, params)).table;
      for (const audience of AUDIENCES) {
        expect(await streamed(c, id, url, audience === 'public' ? 'funder' : audience), `${id} ${audience}`).toBe(
          figureCsv(whole, audience === 'public' ? 'funder' : audience)
        );
      }
    }
  });

  test('the services CSV by organisation, exactly, and page parameters do not cut it short', async () => {
    const csv = await streamed(demo.warehouse.connection, 'services', 'level=organisation&page=1', 'committee');
    expect(csv.split('\r\n').slice(0, 6)).toEqual([
      'Organisation,Services,Live services,Consented,Registered,% registered,Shared with a carer,Shared with a professional',
      'Central North West London NHS Foundation Trust,2,1,15,12,80%,1,0',
      'Imperial College Healthcare NHS Trust,9,7,585,338,58%,19,15',
      'The Hillingdon Hospital NHS Trust,1,0,0,0,,0,0',
      'West London GP Practice Group,1,0,0,0,,0,0',
      ''
    ]);
    const services = await streamed(demo.warehouse.connection, 'services', 'level=service&page=1', 'committee');
    expect(services.split('\r\n').length).toBe(1 + 13 + 3); // heading, 13 services, blank line, note, final CRLF
  });
});
