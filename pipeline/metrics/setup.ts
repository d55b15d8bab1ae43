/**
 * Service status and setup duration (seed report Table 1): where each service stood at each as-of date, and how long it
 * took to go live — from programme launch, from first approach, and against its planned go-live date.
 */
import { monthsFromDays } from './arithmetic.ts';

export const SETUP_VIEWS_SQL = `
-- One row per (as-of date, service): every service known to the programme, judged at that date. A service with a
-- go-live date counts as approached even if its approach date is missing.
CREATE OR REPLACE VIEW service_status AS
  SELECT
    d.as_of,
    s.service_id, s.service_name, s.organisation, s.setting, s.specialty, s.sensitive, s.in_original_bid,
    s.approached_on, s.planned_live_on, s.live_on,
    coalesce(s.approached_on <= d.as_of OR s.live_on <= d.as_of, false) AS is_approached,
    coalesce(s.live_on <= d.as_of, false) AS is_live,
    CASE
      WHEN s.live_on <= d.as_of THEN 'live'
      WHEN s.approached_on <= d.as_of THEN 'in setup'
      ELSE 'not approached'
    END AS status
  FROM as_of_date d
  CROSS JOIN service_latest s;

-- Durations in days (exact) and months (days / 30.4375, 1 dp). Go-live figures are NULL for a service not live at the
-- as-of date; days_in_setup and days_overdue describe services still in setup instead.
CREATE OR REPLACE VIEW setup_duration AS
  WITH days AS (
    SELECT
      st.*,
      p.launched_on,
      CASE WHEN st.is_live THEN (st.live_on - p.launched_on)::INTEGER END AS days_launch_to_live,
      CASE WHEN st.is_live THEN (st.live_on - st.approached_on)::INTEGER END AS days_approach_to_live,
      (st.planned_live_on - p.launched_on)::INTEGER AS planned_days_launch_to_live,
      CASE WHEN st.is_live THEN (st.live_on - st.planned_live_on)::INTEGER END AS slippage_days,
      CASE WHEN st.status = 'in setup' THEN (st.as_of - st.approached_on)::INTEGER END AS days_in_setup,
      -- Past its planned go-live date and still not live: how far behind it is at the as-of date.
      CASE WHEN st.status = 'in setup' AND st.planned_live_on < st.as_of
        THEN (st.as_of - st.planned_live_on)::INTEGER END AS days_overdue
    FROM service_status st
    LEFT JOIN programme_latest p ON true
  )
  SELECT
    as_of, service_id, service_name, organisation, setting, specialty, sensitive, in_original_bid,
    approached_on, planned_live_on, live_on, status,
    launched_on,
    days_launch_to_live,
    ${monthsFromDays('days_launch_to_live')} AS months_launch_to_live,
    days_approach_to_live,
    ${monthsFromDays('days_approach_to_live')} AS months_approach_to_live,
    planned_days_launch_to_live,
    slippage_days,
    ${monthsFromDays('slippage_days')} AS slippage_months,
    days_in_setup,
    days_overdue
  FROM days;
`;
