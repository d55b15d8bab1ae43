/**
 * The programme's headline figures per as-of date: the Overview page's numbers, and the funder report's.
 * Patient counts are summed over every service in the export; services are counted from service_status.
 */
import { monthsFromDays, rate } from './arithmetic.ts';

export const HEADLINE_VIEWS_SQL = `
CREATE OR REPLACE VIEW programme_headline AS
  WITH services AS (
    SELECT
      as_of,
      count(*)::INTEGER AS services_total,
      count(*) FILTER (WHERE is_approached)::INTEGER AS services_approached,
      count(*) FILTER (WHERE is_live)::INTEGER AS services_live
    FROM service_status
    GROUP BY as_of
  ),
  patients AS (
    SELECT
      as_of,
      sum(approached)::INTEGER AS approached,
      sum(consented)::INTEGER AS consented,
      sum(registered)::INTEGER AS registered,
      sum(shared_with_carer)::INTEGER AS shared_with_carer,
      sum(shared_with_professional)::INTEGER AS shared_with_professional
    FROM snapshot_latest
    GROUP BY as_of
  ),
  setup AS (
    -- Median of the exact day counts, then converted, so rounding happens once.
    SELECT as_of, median(days_launch_to_live) AS median_days_launch_to_live
    FROM setup_duration
    GROUP BY as_of
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
  LEFT JOIN setup u USING (as_of);
`;
