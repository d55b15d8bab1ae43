/**
 * The set-up charts take the `setup_duration` view's status and day counts instead of judging them from dates. Their
 * fixtures (tests/chart-fixtures.ts `setupDuration`) write those rows by hand so the chart tests need no database:
 * here the real view, over the fixture services' dates, must give exactly the same rows at every date the chart
 * tests use, so a fixture can never show the charts something the view would not.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { SETUP_VIEWS_SQL } from '../../pipeline/metrics/setup.ts';
import { queryRows } from '../../pipeline/warehouse/query.ts';
import { setupDurationColumns } from '../../pipeline/dashboard/charts.ts';
import type { SetupDurationRow } from '../../pipeline/charts/rows.ts';
import { AS_OF, LAUNCHED_ON, SETUP_DATES, setupDuration, type ServiceDates } from '../chart-fixtures.ts';
import { MANY_AS_OF, MANY_SETUP_DATES } from '../chart-fixtures-many.ts';

let instance: DuckDBInstance;
let connection: DuckDBConnection;

const literal = (value: string | null) => (value === null ? 'NULL::DATE' : `DATE '${value}'`);

/** The view's inputs, cut down to the columns it reads: one programme, its services, and the as-of dates. */
async function load(services: ServiceDates[], launchedOn: string, dates: string[]) {
  await connection.run(`
    CREATE OR REPLACE TABLE programme_latest AS SELECT DATE '${launchedOn}' AS launched_on;
    CREATE OR REPLACE TABLE as_of_date AS SELECT unnest([${dates.map(literal).join(', ')}]) AS as_of;
    CREATE OR REPLACE TABLE service_latest AS SELECT * FROM (VALUES ${services
      .map(
        (s) =>
          `('${s.service_id}', '${s.service_name.replace(/'/g, "''")}', 'org', 'acute', 'none', false, true, ` +
          `${literal(s.approached_on)}, ${literal(s.planned_live_on)}, ${literal(s.live_on)})`
      )
      .join(', ')}) AS t(service_id, service_name, organisation, setting, specialty, sensitive, in_original_bid,
        approached_on, planned_live_on, live_on);
    ${SETUP_VIEWS_SQL}`);
}

async function viewRows(asOf: string): Promise<SetupDurationRow[]> {
  return queryRows<SetupDurationRow>(
    connection,
    `SELECT ${setupDurationColumns('d')} FROM setup_duration d WHERE d.as_of = DATE '${asOf}' ORDER BY d.service_id`
  );
}

const byId = (rows: SetupDurationRow[]) => [...rows].sort((a, b) => (a.service_id < b.service_id ? -1 : 1));

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
afterAll(() => connection?.closeSync());

test('the fixture rows are the view’s rows at every date the chart tests use', async () => {
  const dates = [AS_OF, '2015-09-01', '2015-01-01', '2015-06-01', '2016-01-01', '2019-01-01'];
  await load(SETUP_DATES, LAUNCHED_ON, dates);
  for (const asOf of dates) {
    expect(await viewRows(asOf)).toEqual(byId(SETUP_DATES.map((d) => setupDuration(d, asOf))));
  }
  // The rows the fixture's comments work out by hand: Diabetes overdue by 433 days, Early intervention 122 days late.
  const at = await viewRows(AS_OF);
  expect(at.find((r) => r.service_id === 'diab')).toMatchObject({ status: 'in setup', days_overdue: 433 });
  expect(at.find((r) => r.service_id === 'eip')).toMatchObject({ status: 'live', slippage_days: 122 });
  expect(at.find((r) => r.service_id === 'derm')).toMatchObject({ status: 'in setup', days_overdue: 5 });
});

test('the many-services fixture rows are the view’s rows', async () => {
  await load(MANY_SETUP_DATES, '2015-01-01', [MANY_AS_OF]);
  expect(await viewRows(MANY_AS_OF)).toEqual(byId(MANY_SETUP_DATES.map((d) => setupDuration(d, MANY_AS_OF))));
});
