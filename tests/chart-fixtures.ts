/**
 * Small, fixed data for the chart tests (tests/charts.test.ts): an illustrative programme, not the demo data.
 * Launched 1 Oct 2014; as of 6 Feb 2017: four services live (two late), two in set-up (one overdue), one not approached.
 */
import type {
  AdoptionBySettingRow,
  FeatureMatrixRow,
  SetupDurationRow,
  UptakeFunnelRow
} from '../pipeline/charts/rows.ts';

export const LAUNCHED_ON = '2014-10-01';
export const AS_OF = '2017-02-06';

/** A service's set-up dates, as loaded. */
export interface ServiceDates {
  service_id: string;
  service_name: string;
  launched_on: string;
  approached_on: string | null;
  planned_live_on: string | null;
  live_on: string | null;
}

const DAY_MS = 86_400_000;
const days = (from: string | null, to: string | null) =>
  from == null || to == null ? null : (Date.parse(to) - Date.parse(from)) / DAY_MS;

/**
 * The `setup_duration` row for these dates at `asOf`, worked out by hand from the view's rules (live when live_on <=
 * as_of, in setup when approached_on <= as_of, durations in days) so the chart tests need no database;
 * tests/dashboard/setup-view-rows.test.ts checks these rows against the view itself.
 */
export function setupDuration(dates: ServiceDates, asOf: string): SetupDurationRow {
  const live = dates.live_on != null && dates.live_on <= asOf;
  const inSetup = !live && dates.approached_on != null && dates.approached_on <= asOf;
  return {
    as_of: asOf,
    service_id: dates.service_id,
    service_name: dates.service_name,
    launched_on: dates.launched_on,
    planned_live_on: dates.planned_live_on,
    live_on: dates.live_on,
    status: live ? 'live' : inSetup ? 'in setup' : 'not approached',
    days_launch_to_live: live ? days(dates.launched_on, dates.live_on) : null,
    days_approach_to_live: live ? days(dates.approached_on, dates.live_on) : null,
    planned_days_launch_to_live: days(dates.launched_on, dates.planned_live_on),
    slippage_days: live ? days(dates.planned_live_on, dates.live_on) : null,
    days_in_setup: inSetup ? days(dates.approached_on, asOf) : null,
    days_overdue:
      inSetup && dates.planned_live_on != null && dates.planned_live_on < asOf
        ? days(dates.planned_live_on, asOf)
        : null
  };
}

function service(
  service_id: string,
  service_name: string,
  approached_on: string | null,
  planned_live_on: string | null,
  live_on: string | null
): ServiceDates {
  return { service_id, service_name, launched_on: LAUNCHED_ON, approached_on, planned_live_on, live_on };
}

/** The services' dates; `SETUP_ROWS` is them judged at AS_OF, `setupRowsAt` at another date. */
export const SETUP_DATES: ServiceDates[] = [
  // live on the day of launch, as planned (0.0 months)
  service('neuro', 'Neuro-oncology', '2014-09-01', '2014-10-01', '2014-10-01'),
  // live 1 Oct 2015, planned 1 Jun 2015: 122 days late = 4.0 months
  service('eip', 'Early intervention in psychosis', '2015-01-05', '2015-06-01', '2015-10-01'),
  // live 3 Aug 2015, earlier than planned (1 Sep 2015)
  service('ild', 'Interstitial lung disease', '2015-03-02', '2015-09-01', '2015-08-03'),
  // live 7 Mar 2016, planned 4 Jan 2016: 63 days late = 2.1 months
  service('rheum', 'Rheumatology', '2015-06-01', '2016-01-04', '2016-03-07'),
  // live 26 Sep 2016, before its plan (3 Oct 2016); approached 1 Sep 2016
  service('colp', 'Colposcopy & cervical screening', '2016-09-01', '2016-10-03', '2016-09-26'),
  // in set-up since 2 Feb 2015, planned 1 Dec 2015: overdue by 433 days = 14.2 months at 6 Feb 2017
  service('diab', 'Diabetes', '2015-02-02', '2015-12-01', null),
  // in set-up since 1 Nov 2016, planned for 3 Apr 2017 (not yet due)
  service('hill', 'Hillingdon paediatrics', '2016-11-01', '2017-04-03', null),
  // never approached
  service('elder', 'Elderly care', null, null, null),
  // goes live after the as-of date: at 6 Feb 2017 it is still in set-up, 5 days overdue
  service('derm', 'Dermatology', '2016-06-01', '2017-02-01', '2017-03-01')
];

export const setupRowsAt = (asOf: string): SetupDurationRow[] => SETUP_DATES.map((d) => setupDuration(d, asOf));
export const SETUP_ROWS: SetupDurationRow[] = setupRowsAt(AS_OF);

function funnel(
  as_of: string,
  service_id: string,
  service_name: string,
  [approached, consented, registered, shared_with_carer, shared_with_professional]: (number | null)[]
): UptakeFunnelRow {
  return {
    as_of,
    service_id,
    service_name,
    approached,
    consented,
    registered,
    shared_with_carer,
    shared_with_professional
  };
}

