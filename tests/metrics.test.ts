/**
 * Every metric view (pipeline/metrics/) on the demo programme (data/demo/), with exact expected values.
 * The figures are worked out by hand in data/demo/README.md; dates are counted in days, months = days / 30.4375 (1 dp).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../pipeline/warehouse/query.ts';
import { openDemoWarehouse } from './helpers/demo-fixture.ts';

type Row = Record<string, unknown>;
let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
const rows = (sql: string) => queryRows<Row>(demo.warehouse.connection, sql);

beforeAll(async () => {
  demo = await openDemoWarehouse();
});
afterAll(() => demo?.dispose());

/** Tests that add or change rows get a warehouse of their own, so the shared one stays exactly the demo. */
async function withOwnDemo(
  test: (run: (sql: string) => Promise<unknown>, rows: (sql: string) => Promise<Row[]>) => Promise<void>
) {
  const own = await openDemoWarehouse();
  try {
    await test(
      (sql) => own.warehouse.connection.run(sql),
      (sql) => queryRows<Row>(own.warehouse.connection, sql)
    );
  } finally {
    own.dispose();
  }
}

const AS_OF_DATES = ['2016-10-31', '2016-11-30', '2016-12-31', '2017-01-31', '2017-02-06'];

describe('programme_latest and as_of_date', () => {
  it('has the programme and its launch date', async () => {
    expect(await rows('SELECT * FROM programme_latest')).toEqual([
      { programme: 'Care Information Exchange (North West London)', launched_on: '2014-10-01' }
    ]);
  });

  it('lists the five as-of dates of the demo exports', async () => {
    const dates = await rows('SELECT as_of FROM as_of_date ORDER BY as_of');
    expect(dates.map((r) => r.as_of)).toEqual(AS_OF_DATES);
  });
});

describe('service_status', () => {
  it('counts services live, in setup and not approached at each as-of date', async () => {
    const counts = await rows(`
      SELECT as_of, status, count(*)::INTEGER AS services FROM service_status GROUP BY ALL ORDER BY as_of, status`);
    expect(counts).toEqual([
      // Hillingdon was approached on 2016-11-14; hepatology went live on 2016-12-05.
      { as_of: '2016-10-31', status: 'in setup', services: 5 },
      { as_of: '2016-10-31', status: 'live', services: 7 },
      { as_of: '2016-10-31', status: 'not approached', services: 1 },
      { as_of: '2016-11-30', status: 'in setup', services: 6 },
      { as_of: '2016-11-30', status: 'live', services: 7 },
      { as_of: '2016-12-31', status: 'in setup', services: 5 },
      { as_of: '2016-12-31', status: 'live', services: 8 },
      { as_of: '2017-01-31', status: 'in setup', services: 5 },
      { as_of: '2017-01-31', status: 'live', services: 8 },
      { as_of: '2017-02-06', status: 'in setup', services: 5 },
      { as_of: '2017-02-06', status: 'live', services: 8 }
    ]);
  });

  it('judges one service differently at different as-of dates', async () => {
    const hepatology = await rows(`
      SELECT as_of, is_approached, is_live, status FROM service_status WHERE service_id = 'IMP-HEP' ORDER BY as_of`);
    expect(hepatology.map((r) => r.status)).toEqual(['in setup', 'in setup', 'live', 'live', 'live']);
    const hillingdon = await rows(`
      SELECT is_approached, is_live, status FROM service_status WHERE service_id = 'THH-RESP' AND as_of IN ('2016-10-31', '2016-11-30') ORDER BY as_of`);
    expect(hillingdon).toEqual([
      { is_approached: false, is_live: false, status: 'not approached' },
      { is_approached: true, is_live: false, status: 'in setup' }
    ]);
  });
});

