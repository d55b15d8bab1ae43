/**
 * Use of online functions (transactions per unit, function and month) and functionality over time (whether each
 * unit's system offers a function at each as-of date), from the unit_function table a long export's routing fills.
 * A value the source left blank or does not report is NULL, and the rates leave such units out of both numerator and
 * denominator, so a unit that did not report is never read as a unit with no use.
 */
import { rate } from './arithmetic.ts';

export const USAGE_VIEWS_SQL = `
CREATE OR REPLACE VIEW unit_function_latest AS
  SELECT * EXCLUDE (rn) FROM (
    SELECT *, row_number() OVER (PARTITION BY as_of, service_id, function ORDER BY loaded_at DESC) AS rn FROM unit_function
  ) WHERE rn = 1;

-- One row per unit, as-of date and function, with the unit's registered and eligible patients that month.
CREATE OR REPLACE VIEW usage_by_unit AS
  SELECT
    f.as_of, f.service_id, f.function,
    f.transactions, f.enabled_patients, f.offered,
    n.registered::INTEGER AS registered,
    n.eligible::INTEGER AS eligible,
    f.transactions IS NOT NULL AS transactions_reported,
    n.registered IS NOT NULL AS registered_reported,
    ${rate('f.transactions', 'n.registered')} AS transactions_per_registered,
    ${rate('f.enabled_patients', 'n.registered')} AS enabled_rate
  FROM unit_function_latest f
  LEFT JOIN snapshot_latest n USING (as_of, service_id);

-- Per as-of date and function, over the units that reported both the transactions and their registered patients.
CREATE OR REPLACE VIEW usage_by_function AS
  WITH sums AS (
    SELECT
      as_of, function,
      count(*) AS units,
      count(*) FILTER (WHERE transactions_reported AND registered_reported) AS units_reporting,
      sum(transactions) FILTER (WHERE transactions_reported AND registered_reported) AS transactions,
      sum(registered) FILTER (WHERE transactions_reported AND registered_reported) AS registered
    FROM usage_by_unit
    GROUP BY as_of, function
  )
  SELECT
    as_of, function,
    units::INTEGER AS units,
    units_reporting::INTEGER AS units_reporting,
    transactions::INTEGER AS transactions,
    registered::INTEGER AS registered,
    ${rate('transactions', 'registered')} AS transactions_per_registered,
    units_reporting > 0 AS reported
  FROM sums;

-- "% of units offering X at each date": of the units that reported the flag; the others are counted as not reported.
CREATE OR REPLACE VIEW function_offering AS
  WITH counts AS (
    SELECT
      as_of, function,
      count(*) AS units,
      count(offered) AS units_reporting,
      count(*) FILTER (WHERE offered) AS units_offering
    FROM unit_function_latest
    GROUP BY as_of, function
  )
  SELECT
    as_of, function,
    units::INTEGER AS units,
    units_reporting::INTEGER AS units_reporting,
    (units - units_reporting)::INTEGER AS units_not_reported,
    units_offering::INTEGER AS units_offering,
    ${rate('units_offering', 'units_reporting')} AS offering_rate,
    units_reporting > 0 AS reported
  FROM counts;
`;
