/**
 * The dashboard's query functions on the demo programme (data/demo/README.md has every figure used here): exact
 * values, filters, and agreement with the metric views they summarise.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openDemoWarehouse } from '../helpers/demo-fixture.ts';
import { queryRows } from '../../pipeline/warehouse/query.ts';
import { FilterError, parseFilters, resolveFilters } from '../../pipeline/dashboard/filters.ts';
import { overview } from '../../pipeline/dashboard/overview.ts';
import { formatHeadlineValue } from '../../pipeline/dashboard/format.ts';
import { servicesTable } from '../../pipeline/dashboard/services.ts';
import { servicePage } from '../../pipeline/dashboard/service.ts';
import { setupTimeline } from '../../pipeline/dashboard/timeline.ts';
import { uptakeTrends } from '../../pipeline/dashboard/uptake.ts';
import { functionality, functionalityPage } from '../../pipeline/dashboard/functionality.ts';
import { settings } from '../../pipeline/dashboard/settings.ts';
import { dataLoads } from '../../pipeline/dashboard/data-loads.ts';
import { figureById, FIGURE_IDS } from '../../pipeline/dashboard/figures.ts';
import { figureCsv } from '../../pipeline/dashboard/controlled.ts';

let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
let connection: DuckDBConnection;
const filters = (query = '') => resolveFilters(connection, parseFilters(new URLSearchParams(query)));

beforeAll(async () => {
  demo = await openDemoWarehouse();
  connection = demo.warehouse.connection;
});
afterAll(() => demo?.dispose());

describe('resolveFilters', () => {
  test('defaults to the latest snapshot and finds the one before it', async () => {
    expect(await filters()).toEqual({
      asOf: '2017-02-06',
      previousAsOf: '2017-01-31',
      organisation: null,
      setting: null
    });
    expect((await filters('asOf=2016-10-31')).previousAsOf).toBeNull();
  });

  test('refuses an as-of date or organisation that is not loaded, even one shaped like SQL', async () => {
    await expect(filters('asOf=2017-02-07')).rejects.toThrow(FilterError);
    await expect(filters("organisation=x' OR '1'='1")).rejects.toThrow(
      `No service is loaded for the organisation "x' OR '1'='1".`
    );
  });
});

describe('overview', () => {
  test('the headline agrees with programme_headline when nothing is filtered', async () => {
    const f = await filters();
    const result = await overview(connection, f);
    const [view] = await queryRows<Record<string, number>>(
      connection,
      `SELECT services_total, services_approached, services_live, approached, consented, registered, shared_with_carer,
              shared_with_professional, registration_rate, sharing_rate, median_months_launch_to_live
         FROM programme_headline WHERE as_of = DATE '2017-02-06'`
    );
    expect(result.headline).toEqual(view);
    expect(result.headline).toMatchObject({
      services_live: 8,
      services_approached: 13,
      consented: 600,
      registered: 350,
      median_months_launch_to_live: 13.3
    });
    expect(result.figures.find((x) => x.key === 'consented')).toMatchObject({ value: 600, previous: 573 });
  });

  test('the headline cards read the figures with what they are of', async () => {
    const { figures } = await overview(connection, await filters());
    expect(figures.map((f) => [f.label, formatHeadlineValue(f), f.detail])).toEqual([
      ['Services live', '8', 'of 13 approached'],
      ['Patients consented', '600', ''],
      ['Patients registered', '350', ''],
      // 350 / 600 = 58.33%; (20 + 15) / 350 = 10.0%
      ['Registration rate', '58.3%', 'of patients consented'],
      ['Sharing rate', '10.0%', 'shares with a carer or a professional, per patient registered'],
      ['Median months from launch to live', '13.3', 'for services live']
    ]);
  });

  test('the adoption curve counts the services approached by the as-of date, as the headline does', async () => {
    // 31 Oct 2016: Respiratory medicine is approached on 14 Nov 2016, so 12 of 13 are approached; 7 are live, the
    // 7th (Colposcopy) 20.9 months after launch (programme_headline: 12 approached, 7 live).
    const { adoption, figures } = await overview(connection, await filters('asOf=2016-10-31'));
    expect(adoption!.title).toBe('7 of 12 approached services went live within 20.9 months of launch');
    expect(figures[0].detail).toBe('of 12 approached');
  });

  test('a median of no live service reads "None": community is Elderly care alone, approached and not live', async () => {
    const { figures } = await overview(connection, await filters('setting=community'));
    expect(figures.filter((f) => f.kind !== 'percent').map((f) => [f.label, formatHeadlineValue(f), f.detail])).toEqual(
      [
        ['Services live', '0', 'of 1 approached'],
        ['Patients consented', expect.any(String), ''],
        ['Patients registered', expect.any(String), ''],
        ['Median months from launch to live', 'None', 'for services live']
      ]
    );
  });

  test('filters apply to the headline: mental health is psychosis alone', async () => {
    const result = await overview(connection, await filters('setting=mental%20health'));
    expect(result.headline).toEqual({
      services_total: 1,
      services_approached: 1,
      services_live: 1,
      approached: 40,
      consented: 15,
      registered: 12,
      shared_with_carer: 1,
      shared_with_professional: 0,
      registration_rate: 0.8,
      sharing_rate: 1 / 12,
      median_months_launch_to_live: 9
    });
  });

  test('the adoption table lists live services in go-live order with the running count', async () => {
    const { adoption } = await overview(connection, await filters());
    expect(adoption!.table.rows.map((r) => [r.service_name, r.months_launch_to_live, r.services_live])).toEqual([
      ['Neuro-oncology', 0, 1],
      ['Interstitial lung disease', 7.3, 2],
      ['Early Intervention in Psychosis', 9, 3],
      ['Rheumatology', 11.2, 4],
      ['Renal', 15.3, 5],
      ['Haematology', 18.1, 6],
      ['Colposcopy', 20.9, 7],
      ['Hepatology', 26.2, 8]
    ]);
    expect(adoption!.svg).toMatch(/^<svg[^>]* role="img"/);
  });
});

describe('pages', () => {
  test('services: sorted, searched, and counted before the search', async () => {
    const table = await servicesTable(connection, await filters(), {
      sort: 'registered',
      dir: 'desc',
      q: 'imperial',
      page: 1,
      level: null,
      parents: {}
    });
    expect(table.level.key).toBe('service'); // 13 services: few enough to list
    expect(table.total).toBe(13);
    expect(table.figure.table.rows.map((r) => [r.service_name, r.registered])).toEqual([
      ['Renal', 80],
      ['Colposcopy', 74],
      ['Rheumatology', 64],
      ['Haematology', 40],
      ['Interstitial lung disease', 36],
      ['Neuro-oncology', 34],
      ['Hepatology', 10],
      ['Diabetes', 0],
      ['HIV', 0]
    ]);
    expect(table.figure.title).toBe('7 of 9 services matching "imperial" are live');
  });

  test('a service page has its milestones, features as at the as-of date, and history up to it', async () => {
    const page = await servicePage(connection, 'IMP-RENAL', await filters('asOf=2016-11-30'));
    expect(page!.setup).toMatchObject({ status: 'live', months_launch_to_live: 15.3 });
    // Renal's care plan arrives on 2016-12-12: not yet on 30 November.
    expect(page!.features.find((f) => f.feature === 'care plan')).toMatchObject({
      enabled: false,
      enabled_on: '2016-12-12'
    });
    expect(page!.history.table.rows.map((r) => r.as_of)).toEqual(['2016-10-31', '2016-11-30']);
    expect(await servicePage(connection, 'NOPE', await filters())).toBeNull();
  });

  test('setup timeline: every service, with slippage for those live late', async () => {
    const figure = await setupTimeline(connection, await filters());
    expect(figure.title).toBe('8 of 13 approached services are live; 6 went live later than planned, 5 still in setup');
    const colposcopy = figure.table.rows.find((r) => r.service_name === 'Colposcopy')!;
    expect(colposcopy).toMatchObject({ status: 'live', slippage_months: -0.1, months_approach_to_live: 0.7 });
  });

  test('uptake: the funnel at the as-of date and the trend up to it', async () => {
    const { funnel, trend } = await uptakeTrends(connection, await filters('asOf=2016-12-31'));
    expect(funnel.title).toBe('Colposcopy approached the most patients (340)');
    expect(new Set(trend.table.rows.map((r) => r.as_of))).toEqual(new Set(['2016-10-31', '2016-11-30', '2016-12-31']));
    expect(trend.title).toBe('Registered patients rose from 247 to 302 between 31 October 2016 and 31 December 2016');
  });

  test('functionality and settings', async () => {
    const matrix = await functionality(connection, await filters());
    const ild = matrix.table.rows.find((r) => r.service_name === 'Interstitial lung disease')!;
    expect([ild.core_enabled, ild.additional_enabled]).toEqual([5, 6]);
    // 13 services, 9 with features loaded: the page shows the per-service matrix itself, not the many-unit aggregates.
    const page = await functionalityPage(connection, await filters());
    expect([page.units, page.aggregated, page.narrowedToUnits]).toEqual([9, false, false]);
    expect(page.figures).toEqual([matrix]);
    const bySetting = await settings(connection, await filters());
    expect(bySetting.noneLive).toEqual(['community', 'primary care', 'social care']);
    expect(bySetting.figure.table.rows.map((r) => [r.setting, r.services_approached, r.services_live])).toEqual([
      ['acute', 10, 7],
      ['mental health', 1, 1],
      ['community', 1, 0],
      ['primary care', 1, 0],
      ['social care', 0, 0]
    ]);
  });

  test('data loads: the demo files, all loaded, no problems', async () => {
    const loads = await dataLoads(connection);
    expect(loads.files.map((f) => [f.file_name, f.outcome, f.rows])).toEqual(
      expect.arrayContaining([
        ['uptake-2017-02-06.csv', 'loaded', 13],
        ['services.csv', 'loaded', 13]
      ])
    );
    expect(loads.files).toHaveLength(8);
    expect(loads.problemCount).toBe(0);
  });

  test('every figure can be downloaded as CSV by id, with the same rows as the figure', async () => {
    const f = await filters();
    for (const id of FIGURE_IDS) {
      const params = new URLSearchParams(id === 'service-history' ? 'service=CNWL-EIP' : '');
      const figure = await figureById(connection, id, f, params);
      // The heading, one line per row, a blank line, then the footnote naming the profile (none: exact figures).
      const lines = figureCsv(figure.table, 'committee').trimEnd().split('\r\n');
      expect(lines.length, id).toBe(figure.table.rows.length + 3);
      expect(lines.at(-1), id).toMatch(/^"?Note: Exact figures \(profile: none\)/);
    }
  });
});