describe('setup_duration', () => {
  it('gives days and months to go-live, approach to live, slippage and time in setup at 2017-02-06', async () => {
    const setup = await rows(`
      SELECT service_id, status, days_launch_to_live, months_launch_to_live, days_approach_to_live, months_approach_to_live,
             planned_days_launch_to_live, slippage_days, slippage_months, days_in_setup, days_overdue
      FROM setup_duration WHERE as_of = '2017-02-06' ORDER BY service_id`);
    const columns = [
      'service_id',
      'status',
      'days_launch_to_live',
      'months_launch_to_live',
      'days_approach_to_live',
      'months_approach_to_live',
      'planned_days_launch_to_live',
      'slippage_days',
      'slippage_months',
      'days_in_setup',
      'days_overdue'
    ];
    const expected: unknown[][] = [
      // Psychosis: launch 2014-10-01 → live 2015-07-01 = 273 days = 9.0 months; 181 days after its plan.
      ['CNWL-EIP', 'live', 273, 9.0, 273, 9.0, 92, 181, 5.9, null, null],
      ['CNWL-ELD', 'in setup', null, null, null, null, 243, null, null, 859, 616],
      ['GP-WL', 'in setup', null, null, null, null, 182, null, null, 859, 677],
      // Colposcopy: approached 2016-06-06, live 2016-06-27 (same month), 4 days ahead of plan.
      ['IMP-COLP', 'live', 635, 20.9, 21, 0.7, 639, -4, -0.1, null, null],
      ['IMP-DIAB', 'in setup', null, null, null, null, 182, null, null, 859, 677],
      ['IMP-HAEM', 'live', 551, 18.1, 154, 5.1, 517, 34, 1.1, null, null],
      ['IMP-HEP', 'live', 796, 26.2, 273, 9.0, 705, 91, 3.0, null, null],
      ['IMP-HIV', 'in setup', null, null, null, null, 335, null, null, 859, 524],
      ['IMP-ILD', 'live', 222, 7.3, 119, 3.9, 182, 40, 1.3, null, null],
      // Neuro-oncology went live the day the programme launched.
      ['IMP-NEURO', 'live', 0, 0, 0, 0, 0, 0, 0, null, null],
      ['IMP-RENAL', 'live', 467, 15.3, 224, 7.4, 365, 102, 3.4, null, null],
      ['IMP-RHEUM', 'live', 341, 11.2, 189, 6.2, 243, 98, 3.2, null, null],
      // Hillingdon: approached 2016-11-14, planned for 2017-03-06, so in setup but not yet overdue.
      ['THH-RESP', 'in setup', null, null, null, null, 887, null, null, 84, null]
    ];
    expect(setup).toEqual(expected.map((values) => Object.fromEntries(columns.map((c, i) => [c, values[i]]))));
  });

  it('treats a service live after the as-of date as still in setup', async () => {
    const [hepatology] = await rows(`
      SELECT launched_on, days_launch_to_live, slippage_days, days_in_setup, days_overdue
      FROM setup_duration WHERE service_id = 'IMP-HEP' AND as_of = '2016-11-30'`);
    // Approached 2016-03-07 (268 days before), planned for 2016-09-05 (86 days overdue).
    expect(hepatology).toEqual({
      launched_on: '2014-10-01',
      days_launch_to_live: null,
      slippage_days: null,
      days_in_setup: 268,
      days_overdue: 86
    });
  });

  it('leaves every duration empty for a service not yet approached', async () => {
    const [hillingdon] = await rows(`
      SELECT days_launch_to_live, days_approach_to_live, days_in_setup, days_overdue
      FROM setup_duration WHERE service_id = 'THH-RESP' AND as_of = '2016-10-31'`);
    expect(hillingdon).toEqual({
      days_launch_to_live: null,
      days_approach_to_live: null,
      days_in_setup: null,
      days_overdue: null
    });
  });
});