/** Registered per service at four monthly snapshots (the trend); the other counts matter only on 6 Feb 2017. */
const REGISTERED_BY_DATE: Record<string, Record<string, number>> = {
  '2016-11-07': { neuro: 22, eip: 8, ild: 14, rheum: 1, colp: 10, diab: 0 },
  '2016-12-05': { neuro: 25, eip: 10, ild: 16, rheum: 3, colp: 20, diab: 0 },
  '2017-01-09': { neuro: 28, eip: 11, ild: 18, rheum: 4, colp: 30, diab: 0 }
};

const NAMES: Record<string, string> = Object.fromEntries(SETUP_ROWS.map((r) => [r.service_id, r.service_name]));

/** uptake_funnel at 6 Feb 2017: [approached, consented, registered, shared_with_carer, shared_with_professional]. */
export const FUNNEL_AT_AS_OF: UptakeFunnelRow[] = [
  funnel(AS_OF, 'neuro', NAMES.neuro, [60, 40, 30, 3, 5]),
  funnel(AS_OF, 'eip', NAMES.eip, [20, 15, 12, 2, 0]),
  funnel(AS_OF, 'ild', NAMES.ild, [55, 35, 20, 0, 0]),
  funnel(AS_OF, 'rheum', NAMES.rheum, [30, 10, 5, null, null]),
  funnel(AS_OF, 'colp', NAMES.colp, [150, 100, 37, 0, 2]),
  funnel(AS_OF, 'diab', NAMES.diab, [0, 0, 0, 0, 0])
];

/** uptake_funnel across all four as-of dates (earlier counts other than registered are set to plausible values). */
export const FUNNEL_ROWS: UptakeFunnelRow[] = [
  ...Object.entries(REGISTERED_BY_DATE).flatMap(([asOf, registered]) =>
    Object.entries(registered).map(([id, n]) => funnel(asOf, id, NAMES[id], [n * 2, n + 2, n, 0, 0]))
  ),
  ...FUNNEL_AT_AS_OF
];

export const CORE_FEATURES = ['general library', 'discussions', 'laboratory', 'imaging', 'calendar'];
export const ADDITIONAL_FEATURES = [
  'messaging',
  'service-specific library content',
  'care plans',
  'patient-entered data'
];

function features(
  service_id: string,
  core: Record<string, boolean | string>,
  additional: Record<string, boolean>
): FeatureMatrixRow[] {
  const row = (feature: string, category: string, state: boolean | string): FeatureMatrixRow => ({
    service_id,
    service_name: NAMES[service_id],
    feature,
    category,
    enabled: state !== false,
    // A string is the date the feature was switched on; `true` means on since go-live (date not recorded).
    enabled_on: typeof state === 'string' ? state : null
  });
  return [
    ...CORE_FEATURES.map((f) => row(f, 'core', core[f] ?? true)),
    ...Object.entries(additional).map(([f, on]) => row(f, 'additional', on))
  ];
}

/**
 * feature_matrix. At 6 Feb 2017: core 5/5 for neuro, ild, colp; 4/5 for eip (calendar only from 1 Mar 2017) and rheum
 * (no imaging). Additional: neuro 2, eip 0, ild 4, rheum 1 (care plans not reported), colp 2; messaging in 4 services.
 * Rows come additional-first for rheum to show that columns follow category, not row order.
 */
export const FEATURE_ROWS: FeatureMatrixRow[] = [
  ...features(
    'neuro',
    {},
    { messaging: true, 'service-specific library content': true, 'care plans': false, 'patient-entered data': false }
  ),
  ...features(
    'eip',
    { calendar: '2017-03-01' },
    { messaging: false, 'service-specific library content': false, 'care plans': false, 'patient-entered data': false }
  ),
  ...features(
    'ild',
    { laboratory: '2015-09-01' },
    { messaging: true, 'service-specific library content': true, 'care plans': true, 'patient-entered data': true }
  ),
  ...features(
    'rheum',
    { imaging: false },
    { messaging: true, 'service-specific library content': false, 'patient-entered data': false }
  ).reverse(),
  ...features(
    'colp',
    {},
    { messaging: true, 'service-specific library content': false, 'care plans': false, 'patient-entered data': true }
  )
];

/** adoption_by_setting at 6 Feb 2017 and one earlier date (ignored by the chart). Social care is missing on purpose. */
export const SETTING_ROWS: AdoptionBySettingRow[] = [
  { as_of: AS_OF, setting: 'acute', services_total: 7, services_approached: 6, services_live: 4 },
  { as_of: AS_OF, setting: 'mental health', services_total: 1, services_approached: 1, services_live: 1 },
  { as_of: AS_OF, setting: 'community', services_total: 2, services_approached: 1, services_live: 0 },
  { as_of: AS_OF, setting: 'primary care', services_total: 3, services_approached: 2, services_live: 0 },
  { as_of: '2017-01-09', setting: 'acute', services_total: 7, services_approached: 5, services_live: 3 }
];
