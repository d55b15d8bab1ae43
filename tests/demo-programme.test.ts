/**
 * The demo programme (data/demo/) keeps its two promises: it is in Uptake's own templates, consistent as a loader
 * would demand, and it reproduces every fact the seed report states (docs/domain/evaluation-metrics.md).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../pipeline/warehouse/query.ts';
import { DEMO_DIR, openDemoWarehouse } from './helpers/demo-fixture.ts';

type Row = Record<string, unknown>;
let demo: Awaited<ReturnType<typeof openDemoWarehouse>>;
const rows = (sql: string) => queryRows<Row>(demo.warehouse.connection, sql);
const LAST = `DATE '2017-02-06'`;

beforeAll(async () => {
  demo = await openDemoWarehouse();
});
afterAll(() => demo?.dispose());

describe('the demo files', () => {
  const header = (name: string) => readFileSync(join(DEMO_DIR, name), 'utf8').split('\n')[0];

  it('use the template column names', () => {
    expect(header('programme.csv')).toBe('programme,launched_on');
    expect(header('services.csv')).toBe(
      'service_id,service_name,organisation,setting,specialty,sensitive,in_original_bid,approached_on,planned_live_on,live_on'
    );
    expect(header('features.csv')).toBe('service_id,feature,category,enabled,enabled_on');
    const uptake = readdirSync(DEMO_DIR)
      .filter((name) => name.startsWith('uptake-'))
      .sort();
    expect(uptake).toEqual([
      'uptake-2016-10-31.csv',
      'uptake-2016-11-30.csv',
      'uptake-2016-12-31.csv',
      'uptake-2017-01-31.csv',
      'uptake-2017-02-06.csv'
    ]);
    for (const name of uptake) {
      expect(header(name)).toBe(
        'as_of,service_id,approached,consented,registered,shared_with_carer,shared_with_professional,eligible'
      );
    }
  });

  it('hold counts a loader would accept: registered ≤ consented ≤ approached, sharing ≤ registered, never shrinking', async () => {
    const broken = await rows(`
      SELECT as_of, service_id FROM snapshot
      WHERE NOT (registered <= consented AND consented <= approached
                 AND shared_with_carer <= registered AND shared_with_professional <= registered
                 AND coalesce(eligible >= approached, true))`);
    expect(broken).toEqual([]);
    const shrinking = await rows(`
      SELECT service_id, as_of FROM (
        SELECT *, lag(approached) OVER w AS a0, lag(consented) OVER w AS c0, lag(registered) OVER w AS r0,
               lag(shared_with_carer) OVER w AS sc0, lag(shared_with_professional) OVER w AS sp0
        FROM snapshot WINDOW w AS (PARTITION BY service_id ORDER BY as_of))
      WHERE approached < a0 OR consented < c0 OR registered < r0 OR shared_with_carer < sc0 OR shared_with_professional < sp0`);
    expect(shrinking).toEqual([]);
  });

  it('report a service only once it has been approached, and patients only once it is live', async () => {
    const early = await rows(`
      SELECT n.as_of, n.service_id FROM snapshot n JOIN service s USING (service_id)
      WHERE s.approached_on > n.as_of OR (n.approached > 0 AND (s.live_on IS NULL OR s.live_on > n.as_of))`);
    expect(early).toEqual([]);
    const missing = await rows(`
      SELECT d.as_of, s.service_id FROM as_of_date d JOIN service s ON s.approached_on <= d.as_of
      ANTI JOIN snapshot n ON n.as_of = d.as_of AND n.service_id = s.service_id`);
    expect(missing).toEqual([]);
  });

  it('report an eligible population for a few services only', async () => {
    const eligible = await rows(`SELECT DISTINCT service_id FROM snapshot WHERE eligible IS NOT NULL ORDER BY 1`);
    expect(eligible.map((r) => r.service_id)).toEqual(['CNWL-EIP', 'IMP-COLP', 'IMP-RENAL']);
  });
});

describe("the report's facts at 2017-02-06", () => {
  it('has eight services live across two organisations: seven at Imperial, psychosis at CNWL', async () => {
    const live = await rows(`
      SELECT organisation, list(service_name ORDER BY service_name) AS services FROM service_status
      WHERE as_of = ${LAST} AND is_live GROUP BY organisation ORDER BY organisation`);
    expect(live).toEqual([
      { organisation: 'Central North West London NHS Foundation Trust', services: ['Early Intervention in Psychosis'] },
      {
        organisation: 'Imperial College Healthcare NHS Trust',
        services: [
          'Colposcopy',
          'Haematology',
          'Hepatology',
          'Interstitial lung disease',
          'Neuro-oncology',
          'Renal',
          'Rheumatology'
        ]
      }
    ]);
  });

  it('has Hillingdon preparing, no primary care live, and diabetes, elderly care and HIV never live', async () => {
    const notLive = await rows(`
      SELECT service_id, organisation, setting, sensitive, in_original_bid, status FROM service_status
      WHERE as_of = ${LAST} AND NOT is_live ORDER BY service_id`);
    expect(notLive).toEqual([
      {
        service_id: 'CNWL-ELD',
        organisation: 'Central North West London NHS Foundation Trust',
        setting: 'community',
        sensitive: false,
        in_original_bid: true,
        status: 'in setup'
      },
      {
        service_id: 'GP-WL',
        organisation: 'West London GP Practice Group',
        setting: 'primary care',
        sensitive: false,
        in_original_bid: true,
        status: 'in setup'
      },
      {
        service_id: 'IMP-DIAB',
        organisation: 'Imperial College Healthcare NHS Trust',
        setting: 'acute',
        sensitive: false,
        in_original_bid: true,
        status: 'in setup'
      },
      {
        service_id: 'IMP-HIV',
        organisation: 'Imperial College Healthcare NHS Trust',
        setting: 'acute',
        sensitive: true,
        in_original_bid: true,
        status: 'in setup'
      },
      {
        service_id: 'THH-RESP',
        organisation: 'The Hillingdon Hospital NHS Trust',
        setting: 'acute',
        sensitive: false,
        in_original_bid: false,
        status: 'in setup'
      }
    ]);
  });

  it('has two live services from the original bid (neuro-oncology, psychosis) and six recruited later', async () => {
    const bid = await rows(`
      SELECT in_original_bid, list(service_id ORDER BY service_id) AS services FROM service_status
      WHERE as_of = ${LAST} AND is_live GROUP BY in_original_bid ORDER BY in_original_bid`);
    expect(bid).toEqual([
      { in_original_bid: false, services: ['IMP-COLP', 'IMP-HAEM', 'IMP-HEP', 'IMP-ILD', 'IMP-RENAL', 'IMP-RHEUM'] },
      { in_original_bid: true, services: ['CNWL-EIP', 'IMP-NEURO'] }
    ]);
  });

  it('has neuro-oncology live at launch and psychosis (a sensitive mental health service) about nine months later', async () => {
    const setup = await rows(`
      SELECT service_id, setting, sensitive, months_launch_to_live FROM setup_duration
      WHERE as_of = ${LAST} AND service_id IN ('IMP-NEURO', 'CNWL-EIP') ORDER BY service_id`);
    expect(setup).toEqual([
      { service_id: 'CNWL-EIP', setting: 'mental health', sensitive: true, months_launch_to_live: 9 },
      { service_id: 'IMP-NEURO', setting: 'acute', sensitive: false, months_launch_to_live: 0 }
    ]);
  });

  it('has colposcopy approached last of the live services, live the same month, most approached, 37% registered', async () => {
    const [lastApproached] = await rows(`
      SELECT service_id, strftime(approached_on, '%Y-%m') = strftime(live_on, '%Y-%m') AS same_month
      FROM service_status WHERE as_of = ${LAST} AND is_live ORDER BY approached_on DESC LIMIT 1`);
    expect(lastApproached).toEqual({ service_id: 'IMP-COLP', same_month: true });
    const [mostApproached] = await rows(`
      SELECT service_id, round(100 * registration_rate)::INTEGER AS pct_registered FROM uptake_funnel
      WHERE as_of = ${LAST} ORDER BY approached DESC LIMIT 1`);
    expect(mostApproached).toEqual({ service_id: 'IMP-COLP', pct_registered: 37 });
  });

  it('has psychosis with 15 consented and 12 (80%) registered', async () => {
    const [psychosis] = await rows(`SELECT consented, registered, registration_rate FROM uptake_funnel
      WHERE as_of = ${LAST} AND service_id = 'CNWL-EIP'`);
    expect(psychosis).toEqual({ consented: 15, registered: 12, registration_rate: 0.8 });
  });

  it('has interstitial lung disease with the widest functionality and throughput like neuro-oncology', async () => {
    const [widest] = await rows('SELECT service_id FROM feature_fidelity ORDER BY additional_enabled DESC LIMIT 1');
    expect(widest.service_id).toBe('IMP-ILD');
    const throughput = await rows(`SELECT service_id, registered FROM uptake_funnel
      WHERE as_of = ${LAST} AND service_id IN ('IMP-ILD', 'IMP-NEURO') ORDER BY service_id`);
    expect(throughput).toEqual([
      { service_id: 'IMP-ILD', registered: 36 },
      { service_id: 'IMP-NEURO', registered: 34 }
    ]);
  });

  it('has all five core tabs in every live service', async () => {
    const incomplete = await rows(`
      SELECT f.service_id FROM feature_fidelity f JOIN service_status s USING (service_id)
      WHERE s.as_of = ${LAST} AND s.is_live AND f.core_enabled <> 5`);
    expect(incomplete).toEqual([]);
  });

  it('has low sharing: under 20% of registered patients in every service, 10% overall', async () => {
    const high = await rows(`SELECT service_id FROM uptake_funnel
      WHERE as_of = ${LAST} AND registered > 0 AND (shared_with_carer + shared_with_professional)::DOUBLE / registered >= 0.2`);
    expect(high).toEqual([]);
    const [headline] = await rows(`SELECT sharing_rate FROM programme_headline WHERE as_of = ${LAST}`);
    expect(headline.sharing_rate).toBe(0.1);
  });
});