describe('uptake_funnel', () => {
  it('has one row per service in each export, once the service was approached', async () => {
    const perDate = await rows(
      'SELECT as_of, count(*)::INTEGER AS services FROM uptake_funnel GROUP BY as_of ORDER BY as_of'
    );
    expect(perDate.map((r) => r.services)).toEqual([12, 13, 13, 13, 13]);
  });

  it('gives counts and rates per live service at 2017-02-06', async () => {
    const funnel = await rows(`
      SELECT service_id, eligible, approached, consented, registered, shared_with_carer, shared_with_professional,
             shared_with_anyone_max, consent_rate, registration_rate, carer_sharing_rate, professional_sharing_rate, reach_rate
      FROM uptake_funnel WHERE as_of = '2017-02-06' AND registered > 0 ORDER BY service_id`);
    const counts: [string, number | null, number, number, number, number, number][] = [
      ['CNWL-EIP', 60, 40, 15, 12, 1, 0],
      ['IMP-COLP', 1000, 400, 200, 74, 2, 1],
      ['IMP-HAEM', null, 100, 60, 40, 3, 2],
      ['IMP-HEP', null, 40, 30, 10, 0, 0],
      ['IMP-ILD', null, 70, 50, 36, 3, 3],
      ['IMP-NEURO', null, 60, 45, 34, 1, 2],
      ['IMP-RENAL', 600, 160, 110, 80, 6, 4],
      ['IMP-RHEUM', null, 130, 90, 64, 4, 3]
    ];
    expect(funnel).toEqual(
      counts.map(([service_id, eligible, approached, consented, registered, carer, professional]) => ({
        service_id,
        eligible,
        approached,
        consented,
        registered,
        shared_with_carer: carer,
        shared_with_professional: professional,
        shared_with_anyone_max: Math.max(carer, professional),
        consent_rate: consented / approached,
        registration_rate: registered / consented,
        carer_sharing_rate: carer / registered,
        professional_sharing_rate: professional / registered,
        reach_rate: eligible === null ? null : registered / eligible
      }))
    );
  });

  it('reproduces the report: colposcopy 37% registered, psychosis 15 consented and 80% registered', async () => {
    const [colposcopy] = await rows(`SELECT round(registration_rate * 100)::INTEGER AS pct FROM uptake_funnel
      WHERE as_of = '2017-02-06' AND service_id = 'IMP-COLP'`);
    expect(colposcopy.pct).toBe(37);
    const [psychosis] = await rows(`SELECT consented, registered, registration_rate FROM uptake_funnel
      WHERE as_of = '2017-02-06' AND service_id = 'CNWL-EIP'`);
    expect(psychosis).toEqual({ consented: 15, registered: 12, registration_rate: 0.8 });
  });

  it('gives no rate where the denominator is zero', async () => {
    const [diabetes] = await rows(`SELECT approached, consent_rate, registration_rate, carer_sharing_rate, reach_rate
      FROM uptake_funnel WHERE as_of = '2017-02-06' AND service_id = 'IMP-DIAB'`);
    expect(diabetes).toEqual({
      approached: 0,
      consent_rate: null,
      registration_rate: null,
      carer_sharing_rate: null,
      reach_rate: null
    });
  });

  it('takes the larger sharing count as shared_with_anyone_max, still a lower bound when one count is missing', async () => {
    // Hand-made rows: 2 with a carer and 3 with a professional (so at least 3 sharing); and a carer count not reported,
    // where the 1 sharing with a professional is still the fewest sharing with anyone.
    await withOwnDemo(async (run, rows) => {
      await run(`INSERT INTO snapshot VALUES
        (DATE '2017-03-31', 'IMP-HEP', NULL, 5, 4, 3, NULL, NULL, 2, 3, 0, TIMESTAMP '2017-04-01 09:00:00'),
        (DATE '2017-03-31', 'IMP-HAEM', NULL, 5, 4, 3, NULL, NULL, NULL, 1, 0, TIMESTAMP '2017-04-01 09:00:00')`);
      const sharing =
        await rows(`SELECT service_id, shared_with_anyone_max, carer_sharing_rate, professional_sharing_rate
        FROM uptake_funnel WHERE as_of = '2017-03-31' ORDER BY service_id`);
      expect(sharing).toEqual([
        {
          service_id: 'IMP-HAEM',
          shared_with_anyone_max: 1,
          carer_sharing_rate: null,
          professional_sharing_rate: 1 / 3
        },
        { service_id: 'IMP-HEP', shared_with_anyone_max: 3, carer_sharing_rate: 2 / 3, professional_sharing_rate: 1 }
      ]);
    });
  });
});

