/**
 * The programme's headline figures per as-of date: the Overview page's numbers, and the funder report's. One
 * computation: the `programme_headline` view is it over every service, and the Overview
 * (pipeline/dashboard/overview.ts) runs the same statement narrowed to the services its organisation and setting
 * filters choose. Patient counts are summed over every service in the export; services are counted from service_status.
 */
import { monthsFromDays, rate } from './arithmetic.ts';

/** Which rows the headline sums; SQL conditions on a per-service view's row, by its alias. */
export interface HeadlineScope {
  /** A condition on `<alias>.as_of`, so only the dates wanted are summed; every as-of date when absent. */
  dates?: (alias: string) => string;
  /** A condition on `<alias>.organisation` and `<alias>.setting`; every service when absent. */
  services?: (alias: string) => string;
}

/**
 * The headline as one SELECT: a row per as-of date (with the one before it), services counted, patients summed, and
 * rates and the median worked out from those sums. A date whose scope holds no service has zero services and no
 * patient figures (NULL: not reported), never a missing row. Patients are summed from uptake_funnel, which carries each
 * service's organisation and setting for the scope.
 */
export function headlineSql(scope: HeadlineScope = {}): string {
  const where = (alias: string) =>
    [scope.dates?.(alias), scope.services?.(alias)].filter((c) => c !== undefined).join(' AND ') || 'true';
  return `
  WITH services AS (
    SELECT
      s.as_of,
      count(*)::INTEGER AS services_total,
      count(*) FILTER (WHERE s.is_approached)::INTEGER AS services_approached,
      count(*) FILTER (WHERE s.is_live)::INTEGER AS services_live
    FROM service_status s
    WHERE ${where('s')}
    GROUP BY s.as_of
  ),
  patients AS (
    SELECT
      u.as_of,
      sum(u.approached)::INTEGER AS approached,
      sum(u.consented)::INTEGER AS consented,
      sum(u.registered)::INTEGER AS registered,
      sum(u.shared_with_carer)::INTEGER AS shared_with_carer,
      sum(u.shared_with_professional)::INTEGER AS shared_with_professional
    FROM uptake_funnel u
    WHERE ${where('u')}
    GROUP BY u.as_of
  ),
  setup AS (
    -- Median of the exact day counts, then converted, so rounding happens once.
    SELECT d.as_of, median(d.days_launch_to_live) AS median_days_launch_to_live
    FROM setup_duration d
    WHERE ${where('d')}
    GROUP BY d.as_of
  )
  SELECT
    d.as_of,
    lag(d.as_of) OVER (ORDER BY d.as_of) AS previous_as_of,
    coalesce(v.services_total, 0)::INTEGER AS services_total,
    coalesce(v.services_approached, 0)::INTEGER AS services_approached,
    coalesce(v.services_live, 0)::INTEGER AS services_live,
    p.approached, p.consented, p.registered,
    ${rate('p.registered', 'p.consented')} AS registration_rate,
    p.shared_with_carer, p.shared_with_professional,
    -- Sharing grants per registered patient: a patient sharing with both a carer and a professional counts twice,
    -- so this is an upper bound on the share of patients who share at all.
    ${rate('p.shared_with_carer + p.shared_with_professional', 'p.registered')} AS sharing_rate,
    ${monthsFromDays('u.median_days_launch_to_live')} AS median_months_launch_to_live
  FROM as_of_date d
  LEFT JOIN services v USING (as_of)
  LEFT JOIN patients p USING (as_of)
  LEFT JOIN setup u USING (as_of)`;
}

export const HEADLINE_VIEWS_SQL = `
CREATE OR REPLACE VIEW programme_headline AS ${headlineSql()};
`;
