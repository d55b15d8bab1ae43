/**
 * A programme of 30 services (more than MANY_UNITS = 25), for the charts' many-unit forms (tests/charts-many.test.ts),
 * built so the expected figures can be worked out by hand:
 *  - launched and every service approached on 1 Jan 2015; as of 30 Jun 2017;
 *  - service i (1–30) went live 30 × i days after approach for i ≤ 24; 25–30 are still in setup; every service
 *    planned to go live on 1 Jan 2016;
 *  - at 30 Jun 2017 service i approached 10i, consented 5i, registered 2i, shared with a carer i, with a professional 0;
 *    at 30 Apr 2017 it had registered i − 1 (approached 10i, consented 5i).
 */
import type { SetupDurationRow, UptakeFunnelRow } from '../pipeline/charts/rows.ts';
import { setupDuration, type ServiceDates } from './chart-fixtures.ts';

export const MANY_AS_OF = '2017-06-30';
export const MANY_EARLIER = '2017-04-30';
const DAY = 86_400_000;
const LAUNCHED = Date.UTC(2015, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ids = Array.from({ length: 30 }, (_, k) => k + 1);
const id = (i: number) => `s${String(i).padStart(2, '0')}`;
const name = (i: number) => `Practice ${String(i).padStart(2, '0')}`;

export const MANY_SETUP_DATES: ServiceDates[] = ids.map((i) => ({
  service_id: id(i),
  service_name: name(i),
  launched_on: '2015-01-01',
  approached_on: '2015-01-01',
  planned_live_on: '2016-01-01',
  live_on: i <= 24 ? iso(LAUNCHED + 30 * i * DAY) : null
}));

export const MANY_SETUP_ROWS: SetupDurationRow[] = MANY_SETUP_DATES.map((d) => setupDuration(d, MANY_AS_OF));

export const MANY_FUNNEL_ROWS: UptakeFunnelRow[] = ids.flatMap((i) => [
  {
    as_of: MANY_EARLIER,
    service_id: id(i),
    service_name: name(i),
    approached: 10 * i,
    consented: 5 * i,
    registered: i - 1,
    shared_with_carer: 0,
    shared_with_professional: 0
  },
  {
    as_of: MANY_AS_OF,
    service_id: id(i),
    service_name: name(i),
    approached: 10 * i,
    consented: 5 * i,
    registered: 2 * i,
    shared_with_carer: i,
    shared_with_professional: 0
  }
]);

/** `services` services × `days` daily snapshots from 1 Jan 2020, registered growing by one a day from the service's index. */
export function dailyRows(services: number, days: number): UptakeFunnelRow[] {
  const rows: UptakeFunnelRow[] = [];
  for (let d = 0; d < days; d++) {
    const as_of = iso(Date.UTC(2020, 0, 1) + d * DAY);
    for (let s = 1; s <= services; s++)
      rows.push({
        as_of,
        service_id: id(s),
        service_name: name(s),
        approached: 3 * (s + d),
        consented: 2 * (s + d),
        registered: s + d,
        shared_with_carer: 0,
        shared_with_professional: 0
      });
  }
  return rows;
}