describe('feature_matrix and feature_fidelity', () => {
  it('has the full service × feature matrix of the demo', async () => {
    const perService = await rows(`
      SELECT service_id, count(*)::INTEGER AS features, count(*) FILTER (WHERE enabled)::INTEGER AS enabled
      FROM feature_matrix GROUP BY service_id ORDER BY service_id`);
    expect(perService).toEqual([
      { service_id: 'CNWL-EIP', features: 11, enabled: 7 },
      { service_id: 'IMP-COLP', features: 11, enabled: 8 },
      { service_id: 'IMP-HAEM', features: 11, enabled: 7 },
      { service_id: 'IMP-HEP', features: 11, enabled: 6 },
      { service_id: 'IMP-ILD', features: 11, enabled: 11 },
      { service_id: 'IMP-NEURO', features: 11, enabled: 6 },
      { service_id: 'IMP-RENAL', features: 11, enabled: 9 },
      { service_id: 'IMP-RHEUM', features: 11, enabled: 9 },
      // Hillingdon is configuring its core tabs: listed, not yet enabled.
      { service_id: 'THH-RESP', features: 5, enabled: 0 }
    ]);
    const [row] = await rows(`SELECT * FROM feature_matrix WHERE service_id = 'IMP-RENAL' AND feature = 'care plan'`);
    expect(row).toEqual({
      service_id: 'IMP-RENAL',
      service_name: 'Renal',
      feature: 'care plan',
      category: 'additional',
      enabled: true,
      enabled_on: '2016-12-12'
    });
  });

  it('scores core fidelity and counts additional features for every service', async () => {
    const fidelity = await rows('SELECT * FROM feature_fidelity ORDER BY service_id');
    const expected: [string, string, number, number][] = [
      ['CNWL-EIP', 'Early Intervention in Psychosis', 5, 2],
      ['CNWL-ELD', 'Elderly care', 0, 0],
      ['GP-WL', 'West London GP practice group', 0, 0],
      ['IMP-COLP', 'Colposcopy', 5, 3],
      ['IMP-DIAB', 'Diabetes', 0, 0],
      ['IMP-HAEM', 'Haematology', 5, 2],
      ['IMP-HEP', 'Hepatology', 5, 1],
      ['IMP-HIV', 'HIV', 0, 0],
      ['IMP-ILD', 'Interstitial lung disease', 5, 6],
      ['IMP-NEURO', 'Neuro-oncology', 5, 1],
      ['IMP-RENAL', 'Renal', 5, 4],
      ['IMP-RHEUM', 'Rheumatology', 5, 4],
      ['THH-RESP', 'Respiratory medicine', 0, 0]
    ];
    expect(fidelity).toEqual(
      expected.map(([service_id, service_name, core_enabled, additional_enabled]) => ({
        service_id,
        service_name,
        core_enabled,
        core_total: 5,
        core_fidelity: core_enabled / 5,
        additional_enabled
      }))
    );
  });
});

describe('adoption_by_setting', () => {
  it('has all five settings at every as-of date, with services approached and live', async () => {
    const adoption = await rows(`
      SELECT as_of, setting, services_total, services_approached, services_live FROM adoption_by_setting ORDER BY as_of, setting`);
    expect(adoption.length).toBe(25);
    const at = (asOf: string) => adoption.filter((r) => r.as_of === asOf).map(({ as_of: _asOf, ...rest }) => rest);
    expect(at('2016-10-31')).toEqual([
      { setting: 'acute', services_total: 10, services_approached: 9, services_live: 6 },
      { setting: 'community', services_total: 1, services_approached: 1, services_live: 0 },
      { setting: 'mental health', services_total: 1, services_approached: 1, services_live: 1 },
      { setting: 'primary care', services_total: 1, services_approached: 1, services_live: 0 },
      { setting: 'social care', services_total: 0, services_approached: 0, services_live: 0 }
    ]);
    const feb2017 = [
      { setting: 'acute', services_total: 10, services_approached: 10, services_live: 7 },
      { setting: 'community', services_total: 1, services_approached: 1, services_live: 0 },
      { setting: 'mental health', services_total: 1, services_approached: 1, services_live: 1 },
      { setting: 'primary care', services_total: 1, services_approached: 1, services_live: 0 },
      { setting: 'social care', services_total: 0, services_approached: 0, services_live: 0 }
    ];
    expect(at('2017-02-06')).toEqual(feb2017);
    expect(at('2016-11-30')[0]).toEqual({
      setting: 'acute',
      services_total: 10,
      services_approached: 10,
      services_live: 6
    });
  });
});

describe('programme_headline', () => {
  it('sums the services and patients at each as-of date', async () => {
    const headline = await rows('SELECT * FROM programme_headline ORDER BY as_of');
    const expected: [string, string | null, number, number, number, number, number, number, number][] = [
      // as_of, previous, approached services, live services, approached, consented, registered, carer, professional, median months
      ['2016-10-31', null, 12, 7, 702, 411, 247, 14, 9],
      ['2016-11-30', '2016-10-31', 13, 7, 780, 457, 273, 15, 11],
      ['2016-12-31', '2016-11-30', 13, 8, 863, 514, 302, 19, 14],
      ['2017-01-31', '2016-12-31', 13, 8, 956, 573, 337, 20, 15],
      ['2017-02-06', '2017-01-31', 13, 8, 1000, 600, 350, 20, 15]
    ];
    // Median days from launch to live: 7 services live → the 4th (rheumatology, 341 days = 11.2 months);
    // 8 live → mean of the 4th and 5th ((341 + 467) / 2 = 404 days = 13.3 months).
    const medianMonths = [11.2, 11.2, 13.3, 13.3, 13.3];
    expect(headline).toEqual(
      expected.map(
        (
          [as_of, previous_as_of, approachedServices, live, approached, consented, registered, carer, professional],
          i
        ) => ({
          as_of,
          previous_as_of,
          services_total: 13,
          services_approached: approachedServices,
          services_live: live,
          approached,
          consented,
          registered,
          registration_rate: registered / consented,
          shared_with_carer: carer,
          shared_with_professional: professional,
          sharing_rate: (carer + professional) / registered,
          median_months_launch_to_live: medianMonths[i]
        })
      )
    );
  });
});

describe('reaim', () => {
  const NOTE_CORE =
    'Expected: the 5 core tabs (general library, discussions, laboratory, imaging, calendar) in every live service.';

  it('gives every RE-AIM dimension at 2017-02-06', async () => {
    const reaim = await rows(`SELECT dimension, measure, numerator, denominator, value, note FROM reaim
      WHERE as_of = '2017-02-06' ORDER BY dimension, measure`);
    expect(reaim).toEqual([
      {
        dimension: 'adoption',
        measure: 'organisations with a live service / organisations approached',
        numerator: 2,
        denominator: 4,
        value: 0.5,
        note: 'An organisation counts as adopting once any of its services is live.'
      },
      {
        dimension: 'adoption',
        measure: 'services live / services approached',
        numerator: 8,
        denominator: 13,
        value: 8 / 13,
        note: 'Services live at the as-of date out of every service approached by then.'
      },
      {
        dimension: 'effectiveness',
        measure: 'outcomes',
        numerator: null,
        denominator: null,
        value: null,
        note: 'not measured: uptake exports carry no outcome data (for example PROMs, missed appointments, patient experience).'
      },
      {
        dimension: 'implementation',
        measure: 'additional features per live service',
        numerator: 23,
        denominator: 8,
        value: 2.875,
        note: 'Mean number of additional features (messaging, service-specific library content, ...) enabled per live service.'
      },
      {
        dimension: 'implementation',
        measure: 'core features enabled / core features expected (live services)',
        numerator: 40,
        denominator: 40,
        value: 1,
        note: NOTE_CORE
      },
      // Of the 7 services live 6+ months, neuro-oncology and haematology registered nobody new since 2017-01-31.
      {
        dimension: 'maintenance',
        measure: 'services live 6+ months with registrations growing / services live 6+ months',
        numerator: 5,
        denominator: 7,
        value: 5 / 7,
        note: 'Registrations compared with the snapshot of 2017-01-31; 6 months = 183 days live.'
      },
      {
        dimension: 'reach',
        measure: 'registered / consented',
        numerator: 350,
        denominator: 600,
        value: 350 / 600,
        note: 'All services. A proxy for reach where the eligible population is unknown: the share of patients who consented that went on to register.'
      },
      // Colposcopy 74 + renal 80 + psychosis 12 registered, of 1000 + 600 + 60 eligible.
      {
        dimension: 'reach',
        measure: 'registered / eligible',
        numerator: 166,
        denominator: 1660,
        value: 0.1,
        note: 'Covers only the 3 services that report an eligible population; the others are in registered / consented.'
      },
      {
        dimension: 'reach',
        measure: 'sharing with a carer or professional / registered',
        numerator: 35,
        denominator: 350,
        value: 0.1,
        note: 'Sharing grants per registered patient: a patient sharing with both a carer and a professional counts twice, so this is an upper bound.'
      }
    ]);
  });

  it('has the same nine measures at every as-of date', async () => {
    const perDate = await rows('SELECT as_of, count(*)::INTEGER AS measures FROM reaim GROUP BY as_of ORDER BY as_of');
    expect(perDate).toEqual(AS_OF_DATES.map((as_of) => ({ as_of, measures: 9 })));
  });

  it('says maintenance is not measurable at the first as-of date, and compares with the previous one after', async () => {
    const maintenance = await rows(
      `SELECT as_of, numerator, denominator, note FROM reaim WHERE dimension = 'maintenance' ORDER BY as_of`
    );
    expect(maintenance.map((r) => [r.as_of, r.numerator, r.denominator])).toEqual([
      ['2016-10-31', null, null],
      // Colposcopy (live 2016-06-27) reaches 183 days on 2016-12-27, so it joins the denominator at 2016-12-31.
      ['2016-11-30', 6, 6],
      ['2016-12-31', 7, 7],
      ['2017-01-31', 7, 7],
      ['2017-02-06', 5, 7]
    ]);
    expect(maintenance[0].note).toBe('not measurable: needs an earlier snapshot to compare registrations with.');
  });

  it('counts a feature only from its enabled_on date', async () => {
    const implementation = await rows(`SELECT as_of, numerator, denominator FROM reaim
      WHERE measure = 'additional features per live service' ORDER BY as_of`);
    // Renal's care plan (2016-12-12) and hepatology's library content (live 2016-12-05) arrive between Nov and Dec.
    expect(implementation.map((r) => [r.as_of, r.numerator, r.denominator])).toEqual([
      ['2016-10-31', 21, 7],
      ['2016-11-30', 21, 7],
      ['2016-12-31', 23, 8],
      ['2017-01-31', 23, 8],
      ['2017-02-06', 23, 8]
    ]);
  });

  it('falls back to registered / consented when no service reports an eligible population', async () => {
    await withOwnDemo(async (run, rows) => {
      await run(`UPDATE snapshot SET eligible = NULL WHERE as_of = '2016-10-31'`);
      const [withoutEligible] = await rows(`SELECT numerator, denominator, value, note FROM reaim
        WHERE as_of = '2016-10-31' AND measure = 'registered / eligible'`);
      expect(withoutEligible).toEqual({
        numerator: null,
        denominator: null,
        value: null,
        note: 'No service reports an eligible population, so reach is shown as registered / consented instead.'
      });
    });
  });
});

describe('column types', () => {
  it('keeps counts INTEGER and rates and months DOUBLE in every view', async () => {
    const columns = await rows(`
      SELECT table_name, column_name, data_type FROM information_schema.columns
      WHERE table_name IN ('setup_duration', 'uptake_funnel', 'feature_fidelity', 'adoption_by_setting', 'programme_headline', 'reaim')`);
    const wrong = columns.filter((c) => {
      const name = String(c.column_name);
      if (/(_rate|_fidelity|^months_|_months|^value)/.test(name) || name.startsWith('median_months'))
        return c.data_type !== 'DOUBLE';
      const count =
        /^(eligible|approached|consented|registered|activated|active_90d|shared_with_\w+|services_\w+|core_enabled|core_total|additional_enabled|numerator|denominator)$/;
      if (count.test(name) || /^(days_|planned_days_|slippage_days)/.test(name)) return c.data_type !== 'INTEGER';
      return false;
    });
    expect(wrong).toEqual([]);
    expect(columns.length).toBeGreaterThan(60);
  });
});

describe('history: the latest loaded row wins', () => {
  it('uses a re-sent snapshot, the newest service details, feature and programme file', async () => {
    await withOwnDemo(async (run, rows) => {
      const later = `'resent', TIMESTAMP '2017-02-08 09:00:00'`;
      await run(
        `INSERT INTO snapshot VALUES (DATE '2017-02-06', 'IMP-COLP', 1000, 410, 205, 80, NULL, NULL, 2, 1, 0, TIMESTAMP '2017-02-08 09:00:00')`
      );
      await run(`INSERT INTO service SELECT * REPLACE ('Colposcopy clinic' AS service_name, 'resent' AS source_sha256,
        TIMESTAMP '2017-02-08 09:00:00' AS loaded_at) FROM service WHERE service_id = 'IMP-COLP'`);
      await run(
        `INSERT INTO feature VALUES ('IMP-COLP', 'messaging', 'additional', true, DATE '2017-02-01', ${later})`
      );
      await run(`INSERT INTO programme VALUES ('CIE (renamed)', DATE '2014-10-01', 'resent')`);
      await run(`INSERT INTO load_file VALUES
        ('b2', 'programme.csv', 'resent', 'programme', 'uptake', TIMESTAMP '2017-02-08 09:00:00', 1, NULL, 'loaded', 60, DEFAULT)`);

      const [funnel] = await rows(`SELECT service_name, approached, registered FROM uptake_funnel
        WHERE as_of = '2017-02-06' AND service_id = 'IMP-COLP'`);
      expect(funnel).toEqual({ service_name: 'Colposcopy clinic', approached: 410, registered: 80 });
      const [headline] = await rows(`SELECT approached, registered FROM programme_headline WHERE as_of = '2017-02-06'`);
      expect(headline).toEqual({ approached: 1010, registered: 356 });
      const [fidelity] = await rows(`SELECT additional_enabled FROM feature_fidelity WHERE service_id = 'IMP-COLP'`);
      expect(fidelity.additional_enabled).toBe(4);
      expect(await rows('SELECT programme FROM programme_latest')).toEqual([{ programme: 'CIE (renamed)' }]);
      // Two service rows for colposcopy now, still one per service in the status view.
      expect(await rows(`SELECT count(*)::INTEGER AS n FROM service_status WHERE as_of = '2017-02-06'`)).toEqual([
        { n: 13 }
      ]);
    });
  });
});
